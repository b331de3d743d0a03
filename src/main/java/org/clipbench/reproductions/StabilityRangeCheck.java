package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * Mai and Johansson 2021: on super-quadratic problems clipped SGD is stable over a much wider range of step
 * sizes than SGD. A run is stable when it converged: it did not diverge and its best loss fell to `convergedBelow`
 * times its first loss or less (not merely "stayed finite": a clipped step is at most lr x c, so a clipped run
 * cannot blow up, and one that never left its start would count as stable). Per sweep (one problem, a grid of step
 * sizes, both arms over the same seeds): an arm's largest stable step size is the largest one at which at most
 * `maxDivergedShare` of its runs failed to converge (clipped SGD also fails at small steps, where its budget of
 * lr x c per step cannot reach the minimum: the claim is about the upper end). All of, in every sweep:
 * <ul>
 * <li>the clipped arm's stable range reaches at least `widerBy` times the largest stable step size of SGD;</li>
 * <li>at the first grid step size at or above `widerBy` times SGD's largest stable one, SGD fails more often than
 *     clipped SGD (Fisher's exact test, one-sided, Holm-adjusted over the sweeps, level `alpha`).</li>
 * </ul>
 * Gates: SGD is stable at the smallest step size (the grid starts where plain SGD works) and the clipped arm clipped.
 */
final class StabilityRangeCheck implements Check {
    private final List<String> sweeps;
    private final String baseline, clipped;
    private final double maxDivergedShare, widerBy, alpha, convergedBelow;

    StabilityRangeCheck(Checks.Params p) {
        sweeps = p.texts("sweeps", List.of("quartic", "phase-retrieval"));
        baseline = p.text("baseline", "none");
        clipped = p.text("clipped", "global-norm:c=1,eps=0");
        maxDivergedShare = p.number("maxDivergedShare", 0.1);
        widerBy = p.number("widerBy", 100);
        alpha = p.number("alpha", 0.05);
        convergedBelow = p.number("convergedBelow", Double.NaN); // NaN: stable = did not diverge (version 1's rule)
    }

    /** Runs that were not stable: diverged, or (with convergedBelow) whose best loss stayed above that share of the first. */
    int failures(Table runs) {
        int k = 0;
        for (int i = 0; i < runs.rowCount(); i++) {
            boolean converged = Double.isNaN(convergedBelow)
                    || runs.numberColumn("best_loss").getDouble(i) <= convergedBelow * runs.numberColumn("first_loss").getDouble(i);
            if (Evidence.diverged(runs, i) || !converged) k++;
        }
        return k;
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        Evidence.Rows rows = new Evidence.Rows("sweep", "#lr", "strategy", "#runs", "#diverged", "#unstable", "unstable_ci95", "#clip_fraction", "#clip_share");
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
                    int d = failures(r);
                    rows.add(name, lr, arm, r.rowCount(), Evidence.divergedCount(r), d, Evidence.interval(Evidence.binomial(r.rowCount(), d)),
                            Gates.clipFraction(r), Gates.clipShare(r));
                }
            }
            double sgdMax = largestStable(s, baseline, lrs), clippedMax = largestStable(s, clipped, lrs);
            String gate = !stableAtSmallest(s, lrs.get(0)) ? baseline + " failed in more than " + Evidence.pct(maxDivergedShare) + " of its runs at the smallest step size of "
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
            double p = StatisticalTests.fisherGreater(failures(b), b.rowCount(), failures(c), c.rowCount());
            pValues.add(p);
            tested.add(ranges + "; at lr " + Evidence.num(at) + " SGD " + failedWord() + " in " + failures(b) + " of " + b.rowCount() + " runs, clipped SGD in "
                    + failures(c) + " of " + c.rowCount());
        }
        double[] adjusted = StatisticalTests.holm(pValues.stream().mapToDouble(Double::doubleValue).toArray());
        for (int k = 0; k < adjusted.length; k++) {
            String line = tested.get(k) + " (Fisher p = " + Evidence.num(pValues.get(k)) + ", Holm-adjusted " + Evidence.num(adjusted[k]) + ")";
            if (adjusted[k] < alpha) f.established().add(line);
            else f.doubts().add(line + ": not significant");
        }
        return f.verdict(rows.table());
    }

    private String failedWord() {
        return Double.isNaN(convergedBelow) ? "diverged" : "failed to converge (best loss above " + Evidence.num(convergedBelow) + " x the first)";
    }

    private boolean stable(Table r) {
        return r.rowCount() > 0 && failures(r) <= maxDivergedShare * r.rowCount();
    }

    private boolean stableAtSmallest(SweepResults s, double smallest) {
        return stable(Evidence.runs(s, baseline, smallest));
    }

    /**
     * Without convergedBelow (version 1): the largest step size up to which every step size was stable. With it: the
     * largest stable step size anywhere in the grid. NaN when there is none.
     */
    private double largestStable(SweepResults s, String arm, List<Double> lrs) {
        double last = Double.NaN;
        for (double lr : lrs) {
            boolean ok = stable(Evidence.runs(s, arm, lr));
            if (ok) last = lr;
            else if (Double.isNaN(convergedBelow)) break;
        }
        return last;
    }

    /** Share of runs diverged against the step size, per problem and arm, with exact binomial 95% intervals. */
    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        Figure f = Figure.line(id + "-diverged").title(Double.isNaN(convergedBelow) ? "Share of runs diverged against the step size" : "Share of runs that did not converge against the step size")
                .axes("learning rate", Double.isNaN(convergedBelow) ? "share diverged" : "share not converged").logX();
        for (String name : sweeps) {
            SweepResults s = results.get(name);
            if (s == null) continue;
            List<Double> lrs = Evidence.lrs(s);
            for (String arm : List.of(baseline, clipped)) {
                double[] x = new double[lrs.size()], y = new double[lrs.size()], lo = new double[lrs.size()], hi = new double[lrs.size()];
                for (int i = 0; i < x.length; i++) {
                    Table r = Evidence.runs(s, arm, lrs.get(i));
                    int d = failures(r);
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
