package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * Mai and Johansson 2021: on super-quadratic problems clipped SGD is stable over a much wider range of step
 * sizes than SGD. Per sweep (one problem, a grid of step sizes, both arms over the same seeds): an arm's
 * stable range runs from the smallest step size up to the last one before any step size at which more than
 * `maxDivergedShare` of its runs diverged. All of, in every sweep:
 * <ul>
 * <li>the clipped arm's stable range reaches at least `widerBy` times the largest stable step size of SGD;</li>
 * <li>at the first grid step size at or above `widerBy` times SGD's largest stable one, SGD diverges more often than
 *     clipped SGD (Fisher's exact test, one-sided, Holm-adjusted over the sweeps, level `alpha`).</li>
 * </ul>
 * Gates: SGD is stable at the smallest step size (the grid starts where plain SGD works) and the clipped arm clipped.
 */
final class StabilityRangeCheck implements Check {
    private final List<String> sweeps;
    private final String baseline, clipped;
    private final double maxDivergedShare, widerBy, alpha;

    StabilityRangeCheck(Checks.Params p) {
        sweeps = p.texts("sweeps", List.of("quartic", "phase-retrieval"));
        baseline = p.text("baseline", "none");
        clipped = p.text("clipped", "global-norm:c=1,eps=0");
        maxDivergedShare = p.number("maxDivergedShare", 0.1);
        widerBy = p.number("widerBy", 100);
        alpha = p.number("alpha", 0.05);
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        Evidence.Rows rows = new Evidence.Rows("sweep", "#lr", "strategy", "#runs", "#diverged", "diverged_ci95", "#clip_fraction");
        Findings f = new Findings();
        List<String> tested = new ArrayList<>();
        List<Double> pValues = new ArrayList<>();
        for (String name : sweeps) {
            SweepResults s = results.get(name);
            if (s == null) return Verdict.inconclusive("no '" + name + "' sweep", rows.table());
            List<Double> lrs = Evidence.lrs(s);
            for (double lr : lrs) {
                for (String arm : List.of(baseline, clipped)) {
                    Table r = Evidence.runs(s, arm, lr);
                    int d = Evidence.divergedCount(r);
                    rows.add(name, lr, arm, r.rowCount(), d, Evidence.interval(Evidence.binomial(r.rowCount(), d)), Gates.clipFraction(r));
                }
            }
            double sgdMax = largestStable(s, baseline, lrs), clippedMax = largestStable(s, clipped, lrs);
            String gate = Double.isNaN(sgdMax) ? baseline + " diverged in more than " + Evidence.pct(maxDivergedShare) + " of its runs at the smallest step size of "
                    + name + ": the grid does not start where plain SGD works" : Gates.clipped(clipped + " in " + name, Evidence.runs(s, clipped, Double.NaN));
            if (gate != null) return Gates.firstFailure("", rows.table(), gate);
            Double at = lrs.stream().filter(lr -> lr >= widerBy * sgdMax * (1 - 1e-9)).findFirst().orElse(null);
            String ranges = name + ": SGD stable up to lr " + Evidence.num(sgdMax) + ", clipped SGD up to " + (Double.isNaN(clippedMax) ? "none" : Evidence.num(clippedMax));
            if (at == null) {
                f.doubts().add(ranges + "; the grid ends before " + Evidence.num(widerBy) + " times SGD's range");
                continue;
            }
            if (Double.isNaN(clippedMax) || clippedMax < at) {
                f.failures().add(ranges + ": not " + Evidence.num(widerBy) + " times wider");
                continue;
            }
            Table b = Evidence.runs(s, baseline, at), c = Evidence.runs(s, clipped, at);
            double p = StatisticalTests.fisherGreater(Evidence.divergedCount(b), b.rowCount(), Evidence.divergedCount(c), c.rowCount());
            pValues.add(p);
            tested.add(ranges + "; at lr " + Evidence.num(at) + " SGD diverged in " + Evidence.divergedCount(b) + " of " + b.rowCount() + " runs, clipped SGD in "
                    + Evidence.divergedCount(c) + " of " + c.rowCount());
        }
        double[] adjusted = StatisticalTests.holm(pValues.stream().mapToDouble(Double::doubleValue).toArray());
        for (int k = 0; k < adjusted.length; k++) {
            String line = tested.get(k) + " (Fisher p = " + Evidence.num(pValues.get(k)) + ", Holm-adjusted " + Evidence.num(adjusted[k]) + ")";
            if (adjusted[k] < alpha) f.established().add(line);
            else f.doubts().add(line + ": not significant");
        }
        return f.verdict(rows.table());
    }

    /** The largest step size up to which every step size kept its diverged share at most maxDivergedShare; NaN if the smallest did not. */
    private double largestStable(SweepResults s, String arm, List<Double> lrs) {
        double last = Double.NaN;
        for (double lr : lrs) {
            Table r = Evidence.runs(s, arm, lr);
            if (r.rowCount() == 0 || Evidence.divergedCount(r) > maxDivergedShare * r.rowCount()) break;
            last = lr;
        }
        return last;
    }

    /** Share of runs diverged against the step size, per problem and arm, with exact binomial 95% intervals. */
    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        Figure f = Figure.line(id + "-diverged").title("Share of runs diverged against the step size").axes("learning rate", "share diverged").logX();
        for (String name : sweeps) {
            SweepResults s = results.get(name);
            if (s == null) continue;
            List<Double> lrs = Evidence.lrs(s);
            for (String arm : List.of(baseline, clipped)) {
                double[] x = new double[lrs.size()], y = new double[lrs.size()], lo = new double[lrs.size()], hi = new double[lrs.size()];
                for (int i = 0; i < x.length; i++) {
                    Table r = Evidence.runs(s, arm, lrs.get(i));
                    int d = Evidence.divergedCount(r);
                    x[i] = lrs.get(i);
                    y[i] = r.rowCount() == 0 ? Double.NaN : (double) d / r.rowCount();
                    double[] ci = Evidence.binomial(r.rowCount(), d);
                    lo[i] = ci[0];
                    hi[i] = ci[1];
                }
                f.add(new Figure.Series(name + ", " + arm, x, y, lo, hi, arm.equals(baseline)));
            }
        }
        return f.series().isEmpty() ? List.of() : List.of(f);
    }
}
