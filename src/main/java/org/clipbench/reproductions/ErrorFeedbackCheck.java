package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.Plots;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * Khirirat et al. 2023: with heterogeneous workers, naive per-worker clipping stalls at a biased point and
 * error feedback (Clip21) converges. Endpoint: the final distance to the optimum. At every step size, all of:
 * <ul>
 * <li>naive clipping stalls: the 95% bootstrap interval of its mean final distance lies above `stall`;</li>
 * <li>Clip21 converges: the interval of its mean final distance lies below `converged`;</li>
 * <li>per seed Clip21 ends closer (one-sided paired Wilcoxon, Holm-adjusted over the step sizes, level `alpha`).</li>
 * </ul>
 * Gates: both clipped arms clipped, and unclipped gradient descent converged (mean final distance below
 * `converged`: the problem and step sizes are ones plain descent solves).
 */
final class ErrorFeedbackCheck implements Check {
    private final String sweep, baseline, naive, feedback;
    private final double stall, converged, alpha;

    ErrorFeedbackCheck(Checks.Params p) {
        sweep = p.text("sweep", "workers");
        baseline = p.text("baseline", "none");
        naive = p.text("naive", "dp-flat:C=1,sigma=0");
        feedback = p.text("feedback", "clip21:c=1");
        stall = p.number("stall", 0.5);
        converged = p.number("converged", 1e-6);
        alpha = p.number("alpha", 0.05);
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        Evidence.Rows rows = new Evidence.Rows("strategy", "#lr", "#seeds", "#distance_mean", "ci95", "#clip_fraction", "#clip_share", "test");
        SweepResults s = results.get(sweep);
        if (s == null) return Verdict.inconclusive("no '" + sweep + "' sweep", rows.table());
        Findings f = new Findings();
        List<Double> lrs = Evidence.lrs(s);
        double[] closer = new double[lrs.size()];
        List<String> tests = new ArrayList<>();
        for (int k = 0; k < lrs.size(); k++) {
            double lr = lrs.get(k);
            String where = "lr " + Evidence.num(lr);
            Table plain = Evidence.runs(s, baseline, lr), clipped = Evidence.runs(s, naive, lr), fed = Evidence.runs(s, feedback, lr);
            double[] dPlain = distances(plain), dNaive = distances(clipped), dFed = distances(fed);
            if (dPlain.length < 2 || dNaive.length < 2 || dFed.length < 2) return Verdict.inconclusive(where + ": fewer than two runs in an arm", rows.table());
            double[] ciPlain = Evidence.bootstrap(dPlain, Evidence::mean), ciNaive = Evidence.bootstrap(dNaive, Evidence::mean), ciFed = Evidence.bootstrap(dFed, Evidence::mean);
            rows.add(baseline, lr, dPlain.length, Evidence.mean(dPlain), Evidence.interval(ciPlain), Gates.clipFraction(plain), Gates.clipShare(plain), "gate: converges");
            rows.add(naive, lr, dNaive.length, Evidence.mean(dNaive), Evidence.interval(ciNaive), Gates.clipFraction(clipped), Gates.clipShare(clipped), "stalls above " + Evidence.num(stall));
            rows.add(feedback, lr, dFed.length, Evidence.mean(dFed), Evidence.interval(ciFed), Gates.clipFraction(fed), Gates.clipShare(fed), "converges below " + Evidence.num(converged));
            String gate = Gates.clipped(naive + " at " + where, clipped);
            if (gate == null) gate = Gates.clipped(feedback + " at " + where, fed);
            if (gate == null && !(Evidence.mean(dPlain) < converged)) {
                gate = "unclipped descent did not converge at " + where + " (mean final distance " + Evidence.num(Evidence.mean(dPlain)) + ")";
            }
            if (gate != null) return Gates.firstFailure("", rows.table(), gate);
            if (ciNaive[0] > stall) f.established().add(where + ": naive clipping stalls at distance " + Evidence.num(Evidence.mean(dNaive)) + " " + Evidence.interval(ciNaive));
            else if (ciNaive[1] <= stall) f.failures().add(where + ": naive clipping reaches distance " + Evidence.num(Evidence.mean(dNaive)) + " " + Evidence.interval(ciNaive) + ", below " + Evidence.num(stall) + ": no stall");
            else f.doubts().add(where + ": naive clipping's distance " + Evidence.interval(ciNaive) + " is not shown above " + Evidence.num(stall));
            if (ciFed[1] < converged) f.established().add(where + ": Clip21 converges to distance " + Evidence.num(Evidence.mean(dFed)) + " " + Evidence.interval(ciFed));
            else if (ciFed[0] >= converged) f.failures().add(where + ": Clip21 ends at distance " + Evidence.num(Evidence.mean(dFed)) + " " + Evidence.interval(ciFed) + ", not below " + Evidence.num(converged));
            else f.doubts().add(where + ": Clip21's distance " + Evidence.interval(ciFed) + " is not shown below " + Evidence.num(converged));
            double[][] pair = Evidence.paired(Evidence.bySeed(fed, Evidence.values(fed, "eval_distance", Double.NaN)),
                    Evidence.bySeed(clipped, Evidence.values(clipped, "eval_distance", Double.NaN)));
            closer[k] = pair[0].length < 5 ? 1 : StatisticalTests.wilcoxonGreater(pair[1], pair[0]);
            tests.add(where + " p = " + Evidence.num(closer[k]) + " (" + pair[0].length + " seeds)");
        }
        double[] adjusted = StatisticalTests.holm(closer);
        for (int k = 0; k < adjusted.length; k++) {
            if (!(adjusted[k] < alpha)) f.doubts().add("lr " + Evidence.num(lrs.get(k)) + ": Clip21 is not shown closer per seed (Holm-adjusted p = " + Evidence.num(adjusted[k]) + ")");
        }
        f.established().add("per seed Clip21 ends closer (one-sided paired Wilcoxon, Holm over " + lrs.size() + " step sizes: " + String.join(", ", tests) + ")");
        return f.verdict(rows.table());
    }

    /** Final distances to the optimum of an arm's runs; a diverged run is infinitely far. */
    private static double[] distances(Table runs) {
        return Evidence.values(runs, "eval_distance", Double.POSITIVE_INFINITY);
    }

    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        SweepResults s = results.get(sweep);
        if (s == null) return List.of();
        return List.of(Plots.metricCurves(s, "eval_distance", id + "-distance", "Distance to the optimum, heterogeneous workers: naive clipping against Clip21",
                "||x - x*||", true));
    }
}
