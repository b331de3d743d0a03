package org.clipbench.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.JmhResults.BadInputException;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * A convergence sweep folder loaded with Tablesaw: runs.csv (one row per run) and curves.csv or
 * curves.csv.gz (run_id, step, metric, value; null when the folder has neither). Adds lr_label, the learning rate as text, for
 * grouping. A missing or malformed file is a {@link BadInputException} naming the file and the problem.
 */
public record SweepResults(Path dir, String name, Table runs, Table curves) {

    static final List<String> RUN_COLUMNS = List.of("run_id", "strategy", "lr", "seed", "diverged", "final_loss");
    static final List<String> CURVE_COLUMNS = List.of("run_id", "step", "metric", "value");

    private static final Map<String, ColumnType> TYPES = Map.ofEntries(
            Map.entry("run_id", ColumnType.STRING), Map.entry("sweep", ColumnType.STRING), Map.entry("strategy", ColumnType.STRING),
            Map.entry("problem", ColumnType.STRING), Map.entry("backend", ColumnType.STRING), Map.entry("dtype", ColumnType.STRING),
            Map.entry("optimizer", ColumnType.STRING), Map.entry("lr_schedule", ColumnType.STRING), Map.entry("diverged", ColumnType.STRING),
            Map.entry("metric", ColumnType.STRING), Map.entry("lr", ColumnType.DOUBLE), Map.entry("seed", ColumnType.DOUBLE),
            Map.entry("step", ColumnType.INTEGER), Map.entry("value", ColumnType.DOUBLE), Map.entry("final_loss", ColumnType.DOUBLE));

    /** Whether dir looks like a sweep folder (it has runs.csv). */
    public static boolean isSweep(Path dir) {
        return Files.isRegularFile(dir.resolve("runs.csv"));
    }

    public static SweepResults load(Path dir) throws IOException {
        Table runs = read(dir.resolve("runs.csv"), RUN_COLUMNS);
        if (runs.rowCount() == 0) throw new BadInputException(dir.resolve("runs.csv"), "has a header but no runs: the sweep finished none (resume it with sweep --resume)");
        StringColumn label = StringColumn.create("lr_label");
        for (double lr : runs.doubleColumn("lr")) label.append(java.math.BigDecimal.valueOf(lr).stripTrailingZeros().toPlainString());
        runs.addColumns(label);
        Path curvesFile = dir.resolve("curves.csv"), gz = dir.resolve("curves.csv.gz");
        // curves.csv.gz: how committed reference results keep their (large) curves
        Table curves = Files.exists(curvesFile) ? read(curvesFile, CURVE_COLUMNS) : Files.exists(gz) ? read(gz, CURVE_COLUMNS) : null;
        String name = runs.columnNames().contains("sweep") ? runs.stringColumn("sweep").get(0) : dir.getFileName().toString();
        return new SweepResults(dir, name, runs, curves);
    }

    static Table read(Path file, List<String> required) throws IOException {
        if (!Files.isRegularFile(file)) throw new BadInputException(file, "missing: a sweep folder holds runs.csv and curves.csv");
        if (Files.size(file) == 0) throw new BadInputException(file, "is empty (the run was interrupted before writing it?)");
        if (!file.getFileName().toString().endsWith(".gz")) {
            try (var lines = Files.lines(file)) {
                if (lines.filter(l -> !l.isBlank()).limit(2).count() < 2) {
                    throw new BadInputException(file, "has a header but no rows: the sweep finished no run (resume it with sweep --resume)");
                }
            }
        }
        Table t;
        try {
            if (file.getFileName().toString().endsWith(".gz")) {
                try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
                    t = Table.read().usingOptions(CsvReadOptions.builder(in).columnTypesPartial(TYPES).maxCharsPerColumn(1 << 16).build());
                }
            } else {
                t = Table.read().usingOptions(CsvReadOptions.builder(file.toFile()).columnTypesPartial(TYPES).maxCharsPerColumn(1 << 16).build());
            }
        } catch (RuntimeException | java.io.IOException e) {
            throw new BadInputException(file, "is not a CSV table ClipBench wrote (rows with more or fewer fields than the header, "
                    + "or not CSV at all): " + e.getMessage().lines().findFirst().orElse("") + "; rerun or resume the sweep to rewrite it");
        }
        for (String c : required) {
            if (!t.columnNames().contains(c)) {
                throw new BadInputException(file, "lacks the column '" + c + "' (written by an older ClipBench? rerun the sweep, or resume it with this version)");
            }
        }
        return t;
    }

    /** Rows of runs that finished without diverging. */
    public Table finished() {
        return runs.where(runs.stringColumn("diverged").isNotEqualTo("true"));
    }
}
