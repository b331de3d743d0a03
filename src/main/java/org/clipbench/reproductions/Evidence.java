package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.StatUtils;
import org.clipbench.analysis.Plots;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Small statistics and table helpers the checks share: per-run values, bootstrap and binomial intervals, evidence tables. */
final class Evidence {
    private Evidence() {
    }

    static final int BOOTSTRAP = 10_000;

    /** Rows of a sweep's runs for one strategy (and learning rate, when lr is not NaN). */
    static Table runs(SweepResults s, String strategy, double lr) {
        Table r = s.runs().where(s.runs().stringColumn("strategy").isEqualTo(strategy));
        return Double.isNaN(lr) ? r : r.where(r.doubleColumn("lr").isCloseTo(lr, 1e-12 * Math.abs(lr)));
    }

    static boolean diverged(Table runs, int row) {
        return runs.stringColumn("diverged").get(row).equals("true");
    }

    static int divergedCount(Table runs) {
        int k = 0;
        for (int i = 0; i < runs.rowCount(); i++) if (diverged(runs, i)) k++;
        return k;
    }

    /** A numeric column's values; a run without the value (e.g. diverged, no evaluation) gives `missing`. */
    static double[] values(Table runs, String column, double missing) {
        double[] v = new double[runs.rowCount()];
        for (int i = 0; i < v.length; i++) {
            double x = runs.columnNames().contains(column) && !runs.numberColumn(column).isMissing(i) ? runs.numberColumn(column).getDouble(i) : Double.NaN;
            v[i] = Double.isNaN(x) || diverged(runs, i) ? missing : x;
        }
        return v;
    }

    /** Held-out accuracy per run, 1 - error rate; a diverged run counts as `chance`. */
    static double[] accuracy(Table runs, double chance) {
        double[] err = values(runs, "eval_error_rate", Double.NaN);
        double[] acc = new double[err.length];
        for (int i = 0; i < err.length; i++) acc[i] = Double.isNaN(err[i]) ? chance : 1 - err[i];
        return acc;
    }

    /** Per run, a metric's curve (eval_x, eval_loss, ...) as step -> value, in step order. */
    static Map<String, double[][]> curves(SweepResults s, String metric) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        if (s.curves() == null) return out;
        Table c = s.curves().where(s.curves().stringColumn("metric").isEqualTo(metric)).sortOn("run_id", "step");
        for (String id : c.stringColumn("run_id").unique()) {
            Table r = c.where(c.stringColumn("run_id").isEqualTo(id)).sortOn("step");
            out.put(id, new double[][] {r.numberColumn("step").asDoubleArray(), r.doubleColumn("value").asDoubleArray()});
        }
        return out;
    }

    /** Values of a curve from the second half of the run on (by step). */
    static double[] secondHalf(double[][] curve) {
        double last = curve[0][curve[0].length - 1];
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < curve[0].length; i++) if (curve[0][i] >= last / 2 && Double.isFinite(curve[1][i])) v.add(curve[1][i]);
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static double median(double[] v) {
        return v.length == 0 ? Double.NaN : new Median().evaluate(v);
    }

    static double mean(double[] v) {
        return v.length == 0 ? Double.NaN : StatUtils.mean(v);
    }

    /** Percentile bootstrap 95% interval of a statistic (seeded: the same data give the same interval). */
    static double[] bootstrap(double[] v, java.util.function.ToDoubleFunction<double[]> stat) {
        if (v.length == 0) return new double[] {Double.NaN, Double.NaN};
        RandomGenerator rng = new Well19937c(20260101L);
        double[] stats = new double[BOOTSTRAP], sample = new double[v.length];
        for (int b = 0; b < BOOTSTRAP; b++) {
            for (int i = 0; i < v.length; i++) sample[i] = v[rng.nextInt(v.length)];
            stats[b] = stat.applyAsDouble(sample);
        }
        Percentile p = new Percentile();
        return new double[] {p.evaluate(stats, 2.5), p.evaluate(stats, 97.5)};
    }

    /** Percentile bootstrap 95% interval of mean(a) - mean(b), resampling each group on its own. */
    static double[] bootstrapMeanDifference(double[] a, double[] b) {
        if (a.length == 0 || b.length == 0) return new double[] {Double.NaN, Double.NaN};
        RandomGenerator rng = new Well19937c(20260102L);
        double[] stats = new double[BOOTSTRAP];
        for (int k = 0; k < BOOTSTRAP; k++) {
            double sa = 0, sb = 0;
            for (int i = 0; i < a.length; i++) sa += a[rng.nextInt(a.length)];
            for (int i = 0; i < b.length; i++) sb += b[rng.nextInt(b.length)];
            stats[k] = sa / a.length - sb / b.length;
        }
        Percentile p = new Percentile();
        return new double[] {p.evaluate(stats, 2.5), p.evaluate(stats, 97.5)};
    }

    /** Percentile bootstrap 95% interval of stat(a) / stat(b), resampling each group on its own. */
    static double[] bootstrapRatio(double[] a, double[] b, java.util.function.ToDoubleFunction<double[]> stat) {
        if (a.length == 0 || b.length == 0) return new double[] {Double.NaN, Double.NaN};
        RandomGenerator rng = new Well19937c(20260103L);
        double[] stats = new double[BOOTSTRAP], sa = new double[a.length], sb = new double[b.length];
        for (int k = 0; k < BOOTSTRAP; k++) {
            for (int i = 0; i < a.length; i++) sa[i] = a[rng.nextInt(a.length)];
            for (int i = 0; i < b.length; i++) sb[i] = b[rng.nextInt(b.length)];
            stats[k] = stat.applyAsDouble(sa) / stat.applyAsDouble(sb);
        }
        // nearest rank, read off the sorted resamples: an infinite ratio (a diverged run in the tail) must stay
        // infinite, and Commons Math's estimators compute lower + d (upper - lower), which is NaN between infinities
        Arrays.sort(stats);
        return new double[] {stats[(int) Math.ceil(0.025 * stats.length) - 1], stats[(int) Math.ceil(0.975 * stats.length) - 1]};
    }

    /** A series of mean accuracy over seeds per strategy, at the given x, with the bootstrap 95% band of each mean. */
    static org.clipbench.analysis.Figure.Series meanAccuracy(String name, SweepResults s, List<String> strategies, double[] x, double chance) {
        int n = strategies.size();
        double[] y = new double[n], lo = new double[n], hi = new double[n];
        for (int i = 0; i < n; i++) {
            double[] acc = accuracy(runs(s, strategies.get(i), Double.NaN), chance);
            double[] ci = bootstrap(acc, Evidence::mean);
            y[i] = mean(acc);
            lo[i] = ci[0];
            hi[i] = ci[1];
        }
        return new org.clipbench.analysis.Figure.Series(name, x, y, lo, hi, false);
    }

    static double[] binomial(int trials, int successes) {
        return Plots.binomialInterval(trials, successes);
    }

    static String pct(double p) {
        return String.format(java.util.Locale.ROOT, "%.0f%%", 100 * p);
    }

    static String num(double v) {
        return org.clipbench.io.Markdown.number(v);
    }

    static String interval(double[] ci) {
        return "[" + num(ci[0]) + ", " + num(ci[1]) + "]";
    }

    /** An evidence table built row by row: columns named up front, "name" text and "#name" numbers. */
    static final class Rows {
        private final Table t = Table.create("evidence");

        Rows(String... columns) {
            for (String c : columns) t.addColumns(c.startsWith("#") ? DoubleColumn.create(c.substring(1)) : StringColumn.create(c));
        }

        Rows add(Object... cells) {
            if (cells.length != t.columnCount()) throw new IllegalArgumentException("row has " + cells.length + " cells, table " + t.columnCount());
            for (int i = 0; i < cells.length; i++) {
                if (t.column(i) instanceof DoubleColumn d) d.append(((Number) cells[i]).doubleValue());
                else ((StringColumn) t.column(i)).append(String.valueOf(cells[i]));
            }
            return this;
        }

        Table table() {
            return t;
        }
    }

    /** Per seed (rounded to a whole number), the value of each run: runs and values in the same row order. */
    static java.util.TreeMap<Long, Double> bySeed(Table runs, double[] values) {
        java.util.TreeMap<Long, Double> out = new java.util.TreeMap<>();
        for (int i = 0; i < values.length; i++) out.put(Math.round(runs.numberColumn("seed").getDouble(i)), values[i]);
        return out;
    }

    /** The values of the seeds both maps have with finite values, in seed order: {a, b}, for a paired test. */
    static double[][] paired(java.util.TreeMap<Long, Double> a, java.util.TreeMap<Long, Double> b) {
        List<double[]> pairs = new ArrayList<>();
        a.forEach((seed, x) -> {
            Double y = b.get(seed);
            if (y != null && Double.isFinite(x) && Double.isFinite(y)) pairs.add(new double[] {x, y});
        });
        double[][] out = new double[2][pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            out[0][i] = pairs.get(i)[0];
            out[1][i] = pairs.get(i)[1];
        }
        return out;
    }

    /** The distinct learning rates of a sweep, ascending. */
    static List<Double> lrs(SweepResults s) {
        return s.runs().doubleColumn("lr").unique().asList().stream().sorted().toList();
    }

    /** An empty evidence table, for verdicts reached without numbers. */
    static Table rowsPlaceholder() {
        return new Rows("note").table();
    }
}
