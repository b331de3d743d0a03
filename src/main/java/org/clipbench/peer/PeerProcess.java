package org.clipbench.peer;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An external process the suite waits on (a peer's interpreter), with a deadline: one that has not exited by then
 * is killed with every process it started (a peer script's own workers, a shell wrapper's child), so that nothing
 * it left behind keeps a core or the peer's lock.
 */
public final class PeerProcess {
    private PeerProcess() {
    }

    /** How a wait ended: the exit code, or timedOut (the process tree was killed). */
    public record Ending(boolean timedOut, int exitCode) {
    }

    /** Waits up to seconds for p to exit; past that, kills its tree and says so. */
    public static Ending waitFor(Process p, long seconds) throws InterruptedException {
        if (p.waitFor(seconds, TimeUnit.SECONDS)) return new Ending(false, p.exitValue());
        killTree(p.toHandle());
        p.waitFor(10, TimeUnit.SECONDS);
        return new Ending(true, -1);
    }

    /**
     * Kills a process and its descendants. The descendants are listed first: once the parent is gone they are
     * re-parented and no longer found through it. The parent goes first so that it cannot start more.
     */
    public static void killTree(ProcessHandle h) {
        List<ProcessHandle> descendants = h.descendants().toList();
        h.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /** Starts pb; an IOException (no such program) becomes a one-line reason. */
    public static Process start(ProcessBuilder pb) throws IOException {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new IOException(pb.command().get(0) + ": cannot be started (" + e.getMessage() + ")", e);
        }
    }
}
