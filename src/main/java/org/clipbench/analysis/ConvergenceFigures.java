package org.clipbench.analysis;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.IntervalUtils;
import tech.tablesaw.aggregate.AggregateFunctions;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Convergence figures from sweep folders: loss curves (median over seeds with the inter-quartile band)
 * per strategy, the final-loss heatmap over strategy x learning rate, the fraction of runs clipping over
 * training, divergence counts, and, when sweeps differ only in sequence length, success rate against
 * length with exact (Clopper-Pearson) 95% intervals.
 */
public final class ConvergenceFigures {
    private ConvergenceFigures() {
    }

    public static List<Figure> build(List<SweepResults> sweeps) {
        List<Figure> out = new ArrayList<>();
        for (SweepResults s : sweeps) out.addAll(forSweep(s));
        Figure success = successVsLength(sweeps);
        if (success != null) out.add(success);
        return out;
    }

    public static List<Figure> forSweep(SweepResults s) {
        List<Figure> out = new ArrayList<>();
        String id = slug(s.name());
        if (s.curves() != null) {
            Table curves = s.curves().joinOn("run_id").inner(s.runs().selectColumns("run_id", "strategy", "lr_label"));
            List<String> lrs = KernelFigures.sorted(s.runs(), "lr_label");
            for (String lr : lrs) {
                Figure f = lossCurves(curves, lr, id + (lrs.size() > 1 ? "-lr" + slug(lr) : ""), s.name());
                if (!f.isEmpty()) out.add(f);
            }
            Figure clip = clipFraction(curves, id, s.name());
            if (!clip.isEmpty()) out.add(clip);
        }
        out.add(finalLossHeatmap(s, id));
        out.add(divergences(s, id));
        return out;
    }

    /** Median and inter-quartile range over seeds of the training loss, per strategy, at one learning rate. */
    static Figure lossCurves(Table curves, String lr, String id, String sweep) {
        Table loss = curves.where(curves.stringColumn("metric").isEqualTo("loss").and(curves.stringColumn("lr_label").isEqualTo(lr)));
        boolean positive = loss.doubleColumn("value").min() > 0;
        Figure f = Figure.line("loss-curves-" + id).title(sweep + ": training loss at lr " + lr).axes("step", "training loss")
                .caption("Median over seeds; band: first to third quartile. Diverged runs stop at their last recorded step.");
        if (positive) f.logY();
        return addQuartileSeries(f, loss, "strategy");
    }

    /** One series per value of seriesColumn: the median of value by step, with the first-to-third quartile band. */
    private static Figure addQuartileSeries(Figure f, Table c, String seriesColumn) {
        Table q = c.summarize("value", AggregateFunctions.median, AggregateFunctions.quartile1, AggregateFunctions.quartile3)
                .by(seriesColumn, "step");
        for (String name : KernelFigures.sorted(q, seriesColumn)) {
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

    /** Share of runs whose recorded step was clipped, per strategy and learning rate, over training. */
    static Figure clipFraction(Table curves, String id, String sweep) {
        Table c = curves.where(curves.stringColumn("metric").isEqualTo("clipped").and(curves.stringColumn("strategy").isNotEqualTo("none")));
        StringColumn key = StringColumn.create("series");
        for (int r = 0; r < c.rowCount(); r++) key.append(c.stringColumn("strategy").get(r) + " @ lr " + c.stringColumn("lr_label").get(r));
        c.addColumns(key);
        Table m = c.summarize("value", AggregateFunctions.mean).by("series", "step");
        Figure f = Figure.line("clip-fraction-" + id).title(sweep + ": share of runs clipping, over training").axes("step", "fraction of runs clipped")
                .caption("At each recorded step, the fraction of the seeds whose gradient (or update) was clipped.");
        for (String s : KernelFigures.sorted(m, "series")) {
            Table r = m.where(m.stringColumn("series").isEqualTo(s)).sortOn("step");
            f.add(s, r.numberColumn("step").asDoubleArray(), r.doubleColumn(2).asDoubleArray());
        }
        return f;
    }

    static Figure finalLossHeatmap(SweepResults s, String id) {
        Table runs = s.runs();
        List<String> strategies = KernelFigures.sorted(runs, "strategy");
        List<String> lrs = new ArrayList<>(new java.util.LinkedHashSet<>(runs.sortOn("lr").stringColumn("lr_label").asList()));
        Table fin = s.finished();
        Table med = fin.rowCount() == 0 ? null : fin.summarize("final_loss", AggregateFunctions.median).by("strategy", "lr_label");
        double[][] z = new double[strategies.size()][lrs.size()];
        for (int i = 0; i < strategies.size(); i++) {
            for (int j = 0; j < lrs.size(); j++) {
                z[i][j] = Double.NaN;
                if (med == null) continue;
                Table cell = med.where(med.stringColumn("strategy").isEqualTo(strategies.get(i)).and(med.stringColumn("lr_label").isEqualTo(lrs.get(j))));
                if (cell.rowCount() > 0) z[i][j] = cell.doubleColumn(2).get(0);
            }
        }
        return Figure.heatmap("final-loss-" + id, lrs, strategies, z).title(s.name() + ": median final training loss")
                .axes("learning rate", "strategy").caption("Median over the seeds that did not diverge; an empty cell: every seed diverged.");
    }

    /** Share of seeds diverged per strategy, a point per learning rate, with its exact binomial 95% interval. */
    static Figure divergences(SweepResults s, String id) {
        Table runs = s.runs();
        List<String> strategies = KernelFigures.sorted(runs, "strategy");
        List<String> lrs = new ArrayList<>(new java.util.LinkedHashSet<>(runs.sortOn("lr").stringColumn("lr_label").asList()));
        Figure f = Figure.dots("divergences-" + id, strategies).title(s.name() + ": diverged runs").valueRange(0, 1)
                .axes("strategy", "fraction of seeds diverged")
                .caption("A run diverges when its loss is NaN/Inf or exceeds the divergence factor times its first loss. "
                        + "Whiskers: exact binomial (Clopper-Pearson) 95% interval over the seeds.");
        for (String lr : lrs) {
            double[] y = new double[strategies.size()], lo = new double[y.length], hi = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                Table cell = runs.where(runs.stringColumn("strategy").isEqualTo(strategies.get(i)).and(runs.stringColumn("lr_label").isEqualTo(lr)));
                int diverged = (int) cell.stringColumn("diverged").countOccurrences("true");
                double[] ci = binomialInterval(cell.rowCount(), diverged);
                y[i] = cell.rowCount() == 0 ? Double.NaN : (double) diverged / cell.rowCount();
                lo[i] = ci[0];
                hi[i] = ci[1];
            }
            f.estimates("lr " + lr, y, lo, hi);
        }
        return f;
    }

    /** Success rate against sequence length, when the sweeps cover two or more lengths and report success. */
    static Figure successVsLength(List<SweepResults> sweeps) {
        return successVsLength(sweeps, "success-vs-length");
    }

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
        for (String strategy : KernelFigures.sorted(g, "strategy")) {
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

    public static String slug(String s) {
        return s.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
