package org.clipbench.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A results folder owned by one run: created under a name no other run has (two runs started in the
 * same second get "-2", "-3", ...), and held by an exclusive lock on its .lock file for as long as the
 * run writes into it, so that a second run (or a resume) into the same folder stops with an error
 * instead of mixing its output in. The OS releases the lock when the process dies, even by SIGKILL.
 */
public final class RunFolder implements AutoCloseable {
    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private RunFolder(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates root/name (or root/name-2, -3, ... if taken) and locks it. */
    public static RunFolder createUnique(Path root, String name) throws IOException {
        Files.createDirectories(root);
        for (int k = 1; ; k++) {
            Path dir = root.resolve(k == 1 ? name : name + "-" + k);
            try {
                Files.createDirectory(dir);
                return lock(dir);
            } catch (FileAlreadyExistsException taken) {
                if (!Files.isDirectory(dir)) {
                    throw new IllegalArgumentException(dir + ": a file is in the way of the results folder; move it or choose --results-root");
                }
            }
        }
    }

    /** Creates root/name (or name-2, ...) and returns it unlocked, for a runner that takes the lock itself. */
    public static Path createUniqueDir(Path root, String name) throws IOException {
        try (RunFolder f = createUnique(root, name)) {
            return f.dir();
        }
    }

    /** Creates the folder if needed and locks it; an error naming the folder if another run holds it. */
    public static RunFolder lock(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": is a file, not a results folder; choose another path");
        }
        Files.createDirectories(dir);
        FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            ch.close();
            throw new IllegalArgumentException(dir + " is in use by another ClipBench run (it holds " + dir.resolve(".lock")
                    + "); wait for that run to end, or write to another folder");
        }
        return new RunFolder(dir, ch, l);
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        if (lock.isValid()) lock.release();
        channel.close();
    }

    /**
     * A folder given to a command that writes one kind of results (a paper run, an A/B) must be empty or hold only that
     * kind: entries `ours` accepts, and hidden files (the lock). Anything else (a bench run, a sweep, someone's files)
     * would be written over or mixed in; the message names one entry that is in the way.
     */
    public static void requireEmptyOrOnly(Path dir, String kind, java.util.function.Predicate<String> ours) throws IOException {
        if (!java.nio.file.Files.isDirectory(dir)) return;
        try (var s = java.nio.file.Files.list(dir)) {
            var foreign = s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".") && !ours.test(n)).sorted().findFirst();
            if (foreign.isPresent()) {
                throw new IllegalArgumentException(dir + " holds something other than " + kind + " (" + foreign.get() + "): give --out an empty folder, or one of "
                        + kind + " to resume");
            }
        }
    }
}
