package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * ZClip (Kumar et al. 2025), adapted: at the highest learning rate, how many seeds fail, decided by tests on counts,
 * not by point estimates. A run fails when it diverged or, with `failError`, when its held-out error ends above it
 * (a run that stays finite but learns nothing is not "stable training"). Gates first, on every arm the verdict rests
 * on (ZClip, fixed clipping and, when the preset has it, the ablation `withoutCeiling`: ZClip with maxNorm = inf):
 * each clipped (a clipped share of at least {@link Gates#MIN_CLIPPED_SHARE}) and none of its diverged runs diverged
 * before clipping at all (inside ZClip's warm-up it clips nothing; the preset warms the learning rate up as LLM
 * pre-training does, so that ZClip's statistics form at small steps). No clipping must fail somewhere, else there is
 * nothing to prevent. Then:
 * <ul>
 * <li>no clipping fails more often than ZClip (Fisher's exact test, one-sided, level `alpha`) and by at least `gap`;</li>
 * <li>ZClip fails no more often than fixed clipping, by more than `margin` (the upper end of Newcombe's 90% interval of
 *     the difference in failure rates below `margin`: non-inferiority at one-sided 5%);</li>
 * <li>the stability is the z-score rule's: ZClip without its ceiling fails no more often than ZClip, by the same test.</li>
 * </ul>
 * Reproduced when all hold; not reproduced when ZClip fails significantly more often than no clipping or than fixed
 * clipping, or the ablation fails significantly more often than ZClip (Fisher, one-sided): then the stability is the
 * ceiling's, which is the fixed arm's threshold; inconclusive otherwise. Loss spikes are reported alongside.
 */
final class ZClipCheck implements Check {
    private final String baseline, fixed, zclip, withoutCeiling;
    private final double gap, alpha, lr, margin, failError;

    ZClipCheck(Checks.Params p) {
        lr = p.number("lr", Double.NaN); // NaN: the highest rate of the sweep
        baseline = p.text("baseline", "none");
        fixed = p.text("fixed", "global-norm:c=1,eps=0");
        zclip = p.text("zclip", "zclip");
        withoutCeiling = p.text("withoutCeiling", ""); // the ablation arm: ZClip with maxNorm = inf ("" when the preset has none)
        gap = p.number("gap", 0.3);
        alpha = p.number("alpha", 0.05);
        margin = p.number("margin", 0.2);
        failError = p.number("failError", Double.NaN); // NaN: only divergence fails a run
    }

    /** Runs that failed: diverged, or (with failError) ended with a held-out error above it or none at all. */
    int failures(Table runs) {
        double[] err = Evidence.values(runs, "eval_error_rate", Double.NaN);
        int k = 0;
        for (int i = 0; i < runs.rowCount(); i++) {
            if (Evidence.diverged(runs, i) || (!Double.isNaN(failError) && !(err[i] <= failError))) k++;
        }
        return k;
    }

    private String failedWord() {
        return Double.isNaN(failError) ? "diverged" : "failed (diverged or error above " + Evidence.pct(failError) + ")";
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        SweepResults s = results.values().iterator().next();
        Evidence.Rows rows = new Evidence.Rows("strategy", "#lr", "#seeds", "#diverged", "#failed", "#failure_rate", "ci95", "#median_spikes", "#clip_fraction", "#clip_share");
        List<Double> lrs = Evidence.lrs(s);
        for (double lr : lrs) {
            for (String strategy : s.runs().stringColumn("strategy").unique().asList().stream().sorted().toList()) {
                Table r = Evidence.runs(s, strategy, lr);
                int k = failures(r);
                rows.add(strategy, lr, r.rowCount(), Evidence.divergedCount(r), k, (double) k / r.rowCount(), Evidence.interval(Evidence.binomial(r.rowCount(), k)),
                        Evidence.median(Evidence.values(r, "loss_spikes", Double.NaN)), Gates.clipFraction(r), Gates.clipShare(r));
            }
        }
        Table t = rows.table();
        double top = Double.isNaN(lr) ? lrs.get(lrs.size() - 1) : lr;
        String at = "at lr " + Evidence.num(top);
        List<String> arms = new ArrayList<>(List.of(baseline, fixed, zclip));
        if (!withoutCeiling.isEmpty()) arms.add(withoutCeiling);
        for (String arm : arms) {
            if (Evidence.runs(s, arm, top).rowCount() == 0) return Verdict.inconclusive(at + " there are no runs of " + arm + ": nothing to compare", t);
        }
        Table rNone = Evidence.runs(s, baseline, top), rFixed = Evidence.runs(s, fixed, top), rZ = Evidence.runs(s, zclip, top);
        int kNone = failures(rNone), kFixed = failures(rFixed), kZ = failures(rZ);
        int nNone = rNone.rowCount(), nFixed = rFixed.rowCount(), nZ = rZ.rowCount();
        String numbers = String.format("%s, %s: no clipping %d of %d, fixed %d of %d, ZClip %d of %d", at, failedWord(), kNone, nNone, kFixed, nFixed, kZ, nZ);
        List<String> gates = new ArrayList<>();
        for (String arm : arms.subList(1, arms.size())) {
            Table r = Evidence.runs(s, arm, top);
            gates.add(Gates.clipped(arm + " " + at, r));
            gates.add(Gates.clippedBeforeDiverging(arm + " " + at, r));
        }
        Verdict gated = Gates.firstFailure(numbers, t, gates.toArray(String[]::new));
        if (gated != null) return gated;
        if (kNone == 0) return Verdict.inconclusive(numbers + ": no clipping never fails here, so there is nothing to prevent", t);
        Findings f = new Findings();
        double pBetter = StatisticalTests.fisherGreater(kNone, nNone, kZ, nZ), pWorse = StatisticalTests.fisherGreater(kZ, nZ, kNone, nNone);
        String vsNone = "no clipping fails more often than ZClip (Fisher one-sided p = " + Evidence.num(pBetter) + ")";
        if (pWorse < alpha) f.failures().add("ZClip fails more often than no clipping (Fisher p = " + Evidence.num(pWorse) + ")");
        else if (pBetter < alpha && (double) kNone / nNone - (double) kZ / nZ >= gap) f.established().add(vsNone + ", by at least " + Evidence.pct(gap));
        else f.doubts().add(vsNone + " is not shown by " + Evidence.pct(gap));
        noWorse(f, "ZClip", kZ, nZ, "fixed clipping (" + fixed + ")", kFixed, nFixed, ": the fixed threshold is as stable");
        if (!withoutCeiling.isEmpty()) {
            Table rFree = Evidence.runs(s, withoutCeiling, top);
            int kFree = failures(rFree);
            numbers += String.format(", ZClip without its ceiling (%s) %d of %d", withoutCeiling, kFree, rFree.rowCount());
            noWorse(f, "ZClip without its ceiling", kFree, rFree.rowCount(), "ZClip", kZ, nZ,
                    ": the stability comes from ZClip's fixed ceiling, which is the fixed arm's threshold, not from its z-score rule");
        }
        Verdict v = f.verdict(t);
        return new Verdict(v.outcome(), numbers + "; " + v.reason(), t);
    }

    /**
     * "a fails no more often than b": established by non-inferiority (Newcombe's 90% interval of the difference in
     * failure rates below `margin`), failed when a fails more often by Fisher's one-sided test, else a doubt.
     */
    private void noWorse(Findings f, String a, int kA, int nA, String b, int kB, int nB, String failureTail) {
        double[] ci = StatisticalTests.newcombeDifference(kA, nA, kB, nB, 1 - 2 * alpha);
        double p = StatisticalTests.fisherGreater(kA, nA, kB, nB);
        String shown = a + " fails " + Evidence.pct((double) kA / nA) + " against " + b + "'s " + Evidence.pct((double) kB / nB) + ", difference "
                + Evidence.pct(1 - 2 * alpha) + " interval " + Evidence.interval(ci);
        if (p < alpha) f.failures().add(shown + ", more often (Fisher one-sided p = " + Evidence.num(p) + ")" + failureTail);
        else if (ci[1] < margin) f.established().add(shown + ", below the margin " + Evidence.num(margin) + ": no more often");
        else f.doubts().add(shown + " reaches the margin " + Evidence.num(margin) + " (Fisher p = " + Evidence.num(p) + ")");
    }

    /** The claim at the next lower learning rate, where it should still hold if it is not an artefact of the top rate. */
    @Override
    public Map<String, Map<String, Object>> neighbours(Map<String, SweepResults> results) {
        List<Double> lrs = Evidence.lrs(results.values().iterator().next());
        double top = Double.isNaN(lr) ? lrs.get(lrs.size() - 1) : lr;
        int at = lrs.indexOf(top);
        return at > 0 ? Map.of("lr " + Evidence.num(lrs.get(at - 1)), Map.of("lr", lrs.get(at - 1))) : Map.of();
    }

    static double rate(SweepResults s, String strategy, double lr) {
        Table r = Evidence.runs(s, strategy, lr);
        return r.rowCount() == 0 ? Double.NaN : (double) Evidence.divergedCount(r) / r.rowCount();
    }

    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        SweepResults s = results.values().iterator().next();
        List<Double> lrs = Evidence.lrs(s);
        Figure f = Figure.line(id + "-divergence-vs-lr").title("Deep MLP on digits past the stable step: diverged seeds")
                .axes("learning rate", "share of seeds diverged").logX()
                .caption("Band: exact binomial 95% interval.");
        for (String strategy : s.runs().stringColumn("strategy").unique().asList().stream().sorted().toList()) {
            double[] x = new double[lrs.size()], y = new double[lrs.size()], lo = new double[lrs.size()], hi = new double[lrs.size()];
            for (int i = 0; i < lrs.size(); i++) {
                Table r = Evidence.runs(s, strategy, lrs.get(i));
                int k = Evidence.divergedCount(r);
                double[] ci = Evidence.binomial(r.rowCount(), k);
                x[i] = lrs.get(i);
                y[i] = (double) k / r.rowCount();
                lo[i] = ci[0];
                hi[i] = ci[1];
            }
            f.add(new Figure.Series(strategy, x, y, lo, hi, false));
        }
        List<Figure> out = new ArrayList<>(List.of(f));
        out.add(org.clipbench.analysis.Plots.metricCurves(s, "loss", id + "-loss", "Training loss, median over seeds", "training loss", true));
        return out;
    }
}
