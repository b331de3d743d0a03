package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Plots;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * Clipping bias on estimating a zero mean. Chen et al. 2020, Example 2: with samples -3 and +3 and
 * per-sample clipping at 1, gradient descent stays where it starts (|x_T - x_0| <= 1e-9) while plain
 * descent reaches 0. Koloskova et al. 2023: with a skewed zero-mean noise, clipped SGD's plateau (mean
 * of x over the second half, averaged over seeds) is at least `minBias` from 0 at every step size and
 * moves by less than `stable` times itself when the step shrinks; with the symmetric law of the same
 * size it is within `maxSymmetric` of 0; plain SGD's plateau is within `maxSymmetric` of 0.
 */
final class ClippingBiasCheck implements Check {
    private final String twoPoint, skewed, symmetric, baseline, clipped, perSample;
    private final double minBias, stable, maxSymmetric;

    ClippingBiasCheck(Checks.Params p) {
        twoPoint = p.text("twoPointSweep", "two-point");
        skewed = p.text("skewedSweep", "skewed");
        symmetric = p.text("symmetricSweep", "symmetric");
        baseline = p.text("baseline", "none");
        clipped = p.text("clipped", "global-norm:c=1,eps=0");
        perSample = p.text("perSample", "dp-flat:C=1,sigma=0");
        minBias = p.number("minBias", 0.2);
        stable = p.number("stable", 0.25);
        maxSymmetric = p.number("maxSymmetric", 0.1);
    }

    /** Per run, the mean of x over the second half of training. */
    static double[] plateaus(SweepResults s, Table runs) {
        Map<String, double[][]> curves = Evidence.curves(s, "eval_x");
        double[] out = new double[runs.rowCount()];
        for (int i = 0; i < out.length; i++) {
            double[][] c = curves.get(runs.stringColumn("run_id").get(i));
            out[i] = c == null ? Double.NaN : Evidence.mean(Evidence.secondHalf(c));
        }
        return out;
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        Evidence.Rows rows = new Evidence.Rows("sweep", "strategy", "#lr", "#seeds", "#plateau_mean", "ci95", "#final_x");
        List<String> failures = new ArrayList<>(), doubts = new ArrayList<>();
        SweepResults chen = results.get(twoPoint);
        if (chen != null) {
            double x0 = chen.runs().numberColumn("problem_x0").getDouble(0);
            for (String strategy : List.of(baseline, perSample)) {
                Table r = Evidence.runs(chen, strategy, Double.NaN);
                if (r.rowCount() == 0) continue;
                double xT = Evidence.values(r, "eval_x", Double.NaN)[0];
                rows.add(twoPoint, strategy, r.numberColumn("lr").getDouble(0), r.rowCount(), Double.NaN, "", xT);
                if (strategy.equals(perSample) && !(Math.abs(xT - x0) <= 1e-9)) failures.add("per-sample clipping moved x from " + Evidence.num(x0) + " to " + Evidence.num(xT));
                if (strategy.equals(baseline) && !(Math.abs(xT) <= 1e-3)) doubts.add("plain GD on the two-point problem ended at " + Evidence.num(xT) + ", not 0");
            }
        }
        List<Double> skewedPlateaus = new ArrayList<>();
        for (String sweep : List.of(skewed, symmetric)) {
            SweepResults s = results.get(sweep);
            if (s == null) {
                doubts.add("no '" + sweep + "' sweep");
                continue;
            }
            for (double lr : Evidence.lrs(s)) {
                for (String strategy : List.of(baseline, clipped)) {
                    Table r = Evidence.runs(s, strategy, lr);
                    if (r.rowCount() == 0) continue;
                    double[] p = plateaus(s, r);
                    double m = Evidence.mean(p);
                    rows.add(sweep, strategy, lr, r.rowCount(), m, Evidence.interval(Evidence.bootstrap(p, Evidence::mean)),
                            Evidence.median(Evidence.values(r, "eval_x", Double.NaN)));
                    String where = sweep + " noise, " + strategy + ", lr " + Evidence.num(lr);
                    if (strategy.equals(clipped) && sweep.equals(skewed)) {
                        skewedPlateaus.add(m);
                        if (!(Math.abs(m) >= minBias)) failures.add(where + ": plateau " + Evidence.num(m) + " is within " + Evidence.num(minBias) + " of 0 (no bias)");
                    } else if (!(Math.abs(m) <= maxSymmetric)) {
                        (strategy.equals(clipped) ? failures : doubts).add(where + ": plateau " + Evidence.num(m) + " is not within " + Evidence.num(maxSymmetric) + " of 0");
                    }
                }
            }
        }
        if (skewedPlateaus.size() >= 2) {
            double lo = skewedPlateaus.stream().mapToDouble(Double::doubleValue).min().orElse(0), hi = skewedPlateaus.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            double bias = Math.max(Math.abs(lo), Math.abs(hi));
            if (hi - lo > stable * bias) failures.add("the skewed plateau moves with the step size: " + Evidence.num(lo) + " to " + Evidence.num(hi));
        }
        String numbers = "skewed-noise plateaus of clipped SGD by step size: " + skewedPlateaus.stream().map(Evidence::num).toList();
        Table t = rows.table();
        if (!failures.isEmpty()) return Verdict.notReproduced(numbers + "; " + String.join("; ", failures), t);
        if (!doubts.isEmpty()) return Verdict.inconclusive(numbers + "; " + String.join("; ", doubts), t);
        return Verdict.reproduced(numbers + ": biased, independent of the step size; symmetric noise and plain SGD unbiased"
                + (chen != null ? "; two-point example: per-sample clipping stalls at its start" : ""), t);
    }

    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        List<Figure> out = new ArrayList<>();
        for (String sweep : List.of(skewed, symmetric, twoPoint)) {
            SweepResults s = results.get(sweep);
            if (s != null) out.add(Plots.metricCurves(s, "eval_x", id + "-x-" + sweep, "Iterate x with " + sweep + " samples (optimum 0)", "x", false));
        }
        return out;
    }
}
