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
        benchFolder = Files.createDirectories(tmp.resolve("a-bench-run"));
        Files.writeString(benchFolder.resolve("results.json"), json);
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
    void badInputIsOneLineAndExit2(Row row, @TempDir Path t) {
        StringWriter err = new StringWriter();
        int code = run(err, row.args().apply(t));
        String e = err.toString().strip();
        assertThat(code).as(row.what() + ": exit code; stderr: " + e).isEqualTo(2);
        assertThat(e).as(row.what()).startsWith("error:").contains(row.fragment()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(e.lines().count()).as(row.what() + ": one line: " + e).isEqualTo(1);
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
            code = run(err, "report", zero.toString(), "--out", t.resolve("r").toString());
        } finally {
            System.setOut(old);
            System.setErr(oldErr);
        }
        assertThat(code).isNotZero();
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
