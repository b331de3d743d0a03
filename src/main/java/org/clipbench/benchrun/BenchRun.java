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
import org.clipbench.peer.JaxPeer;
import org.clipbench.peer.PythonPeers;
import org.clipbench.peer.PytorchPeer;
import org.clipbench.peer.SpeedPeer;
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
                           List<String> peers, String python, boolean noAccuracy) {
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
        Peers peers = Peers.find(settings);
        record(combos, leftOut, environment(p, java, forkArgs, peers));
        out.println("results: " + dir);
        List<String> failures = new java.util.ArrayList<>();
        BenchRunner.Outcome outcome = measure(combos, p, java, forkArgs, peers, failures);
        int results = BenchRunner.merge(dir);
        out.printf("%d combinations run, %d already done, %d failed; %d results in %s%n", outcome.ran(), outcome.resumed(),
                outcome.failures().size(), results, dir.resolve("results.json"));
        out.printf("steady state: %d of %d combinations still moving when measured (%d rerun with longer warm-up); "
                + "flagged in the report's steady column%n", unsteadyCount(combos), combos.size(), outcome.reruns());
        boolean accuracy = runsAccuracy(p) && runAccuracy(p.accuracyPlan(), failures);
        if (results > 0 || accuracy) out.println(Files.readString(writeReport()));
        if (!settings.noSweep() && !p.blocks().isEmpty()) {
            runConvergenceSweeps(p);
            if (results > 0) writeReport(); // again, now with the convergence sweeps
        }
        if (!failures.isEmpty()) {
            AtomicFiles.writeString(dir.resolve("failures.txt"), String.join("\n", failures) + "\n");
            System.err.println("failed combinations and peer cases (see " + dir.resolve("failures.txt") + "):");
            failures.forEach(f -> System.err.println("  " + f));
            return 1;
        }
        return 0;
    }

    /**
     * The speed peers a run asked for, found among the Python interpreters ({@link PythonPeers}): each one that can run,
     * and for each that cannot, why.
     */
    record Peers(List<SpeedPeer> running, Map<String, String> notRunning, PythonPeers.Discovery discovery) {
        static Peers find(Settings s) throws InterruptedException {
            if (s.peers().isEmpty()) return new Peers(List.of(), Map.of(), null);
            PythonPeers.Discovery d = PythonPeers.discover(s.python());
            List<SpeedPeer> running = new java.util.ArrayList<>();
            Map<String, String> notRunning = new LinkedHashMap<>();
            for (String name : s.peers()) {
                if (name.equals(PytorchPeer.NAME)) {
                    d.newestTorch().ifPresentOrElse(i -> running.add(PytorchPeer.in(i)), () -> notRunning.put(name, d.whyNo("torch", PytorchPeer.INSTALL)));
                } else if (name.equals(JaxPeer.NAME)) {
                    d.jax().ifPresentOrElse(i -> running.add(JaxPeer.in(i)), () -> notRunning.put(name, d.whyNo("jax and optax", JaxPeer.INSTALL)));
                }
            }
            return new Peers(List.copyOf(running), notRunning, d);
        }

        /** What environment.json records: each peer's interpreter and versions, or why it did not run, and every interpreter asked. */
        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            for (SpeedPeer sp : running) m.put(sp.name(), sp.describe());
            notRunning.forEach((name, why) -> m.put(name, Map.of("unavailable", why)));
            if (discovery != null) {
                List<Map<String, Object>> asked = new java.util.ArrayList<>();
                for (PythonPeers.Interpreter i : discovery.found()) {
                    Map<String, Object> one = new LinkedHashMap<>();
                    one.put("interpreter", i.path());
                    one.put("python", i.python());
                    one.put("torch", i.torch());
                    one.put("jax", i.jax());
                    one.put("optax", i.optax());
                    asked.add(one);
                }
                m.put("interpreters", asked);
                if (!discovery.problems().isEmpty()) m.put("not_interpreters", discovery.problems());
            }
            return m;
        }
    }

    /**
     * Whether this run measures the profile's accuracy table: the whole profile (no grid filter, not a shard: one
     * table per run, not one per shard), unless --no-accuracy; the accuracy profile always.
     */
    boolean runsAccuracy(Profile p) {
        if (p.accuracyPlan() == null) return false;
        if (p.blocks().isEmpty()) return true;
        return !settings.noAccuracy() && shard == null && (filters == null || filters.isEmpty());
    }

    /**
     * The profile's accuracy plan in a JVM of its own (its heap sized for the plan's largest gradient, OMP_NUM_THREADS=1
     * for ND4J), into accuracy/, under a deadline; a complete earlier one (a resume) is kept. True when accuracy/ holds
     * results; a failure is added to failures.
     */
    private boolean runAccuracy(String plan, List<String> failures) throws IOException, InterruptedException {
        Path acc = dir.resolve("accuracy");
        if (Files.isRegularFile(acc.resolve("complete.json"))) return true;
        org.clipbench.accuracy.AccuracyPlan ap = org.clipbench.accuracy.AccuracyPlan.named(plan);
        long heap = accuracyHeap(ap);
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                BenchSupport.VECTOR, "-Xmx" + (heap >> 20) + "m", "-cp", System.getProperty("java.class.path"),
                "org.clipbench.cli.Main", "norms", "accuracy", "--plan", plan, "--out", acc.toString(),
                "--peers", settings.peers().isEmpty() ? "none" : String.join(",", settings.peers())));
        if (settings.python() != null) cmd.addAll(List.of("--python", settings.python()));
        Path log = Files.createDirectories(dir.resolve("logs")).resolve("accuracy.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("OMP_NUM_THREADS", "1");
        long seconds = accuracySeconds(ap);
        out.printf("accuracy (plan %s): its own JVM with a %d MiB heap, up to %d min; log: %s%n", plan, heap >> 20, seconds / 60, dir.relativize(log));
        PeerProcessWait end = PeerProcessWait.of(pb, seconds);
        if (end.why() != null) {
            failures.add("accuracy (plan " + plan + ") :: " + end.why() + " (log: " + dir.relativize(log) + ")");
            out.println("accuracy: " + end.why());
        }
        return Files.isRegularFile(acc.resolve("accuracy.csv"));
    }

    /** The heap of the accuracy JVM: its largest gradient and another backend's copy of it, at most 60% of the machine's memory. */
    public static long accuracyHeap(org.clipbench.accuracy.AccuracyPlan plan) {
        long wanted = 2 * plan.largestBytes() + (1L << 30);
        long physical = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return Math.max(1L << 30, Math.min(wanted, (long) (0.6 * physical)));
    }

    /** The accuracy JVM's deadline: 200 ns per generated entry and implementation, with an hour's margin. */
    static long accuracySeconds(org.clipbench.accuracy.AccuracyPlan plan) {
        double entries = 0;
        for (int k : plan.log2Sizes()) entries += (double) (1L << k) * plan.laws().size() * plan.dtypes().size();
        return 3600 + (long) (entries * 20 * 200e-9);
    }

    /** A child process waited on under a deadline: why it failed (non-zero exit, or killed at the deadline with its tree), or null. */
    record PeerProcessWait(String why) {
        static PeerProcessWait of(ProcessBuilder pb, long seconds) throws IOException, InterruptedException {
            Process child = org.clipbench.peer.PeerProcess.start(pb);
            org.clipbench.peer.PeerProcess.Ending e = org.clipbench.peer.PeerProcess.waitFor(child, seconds);
            if (e.timedOut()) return new PeerProcessWait("did not finish within " + seconds / 60 + " min: killed with its process tree");
            return new PeerProcessWait(e.exitCode() == 0 ? null : "exited with " + e.exitCode());
        }
    }

    /** The benchmark forks' JVM flags: the Vector API, the heap, quiet compile commands, ND4J's native cache and limits. */
    static List<String> forkArgs(Settings settings) {
        return List.of(BenchSupport.VECTOR, "-Xmx" + settings.forkHeap(),
                BenchSupport.QUIET_COMPILE_COMMANDS, BenchSupport.KERNELS_NOT_INLINED,
                "-Dorg.bytedeco.javacpp.cachedir=" + Path.of(settings.javacppCache()).toAbsolutePath(),
                "-Dorg.bytedeco.javacpp.maxbytes=12g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=18g",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    }

    private byte[] environment(Profile p, String java, List<String> forkArgs, Peers peers) throws IOException {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("profile", p.name());
        extra.put("settings", p.settings());
        extra.put("command_line", System.getProperty(Environment.COMMAND_PROPERTY, "bench"));
        extra.put("filters", filters);
        extra.put("shard", shard);
        extra.put("benchmark_jvm", java);
        extra.put("benchmark_jvm_version", jvmVersion(java));
        extra.put("fork_jvm_args", forkArgs);
        if (!settings.peers().isEmpty()) extra.put("peers", peers.describe());
        if (runsAccuracy(p)) extra.put("accuracy_plan", p.accuracyPlan() + " (accuracy/: its own JVM; accuracy/plan.json and accuracy/complete.json)");
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
    private BenchRunner.Outcome measure(List<Combo> combos, Profile p, String java, List<String> forkArgs, Peers peers, List<String> failures)
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
        failures.addAll(outcome.failures());
        Map<String, String> notRun = new LinkedHashMap<>(peers.notRunning());
        for (SpeedPeer sp : peers.running()) {
            List<Map<String, Object>> cases = sp.name().equals(JaxPeer.NAME) ? JaxPeer.cases(combos) : PytorchPeer.cases(combos);
            if (cases.isEmpty()) {
                notRun.put(sp.name(), "the grid has nothing the peer measures");
                continue;
            }
            SpeedPeer.Outcome o = sp.run(dir, cases, p.settings(), out);
            out.printf("%s peer: %d cases measured, %d kept from before, %d failed%n", sp.name(), o.measured(), o.resumed(), o.failures().size());
            failures.addAll(o.failures());
        }
        notRun.forEach((name, why) -> out.println(name + " peer not run: " + why));
        StringBuilder text = new StringBuilder(notRunText());
        notRun.forEach((name, why) -> text.append(name).append(" peer  # ").append(why).append('\n'));
        if (!notRun.isEmpty() || Files.exists(dir.resolve("not-run.txt"))) AtomicFiles.writeString(dir.resolve("not-run.txt"), text.toString());
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
        return Files.readString(f).lines().filter(l -> !l.matches("[a-z]+ peer  # .*")).map(l -> l + "\n").reduce("", String::concat);
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
