package org.clipbench.compare;

import org.clipbench.analysis.JmhResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * Compares two convergence sweep folders run by run (by run ID): whether the final metrics moved by more
 * than a relative tolerance, and whether they are bit-identical, which they must be when the backend and
 * the JVM are the same. Catches a change that silently alters numerics.
 */
public final class RunsCompare {
    private RunsCompare() {
    }

    static final List<String> METRICS = List.of("final_loss", "best_loss", "eval_loss", "eval_error_rate", "steps_run");

    public record Change(String runId, String metric, double base, double candidate, boolean identical, boolean beyondTolerance) {
    }

    public record Result(int common, List<Change> changes, List<String> onlyBase, List<String> onlyCandidate) {
        public boolean changedBeyondTolerance() {
            return changes.stream().anyMatch(Change::beyondTolerance);
        }

        public long identicalRuns() {
            return common - changes.stream().map(Change::runId).distinct().count();
        }
    }

    public static boolean isSweepFolder(Path p) {
        return Files.isRegularFile(p.resolve("runs.csv"));
    }

    static Table read(Path dir) throws IOException {
        Path f = dir.resolve("runs.csv");
        if (!Files.isRegularFile(f)) throw new JmhResults.BadInputException(dir, "has no runs.csv: not a sweep folder");
        Table t;
        try {
            t = Table.read().usingOptions(CsvReadOptions.builder(f.toFile()).columnTypesPartial(java.util.Map.of("run_id", tech.tablesaw.api.ColumnType.STRING)).build());
        } catch (RuntimeException e) {
            throw new JmhResults.BadInputException(f, "cannot be read as a runs table (empty or not CSV?): " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (!t.columnNames().contains("run_id") || t.rowCount() == 0) {
            throw new JmhResults.BadInputException(f, "holds no runs (" + (t.columnNames().contains("run_id") ? "a header only" : "no run_id column")
                    + "): finish the sweep (sweep --resume) or choose another folder");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String id : t.stringColumn("run_id")) {
            if (!seen.add(id)) throw new JmhResults.BadInputException(f, "lists run " + id + " twice: a runs table must name each run once; rebuild it");
        }
        return t;
    }

    public static Result compare(Path base, Path candidate, double tolerance) throws IOException {
        Table a = read(base), b = read(candidate);
        List<Change> changes = new ArrayList<>();
        List<String> onlyA = new ArrayList<>(), onlyB = new ArrayList<>();
        List<String> idsB = b.stringColumn("run_id").asList();
        int common = 0;
        for (int i = 0; i < a.rowCount(); i++) {
            String id = a.stringColumn("run_id").get(i);
            int j = idsB.indexOf(id);
            if (j < 0) {
                onlyA.add(id);
                continue;
            }
            common++;
            for (String m : METRICS) {
                if (!a.columnNames().contains(m) || !b.columnNames().contains(m)) continue;
                double x = a.numberColumn(m).getDouble(i), y = b.numberColumn(m).getDouble(j);
                boolean same = Double.doubleToLongBits(x) == Double.doubleToLongBits(y);
                if (same) continue;
                double scale = Math.max(Math.abs(x), Math.abs(y));
                boolean beyond = Double.isNaN(x) != Double.isNaN(y) || Math.abs(x - y) > tolerance * Math.max(scale, 1e-300);
                changes.add(new Change(id, m, x, y, false, beyond));
            }
        }
        for (String id : idsB) if (!a.stringColumn("run_id").contains(id)) onlyB.add(id);
        if (common == 0) {
            throw new IllegalArgumentException("nothing to compare: the sweep folders " + base + " and " + candidate
                    + " have no run in common (" + a.rowCount() + " and " + b.rowCount() + " runs); compare two runs of the same sweep");
        }
        return new Result(common, changes, onlyA, onlyB);
    }

    public static String text(Result r, double tolerance) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d runs in both: %d bit-identical, %d with changed metrics "
                + "(%d beyond the relative tolerance %.1e)%n", r.common(), r.identicalRuns(),
                r.changes().stream().map(Change::runId).distinct().count(),
                r.changes().stream().filter(Change::beyondTolerance).map(Change::runId).distinct().count(), tolerance));
        for (Change c : r.changes()) {
            sb.append(String.format(Locale.ROOT, "  %s %s: %s -> %s%s%n", c.runId(), c.metric(), c.base(), c.candidate(),
                    c.beyondTolerance() ? "  BEYOND TOLERANCE" : ""));
        }
        r.onlyBase().forEach(k -> sb.append("only in base: ").append(k).append('\n'));
        r.onlyCandidate().forEach(k -> sb.append("only in candidate: ").append(k).append('\n'));
        return sb.toString();
    }
}
