package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * ZClip (Kumar et al. 2025), adapted: at the highest learning rate, the share of seeds that diverge,
 * decided by Fisher's exact test (one-sided, level `alpha`), not by the point estimates. Reproduced when
 * no clipping diverges more often than ZClip (p < alpha) by at least `gap`, and fixed clipping does not
 * diverge less often than ZClip (that test's p >= alpha). Not reproduced when ZClip diverges more often
 * than no clipping, or more often than fixed clipping (p < alpha); inconclusive otherwise, and when no
 * clipping never diverges (nothing to prevent). Loss spikes (see Trainer) are reported alongside.
 * Gate: ZClip and fixed clipping both clipped at that rate. With `withoutCeiling` (an ablation arm, ZClip
 * with maxNorm = inf): not reproduced when that arm diverges more often than ZClip (Fisher, p < alpha), since
 * the stability is then the fixed ceiling's, the same threshold as the fixed arm, not the z-score rule's.
 */
final class ZClipCheck implements Check {
    private final String baseline, fixed, zclip, withoutCeiling;
    private final double gap, alpha, lr;

    ZClipCheck(Checks.Params p) {
        lr = p.number("lr", Double.NaN); // NaN: the highest rate of the sweep
        baseline = p.text("baseline", "none");
        fixed = p.text("fixed", "global-norm:c=1,eps=0");
        zclip = p.text("zclip", "zclip");
        withoutCeiling = p.text("withoutCeiling", ""); // the ablation arm: ZClip with maxNorm = inf ("" when the preset has none)
        gap = p.number("gap", 0.3);
        alpha = p.number("alpha", 0.05);
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        SweepResults s = results.values().iterator().next();
        Evidence.Rows rows = new Evidence.Rows("strategy", "#lr", "#seeds", "#diverged", "#divergence_rate", "ci95", "#median_spikes", "#clip_fraction");
        List<Double> lrs = Evidence.lrs(s);
        for (double lr : lrs) {
            for (String strategy : s.runs().stringColumn("strategy").unique().asList().stream().sorted().toList()) {
                Table r = Evidence.runs(s, strategy, lr);
                int k = Evidence.divergedCount(r);
                rows.add(strategy, lr, r.rowCount(), k, (double) k / r.rowCount(), Evidence.interval(Evidence.binomial(r.rowCount(), k)),
                        Evidence.median(Evidence.values(r, "loss_spikes", Double.NaN)), Gates.clipFraction(r));
            }
        }
        double top = Double.isNaN(lr) ? lrs.get(lrs.size() - 1) : lr;
        Table rNone = Evidence.runs(s, baseline, top), rFixed = Evidence.runs(s, fixed, top), rZ = Evidence.runs(s, zclip, top);
        for (String arm : List.of(baseline, fixed, zclip)) {
            if (Evidence.runs(s, arm, top).rowCount() == 0) {
                return Verdict.inconclusive("at lr " + Evidence.num(top) + " there are no runs of " + arm + ": nothing to compare", rows.table());
            }
        }
        int kNone = Evidence.divergedCount(rNone), kFixed = Evidence.divergedCount(rFixed), kZ = Evidence.divergedCount(rZ);
        double none = rate(s, baseline, top), fix = rate(s, fixed, top), z = rate(s, zclip, top);
        double pBetter = StatisticalTests.fisherGreater(kNone, rNone.rowCount(), kZ, rZ.rowCount());
        double pFixedBetter = StatisticalTests.fisherGreater(kZ, rZ.rowCount(), kFixed, rFixed.rowCount());
        double pWorse = StatisticalTests.fisherGreater(kZ, rZ.rowCount(), kNone, rNone.rowCount());
        String numbers = String.format("at lr %s, diverged: no clipping %s, fixed %s, ZClip %s; Fisher's exact test, one-sided: "
                        + "no clipping diverges more than ZClip p = %s, ZClip more than fixed p = %s (alpha %s)", Evidence.num(top), Evidence.pct(none),
                Evidence.pct(fix), Evidence.pct(z), Evidence.num(pBetter), Evidence.num(pFixedBetter), Evidence.num(alpha));
        Table t = rows.table();
        if (none == 0) return Verdict.inconclusive(numbers + ": no clipping never diverges here, so there is nothing to prevent", t);
        Verdict gated = Gates.firstFailure(numbers, t, Gates.clipped(zclip + " at lr " + Evidence.num(top), rZ),
                Gates.clipped(fixed + " at lr " + Evidence.num(top), rFixed));
        if (gated != null) return gated;
        if (!withoutCeiling.isEmpty()) {
            // the ablation: is the stability ZClip's z-score rule's, or its fixed ceiling's (the fixed arm's threshold)?
            Table rFree = Evidence.runs(s, withoutCeiling, top);
            if (rFree.rowCount() == 0) return Verdict.inconclusive(numbers + "; at lr " + Evidence.num(top) + " there are no runs of " + withoutCeiling, t);
            int kFree = Evidence.divergedCount(rFree);
            double pCeiling = StatisticalTests.fisherGreater(kFree, rFree.rowCount(), kZ, rZ.rowCount());
            numbers += String.format("; without its ceiling (%s) ZClip diverges %s, more than with it p = %s", withoutCeiling,
                    Evidence.pct((double) kFree / rFree.rowCount()), Evidence.num(pCeiling));
            if (pCeiling < alpha) {
                return Verdict.notReproduced(numbers + ": the stability comes from ZClip's fixed ceiling, which is the fixed arm's threshold, "
                        + "not from its z-score rule", t);
            }
        }
        if (pBetter < alpha && none - z >= gap && pFixedBetter >= alpha) {
            return Verdict.reproduced(numbers + (fix == 0 ? "; unlike the paper's report, fixed clipping did not diverge here either" : ""), t);
        }
        if (pWorse < alpha) return Verdict.notReproduced(numbers + ": ZClip diverges more often than no clipping (p = " + Evidence.num(pWorse) + ")", t);
        if (pFixedBetter < alpha) return Verdict.notReproduced(numbers + ": ZClip diverges more often than fixed clipping", t);
        return Verdict.inconclusive(numbers + ": needed p < " + Evidence.num(alpha) + " and ZClip at least " + Evidence.num(100 * gap)
                + " points below no clipping", t);
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
