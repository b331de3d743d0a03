package org.clipbench.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.clipbench.cli.MainAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history database end to end through the command line: add, idempotence, refusals, transactions, queries, exports and the change-point gate. */
class HistoryTest {
    /** DuckDB installs and loads extensions on demand unless told not to: that would download at run time (issue 29). */
    @org.junit.jupiter.api.Test
    void theDatabaseNeverFetchesExtensions(@org.junit.jupiter.api.io.TempDir java.nio.file.Path t) throws Exception {
        try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + t.resolve("h.duckdb"), HistoryDatabase.offline());
             var s = c.createStatement();
             var r = s.executeQuery("SELECT current_setting('autoinstall_known_extensions'), current_setting('autoload_known_extensions')")) {
            org.assertj.core.api.Assertions.assertThat(r.next()).isTrue();
            org.assertj.core.api.Assertions.assertThat(r.getBoolean(1)).isFalse();
            org.assertj.core.api.Assertions.assertThat(r.getBoolean(2)).isFalse();
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();

    /** A bench results folder: environment.json (commit, time, machine) and a JMH results.json of one benchmark per (name, mode, level). */
    static Path benchRun(Path parent, String name, String sha, int commitDay, String cpu, Object[]... benchmarks) throws Exception {
        Path dir = Files.createDirectories(parent.resolve(name));
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("timestamp_utc", String.format("2026-11-%02dT12:00:00Z", commitDay));
        env.put("jvm", Map.of("version", "17.0.15", "flags", List.of("-Xmx2g", "-Dclipbench.command=./run-bench.sh " + name)));
        env.put("cpu", Map.of("model", cpu, "cores_available", 2));
        env.put("git", Map.of("sha", sha, "dirty", false, "commit_time", String.format("2026-11-%02dT10:00:00Z", commitDay)));
        JSON.writeValue(dir.resolve("environment.json").toFile(), env);
        List<Map<String, Object>> records = new ArrayList<>();
        for (Object[] b : benchmarks) {
            double level = (double) b[2];
            Map<String, Object> metric = new LinkedHashMap<>();
            metric.put("score", level);
            metric.put("scoreError", 0.0);
            metric.put("scoreUnit", b[1].equals("thrpt") ? "ops/s" : "ns/op");
            metric.put("rawData", List.of(new double[] {level, level, level}));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("benchmark", "org.clipbench.bench." + b[0]);
            r.put("mode", b[1]);
            r.put("params", Map.of("backend", "arrays"));
            r.put("primaryMetric", metric);
            records.add(r);
        }
        JSON.writeValue(dir.resolve("results.json").toFile(), records);
        return dir;
    }

    record Outcome(int exit, String out, String err) {
    }

    static Outcome history(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            List<String> a = new ArrayList<>(List.of("history"));
            a.addAll(List.of(args));
            int exit = MainAccess.commandLine().execute(a.toArray(String[]::new));
            return new Outcome(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void addingARunTwiceAddsItOnceAndListShowsIt(@TempDir Path d) throws Exception {
        Path db = d.resolve("h.duckdb");
        Path a = benchRun(d, "a", "aaa1111", 1, "CPU X", new Object[] {"X.m", "avgt", 100.0}, new Object[] {"Y.m", "thrpt", 5.0});
        Path b = benchRun(d, "b", "bbb2222", 2, "CPU X", new Object[] {"X.m", "avgt", 101.0}, new Object[] {"Y.m", "thrpt", 5.1});
        assertThat(history("add", a.toString(), b.toString(), "--db", db.toString()).out()).contains("2 run(s) added, 0 already there");
        // the same content from another path is the same run
        Path copy = Files.createDirectories(d.resolve("copy"));
        for (String f : List.of("environment.json", "results.json")) Files.copy(a.resolve(f), copy.resolve(f));
        Outcome again = history("add", copy.toString(), b.toString(), "--db", db.toString());
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("0 run(s) added, 2 already there");
        Outcome list = history("list", "--db", db.toString());
        assertThat(list.out()).contains("aaa1111").contains("bbb2222").contains("(2 rows)").contains("CPU X | 2 cores | JVM 17.0.15 | -Xmx2g");
        assertThat(list.out()).doesNotContain("clipbench.command");
        Outcome q = history("query", "SELECT series, value, higher_is_better FROM measurements JOIN runs USING (run_key) WHERE git_sha = 'bbb2222' ORDER BY series",
                "--db", db.toString());
        assertThat(q.out()).contains("X.m backend=arrays | 101.0 | false").contains("Y.m backend=arrays | 5.1 | true");
    }

    @Test
    void aCorruptRunIsRefusedWithItsNameAndNothingIsAdded(@TempDir Path d) throws Exception {
        Path db = d.resolve("h.duckdb");
        Path good = benchRun(d, "good", "aaa1111", 1, "CPU X", new Object[] {"X.m", "avgt", 100.0});
        Path bad = benchRun(d, "bad", "bbb2222", 2, "CPU X", new Object[] {"X.m", "avgt", 100.0});
        Files.writeString(bad.resolve("results.json"), "[{\"benchmark\": \"x\", \"primaryMe");
        Outcome o = history("add", good.toString(), bad.toString(), "--db", db.toString());
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err()).contains("bad").contains("not valid JSON").doesNotContain("Exception").hasLineCount(1);
        assertThat(Files.exists(db)).as("nothing written").isFalse();
        Path noEnv = Files.createDirectories(d.resolve("plain"));
        assertThat(history("add", noEnv.toString(), "--db", db.toString()).err()).contains("plain: no environment.json");
    }

    @Test
    void anAddThatFailsPartWayLeavesTheHistoryAsItWas(@TempDir Path d) throws Exception {
        Path db = d.resolve("h.duckdb");
        HistoryRun.Read first = HistoryRun.read(benchRun(d, "a", "aaa1111", 1, "CPU X", new Object[] {"X.m", "avgt", 100.0}));
        HistoryRun.Read second = HistoryRun.read(benchRun(d, "b", "bbb2222", 2, "CPU X", new Object[] {"X.m", "avgt", 100.0}));
        // a second run whose one series appears twice breaks the table's key half-way through the add
        List<HistoryRun.Measurement> twice = new ArrayList<>(second.measurements());
        twice.addAll(second.measurements());
        try (HistoryDatabase h = HistoryDatabase.openForWriting(db)) {
            assertThatThrownBy(() -> h.add(List.of(first, new HistoryRun.Read(second.run(), twice)))).isInstanceOf(java.sql.SQLException.class);
            assertThat(h.query("SELECT count(*) FROM runs").rows().get(0).get(0)).isEqualTo("0");
            assertThat(h.query("SELECT count(*) FROM measurements").rows().get(0).get(0)).isEqualTo("0");
            assertThat(h.add(List.of(first)).added()).hasSize(1); // the connection is usable after the rollback
        }
    }

    @Test
    void queriesAreReadOnlyAndBadSqlIsOneLine(@TempDir Path d) throws Exception {
        Path db = d.resolve("h.duckdb");
        history("add", benchRun(d, "a", "aaa1111", 1, "CPU X", new Object[] {"X.m", "avgt", 100.0}).toString(), "--db", db.toString());
        Outcome delete = history("query", "DELETE FROM runs", "--db", db.toString());
        assertThat(delete.exit()).isEqualTo(2);
        assertThat(delete.err()).startsWith("error: history query:").hasLineCount(1);
        assertThat(history("query", "SELECT count(*) AS n FROM runs", "--db", db.toString()).out()).contains("n\n1\n");
        assertThat(history("query", "SELEC 1", "--db", db.toString()).err()).contains("syntax error").hasLineCount(1);
        assertThat(history("list", "--db", d.resolve("none.duckdb").toString()).err()).contains("no history database here");
    }

    /**
     * Issue 36: history query is read-only, yet COPY ... TO 'file' and EXPORT DATABASE 'dir' reported an error and still
     * wrote their files. Now no file appears, the exit is 2 and the message one line; reading a file is refused too.
     */
    @Test
    void aQueryWritesNoFileAndReadsNoOtherFile(@TempDir Path d) throws Exception {
        Path db = d.resolve("h.duckdb");
        history("add", benchRun(d, "a", "aaa1111", 1, "CPU X", new Object[] {"X.m", "avgt", 100.0}).toString(), "--db", db.toString());
        Path copied = d.resolve("copied.csv"), exported = d.resolve("exported"), secret = Files.writeString(d.resolve("secret.csv"), "a\n1\n");
        for (String sql : List.of("COPY (SELECT 1) TO '" + copied + "'", "COPY runs TO '" + copied + "' (FORMAT csv)", "EXPORT DATABASE '" + exported + "'",
                "SELECT * FROM read_csv('" + secret + "')", "ATTACH '" + d.resolve("other.duckdb") + "' AS o", "INSTALL httpfs", "LOAD httpfs",
                "SET threads = 1", "CREATE TEMP TABLE x AS SELECT 1", "SET threads = 1; SELECT 1", "SELECT 1; COPY (SELECT 1) TO '" + copied + "'")) {
            Outcome o = history("query", sql, "--db", db.toString());
            assertThat(o.exit()).as(sql + ": " + o.err()).isEqualTo(2);
            assertThat(o.err()).as(sql).startsWith("error: ").hasLineCount(1).doesNotContain("Exception");
            assertThat(copied).as(sql).doesNotExist();
            assertThat(exported).as(sql).doesNotExist();
            assertThat(d.resolve("other.duckdb")).as(sql).doesNotExist();
        }
        // what a query may do still works: one statement that returns rows, a semicolon inside a string or a comment
        assertThat(history("query", "SELECT 'a;b' AS s -- one; statement", "--db", db.toString()).out()).contains("a;b");
        assertThat(history("query", "DESCRIBE runs;", "--db", db.toString()).exit()).isZero();
        assertThat(HistoryDatabase.statementCount("SELECT 1; ;  -- x;\n")).isEqualTo(1);
        assertThat(HistoryDatabase.statementCount("SELECT $$;$$, \"a;\"\"b\", 'it''s;' /* ; */")).isEqualTo(1);
        assertThat(HistoryDatabase.statementCount("SELECT 1;SELECT 2")).isEqualTo(2);
    }

    /** Issue 36: a database edited outside ClipBench exported NaN, -5.0 and Infinity to the dashboard; refused as history add refuses them. */
    @Test
    void anExportRefusesValuesHistoryAddWouldRefuse(@TempDir Path d) throws Exception {
        Path db = d.resolve("h.duckdb");
        history("add", benchRun(d, "a", "aaa1111", 1, "CPU X", new Object[] {"X.m", "avgt", 100.0}, new Object[] {"Y.m", "avgt", 50.0}).toString(),
                "--db", db.toString());
        assertThat(history("export", "--format", "github-smaller-is-better", "--db", db.toString()).exit()).isZero();
        for (String bad : List.of("'NaN'::DOUBLE", "-5.0", "'Infinity'::DOUBLE", "'-Infinity'::DOUBLE", "0")) {
            try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + db, HistoryDatabase.offline()); var s = c.createStatement()) {
                s.execute("UPDATE measurements SET value = " + bad + " WHERE series LIKE 'Y.m%'"); // as DuckDB's own tools could
            }
            Outcome o = history("export", "--format", "github-smaller-is-better", "--db", db.toString());
            assertThat(o.exit()).as(bad + ": " + o.out()).isEqualTo(2);
            assertThat(o.err()).as(bad).startsWith("error: history export: the newest run's value of 'Y.m backend=arrays' is")
                    .contains("which history add refuses").hasLineCount(1);
            assertThat(o.out()).isEmpty();
        }
    }

    @Test
    void theGateFailsOnAChangeThatMadeABenchmarkWorseAndNamesItsCommits(@TempDir Path d) throws Exception {
        Path db = d.resolve("h.duckdb");
        Random rng = new Random(3);
        List<String> folders = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            double noise = 1 + 0.02 * rng.nextGaussian();
            // X.m (time) 10% slower from the 13th commit on; Y.m (throughput) 10% higher from the same commit: better, not worse
            folders.add(benchRun(d, "r" + i, String.format("c%06d", i), i + 1, "CPU X", new Object[] {"X.m", "avgt", 100 * (i >= 12 ? 1.1 : 1) * noise},
                    new Object[] {"Y.m", "thrpt", 50 * (i >= 12 ? 1.1 : 1) * noise}, new Object[] {"Z.m", "avgt", 70 * noise}).toString());
        }
        List<String> add = new ArrayList<>(List.of("add"));
        add.addAll(folders);
        add.addAll(List.of("--db", db.toString()));
        assertThat(history(add.toArray(String[]::new)).exit()).isZero();
        Outcome all = history("changes", "--db", db.toString());
        assertThat(all.exit()).isEqualTo(1);
        assertThat(all.out()).contains("WORSE  X.m backend=arrays").contains("between c000011 and c000012").contains("change Y.m backend=arrays")
                .contains("2 change points in 3 series, 1 of them making a benchmark worse");
        // trend figures: one per benchmark method, one per change point, listed in trends.md
        Path fig = d.resolve("fig");
        Outcome withFigures = history("changes", "--db", db.toString(), "--figures", fig.toString());
        assertThat(withFigures.exit()).as(withFigures.err()).isEqualTo(1);
        assertThat(Files.readString(fig.resolve("trends.md"))).contains("WORSE **X.m backend=arrays**: between c000011 and c000012")
                .contains("(" + TrendFigures.slug("trend-X.m on CPU X") + ".svg)");
        assertThat(fig.resolve(TrendFigures.slug("trend-X.m on CPU X") + ".svg")).exists();
        assertThat(fig.resolve(TrendFigures.slug("trend-X.m on CPU X") + ".png")).exists();
        try (var files = Files.list(fig)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("change-") && n.endsWith(".svg"))).hasSize(2);
        }
        // the better one alone passes the gate; a filter matching nothing is bad input
        assertThat(history("changes", "--benchmarks", "Y.m", "--db", db.toString()).exit()).isZero();
        assertThat(history("changes", "--benchmarks", "Nope", "--db", db.toString()).exit()).isEqualTo(2);
    }

    @Test
    void seriesFromDifferentMachinesAreNeverOneSeries(@TempDir Path d) throws Exception {
        Path db = d.resolve("h.duckdb");
        List<String> add = new ArrayList<>(List.of("add"));
        Random rng = new Random(4);
        for (int i = 0; i < 20; i++) {
            // the same code, measured on a slower machine for the second half: not a change of the code
            add.add(benchRun(d, "r" + i, String.format("c%06d", i), i + 1, i < 10 ? "CPU fast" : "CPU slow",
                    new Object[] {"X.m", "avgt", (i < 10 ? 100 : 130) * (1 + 0.02 * rng.nextGaussian())}).toString());
        }
        add.addAll(List.of("--db", db.toString()));
        history(add.toArray(String[]::new));
        Outcome o = history("changes", "--db", db.toString());
        assertThat(o.exit()).isZero();
        assertThat(o.out()).contains("0 change points in 2 series");
    }

    @Test
    void exportsCsvAndGithubActionBenchmarkJson(@TempDir Path d) throws Exception {
        Path db = d.resolve("h.duckdb");
        history("add", benchRun(d, "a", "aaa1111", 1, "CPU X", new Object[] {"X.m", "avgt", 100.0}, new Object[] {"Y.m", "thrpt", 5.0}).toString(),
                benchRun(d, "b", "bbb2222", 2, "CPU X", new Object[] {"X.m", "avgt", 90.0}, new Object[] {"Y.m", "thrpt", 6.0}).toString(), "--db", db.toString());
        Path csv = d.resolve("h.csv");
        assertThat(history("export", "--db", db.toString(), "--out", csv.toString()).exit()).isZero();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).startsWith("git_sha,commit_time,run_time,kind,fingerprint,series");
        assertThat(lines).hasSize(5);
        var smaller = JSON.readTree(history("export", "--format", "github-smaller-is-better", "--db", db.toString()).out());
        assertThat(smaller).hasSize(1);
        assertThat(smaller.get(0).get("name").asText()).isEqualTo("X.m backend=arrays");
        assertThat(smaller.get(0).get("value").asDouble()).isEqualTo(90.0); // the newest run
        assertThat(smaller.get(0).get("unit").asText()).isEqualTo("ns/op");
        var bigger = JSON.readTree(history("export", "--format", "github-bigger-is-better", "--db", db.toString()).out());
        assertThat(bigger.get(0).get("value").asDouble()).isEqualTo(6.0);
        assertThat(history("export", "--format", "xml", "--db", db.toString()).err()).contains("--format 'xml'");
    }

    @Test
    void aSweepWhoseMetricIsNotANumberIsRefusedInOneLine(@TempDir Path d) throws Exception {
        Path sweep = Files.createDirectories(d.resolve("bad-sweep"));
        Path src = Path.of("results", "reference", "sweeps", "digits-quick");
        Files.copy(src.resolve("environment.json"), sweep.resolve("environment.json"));
        List<String> lines = new ArrayList<>(Files.readAllLines(src.resolve("runs.csv")));
        int col = List.of(lines.get(0).split(",")).indexOf("final_loss");
        int row = 1;
        while (lines.get(row).contains("\"")) row++; // a row without quoted commas, so splitting on commas finds the column
        String[] cells = lines.get(row).split(",", -1);
        cells[col] = "lots";
        lines.set(row, String.join(",", cells));
        Files.write(sweep.resolve("runs.csv"), lines);
        Outcome o = history("add", sweep.toString(), "--db", d.resolve("h.duckdb").toString());
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err()).contains("bad-sweep").contains("'final_loss' is not numeric").hasLineCount(1);
    }

    @Test
    void machinesWithOneCpuModelButAnotherJvmGetFiguresOfTheirOwn(@TempDir Path d) throws Exception {
        Path db = d.resolve("h.duckdb");
        List<String> add = new ArrayList<>(List.of("add"));
        for (int i = 0; i < 8; i++) {
            Path run = benchRun(d, "r" + i, String.format("c%06d", i), i + 1, "CPU X", new Object[] {"X.m", "avgt", 100.0 + i});
            if (i % 2 == 1) { // the same CPU, another JVM version
                Path env = run.resolve("environment.json");
                Files.writeString(env, Files.readString(env).replace("17.0.15", "21.0.2"));
            }
            add.add(run.toString());
        }
        add.addAll(List.of("--db", db.toString()));
        history(add.toArray(String[]::new));
        Path fig = d.resolve("fig");
        assertThat(history("changes", "--db", db.toString(), "--figures", fig.toString()).exit()).isZero();
        String md = Files.readString(fig.resolve("trends.md"));
        assertThat(md).contains("X.m on CPU X (machine 1)").contains("X.m on CPU X (machine 2)").contains("JVM 21.0.2").contains("JVM 17.0.15");
    }

    /** Issue 36: runs.csv now writes seeds and counts as integers (1, 600); a run keeps its series name (seed=1) across the two forms. */
    @Test
    void aSweepRunIsTheSameSeriesWhetherItsSeedIsWritten1Or1Point0(@TempDir Path d) throws Exception {
        Path old = Path.of("results", "reference", "sweeps", "digits-quick");
        Path now = Files.createDirectories(d.resolve("integers"));
        Files.copy(old.resolve("environment.json"), now.resolve("environment.json"));
        List<String> lines = Files.readAllLines(old.resolve("runs.csv"));
        List<String> rewritten = new ArrayList<>(List.of(lines.get(0)));
        for (String l : lines.subList(1, lines.size())) rewritten.add(l.replaceAll(",(-?[0-9]+)\\.0(?=,)", ",$1")); // 1.0 -> 1, 600.0 -> 600
        assertThat(rewritten.get(1)).contains(",0.1,1,600,600,-1,-1,");
        Files.write(now.resolve("runs.csv"), rewritten);
        List<String> before = HistoryRun.read(old).measurements().stream().map(HistoryRun.Measurement::series).toList();
        List<String> after = HistoryRun.read(now).measurements().stream().map(HistoryRun.Measurement::series).toList();
        assertThat(before).anyMatch(x -> x.contains(" seed=1 ")).isEqualTo(after);
    }

    @Test
    void aSweepFolderAddsItsRunsFinalValues(@TempDir Path d) throws Exception {
        Path db = d.resolve("h.duckdb");
        Path sweep = Path.of("results", "reference", "sweeps", "digits-quick");
        assertThat(history("add", sweep.toString(), "--db", db.toString()).exit()).isZero();
        Outcome q = history("query", "SELECT metric, count(*) AS n FROM measurements GROUP BY metric ORDER BY metric", "--db", db.toString());
        // 36 runs, none diverged: a final loss, an error rate and a wall time each
        assertThat(q.out()).contains("eval_error_rate | 36").contains("final_loss | 36").contains("wall_s | 36");
    }

    /** An A/B folder (ab.json, base-k/, candidate-k/) adds its verdicts, once; the trend figure marks the slower one and trends.md lists both. */
    @Test
    void anAbFolderAddsItsVerdictsWhichTheTrendFiguresMark(@TempDir Path d) throws Exception {
        Path db = d.resolve("h.duckdb");
        Random rng = new Random(5);
        List<String> add = new ArrayList<>(List.of("add"));
        for (int i = 0; i < 6; i++) {
            add.add(benchRun(d, "r" + i, "c" + i, i + 1, "CPU X", new Object[] {"X.m", "avgt", 100 * (1 + 0.01 * rng.nextGaussian())},
                    new Object[] {"Y.m", "avgt", 50 * (1 + 0.01 * rng.nextGaussian())}).toString());
        }
        Path ab = Files.createDirectories(d.resolve("ab"));
        JSON.writeValue(ab.resolve("ab.json").toFile(), Map.of("schema", 1, "rounds", 5, "base", Map.of("git", Map.of("sha", "c5"))));
        for (int k = 1; k <= 5; k++) {
            // X.m 30% slower in the candidate, Y.m unchanged; a little noise per fork
            benchRun(ab, "base-" + k, "c5", 6, "CPU X", new Object[] {"X.m", "avgt", 100 * (1 + 0.01 * rng.nextGaussian())},
                    new Object[] {"Y.m", "avgt", 50 * (1 + 0.01 * rng.nextGaussian())});
            benchRun(ab, "candidate-" + k, "pr1", 7, "CPU X", new Object[] {"X.m", "avgt", 130 * (1 + 0.01 * rng.nextGaussian())},
                    new Object[] {"Y.m", "avgt", 50 * (1 + 0.01 * rng.nextGaussian())});
        }
        add.add(ab.toString());
        add.addAll(List.of("--db", db.toString()));
        Outcome first = history(add.toArray(String[]::new));
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("7 run(s) added, 0 already there");
        assertThat(history("add", ab.toString(), "--db", db.toString()).out()).contains("0 run(s) added, 1 already there");
        // an A/B whose base rounds hold no results is refused in one line naming the folder
        Path empty = Files.createDirectories(d.resolve("ab-empty"));
        JSON.writeValue(empty.resolve("ab.json").toFile(), Map.of("schema", 1, "rounds", 1));
        Files.createDirectories(empty.resolve("base-1"));
        benchRun(empty, "candidate-1", "pr2", 8, "CPU X", new Object[] {"X.m", "avgt", 100.0});
        Outcome refused = history("add", empty.toString(), "--db", db.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err().strip()).startsWith("error: " + empty).contains("cannot be compared").doesNotContain("\n");
        assertThat(history("query", "SELECT series, base_sha, candidate_sha, verdict FROM ab_verdicts ORDER BY series", "--db", db.toString()).out())
                .contains("X.m backend=arrays", "c5", "pr1", "SLOWER").contains("NO_CHANGE");

        Path fig = d.resolve("fig");
        Outcome changes = history("changes", "--db", db.toString(), "--figures", fig.toString());
        assertThat(changes.exit()).as(changes.err()).isZero();
        assertThat(Files.readString(fig.resolve("trends.md"))).contains("## A/B verdicts")
                .containsPattern("\\| X\\.m backend=arrays \\| c5 \\| pr1 \\| 1\\.[23]\\d\\d \\| .* \\| SLOWER \\|")
                .containsPattern("\\| Y\\.m backend=arrays \\| c5 \\| pr1 \\| .* \\| ~ \\|");
        assertThat(fig.resolve(TrendFigures.slug("trend-X.m on CPU X") + ".svg")).exists();
        // the figure of X.m gets a marker series for the slower verdict, at the base's point (c5 is the 6th run) times the ratio; Y.m none
        List<HistoryDatabase.Point> points;
        List<HistoryDatabase.AbMark> marks;
        try (HistoryDatabase h = HistoryDatabase.openForReading(db)) {
            points = h.points(List.of());
            marks = h.abMarks(List.of());
        }
        for (String series : List.of("X.m backend=arrays", "Y.m backend=arrays")) {
            var f = org.clipbench.analysis.Figure.line("t");
            TrendFigures.addVerdictMarks(f, List.of(points.stream().filter(p -> p.series().equals(series)).toList()), marks);
            if (series.startsWith("X")) {
                assertThat(f.series()).singleElement().satisfies(m -> {
                    assertThat(m.name()).isEqualTo("A/B slower");
                    assertThat(m.markersOnly()).isTrue();
                    assertThat(m.x()).containsExactly(6.5);
                });
            } else {
                assertThat(f.series()).isEmpty();
            }
        }
    }

    /** A pull request's commit is not on the line: its verdict sits half a step after the base's point, at the base's value times the ratio. */
    @Test
    void aVerdictWhoseCandidateIsNotInTheSeriesSitsAfterItsBase() {
        List<HistoryDatabase.Point> s = List.of(point("c1", 100), point("c2", 110));
        assertThat(TrendFigures.markAt(s, mark("c2", "pr", 1.2))).containsExactly(2.5, 1.1 * 1.2);
        assertThat(TrendFigures.markAt(s, mark("c1", "c2", 1.2))).containsExactly(2, 1.1);
        assertThat(TrendFigures.markAt(s, mark("zz", "pr", 1.2))).isNull();
    }

    private static HistoryDatabase.Point point(String sha, double v) {
        return new HistoryDatabase.Point("X.m", "f", sha, null, null, "avgt", "ns/op", false, v);
    }

    private static HistoryDatabase.AbMark mark(String base, String candidate, double ratio) {
        return new HistoryDatabase.AbMark("X.m", "f", base, candidate, ratio, ratio, ratio, 0.01, "SLOWER");
    }
}
