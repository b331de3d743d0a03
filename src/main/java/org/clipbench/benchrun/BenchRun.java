package org.clipbench.benchrun;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.clipbench.bench.BenchSupport;
import org.clipbench.experiments.SweepConfig;
import org.clipbench.experiments.SweepRunner;
import org.clipbench.experiments.SweepSummary;
import org.clipbench.io.AtomicFiles;
import org.clipbench.io.Environment;
import org.clipbench.jmhgrid.BenchRunner;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.jmhgrid.Filters;
import org.clipbench.jmhgrid.Profile;
import org.clipbench.peer.PytorchPeer;
import org.clipbench.report.Report;

/**
 * One bench run in a locked results folder: records what it runs (grid.json, run.json, environment.json,
 * not-run.txt), measures the combinations left (and the peer), merges results.json, writes the report,
 * runs the profile's convergence sweeps and reports again. The bench command parses options and builds
 * the grid; this class does the run, so that it can also be driven without a command line.
 *
 * @param dir      the results folder, locked by the caller
 * @param settings what the run was started with (run.json), the same on a resume
 * @param filters  the filters that built the grid (recorded in environment.json)
 * @param shard    k/n when the grid is one shard of a larger one, else null
 * @param resumed  the folder already holds this run (its first environment.json and grid.json stay)
 */
public record BenchRun(Path dir, Settings settings, Filters filters, String shard, boolean resumed, PrintStream out) {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What a bench run was started with, saved as run.json so that --resume continues it exactly. */
    public record Settings(String profile, String jmh, String jvm, String forkHeap, String javacppCache, boolean noSweep,
                           List<String> peers) {
        /** The raw JMH options, split as a shell would (no quoting). */
        public List<String> jmhArgs() {
            return splitJmhOptions(jmh);
        }

        public static List<String> splitJmhOptions(String jmh) {
            return jmh == null || jmh.isBlank() ? List.of() : Arrays.asList(jmh.trim().split("\\s+"));
        }

        /** The java binary of the benchmark forks: --jvm, else this JVM's. */
        String javaBinary() {
            return jvm != null ? Path.of(jvm).toAbsolutePath().toString() : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }

        Profile profileNamed() {
            return Profile.named(profile);
        }
    }

    /** Runs the combinations (those already finished in the folder are kept); 1 when some failed, else 0. */
    public int execute(List<Combo> combos, Map<String, String> leftOut) throws IOException, InterruptedException {
        Profile p = settings.profileNamed();
        String java = settings.javaBinary();
        List<String> forkArgs = forkArgs(settings);
        PytorchPeer.Probe torch = settings.peers().contains(PytorchPeer.NAME) ? PytorchPeer.probe() : null;
        record(combos, leftOut, environment(p, java, forkArgs, torch));
        out.println("results: " + dir);
        BenchRunner.Outcome outcome = measure(combos, p, java, forkArgs, torch);
        int results = BenchRunner.merge(dir);
        out.printf("%d combinations run, %d already done, %d failed; %d results in %s%n", outcome.ran(), outcome.resumed(),
                outcome.failures().size(), results, dir.resolve("results.json"));
        out.printf("steady state: %d of %d combinations still moving when measured (%d rerun with longer warm-up); "
                + "flagged in the report's steady column%n", unsteadyCount(combos), combos.size(), outcome.reruns());
        if (results > 0) out.println(Files.readString(writeReport()));
        if (!settings.noSweep()) {
            runConvergenceSweeps(p);
            if (results > 0) writeReport(); // again, now with the convergence sweeps
        }
        if (!outcome.failures().isEmpty()) {
            System.err.println("failed combinations (see " + dir.resolve("failures.txt") + "):");
            outcome.failures().forEach(f -> System.err.println("  " + f));
            return 1;
        }
        return 0;
    }

    /** The benchmark forks' JVM flags: the Vector API, the heap, quiet compile commands, ND4J's native cache and limits. */
    static List<String> forkArgs(Settings settings) {
        return List.of(BenchSupport.VECTOR, "-Xmx" + settings.forkHeap(),
                BenchSupport.QUIET_COMPILE_COMMANDS, BenchSupport.KERNELS_NOT_INLINED,
                "-Dorg.bytedeco.javacpp.cachedir=" + Path.of(settings.javacppCache()).toAbsolutePath(),
                "-Dorg.bytedeco.javacpp.maxbytes=12g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=18g",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    }

    private byte[] environment(Profile p, String java, List<String> forkArgs, PytorchPeer.Probe torch) throws IOException {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("profile", p.name());
        extra.put("settings", p.settings());
        extra.put("command_line", System.getProperty(Environment.COMMAND_PROPERTY, "bench"));
        extra.put("filters", filters);
        extra.put("shard", shard);
        extra.put("benchmark_jvm", java);
        extra.put("benchmark_jvm_version", jvmVersion(java));
        extra.put("fork_jvm_args", forkArgs);
        if (torch != null) extra.put("peers", Map.of(PytorchPeer.NAME, PytorchPeer.describe(torch)));
        extra.put("omp_num_threads_per_fork", "OMP_NUM_THREADS = the combination's threads parameter (set by java-omp<t>.sh)");
        return JSON.writeValueAsBytes(Environment.capture(extra));
    }

    /** A new run writes what it will run; a resume keeps those and records its own environment beside the first. */
    private void record(List<Combo> combos, Map<String, String> leftOut, byte[] environment) throws IOException {
        if (resumed) {
            AtomicFiles.write(dir.resolve("logs").resolve("environment-resume-" + System.currentTimeMillis() + ".json"), environment);
            return;
        }
        AtomicFiles.write(dir.resolve("grid.json"), JSON.writeValueAsBytes(combos));
        AtomicFiles.write(dir.resolve("run.json"), JSON.writeValueAsBytes(settings));
        AtomicFiles.write(dir.resolve("environment.json"), environment);
        if (!leftOut.isEmpty()) {
            StringBuilder sb = new StringBuilder("# combinations of the profile that a backend cannot run (not run, not faked)\n");
            leftOut.forEach((c, why) -> sb.append(c).append("  # ").append(why).append('\n'));
            AtomicFiles.writeString(dir.resolve("not-run.txt"), sb.toString());
        }
    }

    /** The JMH combinations, then the peer; an interruption says how to resume (partial files removed). */
    private BenchRunner.Outcome measure(List<Combo> combos, Profile p, String java, List<String> forkArgs, PytorchPeer.Probe torch)
            throws IOException, InterruptedException {
        AtomicBoolean finished = new AtomicBoolean(false);
        Thread hint = new Thread(() -> {
            if (!finished.get()) {
                BenchRunner.cleanPartials(dir);
                System.err.println("\ninterrupted: finished combinations are saved in " + dir + "\nresume with: ./run-bench.sh --resume " + dir);
            }
        });
        Runtime.getRuntime().addShutdownHook(hint);
        BenchRunner.Outcome outcome = new BenchRunner(dir, p.settings(), java, forkArgs, settings.jmhArgs(), out).run(combos);
        if (torch != null) {
            String why = PytorchPeer.run(dir, torch, combos, p.settings(), out);
            if (why != null) {
                out.println("pytorch peer not run: " + why);
                AtomicFiles.writeString(dir.resolve("not-run.txt"), notRunText() + "pytorch peer  # " + why + "\n");
            }
        }
        finished.set(true);
        return outcome;
    }

    private void runConvergenceSweeps(Profile p) throws IOException, InterruptedException {
        for (String preset : sweepsOf(p.name())) {
            Path sweepDir = dir.resolve("convergence").resolve(preset);
            out.println("convergence sweep " + preset + " -> " + sweepDir);
            var o = SweepRunner.run(SweepConfig.preset(preset), sweepDir, Runtime.getRuntime().availableProcessors(), 1, 1, false, out);
            String md = SweepSummary.markdown(sweepDir);
            AtomicFiles.writeString(sweepDir.resolve("summary.md"), md);
            out.printf("%d runs, %d diverged%n%n%s%n", o.rows(), o.diverged(), md);
        }
    }

    /** The convergence sweeps a profile runs after its kernels. */
    public static List<String> sweepsOf(String profile) {
        return switch (profile) {
            case "smoke" -> List.of("smoke");
            case "quick" -> List.of("digits-quick");
            default -> List.of("digits", "addition");
        };
    }

    private long unsteadyCount(List<Combo> combos) throws IOException {
        long n = 0;
        for (Combo c : combos) {
            Path f = BenchRunner.resultFile(dir, c);
            if (Files.exists(f) && BenchRunner.invalidResult(f) == null && BenchRunner.unsteadiness(f) != null) n++;
        }
        return n;
    }

    private String notRunText() throws IOException {
        Path f = dir.resolve("not-run.txt");
        if (!Files.isRegularFile(f)) return "# what this run could not measure (not run, not faked)\n";
        return Files.readString(f).lines().filter(l -> !l.startsWith("pytorch peer")).map(l -> l + "\n").reduce("", String::concat);
    }

    /** The report of the results folder; returns its summary.md. */
    private Path writeReport() throws IOException {
        Report.build(List.of(dir), dir.resolve("report")).print(out, System.err);
        return dir.resolve("report").resolve("summary.md");
    }

    private static String jvmVersion(String javaBinary) {
        try {
            return org.clipbench.io.ExternalCommand.run(List.of(javaBinary, "-version"), null, java.time.Duration.ofSeconds(60)).output().lines()
                    .findFirst().orElse("");
        } catch (IOException | org.clipbench.io.ExternalCommand.TimedOut e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
