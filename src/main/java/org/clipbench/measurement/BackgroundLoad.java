package org.clipbench.measurement;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A reproducible background load for tests and experiments (issue 34): Debian's stress-ng at a set CPU or memory
 * load, started and stopped around a measurement, so that "holds on a busy machine" is something a test can check
 * rather than hope. The load is not pinned to a core: real neighbours are not either, and the scheduler moves it.
 */
public final class BackgroundLoad implements AutoCloseable {

    /**
     * What to run: cpuWorkers stress-ng CPU workers each busy cpuPercent of the time (1 at 50: "one core at 50%"),
     * and vmWorkers memory workers each writing and reading vmBytes (a neighbour that takes memory bandwidth).
     */
    public record Spec(String name, int cpuWorkers, int cpuPercent, int vmWorkers, String vmBytes) {
        public Spec {
            if (cpuWorkers < 0 || vmWorkers < 0 || cpuPercent < 0 || cpuPercent > 100) {
                throw new IllegalArgumentException("load '" + name + "': workers >= 0 and a CPU load in 0..100%");
            }
        }

        public static Spec none() {
            return new Spec("none", 0, 0, 0, "");
        }

        /** One core busy percent of the time. */
        public static Spec oneCore(int percent) {
            return new Spec("cpu" + percent, 1, percent, 0, "");
        }

        /** One worker streaming through bytes of memory (e.g. "1g"). */
        public static Spec memory(String bytes) {
            return new Spec("vm" + bytes, 0, 0, 1, bytes);
        }

        /** none, cpuN (one core at N%) or vmSIZE (one memory worker over SIZE, e.g. vm1g); IllegalArgumentException otherwise. */
        public static Spec parse(String s) {
            if (s.equals("none")) return none();
            if (s.matches("cpu(100|[1-9][0-9]?)")) return oneCore(Integer.parseInt(s.substring(3)));
            if (s.matches("vm[1-9][0-9]{0,5}[kmg]")) return memory(s.substring(2));
            throw new IllegalArgumentException("load '" + s + "': use none, cpuN (one core busy N% of the time, N in 1..100) or vmSIZE (a memory "
                    + "worker, e.g. vm1g)");
        }

        public boolean isNone() {
            return cpuWorkers == 0 && vmWorkers == 0;
        }

        /** The stress-ng command line (without a time limit: it runs until stopped). */
        public List<String> command(String stressNg) {
            List<String> c = new ArrayList<>(List.of(stressNg, "--quiet"));
            if (cpuWorkers > 0) c.addAll(List.of("--cpu", Integer.toString(cpuWorkers), "--cpu-load", Integer.toString(cpuPercent)));
            if (vmWorkers > 0) c.addAll(List.of("--vm", Integer.toString(vmWorkers), "--vm-bytes", vmBytes));
            return c;
        }
    }

    private final Spec spec;
    private final Process process;

    private BackgroundLoad(Spec spec, Process process) {
        this.spec = spec;
        this.process = process;
    }

    /** stress-ng on the PATH (or /usr/bin), or null when it is not installed. */
    public static String stressNg() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin").split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "stress-ng");
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    public static boolean available() {
        return stressNg() != null;
    }

    /**
     * Starts the load (nothing for none) and waits a moment so it is running when the measurement starts;
     * IllegalStateException naming the fix when stress-ng is missing or exits at once.
     */
    public static BackgroundLoad start(Spec spec) throws IOException {
        if (spec.isNone()) return new BackgroundLoad(spec, null);
        String bin = stressNg();
        if (bin == null) {
            throw new IllegalStateException("load '" + spec.name() + "' needs stress-ng, which is not installed: apt-get install stress-ng (.ci/run does)");
        }
        Process p = new ProcessBuilder(spec.command(bin)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (p.waitFor(300, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("stress-ng exited at once (code " + p.exitValue() + ") for load '" + spec.name() + "': run "
                        + String.join(" ", spec.command(bin)) + " to see why");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while starting stress-ng");
        }
        return new BackgroundLoad(spec, p);
    }

    public Spec spec() {
        return spec;
    }

    /** Stops stress-ng and its workers (SIGTERM, then SIGKILL after 5 s). */
    @Override
    public void close() {
        if (process == null) return;
        List<ProcessHandle> workers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%s)", spec.name(), spec.isNone() ? "no load" : String.join(" ", spec.command("stress-ng")));
    }
}
