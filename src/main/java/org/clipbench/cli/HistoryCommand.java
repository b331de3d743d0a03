package org.clipbench.cli;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.clipbench.history.ChangePoints;
import org.clipbench.history.EDivisive;
import org.clipbench.history.HistoryDatabase;
import org.clipbench.history.HistoryExport;
import org.clipbench.history.HistoryRun;
import org.clipbench.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The benchmark history: add runs, look at them, find change points (exit 1 when one made a benchmark worse). */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"A history of runs in one DuckDB file (default results/history.duckdb): add bench and sweep results",
                "folders, list and query them, export them, and find change points per benchmark (E-divisive means)."},
        subcommands = {HistoryCommand.Add.class, HistoryCommand.ListRuns.class, HistoryCommand.Query.class, HistoryCommand.Export.class,
                HistoryCommand.Changes.class})
final class HistoryCommand implements Runnable {
    @Override
    public void run() {
        throw new IllegalArgumentException("history needs a subcommand: add, list, query, export or changes (history --help)");
    }

    static class Db {
        @Option(names = "--db", description = "the history database file (default results/history.duckdb)")
        Path db = HistoryDatabase.DEFAULT;
    }

    /** A database error is the user's to fix (a bad query, a locked or foreign file): one line, exit 2. */
    static IllegalArgumentException badInput(String what, SQLException e) {
        String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("").trim();
        return new IllegalArgumentException(what + ": " + first);
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = {"Add results folders (bench or sweep) to the history, in one transaction;",
            "an A/B folder of run-bench.sh --compare-to adds its verdicts (marked on the trend figures), not its runs;",
            "a run already there (same content) is skipped; a folder that cannot be read is refused with its name and nothing is added."})
    static final class Add extends Db implements Callable<Integer> {
        @Parameters(arity = "1..*", description = "results folders")
        List<Path> folders;

        @Override
        public Integer call() throws Exception {
            List<HistoryRun.Read> runs = new ArrayList<>();
            List<org.clipbench.history.AbVerdicts.Read> abs = new ArrayList<>();
            for (Path f : folders) { // all read and checked before anything is written
                if (org.clipbench.history.AbVerdicts.isAb(f)) abs.add(org.clipbench.history.AbVerdicts.read(f));
                else runs.add(HistoryRun.read(f));
            }
            try (HistoryDatabase h = HistoryDatabase.openForWriting(db)) {
                HistoryDatabase.Added a = h.add(runs, abs);
                System.out.printf("%s: %d run(s) added, %d already there%n", db, a.added().size(), a.alreadyThere().size());
                a.alreadyThere().forEach(f -> System.out.println("  already there: " + f));
            } catch (SQLException e) {
                throw badInput("history add " + db, e);
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The runs in the history, oldest commit first.")
    static final class ListRuns extends Db implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return Query.print(db, "SELECT r.run_key, r.kind, r.git_sha, r.dirty, CAST(r.commit_time AS VARCHAR) AS commit_time, "
                    + "CAST(r.run_time AS VARCHAR) AS run_time, (SELECT count(*) FROM measurements m WHERE m.run_key = r.run_key) AS n_values, "
                    + "r.fingerprint FROM runs r ORDER BY r.commit_time NULLS LAST, r.run_time", "history list");
        }
    }

    @Command(name = "query", mixinStandardHelpOptions = true, description = {"Run SQL on the history (read-only) and print the result.",
            "Tables: runs(run_key, kind, folder, git_sha, dirty, commit_time, run_time, fingerprint, cpu_model, cores, jvm, jvm_flags, added_at),",
            "measurements(run_key, series, benchmark, params, metric, unit, higher_is_better, value),",
            "ab_verdicts(ab_key, folder, series, fingerprint, base_sha, candidate_sha, candidate_commit_time, run_time, ratio, ci_low, ci_high, p_adjusted, verdict)."})
    static final class Query extends Db implements Callable<Integer> {
        @Parameters(index = "0", description = "the SQL, e.g. \"SELECT series, avg(value) FROM measurements GROUP BY series\"")
        String sql;

        @Override
        public Integer call() throws Exception {
            return print(db, sql, "history query");
        }

        static int print(Path db, String sql, String what) throws SQLException {
            try (HistoryDatabase h = HistoryDatabase.openForReading(db)) {
                HistoryDatabase.Rows rows;
                try {
                    rows = h.query(sql);
                } catch (IllegalArgumentException refused) { // a statement that would write, or more than one
                    throw new IllegalArgumentException(what + ": " + refused.getMessage());
                }
                System.out.print(HistoryExport.text(rows));
            } catch (SQLException e) {
                throw badInput(what, e);
            }
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = {"Export the history: csv (every value with its run),",
            "or the newest run as github-action-benchmark JSON (customSmallerIsBetter or customBiggerIsBetter)."})
    static final class Export extends Db implements Callable<Integer> {
        @Option(names = "--format", description = "csv (default), github-smaller-is-better or github-bigger-is-better")
        String format = "csv";

        @Option(names = "--out", description = "write to this file instead of standard output")
        Path out;

        @Override
        public Integer call() throws Exception {
            String text;
            try (HistoryDatabase h = HistoryDatabase.openForReading(db)) {
                text = switch (format) {
                    case "csv" -> HistoryExport.csv(h.query(HistoryExport.ALL_VALUES));
                    case "github-smaller-is-better" -> HistoryExport.githubActionBenchmark(h.query(HistoryExport.NEWEST_RUN), false);
                    case "github-bigger-is-better" -> HistoryExport.githubActionBenchmark(h.query(HistoryExport.NEWEST_RUN), true);
                    default -> throw new IllegalArgumentException("--format '" + format + "': use csv, github-smaller-is-better or github-bigger-is-better");
                };
            } catch (SQLException e) {
                throw badInput("history export", e);
            }
            if (out != null) AtomicFiles.writeString(out, text);
            else System.out.print(text);
            return 0;
        }
    }

    @Command(name = "changes", mixinStandardHelpOptions = true, description = {"Change points per series (E-divisive means with a permutation test),",
            "within one environment fingerprint. Exit 0: none made a benchmark worse; 1: at least one did (by --min-effect or more); 2: bad input."})
    static final class Changes extends Db implements Callable<Integer> {
        @Option(names = "--benchmarks", split = ",", description = "only series whose name contains one of these, e.g. NormBenchmark,ClipBenchmark.clip")
        List<String> benchmarks = List.of();

        @Option(names = "--significance", description = "level of the permutation test (default 0.05)")
        double significance = 0.05;

        @Option(names = "--permutations", description = "permutations per test (default 199)")
        int permutations = 199;

        @Option(names = "--min-effect", description = "smallest relative change that fails the gate (default 0.05 = 5%%)")
        double minEffect = 0.05;

        @Option(names = "--figures", description = "also write trend figures (SVG, PNG) and trends.md to this folder")
        Path figures;

        @Override
        public Integer call() throws Exception {
            if (!(minEffect >= 0)) throw new IllegalArgumentException("--min-effect must be >= 0");
            EDivisive.Settings s = new EDivisive.Settings(significance, permutations, 3, 1);
            List<HistoryDatabase.Point> points;
            List<HistoryDatabase.AbMark> marks;
            try (HistoryDatabase h = HistoryDatabase.openForReading(db)) {
                points = h.points(benchmarks);
                marks = h.abMarks(benchmarks);
            } catch (SQLException e) {
                throw badInput("history changes", e);
            }
            if (points.isEmpty()) {
                throw new IllegalArgumentException("history changes: no series" + (benchmarks.isEmpty() ? "" : " matching " + benchmarks)
                        + " in " + db + "; add runs with 'history add' or check --benchmarks");
            }
            Set<String> series = new LinkedHashSet<>();
            points.forEach(p -> series.add(p.series() + "\u0000" + p.fingerprint()));
            List<ChangePoints.Change> changes = ChangePoints.find(points, s, minEffect);
            System.out.print(ChangePoints.text(changes, series.size()));
            if (figures != null) {
                org.clipbench.history.TrendFigures.write(points, changes, marks, figures);
                System.out.println("trend figures: " + figures.resolve("trends.md"));
            }
            return changes.stream().anyMatch(ChangePoints.Change::worse) ? 1 : 0;
        }
    }
}
