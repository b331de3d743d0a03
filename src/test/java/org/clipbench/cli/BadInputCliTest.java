package org.clipbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Bad input tried as a new user would (the reliability issue's list): every row must end in exit 2
 * and one line on stderr that starts with "error:", names the problem, and holds no stack trace. Rows
 * are (what, arguments built from the fixture folder, a fragment the message must contain).
 */
class BadInputCliTest {
    @TempDir
    static Path tmp;
    static Path hugeWidth, hugeBatch, hugeDim;
    static Path fakeJava, oneRun, twoRuns, tinyScore, deep, nanFolder;
    static Path good, empty, nanScore, otherGrid, aFile, aFolder, sweepA, sweepB, negative, zero, thrpt, headerOnly, twiceListed, dupKey, trailing, benchFolder;

    @BeforeAll
    static void fixtures() throws Exception {
        Path src = Path.of("src/test/resources/fixtures/run-a/results.json");
        String json = Files.readString(src);
        good = Files.writeString(tmp.resolve("good.json"), json);
        empty = Files.writeString(tmp.resolve("empty.json"), "[]");
        nanScore = Files.writeString(tmp.resolve("nan.json"), json.replaceFirst("(\"rawData\": \\[\\s*\\[\\s*)990\\.0", "$1\"NaN\""));
        otherGrid = Files.writeString(tmp.resolve("other.json"), json.replace("flat-4K", "flat-64K"));
        aFile = Files.writeString(tmp.resolve("a-file"), "x");
        aFolder = Files.createDirectories(tmp.resolve("a-folder"));
        sweepA = Files.createDirectories(tmp.resolve("sweep-a"));
        sweepB = Files.createDirectories(tmp.resolve("sweep-b"));
        Files.writeString(sweepA.resolve("runs.csv"), "run_id,final_loss\nr1,0.5\n");
        Files.writeString(sweepB.resolve("runs.csv"), "run_id,final_loss\nr2,0.5\n");
        // issue 29: numbers that cannot be true were accepted, and reported as results
        negative = Files.writeString(tmp.resolve("negative.json"), json.replaceFirst("(\"rawData\": \\[\\s*\\[\\s*)990\\.0", "$1-990.0"));
        zero = Files.writeString(tmp.resolve("zero.json"), json.replaceFirst("\"score\": 1000\\.0", "\"score\": 0.0"));
        thrpt = Files.writeString(tmp.resolve("thrpt.json"), json.replace("\"avgt\"", "\"thrpt\"").replace("ns/op", "ops/ns"));
        headerOnly = Files.createDirectories(tmp.resolve("sweep-header-only"));
        Files.writeString(headerOnly.resolve("runs.csv"), "run_id,final_loss\n");
        twiceListed = Files.createDirectories(tmp.resolve("sweep-twice"));
        Files.writeString(twiceListed.resolve("runs.csv"), "run_id,final_loss\nr1,0.5\nr1,0.6\n");
        String sweep = "{\"name\": \"x\", \"problem\": {\"type\": \"mean\"}, \"lrs\": [0.1], \"strategies\": [\"none\"], \"seeds\": [1]}";
        dupKey = Files.writeString(tmp.resolve("dup.json"), sweep.replace("{\"name\": \"x\",", "{\"name\": \"x\", \"name\": \"y\","));
        trailing = Files.writeString(tmp.resolve("trailing.json"), sweep + " {\"more\": 1}");
        String mlp = "{\"name\": \"x\", \"problem\": {\"type\": \"mlp\", \"dataset\": \"breast-cancer\", \"width\": W, \"batch\": B}, \"lrs\": [0.1], "
                + "\"strategies\": [\"none\"], \"seeds\": [1], \"steps\": 2}";
        hugeWidth = Files.writeString(tmp.resolve("width.json"), mlp.replace("W", "1073741824").replace("B", "16"));
        hugeBatch = Files.writeString(tmp.resolve("batch.json"), mlp.replace("W", "16").replace("B", "1000000000"));
        hugeDim = Files.writeString(tmp.resolve("dim.json"), sweep.replace("{\"type\": \"mean\"}", "{\"type\": \"quadratic\", \"dim\": 2147483647}"));
        oneRun = Files.writeString(tmp.resolve("one-run.json"), sweep);
        // issue 36: a time below any physical bound, a JMH run whose scores are NaN, and a JSON document nested 100,000 deep
        tinyScore = Files.writeString(tmp.resolve("tiny.json"), json.replaceFirst("\"score\": 1000\\.0", "\"score\": 4.9E-324")
                .replaceFirst("(\"rawData\": \\[\\s*\\[\\s*)990\\.0,\\s*1000\\.0,\\s*1010\\.0", "$14.9E-324, 4.9E-324, 4.9E-324"));
        nanFolder = Files.createDirectories(tmp.resolve("nan-run"));
        Files.writeString(nanFolder.resolve("results.json"), json.replaceAll("\"score\": [0-9.]+", "\"score\": \"NaN\"")
                .replaceAll("(?<=[\\[,]\\s{0,20})[0-9]+\\.[0-9]+(?=\\s*[,\\]])", "\"NaN\""));
        deep = Files.writeString(tmp.resolve("deep.json"), "[".repeat(100_000) + "]".repeat(100_000));
        twoRuns = Files.writeString(tmp.resolve("two-runs.json"), sweep.replace("[1]", "[1, 2]"));
        benchFolder = Files.createDirectories(tmp.resolve("a-bench-run"));
        // issue 36: answers -version as java does, fails at anything else (JMH then failed every fork)
        fakeJava = executable(tmp.resolve("fake-java"), "#!/bin/sh\nif [ \"$1\" = -version ]; then echo 'openjdk version \"17.0.9\" 2023-10-17' >&2; exit 0; fi\n"
                + "echo 'Error: this is not really java' >&2; exit 1\n");
        Files.writeString(benchFolder.resolve("results.json"), json);
    }

    static Path executable(Path f, String script) throws java.io.IOException {
        Files.writeString(f, script);
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    record Row(String what, Function<Path, String[]> args, String fragment) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Row row(String what, String fragment, Function<Path, String[]> args) {
        return new Row(what, args, fragment);
    }

    static Stream<Arguments> rows() {
        List<Row> r = new ArrayList<>();
        // compare: a CI gate must never pass on nothing
        r.add(row("compare, empty candidate", "holds no benchmark results", t -> a("compare", good, empty)));
        r.add(row("compare, nothing in common", "no benchmark with the same parameters", t -> a("compare", good, otherGrid)));
        r.add(row("compare, a NaN iteration", "non-finite score", t -> a("compare", good, nanScore)));
        r.add(row("compare, sweep folders with no run in common", "no run in common", t -> a("compare", sweepA, sweepB)));
        r.add(row("privacy without --sigma or --target-epsilon", "give either --sigma", t -> a("privacy", "--sampling-rate", "0.01", "--steps", "100")));
        r.add(row("privacy with a sampling rate above 1", "sampling rate q must be in [0, 1]",
                t -> a("privacy", "--sampling-rate", "1.5", "--steps", "100", "--sigma", "1")));
        r.add(row("privacy with delta 0", "delta must be in (0, 1)", t -> a("privacy", "--sampling-rate", "0.01", "--steps", "100", "--sigma", "1", "--delta", "0")));
        r.add(row("privacy with no steps", "--steps must be at least 1", t -> a("privacy", "--sampling-rate", "0.01", "--steps", "0", "--sigma", "1")));
        r.add(row("compare, no argument", "give BASE and CANDIDATE", t -> a("compare")));
        r.add(row("compare, one argument", "give BASE and CANDIDATE", t -> a("compare", good)));
        r.add(row("compare --ab, not a folder", "--ab", t -> a("compare", "--ab", t.resolve("nowhere").toString())));
        r.add(row("compare --ab with BASE", "give no BASE or CANDIDATE with it", t -> a("compare", "--ab", t.toString(), good)));
        r.add(row("ab with an empty --base", "--base is empty", t -> a("ab", "--base", "", "--out", t.resolve("ab").toString())));
        r.add(row("ab with one pair", "--pairs 1", t -> a("ab", "--base", t.toString(), "--pairs", "1", "--out", t.resolve("ab").toString())));
        r.add(row("ab with a fork count of its own", "an A/B sets the forks itself", t -> a("ab", "--base", t.toString(), "--jmh", "-f 2", "--out",
                t.resolve("ab").toString())));
        r.add(row("ab with bad candidate JMH options", "--jmh: JMH does not accept", t -> a("ab", "--base", t.toString(), "--candidate-jmh", "-zz",
                "--out", t.resolve("ab").toString())));
        r.add(row("compare --out at a folder", "is a folder", t -> a("compare", good, good, "--out", aFolder)));
        r.add(row("compare, missing input", "no such file or folder", t -> a("compare", good, tmp.resolve("missing.json"))));
        // bench
        r.add(row("bench --threads 3 (no benchmark has 3)", "--threads 3: no benchmark", t -> a("bench", "--threads", "3", "--dry-run")));
        r.add(row("bench --data of another profile", "--data gpt2-small: no benchmark of profile smoke",
                t -> a("bench", "--profile", "smoke", "--data", "gpt2-small", "--dry-run")));
        r.add(row("bench --sizes (the older name of --data) of another profile", "--data gpt2-small: no benchmark of profile smoke",
                t -> a("bench", "--profile", "smoke", "--sizes", "gpt2-small", "--dry-run")));
        r.add(row("bench --jmh with an unknown profiler", "profiler 'nosuchprof'", t -> a("bench", "--jmh", "-prof nosuchprof", "--dry-run")));
        r.add(row("bench --results-root at a file", "a file is in the way",
                t -> a("bench", "--profile", "smoke", "--benchmarks", "BandwidthBenchmark", "--results-root", aFile.resolve("sub"))));
        r.add(row("bench --out at a file", "is a file", t -> a("bench", "--profile", "smoke", "--benchmarks", "BandwidthBenchmark", "--out", aFile)));
        r.add(row("bench --resume with --profile", "--resume takes every setting", t -> resumable(t, "--profile", "quick")));
        r.add(row("bench --resume with --shard", "--resume takes every setting", t -> resumable(t, "--shard", "1/2")));
        // sweep
        r.add(row("sweep --lrs Infinity", "must be finite", t -> a("sweep", "--preset", "smoke", "--lrs", "Infinity", "--out", t.resolve("s"))));
        r.add(row("sweep --lrs with a repeat", "lists 0.1 twice", t -> a("sweep", "--preset", "smoke", "--lrs", "0.1,0.1", "--out", t.resolve("s"))));
        r.add(row("sweep --resume with --lrs", "--resume takes the sweep", t -> sweepResumable(t, "--lrs", "0.5")));
        r.add(row("sweep into a folder holding another sweep", "holds another sweep", t -> otherSweepInFolder(t)));
        r.add(row("sweep --config missing", "does not exist", t -> a("sweep", "--config", tmp.resolve("nope.json"))));
        // report and reproduce
        r.add(row("report of a missing folder", "no such results folder", t -> a("report", tmp.resolve("missing"))));
        r.add(row("reproduce --only ''", "--only is empty", t -> a("reproduce", "--only", "", "--out", t.resolve("p"))));
        r.add(row("reproduce --only unknown", "unknown", t -> a("reproduce", "--only", "nope", "--out", t.resolve("p"))));
        // issue 29: silent wrong answers and crashes, each now one line and exit 2
        r.add(row("compare, a negative iteration", "a time per call must be above 0", t -> a("compare", good, negative)));
        r.add(row("compare, throughput against average time", "rerun both the same way", t -> a("compare", good, thrpt)));
        r.add(row("compare --tolerance NaN", "give a finite relative change", t -> a("compare", sweepA, sweepA, "--tolerance", "NaN")));
        r.add(row("compare, a header-only runs.csv", "holds no runs (a header only)", t -> a("compare", headerOnly, sweepA)));
        r.add(row("compare, a run listed twice", "lists run r1 twice", t -> a("compare", twiceListed, sweepA)));
        r.add(row("sweep, a key given twice", "Duplicate field 'name'", t -> a("sweep", "--config", dupKey, "--out", t.resolve("s"))));
        r.add(row("sweep, text after the document", "text after the end of the JSON document", t -> a("sweep", "--config", trailing, "--out", t.resolve("s"))));
        r.add(row("sweep, mlp width 2^30 (an int overflow reported as a bug)", "lower problem.width", t -> a("sweep", "--config", hugeWidth, "--out", t.resolve("s"))));
        r.add(row("sweep, mlp batch 1e9 (the heap ran out, reported as a bug)", "lower problem.batch", t -> a("sweep", "--config", hugeBatch, "--out", t.resolve("s"))));
        r.add(row("sweep, quadratic dim 2^31-1", "lower problem.dim", t -> a("sweep", "--config", hugeDim, "--out", t.resolve("s"))));
        r.add(row("sweep --seeds with --seed-count", "give one of them", t -> a("sweep", "--preset", "smoke", "--seeds", "1,2", "--seed-count", "3", "--out", t.resolve("s"))));
        r.add(row("sweep --seed-count 2e9 (ran out of memory)", "give 1 to 100000", t -> a("sweep", "--preset", "smoke", "--seed-count", "2000000000", "--out", t.resolve("s"))));
        r.add(row("sweep --resume after sweep.json was edited", "run(s) of another grid", t -> editedSweep(t)));
        r.add(row("reproduce --only ',,'", "names no reproduction", t -> a("reproduce", "--only", ",,", "--out", t.resolve("p"))));
        r.add(row("reproduce --out at a bench run", "holds something other than paper reproductions", t -> a("reproduce", "--only", "pascanu-cliff", "--out", benchFolder)));
        r.add(row("privacy --target-epsilon 1e9 (printed the search floor)", "protects next to nothing",
                t -> a("privacy", "--sampling-rate", "0.01", "--steps", "100", "--target-epsilon", "1e9")));
        r.add(row("privacy --sigma Infinity (never returned)", "must be finite", t -> a("privacy", "--sampling-rate", "0.01", "--steps", "100", "--sigma", "Infinity")));
        // issue 36
        r.add(row("privacy --sigma 4.9e-324 (never returned)", "give a sigma of at least 1.0E-100",
                t -> a("privacy", "--sampling-rate", "0.01", "--steps", "100", "--sigma", "4.9e-324")));
        r.add(row("bench --jvm that fakes -version (every fork failed)", "fake-java: answers -version but cannot run a benchmark fork",
                t -> a("bench", "--profile", "smoke", "--benchmarks", "BandwidthBenchmark", "--jvm", fakeJava, "--dry-run")));
        r.add(row("sweep --shard 5/1000 of a 1-run sweep (failed on 'Column lr does not exist')", "--shard 5/1000: this shard holds no run (the sweep has 1 run); use at most 1 shard",
                t -> a("sweep", "--config", oneRun, "--shard", "5/1000", "--out", t.resolve("s"))));
        r.add(row("slurm submit --shards 100000 of a 2-run sweep (wrote --array=1,...,100000)", "--shards 100000: the sweep has only 2 runs",
                t -> a("slurm", "submit", "--shards", "100000", "--dry-run", "--out", t.resolve("sl"), "sweep", "--config", twoRuns)));
        r.add(row("slurm submit --shards 100000 of a 4-combination grid", "--shards 100000: the bench has only 4 combinations",
                t -> a("slurm", "submit", "--shards", "100000", "--dry-run", "--out", t.resolve("sl"), "--profile", "smoke", "--benchmarks", "NormBenchmark",
                        "--backends", "arrays,vector", "--dtypes", "f64", "--data", "flat-4K")));
        r.add(row("ab --base '' (ran an A/A of the working tree)", "--base is empty", t -> a("ab", "--base", "", "--out", t.resolve("ab"))));
        r.add(row("ab --base of no folder", "no such folder", t -> a("ab", "--base", tmp.resolve("no-checkout"), "--out", t.resolve("ab"))));
        r.add(row("ab --rounds 1000000", "--pairs 1000000: give a whole number from 2 to 1000", t -> a("ab", "--base", aFolder, "--rounds", "1000000", "--out", t.resolve("ab"))));
        r.add(row("compare, JSON nested 100,000 deep (NullPointerException)", "nesting depth (1001) exceeds the maximum allowed (1000)",
                t -> a("compare", deep, good)));
        r.add(row("report, JSON nested 100,000 deep (NullPointerException)", "nesting depth (1001) exceeds the maximum allowed (1000)",
                t -> a("report", deep, "--out", t.resolve("r"))));
        r.add(row("report of a JMH file with a NaN iteration (blank rows marked steady)", "BandwidthBenchmark.copy has a non-finite score (NaN)",
                t -> a("report", nanScore, "--out", t.resolve("r"))));
        r.add(row("report of a run whose scores are all NaN", "has a non-finite score (NaN)", t -> a("report", nanFolder, "--out", t.resolve("r"))));
        r.add(row("report, a score of 4.9e-324 ns/op (Infinity GB/s)", "BandwidthBenchmark.copy has an iteration of 4.9E-324 ns/op, below 0.01 ns",
                t -> a("report", tinyScore, "--out", t.resolve("r"))));
        r.add(row("compare, a score of 4.9e-324 ns/op", "below 0.01 ns", t -> a("compare", good, tinyScore)));
        r.add(row("bench --fork-heap lots", "give a heap size", t -> a("bench", "--fork-heap", "lots", "--dry-run")));
        // issue 35: --python picks the peers' interpreter; a bad one is refused before anything runs
        r.add(row("bench --python at no file", "--python /no/such/python: no such file", t -> a("bench", "--python", "/no/such/python", "--dry-run")));
        r.add(row("bench --python at a folder", "not an executable file", t -> a("bench", "--python", aFolder, "--dry-run")));
        r.add(row("bench --python at a program that is no Python", "not a Python 3 interpreter", t -> a("bench", "--python", "/bin/false", "--dry-run")));
        r.add(row("bench --peers numpy", "the peers are pytorch, jax", t -> a("bench", "--peers", "numpy", "--dry-run")));
        r.add(row("norms accuracy --python at no file", "no such file", t -> a("norms", "accuracy", "--python", "/no/such/python", "--out", t.resolve("acc"))));
        r.add(row("norms accuracy --plan huge", "unknown accuracy plan 'huge'", t -> a("norms", "accuracy", "--plan", "huge")));
        r.add(row("norms accuracy --log2-sizes 31", "2^31 is out of range", t -> a("norms", "accuracy", "--log2-sizes", "31")));
        r.add(row("norms accuracy --log2-sizes ten", "give powers of two as exponents", t -> a("norms", "accuracy", "--log2-sizes", "ten")));
        r.add(row("norms accuracy --laws zipf", "unknown value law 'zipf'", t -> a("norms", "accuracy", "--laws", "zipf")));
        r.add(row("norms accuracy --dtypes f8", "--dtypes: unknown dtype 'f8'", t -> a("norms", "accuracy", "--dtypes", "f8")));
        r.add(row("norms accuracy --peers numpy", "the peers are pytorch, jax", t -> a("norms", "accuracy", "--peers", "numpy")));
        r.add(row("bench --jmh -rf csv (ignored)", "--jmh -rf: not allowed", t -> a("bench", "--jmh", "-rf csv", "--dry-run")));
        r.add(row("bench --jmh -p of a grid parameter (ignored)", "--jmh -p backend: not allowed", t -> a("bench", "--jmh", "-p backend=arrays", "--dry-run")));
        r.add(row("bench --jmh -o (ignored)", "--jmh -o: not allowed", t -> a("bench", "--jmh", "-o log.txt", "--dry-run")));
        r.add(row("bench --jmh -bm thrpt (read as ns/op)", "--jmh -bm: not allowed", t -> a("bench", "--jmh", "-bm thrpt", "--dry-run")));
        r.add(row("bench, an empty shard", "this shard holds no combination", t -> a("bench", "--profile", "smoke", "--shard", "999/1000", "--dry-run")));
        r.add(row("bench --jvm /bin/true", "not a java binary", t -> a("bench", "--profile", "smoke", "--benchmarks", "BandwidthBenchmark", "--jvm", "/bin/true", "--out", t.resolve("b"))));
        return r.stream().map(Arguments::of);
    }

    static String[] a(Object... parts) {
        return Stream.of(parts).map(String::valueOf).toArray(String[]::new);
    }

    /** A bench folder that a resume could continue (grid.json, run.json, environment.json), plus the extra options. */
    static String[] resumable(Path t, String... extra) {
        try {
            Path d = Files.createDirectories(t.resolve("bench"));
            Files.writeString(d.resolve("grid.json"), "[]");
            List<String> args = new ArrayList<>(List.of("bench", "--resume", d.toString()));
            args.addAll(List.of(extra));
            return args.toArray(String[]::new);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String[] sweepResumable(Path t, String... extra) {
        Path d = t.resolve("s");
        assertThat(run(new StringWriter(), "sweep", "--preset", "smoke", "--quiet", "--threads", "1", "--steps", "2", "--lrs", "0.1",
                "--out", d.toString())).isZero();
        List<String> args = new ArrayList<>(List.of("sweep", "--resume", d.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** A finished sweep whose sweep.json is then edited (another learning rate), resumed. */
    static String[] editedSweep(Path t) {
        Path d = t.resolve("s");
        assertThat(run(new StringWriter(), "sweep", "--preset", "smoke", "--quiet", "--threads", "1", "--steps", "2", "--lrs", "0.1",
                "--out", d.toString())).isZero();
        try {
            Path f = d.resolve("sweep.json");
            Files.writeString(f, Files.readString(f).replaceFirst("\\[\\s*0\\.1\\s*\\]", "[ 0.2 ]"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return a("sweep", "--resume", d, "--quiet");
    }

    static String[] otherSweepInFolder(Path t) {
        Path d = t.resolve("s");
        assertThat(run(new StringWriter(), "sweep", "--preset", "smoke", "--quiet", "--threads", "1", "--steps", "2", "--lrs", "0.1",
                "--out", d.toString())).isZero();
        return a("sweep", "--preset", "smoke", "--quiet", "--threads", "1", "--steps", "2", "--lrs", "0.2", "--out", d);
    }

    static int run(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }

    /** The CLI as a process of its own (this test's class path), for what a process's environment decides; exit code and stderr. */
    record Exit(int code, String err) {
    }

    static Exit runProcess(java.util.function.Consumer<java.util.Map<String, String>> env, Path work, String... args) throws Exception {
        return runProcess(env, List.of(), work, args);
    }

    static Exit runProcess(java.util.function.Consumer<java.util.Map<String, String>> env, List<String> jvmOptions, Path work, String... args)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(jvmOptions);
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(work.resolve("out.txt").toFile()).redirectError(work.resolve("err.txt").toFile());
        env.accept(pb.environment());
        Process p = pb.start();
        assertThat(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)).as("finished: " + cmd).isTrue();
        String err = Files.readString(work.resolve("err.txt")).lines().filter(l -> !l.startsWith("WARNING: Using incubator modules"))
                .collect(java.util.stream.Collectors.joining("\n")).strip(); // the JVM's own warning, not ClipBench's
        return new Exit(p.exitValue(), err);
    }

    /**
     * Issue 36: without --add-modules=jdk.incubator.vector (docs/results.md's own commands lacked it) a command failed deep
     * inside with NoClassDefFoundError and a stack trace. It is said first, in one line naming the flag; help still works.
     */
    @Test
    void withoutTheVectorModuleACommandSaysWhichFlagToAdd(@TempDir Path t) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName());
        for (List<String> args : List.of(List.of("bench", "--profile", "smoke", "--benchmarks", "ClipBenchmark", "--dry-run"),
                List.of("sweep", "--preset", "smoke", "--steps", "2", "--quiet", "--out", t.resolve("s").toString()))) {
            List<String> all = new ArrayList<>(cmd);
            all.addAll(args);
            Process p = new ProcessBuilder(all).redirectOutput(t.resolve("out.txt").toFile()).redirectError(t.resolve("err.txt").toFile()).start();
            assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            String err = Files.readString(t.resolve("err.txt")).strip();
            assertThat(p.exitValue()).as(args + ": " + err).isEqualTo(2);
            assertThat(err).as(args.toString()).hasLineCount(1).startsWith("error: the Vector API (module jdk.incubator.vector) is not loaded: "
                    + "run with java --add-modules=jdk.incubator.vector -jar");
        }
        assertThat(t.resolve("s")).doesNotExist();
        List<String> help = new ArrayList<>(cmd);
        help.addAll(List.of("bench", "--help"));
        Process p = new ProcessBuilder(help).redirectErrorStream(true).redirectOutput(t.resolve("help.txt").toFile()).start();
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(Files.readString(t.resolve("help.txt"))).contains("Usage: clipbench bench");
    }

    /** Issue 36: nd4j needs OMP_NUM_THREADS=1 before the JVM starts; bench said so as bad input, sweep failed as a bug (exit 3). */
    @Test
    void aSweepOnNd4jWithoutOmpNumThreadsIsBadInputAndWritesNothing(@TempDir Path t) throws Exception {
        Path cfg = Files.writeString(t.resolve("nd4j.json"), Files.readString(oneRun).replace("{\"name\": \"x\",", "{\"name\": \"x\", \"backend\": \"nd4j\","));
        Exit e = runProcess(env -> env.remove("OMP_NUM_THREADS"), t, "sweep", "--config", cfg.toString(), "--quiet", "--threads", "1",
                "--out", t.resolve("s").toString());
        assertThat(e.code()).as(e.err()).isEqualTo(2);
        assertThat(e.err()).hasLineCount(1).startsWith("error: nd4j with threads=1 needs OMP_NUM_THREADS=1").contains("found it unset");
        assertThat(t.resolve("s")).doesNotExist();
    }

    /**
     * Issue 36: two bench runs started in the same second both passed the up-front check of JMH's lock, and the second then
     * failed every combination. A run now holds a lock of its own for its whole length: a second process is refused at once.
     */
    @Test
    void aBenchStartedWhileAnotherRunHoldsTheMachineIsRefused(@TempDir Path t) throws Exception {
        String before = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", t.toString());
        try (var held = org.clipbench.jmhgrid.JmhLock.hold()) { // as the first run does, in this process
            Exit e = runProcess(env -> { }, List.of("-Djava.io.tmpdir=" + t), t, "bench", "--profile", "smoke", "--benchmarks", "BandwidthBenchmark",
                    "--out", t.resolve("b").toString());
            assertThat(e.code()).as(e.err()).isEqualTo(2);
            assertThat(e.err()).hasLineCount(1).startsWith("error: another ClipBench bench or ab run on this machine holds " + t.resolve("clipbench-jmh.lock"));
            assertThat(t.resolve("b")).doesNotExist();
        } finally {
            System.setProperty("java.io.tmpdir", before);
        }
    }

    /** ab, like bench, says up front that JMH's lock is held (issue 29: every fork failed on it instead). */
    @Test
    void abIsToldOnceThatJmhIsBusy(@TempDir Path t) throws Exception {
        Path base = Files.createDirectories(t.resolve("base").resolve("target"));
        Files.writeString(base.resolve("benchmarks.jar"), ""); // the lock is checked before the base jar is read
        String before = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", t.toString());
        try (var ch = java.nio.channels.FileChannel.open(t.resolve("jmh.lock"), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE); var held = ch.lock()) {
            StringWriter err = new StringWriter();
            int code = run(err, "ab", "--base", t.resolve("base").toString(), "--profile", "quick", "--benchmarks", "NormBenchmark",
                    "--backends", "vector", "--data", "flat-4K", "--dtypes", "f32", "--out", t.resolve("ab").toString());
            assertThat(code).isEqualTo(2);
            assertThat(err.toString()).contains("another JMH run on this machine holds").hasLineCount(1);
        } finally {
            System.setProperty("java.io.tmpdir", before);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a row that hangs fails instead of stalling the build
    void badInputIsOneLineAndExit2(Row row, @TempDir Path t) {
        StringWriter err = new StringWriter();
        int code = run(err, row.args().apply(t));
        String e = err.toString().strip();
        assertThat(code).as(row.what() + ": exit code; stderr: " + e).isEqualTo(2);
        assertThat(e).as(row.what()).startsWith("error:").contains(row.fragment()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(e.lines().count()).as(row.what() + ": one line: " + e).isEqualTo(1);
    }

    /** Issue 36: two reports into one --out at once both finished (exit 0), their files mixed; the folder is locked as a run's is. */
    @Test
    void aReportIntoAFolderAnotherReportHoldsIsRefused(@TempDir Path t) throws Exception {
        Path out = t.resolve("r");
        try (var held = org.clipbench.io.RunFolder.lock(out)) {
            StringWriter err = new StringWriter();
            assertThat(run(err, "report", good.toString(), "--out", out.toString())).isEqualTo(2);
            assertThat(err.toString().strip()).isEqualTo("error: " + out + " is in use by another ClipBench run (it holds " + out.resolve(".lock")
                    + "); wait for that run to end, or write to another folder");
        }
        assertThat(out.resolve("index.html")).doesNotExist();
        assertThat(run(new StringWriter(), "report", good.toString(), "--out", out.toString())).isZero(); // once the other is done
    }

    /** report keeps going past an input it cannot use (exit 1, the rest reported): a score of 0 ns/op is such an input, named. */
    @Test
    void reportNamesAZeroScoreAndExits1(@TempDir Path t) {
        StringWriter err = new StringWriter();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out, oldErr = System.err;
        System.setOut(new java.io.PrintStream(out, true));
        System.setErr(new java.io.PrintStream(out, true));
        int code;
        try {
            code = run(err, "report", zero.toString(), good.toString(), "--out", t.resolve("r").toString());
        } finally {
            System.setOut(old);
            System.setErr(oldErr);
        }
        assertThat(code).isEqualTo(1);
        assertThat(out + err.toString()).contains("a time per call must be above 0");
    }

    /** A -p of a parameter the grid leaves alone is JMH's to apply (SmokeProfileIT injects a slowdown with -p repeat=2). */
    @Test
    void aJmhParameterTheGridDoesNotSetIsAccepted() {
        assertThat(run(new StringWriter(), "bench", "--profile", "smoke", "--jmh", "-p repeat=2", "--dry-run")).isZero();
    }

    @Test
    void aTypoedCommandIsNamedInsteadOfReachingJmh() {
        assertThat(Main.nearestCommand("swep")).isEqualTo("sweep");
        assertThat(Main.nearestCommand("compre")).isEqualTo("compare");
        assertThat(Main.nearestCommand("ClipBenchmark")).isNull(); // a JMH benchmark regex goes to JMH
        assertThat(Main.nearestCommand("-f")).isNull();
        assertThat(Main.rootError(new String[] {"--nosuchoption"})).startsWith("unknown option '--nosuchoption'"); // went to JMH: exit 1
        assertThat(Main.rootError(new String[] {"swep"})).contains("did you mean 'sweep'");
        assertThat(Main.rootError(new String[] {"-f", "1", "ClipBenchmark"})).isNull(); // JMH's own
        assertThat(Main.rootError(new String[] {"--help"})).isNull();
    }

    @Test
    void helpTextsHaveNoFormatErrors() {
        for (String cmd : List.of("bench", "sweep", "compare", "report", "reproduce")) {
            StringWriter out = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out, true));
            java.io.ByteArrayOutputStream sysErr = new java.io.ByteArrayOutputStream();
            java.io.PrintStream old = System.err;
            System.setErr(new java.io.PrintStream(sysErr, true));
            try {
                assertThat(cl.execute(cmd, "--help")).isZero();
            } finally {
                System.setErr(old);
            }
            assertThat(sysErr.toString()).as(cmd + " --help warnings").doesNotContain("WARN").doesNotContain("Format");
            assertThat(out.toString()).as(cmd).contains("Usage");
        }
    }

    @Test
    void anUnexpectedFailureIsOneLineNamingItAsABug() {
        String line = Main.oneLine(new NullPointerException("x is null"));
        assertThat(line).contains("internal error").contains("NullPointerException").contains("bug").doesNotContain("\n");
        assertThat(Main.isBadInput(new NullPointerException())).isFalse();
        assertThat(Main.oneLine(new java.nio.file.AccessDeniedException("/ro/out"))).isEqualTo("/ro/out: permission denied; choose a folder you can write to");
    }
}
