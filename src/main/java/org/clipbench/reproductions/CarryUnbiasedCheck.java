package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.Plots;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * Elesedy and Hutter 2023: carrying what clipping cut off (U-Clip) removes the bias that plain clipping
 * leaves under skewed noise. On the clipping-bias problem (plateau: the mean iterate over the second half),
 * at every step size, all of:
 * <ul>
 * <li>plain clipping is biased: the 95% bootstrap interval of its mean plateau lies beyond `minBias` from 0;</li>
 * <li>U-Clip is not: its plateau is within `margin` of 0 by an equivalence test (TOST, level `alpha`);</li>
 * <li>per seed, U-Clip's |plateau| is smaller than plain clipping's (one-sided paired Wilcoxon, Holm-adjusted
 *     over the step sizes, level `alpha`).</li>
 * </ul>
 * Gates: both arms clipped (a U-Clip that never clipped is plain SGD, unbiased for no interesting reason).
 */
final class CarryUnbiasedCheck implements Check {
    private final String sweep, clipped, carried;
    private final double minBias, margin, alpha;

    CarryUnbiasedCheck(Checks.Params p) {
        sweep = p.text("sweep", "skewed");
        clipped = p.text("clipped", "global-norm:c=1,eps=0");
        carried = p.text("carried", "u-clip:c=1");
        minBias = p.number("minBias", 0.2);
        margin = p.number("margin", 0.1);
        alpha = p.number("alpha", 0.05);
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        Evidence.Rows rows = new Evidence.Rows("strategy", "#lr", "#seeds", "#plateau_mean", "ci95", "#clip_fraction", "#clip_share", "test");
        SweepResults s = results.get(sweep);
        if (s == null) return Verdict.inconclusive("no '" + sweep + "' sweep", rows.table());
        Findings f = new Findings();
        List<Double> lrs = Evidence.lrs(s);
        double[] smaller = new double[lrs.size()];
        List<String> pairs = new ArrayList<>();
        for (int k = 0; k < lrs.size(); k++) {
            double lr = lrs.get(k);
            Table plain = Evidence.runs(s, clipped, lr), carry = Evidence.runs(s, carried, lr);
            String gate = Gates.clipped(clipped + " at lr " + Evidence.num(lr), plain);
            if (gate == null) gate = Gates.clipped(carried + " at lr " + Evidence.num(lr), carry);
            if (gate != null) return Gates.firstFailure("", rows.table(), gate);
            double[] pp = finite(ClippingBiasCheck.plateaus(s, plain)), pc = finite(ClippingBiasCheck.plateaus(s, carry));
            if (pp.length < 2 || pc.length < 2) {
                f.doubts().add("lr " + Evidence.num(lr) + ": fewer than two plateaus per arm");
                smaller[k] = 1;
                continue;
            }
            double[] ciPlain = Evidence.bootstrap(pp, Evidence::mean);
            rows.add(clipped, lr, pp.length, Evidence.mean(pp), Evidence.interval(ciPlain), Gates.clipFraction(plain), Gates.clipShare(plain), "biased: beyond " + Evidence.num(minBias));
            rows.add(carried, lr, pc.length, Evidence.mean(pc), Evidence.interval(Evidence.bootstrap(pc, Evidence::mean)), Gates.clipFraction(carry), Gates.clipShare(carry),
                    "unbiased: TOST within " + Evidence.num(margin));
            String where = "lr " + Evidence.num(lr);
            if (ciPlain[1] <= -minBias || ciPlain[0] >= minBias) {
                f.established().add(where + ": plain clipping plateaus at " + Evidence.num(Evidence.mean(pp)) + " " + Evidence.interval(ciPlain));
            } else {
                f.doubts().add(where + ": plain clipping's plateau " + Evidence.interval(ciPlain) + " is not beyond " + Evidence.num(minBias) + " (the bias to remove did not show)");
            }
            f.equivalence(where + ": U-Clip's plateau", pc, margin, alpha, true, "");
            double[][] pair = Evidence.paired(ClippingBiasCheck.plateausBySeed(s, carry), ClippingBiasCheck.plateausBySeed(s, plain));
            smaller[k] = pair[0].length < 5 ? 1 : StatisticalTests.wilcoxonGreater(abs(pair[1]), abs(pair[0]));
            pairs.add(where + " p = " + Evidence.num(smaller[k]) + " (" + pair[0].length + " seeds)");
        }
        double[] adjusted = StatisticalTests.holm(smaller);
        for (int k = 0; k < adjusted.length; k++) {
            if (!(adjusted[k] < alpha)) {
                f.doubts().add("lr " + Evidence.num(lrs.get(k)) + ": U-Clip's |plateau| is not shown smaller than plain clipping's per seed (Holm-adjusted p = "
                        + Evidence.num(adjusted[k]) + ")");
            }
        }
        f.established().add("per seed U-Clip's |plateau| is smaller (one-sided paired Wilcoxon, Holm over " + lrs.size() + " step sizes: "
                + String.join(", ", pairs) + ")");
        return f.verdict(rows.table());
    }

    private static double[] finite(double[] p) {
        return java.util.Arrays.stream(p).filter(Double::isFinite).toArray();
    }

    private static double[] abs(double[] x) {
        return java.util.Arrays.stream(x).map(Math::abs).toArray();
    }

    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        SweepResults s = results.get(sweep);
        if (s == null) return List.of();
        return List.of(Plots.metricCurves(s, "eval_x", id + "-x", "Iterate x under skewed noise: plain clipping against U-Clip (optimum 0)", "x", false));
    }
}
