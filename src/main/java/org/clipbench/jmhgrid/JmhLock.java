package org.clipbench.jmhgrid;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * JMH lets one run at a time use a machine: it locks jmh.lock in the temp folder, but only while one Runner runs, so a
 * ClipBench run (one Runner per combination) leaves it free between combinations. A second bench started meanwhile
 * failed every combination on that lock, one after the other; and a check made once up front let two runs started in
 * the same second both pass. So a bench or A/B run holds a lock of its own, clipbench-jmh.lock beside JMH's, from
 * before its first combination to its end ({@link #hold}): taking it is the check, atomic, and the OS drops it when
 * the process dies.
 */
public final class JmhLock {
    private JmhLock() {
    }

    /** The lock file JMH takes (its Runner uses java.io.tmpdir). */
    static Path file() {
        return Path.of(System.getProperty("java.io.tmpdir"), "jmh.lock");
    }

    /** ClipBench's own, held for a whole run. */
    static Path runFile() {
        return Path.of(System.getProperty("java.io.tmpdir"), "clipbench-jmh.lock");
    }

    /** The machine, held by one run: close it when the run ends. */
    public static final class Held implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private Held(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() throws IOException {
            if (lock.isValid()) lock.release();
            channel.close();
        }
    }

    /**
     * Takes the run lock, or throws naming it when another ClipBench run holds it; then checks that no other JMH (another
     * tool's) holds JMH's lock. Nothing is written before this returns.
     */
    public static Held hold() throws IOException {
        Path f = runFile();
        FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this JVM holds it: a run is under way here
        }
        if (lock == null) {
            ch.close();
            throw new IllegalArgumentException("another ClipBench bench or ab run on this machine holds " + f + ": wait for it to finish "
                    + "(two runs at once would also measure each other), or stop it");
        }
        Held held = new Held(ch, lock);
        try {
            requireFree();
            return held;
        } catch (RuntimeException e) {
            held.close();
            throw e;
        }
    }

    /** Throws, naming the lock, when another JMH run on this machine holds JMH's lock; takes nothing. */
    public static void requireFree() {
        Path f = file();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) throw busy(f);
            lock.release();
        } catch (OverlappingFileLockException e) {
            throw busy(f); // this JVM holds it: a run is under way here
        } catch (IOException e) {
            // an unwritable temp folder is JMH's to report; nothing to say about another run
        }
    }

    /**
     * Takes JMH's lock for this process until closed, and lets this process's own JMH runs go on without it: an A/B
     * runs two of them at once (a duet), and each would otherwise refuse the lock the other holds. Other JMH runs on
     * the machine see it held, as they would see one run's.
     */
    public static AutoCloseable holdForDuets() {
        Path f = file();
        try {
            FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ch.close();
                throw busy(f);
            }
            System.setProperty("jmh.ignoreLock", "true"); // read once, when JMH's Runner class loads
            return () -> {
                lock.release();
                ch.close();
            };
        } catch (OverlappingFileLockException e) {
            throw busy(f);
        } catch (IOException e) {
            return () -> { }; // an unwritable temp folder is JMH's to report
        }
    }

    private static IllegalArgumentException busy(Path f) {
        return new IllegalArgumentException("another JMH run on this machine holds " + f + ": wait for it to finish (two runs at once would also "
                + "measure each other), or stop it");
    }
}
