package org.clipbench.experiments;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.clipbench.io.Markdown;
import tech.tablesaw.aggregate.AggregateFunctions;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * Per strategy and learning rate: runs, diverged runs, median final training loss, and the held-out
 * error rate and success rate where the problem has them (Tablesaw group-by over runs.csv).
 */
public final class SweepSummary {
    private SweepSummary() {
    }

    public static Table table(Path dir) throws IOException {
        // typed: learning rates that are all whole numbers (1, 2, 1e6) would otherwise be read as an int column
        return table(Table.read().usingOptions(CsvReadOptions.builder(dir.resolve("runs.csv").toFile()).columnTypesPartial(Map.of(
                "lr", ColumnType.DOUBLE, "seed", ColumnType.DOUBLE, "final_loss", ColumnType.DOUBLE, "diverged", ColumnType.STRING,
                "strategy", ColumnType.STRING)).build()));
    }

    public static Table table(Table loaded) {
        Table runs = loaded.copy();
        if (runs.columnNames().contains("lr_label")) runs.removeColumns("lr_label");
        DoubleColumn divergedFlag = DoubleColumn.create("diverged_flag");
        for (int i = 0; i < runs.rowCount(); i++) divergedFlag.append(runs.column("diverged").getString(i).equals("true") ? 1 : 0);
        runs.addColumns(divergedFlag);
        runs.column("lr").setName("lr_value");
        runs.addColumns(runs.doubleColumn("lr_value").asStringColumn().setName("lr"));
        Table t = runs.summarize("seed", AggregateFunctions.count).by("strategy", "lr");
        t.column(t.columnCount() - 1).setName("runs");
        t = t.joinOn("strategy", "lr").inner(runs.summarize("diverged_flag", AggregateFunctions.sum).by("strategy", "lr"));
        t.column(t.columnCount() - 1).setName("diverged");
        t = t.joinOn("strategy", "lr").inner(runs.summarize("final_loss", AggregateFunctions.median).by("strategy", "lr"));
        t.column(t.columnCount() - 1).setName("median_final_loss");
        for (String metric : new String[] {"eval_error_rate", "eval_success", "eval_loss"}) {
            if (!runs.columnNames().contains(metric)) continue;
            t = t.joinOn("strategy", "lr").inner(runs.summarize(metric, AggregateFunctions.mean).by("strategy", "lr"));
            t.column(t.columnCount() - 1).setName("mean_" + metric.substring("eval_".length()));
        }
        return t.sortOn("lr", "strategy");
    }

    public static String markdown(Path dir) throws IOException {
        return "## Convergence summary\n\nFrom " + dir.resolve("runs.csv") + " (means over seeds; diverged runs have no evaluation)\n\n"
                + Markdown.table(table(dir));
    }
}
