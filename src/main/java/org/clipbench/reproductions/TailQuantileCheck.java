package org.clipbench.reproductions;

import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * High-probability convergence (Sadiev et al. 2023): under noise with unbounded variance the bad runs of
 * SGD are much worse than those of clipped SGD, each at its tuned step size and threshold. Endpoint: a
 * high quantile (`quantile`, 0.95; linear interpolation, numpy's default) of the final held-out loss over many seeds, a diverged run counting as
 * infinitely bad. Decided by a two-sample percentile bootstrap: the 95% interval of quantile(baseline) /
 * quantile(clipped) must lie above `factor`; an interval wholly below it is not reproduced. Gates: the
 * clipped arm clipped; each arm's median final loss is below its median first loss (both learned).
 */
final class TailQuantileCheck implements Check {
    private final String baselineSweep, clippedSweep, baseline, clipped;
    private final double quantile, factor;

    TailQuantileCheck(Checks.Params p) {
        baselineSweep = p.text("baselineSweep", "sgd");
        clippedSweep = p.text("clippedSweep", "clipped");
        baseline = p.text("baseline", "none");
        clipped = p.text("clipped", "global-norm:c=1,eps=0");
        quantile = p.number("quantile", 0.95);
        factor = p.number("factor", 10);
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        Evidence.Rows rows = new Evidence.Rows("strategy", "#lr", "#seeds", "#median_loss", "#tail_loss", "tail_ci95", "#clip_fraction", "#clip_share");
        SweepResults sb = results.get(baselineSweep), sc = results.get(clippedSweep);
        if (sb == null || sc == null) return Verdict.inconclusive("no '" + (sb == null ? baselineSweep : clippedSweep) + "' sweep", rows.table());
        Table rb = Evidence.runs(sb, baseline, Double.NaN), rc = Evidence.runs(sc, clipped, Double.NaN);
        double[] lb = Evidence.values(rb, "eval_loss", Double.POSITIVE_INFINITY), lc = Evidence.values(rc, "eval_loss", Double.POSITIVE_INFINITY);
        if (lb.length < 20 || lc.length < 20) return Verdict.inconclusive("fewer than 20 runs per arm: a tail quantile needs many seeds", rows.table());
        String q = Evidence.pct(quantile);
        rows.add(baseline, rb.numberColumn("lr").getDouble(0), lb.length, Evidence.median(lb), tail(lb), Evidence.interval(Evidence.bootstrap(lb, this::tail)), Gates.clipFraction(rb), Gates.clipShare(rb));
        rows.add(clipped, rc.numberColumn("lr").getDouble(0), lc.length, Evidence.median(lc), tail(lc), Evidence.interval(Evidence.bootstrap(lc, this::tail)), Gates.clipFraction(rc), Gates.clipShare(rc));
        Table t = rows.table();
        Verdict gated = Gates.firstFailure("", t, Gates.clipped(clipped, rc), learned(baseline, rb, lb), learned(clipped, rc, lc));
        if (gated != null) return gated;
        double ratio = tail(lb) / tail(lc);
        double[] ci = Evidence.bootstrapRatio(lb, lc, this::tail);
        String numbers = "the " + q + " quantile of the final loss is " + Evidence.num(tail(lb)) + " without clipping and " + Evidence.num(tail(lc))
                + " with (" + lb.length + " and " + lc.length + " seeds): ratio " + Evidence.num(ratio) + ", 95% bootstrap interval " + Evidence.interval(ci);
        if (ci[0] > factor) return Verdict.reproduced(numbers + ", above " + Evidence.num(factor), t);
        if (ci[1] < factor) return Verdict.notReproduced(numbers + ", below " + Evidence.num(factor), t);
        return Verdict.inconclusive(numbers + ", which reaches " + Evidence.num(factor), t);
    }

    private double tail(double[] v) {
        if (java.util.Arrays.stream(v).anyMatch(x -> x == Double.POSITIVE_INFINITY)) {
            double[] sorted = v.clone();
            java.util.Arrays.sort(sorted);
            // Percentile interpolates, and Inf - Inf is NaN: a quantile reaching the diverged runs is infinite
            if (sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * (sorted.length - 1)) + 1)] == Double.POSITIVE_INFINITY) return Double.POSITIVE_INFINITY;
        }
        return new Percentile(100 * quantile).withEstimationType(Percentile.EstimationType.R_7).evaluate(v);
    }

    /** null when the arm's median final loss is below its median first loss; else why not. */
    private static String learned(String arm, Table runs, double[] finalLoss) {
        double first = Evidence.median(Evidence.values(runs, "first_loss", Double.NaN)), last = Evidence.median(finalLoss);
        return last < first ? null : arm + " did not improve: median final loss " + Evidence.num(last) + " against a first loss of " + Evidence.num(first);
    }

    /** The final losses of each arm in order against their share of seeds: the tail at the right, log scale. */
    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        Figure f = Figure.line(id + "-tail").title("Final loss by quantile over seeds: the tail with and without clipping")
                .axes("share of seeds", "final loss").logY();
        for (var arm : List.of(Map.entry(baselineSweep, baseline), Map.entry(clippedSweep, clipped))) {
            SweepResults s = results.get(arm.getKey());
            if (s == null) continue;
            double[] v = java.util.Arrays.stream(Evidence.values(Evidence.runs(s, arm.getValue(), Double.NaN), "eval_loss", Double.NaN))
                    .filter(Double::isFinite).sorted().toArray();
            double[] share = new double[v.length];
            for (int i = 0; i < v.length; i++) share[i] = (i + 0.5) / v.length;
            if (v.length > 0) f.add(arm.getValue(), share, v);
        }
        return f.series().isEmpty() ? List.of() : List.of(f);
    }
}
