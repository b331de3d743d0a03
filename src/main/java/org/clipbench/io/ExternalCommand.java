package org.clipbench.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program that ClipBench waits on (a --jvm check, sbatch) with a time limit. Its output goes to a
 * temporary file, not a pipe: reading a pipe to its end waited for ever on a program that never exits (or
 * whose child keeps the pipe open), before any time limit applied. At the limit the whole process tree is
 * killed (its descendants listed before the parent goes: after, they are no longer its descendants).
 */
public final class ExternalCommand {
    private ExternalCommand() {
    }

    /** What a finished program left: its exit code and its output (stdout and stderr together). */
    public record Result(int exit, String output) {
        /** The last non-blank line of the output, or "(no output)". */
        public String lastLine() {
            return output.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).map(String::strip).orElse("(no output)");
        }
    }

    /** The program did not finish within its limit (it and its children were killed). */
    public static final class TimedOut extends Exception {
        private final Duration limit;

        TimedOut(List<String> command, Duration limit) {
            super(String.join(" ", command) + " did not finish within " + limit.toSeconds() + " s (killed)");
            this.limit = limit;
        }

        public Duration limit() {
            return limit;
        }
    }

    /** Runs the command in workDir (null: this process's) and waits at most `limit`; IOException when it cannot start. */
    public static Result run(List<String> command, Path workDir, Duration limit) throws IOException, InterruptedException, TimedOut {
        Path output = Files.createTempFile("clipbench-cmd", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
            if (workDir != null) pb.directory(workDir.toFile());
            Process p = pb.start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(p.toHandle());
                throw new TimedOut(command, limit);
            }
            return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Kills a process and every descendant, forcibly, and waits (briefly) for the process to go. */
    public static void killTree(ProcessHandle root) throws InterruptedException {
        List<ProcessHandle> children = root.descendants().toList();
        root.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            root.onExit().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // a process the kernel has not reaped within 10 s after SIGKILL: nothing more to do from here
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
