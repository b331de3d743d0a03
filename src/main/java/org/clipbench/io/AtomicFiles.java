package org.clipbench.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes that never leave a half-written file: write a sibling temp file, then rename over the target. The temp file
 * is created as an ordinary file (its mode from the umask, like any file the user makes), not by createTempFile,
 * whose 0600 made every result unreadable to the user's group.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    public static void write(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "." + Thread.currentThread().getId() + "."
                + System.nanoTime() + ".tmp");
        try {
            Files.write(tmp, content, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
            move(tmp, target);
        } catch (java.nio.file.FileSystemException e) {
            throw e;
        } catch (IOException e) {
            // a full disk is a bare "No space left on device", naming no file: say which one could not be written
            throw (IOException) new java.nio.file.FileSystemException(target.toString(), null, e.getMessage()).initCause(e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void writeString(Path target, String content) throws IOException {
        write(target, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Renames source onto target atomically (same folder). */
    public static void move(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
