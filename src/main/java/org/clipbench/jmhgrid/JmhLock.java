package org.clipbench.jmhgrid;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * JMH lets one run at a time use a machine: it locks jmh.lock in the temp folder. A second bench started meanwhile
 * failed every combination on that lock, one after the other; this check says so once, before anything is written.
 */
public final class JmhLock {
    private JmhLock() {
    }

    /** The lock file JMH takes (its Runner uses java.io.tmpdir). */
    static Path file() {
        return Path.of(System.getProperty("java.io.tmpdir"), "jmh.lock");
    }

    /** Throws, naming the lock, when another JMH run on this machine holds it; takes nothing. */
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
    public static AutoCloseable hold() {
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
