package org.clipbench.jmhgrid;

import org.clipbench.bench.Benchmarks;
import org.clipbench.io.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.ProfilerConfig;

/**
 * Runs a grid with JMH, one combination at a time, in this JVM (JMH forks a fresh JVM per
 * combination). Each finished combination is saved atomically as jmh/&lt;id&gt;.json, so an interrupted
 * sweep keeps what finished and a rerun on the same folder skips it. ND4J's threads follow only
 * OMP_NUM_THREADS, which JMH cannot set per fork, so forks start through a small wrapper script that
 * exports OMP_NUM_THREADS for the combination's thread count and execs the chosen java.
 */
public final class BenchRunner {
    static final String BENCH_PACKAGE = "org.clipbench.bench.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final JmhSettings settings;
    private final String javaBin;
    private final List<String> forkArgs;
    private final CommandLineOptions raw;
    private final PrintStream out;
    /** The jar the forks load the benchmarks from, or null for this JVM's class path (an A/B's base build). */
    private final Path forkJar;
    /** Whether an unsteady result is run again with longer warm-up (never in an A/B: both sides are measured alike). */
    private final boolean steadyStateReruns;

    /** The outcome of a run: how many ran, were already there, and which failed (with JMH's message). */
    public record Outcome(int ran, int resumed, List<String> failures, int reruns) {
    }

    public BenchRunner(Path dir, JmhSettings settings, String java, List<String> forkArgs, List<String> rawJmhOptions,
                       PrintStream out) {
        this.dir = dir;
        this.settings = settings;
        this.javaBin = java;
        this.forkArgs = List.copyOf(forkArgs);
        this.out = out;
        this.raw = parseJmhOptions(rawJmhOptions);
        this.forkJar = null;
        this.steadyStateReruns = true;
    }

    private BenchRunner(BenchRunner b, Path dir, Path forkJar) {
        this.dir = dir;
        this.settings = b.settings;
        this.javaBin = b.javaBin;
        this.forkArgs = b.forkArgs;
        this.out = b.out;
        this.raw = b.raw;
        this.forkJar = forkJar;
        this.steadyStateReruns = false;
    }

    /**
     * The same runner writing into another folder with forks that load the benchmark classes from {@code jar}
     * (null: this JVM's class path). This JVM stays the JMH host, so the jar must carry the same JMH version
     * and the same benchmark methods and parameters (AbCompatibility checks). Runs made this way are never
     * rerun for steady state: an A/B pair must be measured alike on both sides.
     */
    public BenchRunner forking(Path intoDir, Path jar) {
        return new BenchRunner(this, intoDir, jar == null ? null : jar.toAbsolutePath());
    }

    /** JMH's own command-line options (e.g. "-f 2 -prof gc"); IllegalArgumentException if JMH rejects them. */
    public static CommandLineOptions parseJmhOptions(List<String> rawJmhOptions) {
        CommandLineOptions o;
        try {
            o = new CommandLineOptions(rawJmhOptions.toArray(String[]::new));
        } catch (org.openjdk.jmh.runner.options.CommandLineOptionException e) {
            throw new IllegalArgumentException("--jmh: JMH does not accept " + rawJmhOptions + ": " + e.getMessage());
        }
        for (int i = 0; i < rawJmhOptions.size(); i++) {
            String raw = rawJmhOptions.get(i);
            if (raw.equals("-bm") && i + 1 < rawJmhOptions.size() && rawJmhOptions.get(i + 1).equals("avgt")) continue;
            String why = switch (raw) {
                case "-rf", "-rff" -> "ClipBench writes JMH's JSON results itself (results.json and jmh/); another result format was ignored";
                case "-o" -> "ClipBench keeps JMH's log in the run folder; an -o file was ignored";
                case "-bm" -> "ClipBench measures average time per call (avgt), which every figure is derived from; another mode would be read as ns/op";
                default -> null;
            };
            if (why != null) throw new IllegalArgumentException("--jmh " + raw + ": not allowed: " + why);
        }
        for (ProfilerConfig p : o.getProfilers()) {
            try {
                org.openjdk.jmh.profile.ProfilerFactory.getProfilerOrException(p);
            } catch (org.openjdk.jmh.profile.ProfilerException e) {
                String why = e.getMessage().contains("ClassNotFound") ? "JMH has no profiler of that name"
                        : e.getMessage().lines().findFirst().orElse("");
                throw new IllegalArgumentException("--jmh: profiler '" + p.getKlass() + "' cannot be used here: " + why
                        + " (java -jar target/benchmarks.jar -lprof lists them)");
            }
        }
        return o;
    }

    /**
     * A -p of a parameter the grid sets (backend, data, threads, ...) was silently overridden by the grid: refused,
     * naming it. A -p of one the grid leaves alone (NormBenchmark's repeat, say) is JMH's to apply.
     */
    public static void refuseGridParameters(List<String> rawJmhOptions, List<Combo> grid) {
        java.util.Set<String> set = new java.util.TreeSet<>();
        for (Combo c : grid) set.addAll(c.params().keySet());
        for (int i = 0; i + 1 < rawJmhOptions.size(); i++) {
            if (!rawJmhOptions.get(i).equals("-p")) continue;
            String name = rawJmhOptions.get(i + 1).split("=", 2)[0];
            if (set.contains(name)) {
                throw new IllegalArgumentException("--jmh -p " + name + ": not allowed: the grid sets '" + name + "' for every combination (a -p of it "
                        + "was ignored); choose it with the grid's filters (--backends, --strategies, --data, --dtypes, --threads)");
            }
        }
    }

    /** Why a finished-looking result file is not a result (empty, truncated, no score), or null when it is one. */
    public static String invalidResult(Path f) {
        try {
            JsonNode n = JSON.readTree(f.toFile());
            if (n == null || !n.isArray() || n.isEmpty()) return "holds no JMH result (empty or not a JSON array)";
            for (JsonNode r : n) {
                if (!r.path("primaryMetric").path("score").isNumber()) return "a result without a score";
            }
            return null;
        } catch (IOException e) {
            return "cannot be read as JMH JSON (" + e.getMessage().lines().findFirst().orElse("") + ")";
        }
    }

    /** Moves a broken result aside to jmh/corrupt/ (kept for a look, never merged) so that its combination runs again. */
    static Path moveAside(Path f) throws IOException {
        Path aside = f.resolveSibling("corrupt").resolve(f.getFileName() + "." + System.currentTimeMillis());
        Files.createDirectories(aside.getParent());
        Files.move(f, aside);
        return aside;
    }

    public static Path resultFile(Path dir, Combo c) {
        return dir.resolve("jmh").resolve(c.id() + ".json");
    }

    public Outcome run(List<Combo> combos) throws IOException {
        cleanPartials(dir); // left by an interrupted run: never results, JMH had not finished them
        Files.createDirectories(dir.resolve("jmh"));
        Files.createDirectories(dir.resolve("logs"));
        int ran = 0, resumed = 0, index = 0, reruns = 0;
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        org.clipbench.measurement.NoiseCanary canary = null; // timed between combinations: how quiet the machine was for each
        for (Combo c : combos) {
            index++;
            if (canary == null && !Files.exists(resultFile(dir, c))) canary = org.clipbench.measurement.NoiseCanary.start(dir.resolve("canary.csv"));
            String progress = progress(index, combos.size(), index - 1 - resumed, (System.nanoTime() - start) / 1e9);
            Status status = runOne(c, String.format(Locale.ROOT, "[%s] %s", progress, c), failures);
            switch (status) {
                case RAN -> ran++;
                case RAN_TWICE -> { ran++; reruns++; }
                case ALREADY_DONE -> resumed++;
                case FAILED -> { }
            }
            if (canary != null && (status == Status.RAN || status == Status.RAN_TWICE)) canary.read(c.toString());
        }
        if (!failures.isEmpty()) {
            AtomicFiles.writeString(dir.resolve("failures.txt"), String.join("\n", failures) + "\n");
        } else {
            Files.deleteIfExists(dir.resolve("failures.txt"));
        }
        return new Outcome(ran, resumed, failures, reruns);
    }

    /**
     * "i/n, 3m05s, ~4m10s left": where a run is, its time so far and the time the combinations left would take at the
     * mean time of those measured so far (resumed ones took none); no estimate before the first is measured.
     */
    static String progress(int index, int total, int measured, double elapsedSeconds) {
        String s = index + "/" + total + ", " + duration(elapsedSeconds);
        if (measured > 0) s += ", ~" + duration(elapsedSeconds / measured * (total - index + 1)) + " left";
        return s;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    /** Whether an unsteady result is run again with longer warm-up: yes, but not for the forks of an A/B. */
    public boolean rerunsUnsteady() {
        return steadyStateReruns;
    }

    /** What became of one combination. */
    public enum Status { RAN, RAN_TWICE, ALREADY_DONE, FAILED }

    /**
     * Runs one combination into jmh/&lt;id&gt;.json unless a valid result is already there; a failure is
     * added to {@code failures} (combination :: JMH's message). {@code head} starts each printed line.
     */
    public Status runOne(Combo c, String head, List<String> failures) throws IOException {
        Files.createDirectories(dir.resolve("jmh"));
        Files.createDirectories(dir.resolve("logs"));
        Path done = resultFile(dir, c);
        if (Files.exists(done)) {
            String why = invalidResult(done);
            if (why == null) return Status.ALREADY_DONE;
            out.printf("%s: %s; moved to %s, running it again%n", dir.relativize(done), why, dir.relativize(moveAside(done)));
        }
        Path tmp = dir.resolve("jmh").resolve("." + c.id() + ".partial");
        try {
            Collection<RunResult> results = new Runner(options(c, tmp, 1)).run();
            if (results.isEmpty()) throw new RunnerException("JMH produced no result (no benchmark matched)");
            AtomicFiles.move(tmp, done);
            Status status = Status.RAN;
            String unsteady = unsteadiness(done);
            if (unsteady != null && steadyStateReruns && settings.rerunWarmupFactor() > 0 && !raw.getWarmupIterations().hasValue()) {
                // not at steady state: once more with longer warm-up; the rerun's result replaces the first
                out.printf("%s: not at steady state (%s); rerunning with %dx the warm-up%n", head, unsteady, settings.rerunWarmupFactor());
                results = new Runner(options(c, tmp, settings.rerunWarmupFactor())).run();
                if (results.isEmpty()) throw new RunnerException("JMH produced no result on the rerun");
                AtomicFiles.move(tmp, done);
                String still = unsteadiness(done);
                out.printf("%s: rerun %s%n", head, still == null ? "reached steady state" : "still not steady (" + still + "): flagged");
                status = Status.RAN_TWICE;
            }
            for (RunResult r : results) {
                var p = r.getPrimaryResult();
                out.printf(Locale.ROOT, "%s%s: %.1f ± %.1f %s%n", head,
                        results.size() > 1 ? " " + r.getParams().getBenchmark().replaceAll(".*\\.", "") : "",
                        p.getScore(), p.getScoreError(), p.getScoreUnit());
            }
            return status;
        } catch (RunnerException e) {
            Files.deleteIfExists(tmp);
            String why = rootMessage(e);
            failures.add(c + " :: " + why);
            out.printf("%s: FAILED (%s); log: %s%n", head, why, dir.relativize(logFile(c)));
            return Status.FAILED;
        }
    }

    /** Why a result file's iterations are not at steady state (measurement.SteadyState), or null when they are. */
    public static String unsteadiness(Path f) throws IOException {
        List<String> why = new ArrayList<>();
        for (JsonNode r : JSON.readTree(f.toFile())) {
            List<double[]> forks = new ArrayList<>();
            for (JsonNode fork : r.path("primaryMetric").path("rawData")) {
                double[] it = new double[fork.size()];
                for (int i = 0; i < it.length; i++) it[i] = fork.get(i).asDouble();
                forks.add(it);
            }
            var j = org.clipbench.measurement.SteadyState.judge(forks);
            if (!j.steady()) why.add(j.label());
        }
        return why.isEmpty() ? null : String.join("; ", why);
    }

    private Path logFile(Combo c) {
        return dir.resolve("logs").resolve(c.id() + ".log");
    }

    /** The one @Benchmark method a combination runs, or null for all of its class's methods. */
    static String methodOf(Combo c) {
        if (c.params().containsKey("method")) return c.params().get("method");
        if (c.benchmark().equals(Benchmarks.CLIP) && c.params().containsKey("data")) {
            return org.clipbench.bench.ClipBenchmark.methodFor(c.params().get("data"));
        }
        return null;
    }

    /** JMH options of a combination; warmupFactor multiplies its warm-up iterations (a rerun for steady state). */
    org.openjdk.jmh.runner.options.Options options(Combo c, Path resultTmp, int warmupFactor) throws IOException {
        int[] warmup = settings.warmupFor(c.benchmark());
        List<String> jvmArgs = new ArrayList<>(forkArgs);
        if (raw.getJvmArgsAppend().hasValue()) jvmArgs.addAll(raw.getJvmArgsAppend().get());
        // raw JMH options act as the parent: their -p parameters apply where the combination sets none
        ChainedOptionsBuilder b = new OptionsBuilder()
                .parent(raw)
                .include("^" + Pattern.quote(BENCH_PACKAGE + c.benchmark() + ".")
                        + (methodOf(c) != null ? Pattern.quote(methodOf(c)) + "$" : ""))
                .forks(raw.getForkCount().orElse(settings.forks()))
                .warmupIterations(raw.getWarmupIterations().orElse(warmup[0] * warmupFactor))
                .warmupTime(raw.getWarmupTime().orElse(TimeValue.milliseconds(warmup[1])))
                .measurementIterations(raw.getMeasurementIterations().orElse(settings.measurementIterations()))
                .measurementTime(raw.getMeasurementTime().orElse(TimeValue.milliseconds(settings.measurementMillis())))
                .jvm(wrapper(c.threads()).toString())
                .jvmArgsAppend(jvmArgs.toArray(String[]::new))
                .shouldFailOnError(true)
                .result(resultTmp.toString())
                .resultFormat(ResultFormatType.JSON)
                .output(logFile(c).toString());
        c.params().forEach((k, v) -> {
            if (!k.equals("method")) b.param(k, v); // "method" picks the @Benchmark method, it is no @Param
        });
        // raw profilers come through the parent; adding them again would register each twice
        boolean rawGc = raw.getProfilers().stream().anyMatch(p -> p.getKlass().equals("gc") || p.getKlass().endsWith("GCProfiler"));
        if (settings.gcProfiler() && !rawGc) b.addProfiler("gc");
        if (raw.getTimeUnit().hasValue()) b.timeUnit(raw.getTimeUnit().get());
        return b.build();
    }

    /** A script that pins OMP_NUM_THREADS and starts the chosen java; JMH uses it as its fork JVM. */
    private Path wrapper(int threads) throws IOException {
        Path w = dir.resolve("java-omp" + threads + ".sh");
        if (!Files.exists(w)) {
            String script = "#!/bin/sh\n# JMH fork launcher: ND4J reads OMP_NUM_THREADS once, at native load\n"
                    + "OMP_NUM_THREADS=" + threads + "\nexport OMP_NUM_THREADS\n"
                    + (forkJar == null ? "" : classPathSwap(forkJar))
                    + "exec '" + quoted(javaBin) + "' \"$@\"\n";
            AtomicFiles.writeString(w, script);
            Files.setPosixFilePermissions(w, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return w;
    }

    /**
     * Shell lines that replace the class path JMH gives its fork (the argument after -cp) by {@code jar}:
     * the fork then runs that build's benchmark code and reports to this JVM, the host.
     */
    static String classPathSwap(Path jar) {
        return "# the fork loads the benchmarks from another build's jar: the argument after -cp is replaced\n"
                + "n=$#; swap=0\n"
                + "for a in \"$@\"; do\n"
                + "  if [ $swap = 1 ]; then a='" + quoted(jar.toString()) + "'; swap=0; fi\n"
                + "  [ \"$a\" = -cp ] && swap=1\n"
                + "  set -- \"$@\" \"$a\"\n"
                + "done\n"
                + "shift $n\n";
    }

    private static String quoted(String s) {
        return s.replace("'", "'\\''");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    /** Deletes unfinished result files (".partial") of a results folder. */
    public static void cleanPartials(Path dir) {
        Path jmh = dir.resolve("jmh");
        if (!Files.isDirectory(jmh)) return;
        try (var files = Files.list(jmh)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".partial")).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // best effort: a later run cleans up again before it starts
        }
    }

    /** Concatenates every jmh/*.json of a results folder into one JMH-format array (results.json). */
    public static int merge(Path dir) throws IOException {
        ArrayNode all = JSON.createArrayNode();
        Path jmh = dir.resolve("jmh");
        if (Files.isDirectory(jmh)) {
            try (var files = Files.list(jmh)) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                    if (invalidResult(f) != null) continue; // run() moves these aside and redoes them
                    JsonNode n = JSON.readTree(f.toFile());
                    if (n != null && n.isArray()) n.forEach(all::add);
                }
            }
        }
        AtomicFiles.write(dir.resolve("results.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
        return all.size();
    }
}
