package org.clipbench.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.IntervalUtils;
import org.clipbench.params.ParamShapes;
import tech.tablesaw.aggregate.AggregateFunctions;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Plotting helpers the analysis scripts share (the standard figures themselves are defined in
 * {@code analysis/report/kernels/} and {@code analysis/report/convergence/}): series from Tablesaw tables,
 * the marks for rows not at steady state, median and quartile series over seeds, exact binomial intervals.
 */
public final class Plots {
    private Plots() {
    }

    /** The series name the report uses for points measured before steady state: drawn as black crosses. */
    public static final String NOT_STEADY = "not at steady state";

    /** The distinct values of a text column, sorted. */
    public static List<String> sorted(Table t, String column) {
        return t.stringColumn(column).unique().asList().stream().sorted(Comparator.naturalOrder()).toList();
    }

    /** The table with a column "elements": the total size of each row's data set (NaN for a name that is not one). */
    public static Table withElements(Table t) {
        Table c = t.copy();
        DoubleColumn el = DoubleColumn.create("elements");
        for (String d : c.stringColumn("data")) {
            double n;
            try {
                n = ParamShapes.get(d).totalSize();
            } catch (IllegalArgumentException e) {
                n = Double.NaN;
            }
            el.append(n);
        }
        return c.addColumns(el);
    }

    /**
     * Crosses over the points of rows that are not at steady state (column "steady" neither empty nor
     * "yes"), and their names in the caption; xColumn null: only the caption (a comparison figure).
     */
    public static void markUnsteady(Figure f, Table rows, String xColumn, String yColumn) {
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int r = 0; r < rows.rowCount(); r++) {
            String steady = rows.stringColumn("steady").get(r);
            if (steady.isEmpty() || steady.equals("yes")) continue;
            if (xColumn != null) {
                xs.add(rows.doubleColumn(xColumn).getDouble(r));
                ys.add(rows.doubleColumn(yColumn).getDouble(r));
            }
            names.add(rows.stringColumn("backend").get(r) + " " + rows.stringColumn("data").get(r)
                    + (rows.columnNames().contains("threads") ? " t" + rows.stringColumn("threads").get(r) : ""));
        }
        if (names.isEmpty()) return;
        if (!xs.isEmpty()) {
            f.add(new Figure.Series(NOT_STEADY, xs.stream().mapToDouble(Double::doubleValue).toArray(),
                    ys.stream().mapToDouble(Double::doubleValue).toArray(), null, null, false, true));
        }
        f.caption(f.caption() + " Not at steady state" + (xs.isEmpty() ? "" : " (×)") + ": " + String.join(", ", names) + ".");
    }

    /**
     * A comparison series per value of seriesColumn: per category the row of the median estimate (several rows
     * share a cell, e.g. norm kinds or thread counts) with that row's own interval, columns value, value_lower, value_upper.
     */
    public static void addMedianEstimates(Figure f, Table t, String seriesColumn, String categoryColumn, List<String> categories, String value) {
        for (String series : sorted(t, seriesColumn)) {
            Table rows = t.where(t.stringColumn(seriesColumn).isEqualTo(series));
            double[] y = new double[categories.size()], lo = new double[y.length], hi = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                Table cell = rows.where(rows.stringColumn(categoryColumn).isEqualTo(categories.get(i))).sortOn(value);
                int median = (cell.rowCount() - 1) / 2;
                boolean any = cell.rowCount() > 0;
                y[i] = any ? cell.doubleColumn(value).getDouble(median) : Double.NaN;
                lo[i] = any ? cell.doubleColumn(value + "_lower").getDouble(median) : Double.NaN;
                hi[i] = any ? cell.doubleColumn(value + "_upper").getDouble(median) : Double.NaN;
            }
            f.estimates(series, y, lo, hi);
        }
    }

    /** One series per value of seriesColumn: the median of "value" by step, with the first-to-third quartile band. */
    public static Figure addQuartileSeries(Figure f, Table c, String seriesColumn) {
        Table q = c.summarize("value", AggregateFunctions.median, AggregateFunctions.quartile1, AggregateFunctions.quartile3)
                .by(seriesColumn, "step");
        for (String name : sorted(q, seriesColumn)) {
            Table r = q.where(q.stringColumn(seriesColumn).isEqualTo(name)).sortOn("step");
            f.add(new Figure.Series(name, r.numberColumn("step").asDoubleArray(), r.doubleColumn(2).asDoubleArray(),
                    r.doubleColumn(3).asDoubleArray(), r.doubleColumn(4).asDoubleArray(), false));
        }
        return f;
    }

    /**
     * Median and inter-quartile band over seeds of any curve metric (loss, eval_loss, eval_x, grad_norm_pre, ...),
     * one series per strategy and learning rate (the rate is named when the runs have several).
     */
    public static Figure metricCurves(SweepResults s, String metric, String id, String title, String yLabel, boolean logY) {
        Figure f = Figure.line(id).title(title).axes("step", yLabel)
                .caption("Median over seeds; band: first to third quartile.");
        if (logY) f.logY();
        if (s.curves() == null) return f;
        Table c = s.curves().where(s.curves().stringColumn("metric").isEqualTo(metric))
                .joinOn("run_id").inner(s.runs().selectColumns("run_id", "strategy", "lr_label"));
        boolean manyLrs = s.runs().stringColumn("lr_label").unique().size() > 1;
        StringColumn key = StringColumn.create("series");
        for (int r = 0; r < c.rowCount(); r++) {
            key.append(c.stringColumn("strategy").get(r) + (manyLrs ? " @ lr " + c.stringColumn("lr_label").get(r) : ""));
        }
        c.addColumns(key);
        return addQuartileSeries(f, c, "series");
    }

    /** Success rate against sequence length, when the sweeps cover two or more lengths and report success; else null. */
    public static Figure successVsLength(List<SweepResults> sweeps, String id) {
        Table all = null;
        for (SweepResults s : sweeps) {
            Table r = s.runs();
            if (!r.columnNames().contains("problem_length") || !r.columnNames().contains("eval_success")) continue;
            Table part = Table.create("runs", r.stringColumn("strategy").copy(), r.numberColumn("problem_length").asDoubleColumn().asIntColumn().setName("length"),
                    successFlags(r));
            all = all == null ? part : all.append(part);
        }
        if (all == null || all.numberColumn("length").unique().size() < 2) return null;
        Figure f = Figure.line(id).title("Success rate against sequence length").axes("sequence length L", "fraction of seeds solved")
                .caption("Solved: under 1% wrong on the held-out sequences. Band: exact binomial (Clopper-Pearson) 95% interval.");
        Table g = all.summarize("success", AggregateFunctions.sum, AggregateFunctions.count).by("strategy", "length");
        for (String strategy : sorted(g, "strategy")) {
            Table r = g.where(g.stringColumn("strategy").isEqualTo(strategy)).sortOn("length");
            int n = r.rowCount();
            double[] x = new double[n], y = new double[n], lo = new double[n], hi = new double[n];
            for (int i = 0; i < n; i++) {
                int k = (int) Math.round(r.doubleColumn(2).get(i)), total = (int) Math.round(r.doubleColumn(3).get(i));
                x[i] = r.numberColumn("length").getDouble(i);
                y[i] = (double) k / total;
                double[] ci = binomialInterval(total, k);
                lo[i] = ci[0];
                hi[i] = ci[1];
            }
            f.add(new Figure.Series(strategy, x, y, lo, hi, false));
        }
        return f;
    }

    /** eval_success as 0/1, diverged or missing counted as not solved. */
    static DoubleColumn successFlags(Table r) {
        DoubleColumn c = DoubleColumn.create("success");
        for (int i = 0; i < r.rowCount(); i++) {
            double v = r.numberColumn("eval_success").isMissing(i) ? 0 : r.numberColumn("eval_success").getDouble(i);
            c.append(!r.stringColumn("diverged").get(i).equals("true") && v >= 0.5 ? 1 : 0);
        }
        return c;
    }

    /** Exact 95% binomial interval; [0, 0] style edge cases handled (Commons Math rejects 0 trials). */
    public static double[] binomialInterval(int trials, int successes) {
        if (trials == 0) return new double[] {Double.NaN, Double.NaN};
        if (successes == 0) return new double[] {0, 1 - Math.pow(0.025, 1.0 / trials)};
        if (successes == trials) return new double[] {Math.pow(0.025, 1.0 / trials), 1};
        ConfidenceInterval ci = IntervalUtils.getClopperPearsonInterval(trials, successes, 0.95);
        return new double[] {ci.getLowerBound(), ci.getUpperBound()};
    }

    /** A name as a file-name part: lower case, runs of other characters as one '-'. */
    public static String slug(String s) {
        return s.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
