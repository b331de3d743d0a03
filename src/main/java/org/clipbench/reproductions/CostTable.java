package org.clipbench.reproductions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.JmhResults.BadInputException;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/** A cost measurement's rows (costs.csv), read by cell (batch size x positions) and paired by repetition. */
final class CostTable {
    private CostTable() {
    }

    private static final Map<String, ColumnType> TYPES = Map.of("measurement", ColumnType.STRING, "measure", ColumnType.STRING,
            "backend", ColumnType.STRING, "dtype", ColumnType.STRING, "layer", ColumnType.STRING, "method", ColumnType.STRING);

    static Table load(Path file) throws IOException {
        try {
            Table t = Table.read().usingOptions(CsvReadOptions.builder(file.toFile()).columnTypesPartial(TYPES).build());
            for (String c : List.of("batch", "positions", "method", "repetition", "time_ns", "memory_bytes", "working_set_bytes", "clipped", "layer")) {
                if (!t.columnNames().contains(c)) throw new BadInputException(file, "lacks the column '" + c + "': not a cost measurement ClipBench wrote");
            }
            return t;
        } catch (RuntimeException e) {
            if (e instanceof BadInputException b) throw b;
            throw new BadInputException(file, "is not a cost table ClipBench wrote: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** The rows of one batch size and sequence length. */
    record Cell(Table rows, int batch, int positions) {
        String label() {
            return "B = " + batch + ", T = " + positions;
        }

        private Table of(String method) {
            return rows.where(rows.stringColumn("method").isEqualTo(method)).sortOn("repetition");
        }

        int steps(String method) {
            return of(method).rowCount();
        }

        int clippingSteps(String method) {
            Table m = of(method);
            int n = 0;
            for (int i = 0; i < m.rowCount(); i++) if (m.numberColumn("clipped").getDouble(i) > 0) n++;
            return n;
        }

        /** The method's values of a column, by repetition. */
        double[] values(String method, String column) {
            return of(method).numberColumn(column).asDoubleArray();
        }

        /** ln(a / b) per repetition: a paired comparison, each pair measured in the same repetition. */
        double[] logRatios(String a, String b, String column) {
            double[] x = values(a, column), y = values(b, column);
            int n = Math.min(x.length, y.length);
            double[] out = new double[n];
            for (int i = 0; i < n; i++) out[i] = Math.log(x[i] / y[i]);
            return out;
        }
    }

    /** Every cell of a measurement, by batch size, then sequence length. */
    static List<Cell> cells(Table t) {
        List<Cell> out = new ArrayList<>();
        for (double b : t.numberColumn("batch").asDoubleColumn().unique().asList().stream().sorted().toList()) {
            for (double p : t.numberColumn("positions").asDoubleColumn().unique().asList().stream().sorted().toList()) {
                Table rows = t.where(t.numberColumn("batch").isEqualTo(b).and(t.numberColumn("positions").isEqualTo(p)));
                if (rows.rowCount() > 0) out.add(new Cell(rows, (int) b, (int) p));
            }
        }
        return out;
    }

    /** {d_in, d_out} of the measured layer. */
    static int[] dims(Table t) {
        String[] p = t.stringColumn("layer").get(0).split("x");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }

    /** The median ratio of paired measurements and its 95% percentile-bootstrap interval: {median, lower, upper}. */
    static double[] ratio(double[] logRatios) {
        double[] ci = Evidence.bootstrap(logRatios, Evidence::median);
        return new double[] {Math.exp(Evidence.median(logRatios)), Math.exp(ci[0]), Math.exp(ci[1])};
    }
}
