package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * Seetharaman et al. 2020 (AutoClip), adapted: the training loss is multiplied by a scale s and the
 * learning rate divided by it, so SGD without clipping takes the same steps at every scale and only the
 * clipping threshold meets gradients of another size. Per seed, held-out accuracy (a diverged run counts
 * as chance):
 * <ul>
 * <li>a low percentile beats never clipping: at every scale `percentile` (AutoClip p = 10) is more accurate
 *     than `never` (p = 100, which never clips), one-sided paired Wilcoxon, Holm-adjusted over the scales;</li>
 * <li>the percentile transfers: at every other scale its accuracy equals its accuracy at `referenceScale`
 *     within `margin` (TOST). A demonstration, not a test: scaling the loss by s and the learning rate by 1/s scales
 *     every norm and the percentile threshold alike, so the steps are the same by algebra; it is shown, never decides;</li>
 * <li>a fixed threshold tuned at the reference scale does not: at every other scale the percentile is more
 *     accurate than `fixed`, one-sided paired Wilcoxon, Holm-adjusted over those scales. A demonstration too (issue
 *     38): with the loss times s and the rate over s, fixed clipping at c is clipping at c / s of the unscaled problem,
 *     so this compares thresholds 100 times apart from the tuned one, an outcome the setting fixes by algebra.</li>
 * </ul>
 * Gates: at the reference scale the percentile and the fixed threshold clipped and learned (accuracy
 * interval above chance). The verdict rests on the first part. Not reproduced when a test in the other direction is
 * significant.
 */
final class AutoClipCheck implements Check {
    private static final Pattern P = Pattern.compile("p=([0-9.]+)");
    private final String percentile, never, fixed;
    private final double referenceScale, margin, alpha, chance;

    AutoClipCheck(Checks.Params p) {
        percentile = p.text("percentile", "autoclip:p=10");
        never = p.text("never", "autoclip:p=100");
        fixed = p.text("fixed", "global-norm:c=1,eps=0");
        referenceScale = p.number("referenceScale", 1);
        margin = p.number("margin", 0.01);
        alpha = p.number("alpha", 0.05);
        chance = p.number("chance", 0.1);
    }

    static double scale(SweepResults s) {
        return s.runs().columnNames().contains("problem_lossScale") ? s.runs().numberColumn("problem_lossScale").getDouble(0) : 1;
    }

    static double percentileOf(String strategy) {
        Matcher m = P.matcher(strategy);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** The AutoClip percentiles next to the tested one (below and above it, never clipping excluded), tested in its place. */
    @Override
    public Map<String, Map<String, Object>> neighbours(Map<String, SweepResults> results) {
        List<String> ps = results.values().stream().flatMap(s -> s.runs().stringColumn("strategy").unique().asList().stream())
                .filter(a -> a.startsWith("autoclip") && !a.equals(never)).distinct().sorted(Comparator.comparingDouble(AutoClipCheck::percentileOf)).toList();
        int at = ps.indexOf(percentile);
        Map<String, Map<String, Object>> out = new java.util.LinkedHashMap<>();
        for (int k : new int[] {at - 1, at + 1}) {
            if (at >= 0 && k >= 0 && k < ps.size()) out.put("p = " + Evidence.num(percentileOf(ps.get(k))), Map.of("percentile", ps.get(k)));
        }
        return out;
    }

    /** Per seed, an arm's held-out accuracy (a diverged run: chance). */
    private TreeMap<Long, Double> accuracyBySeed(SweepResults s, String arm) {
        Table r = Evidence.runs(s, arm, Double.NaN);
        return Evidence.bySeed(r, Evidence.accuracy(r, chance));
    }


    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        List<SweepResults> sweeps = new ArrayList<>(results.values());
        sweeps.sort(Comparator.comparingDouble(AutoClipCheck::scale));
        Evidence.Rows rows = new Evidence.Rows("#loss_scale", "strategy", "#seeds", "#diverged", "#mean_accuracy", "ci95", "#clip_fraction", "#clip_share");
        SweepResults reference = sweeps.stream().filter(s -> scale(s) == referenceScale).findFirst().orElse(null);
        for (SweepResults s : sweeps) {
            for (String arm : arms(s)) {
                Table r = Evidence.runs(s, arm, Double.NaN);
                double[] acc = Evidence.accuracy(r, chance);
                rows.add(scale(s), arm, r.rowCount(), Evidence.divergedCount(r), Evidence.mean(acc), Evidence.interval(Evidence.bootstrap(acc, Evidence::mean)),
                        Gates.clipFraction(r), Gates.clipShare(r));
            }
        }
        Table t = rows.table();
        if (reference == null || sweeps.size() < 2) return Verdict.inconclusive("needs the reference scale " + Evidence.num(referenceScale) + " and another", t);
        Table refPercentile = Evidence.runs(reference, percentile, Double.NaN), refFixed = Evidence.runs(reference, fixed, Double.NaN);
        Verdict gated = Gates.firstFailure("at loss scale " + Evidence.num(referenceScale), t,
                Gates.clipped(percentile, refPercentile), Gates.clipped(fixed, refFixed),
                Gates.learned(percentile, Evidence.accuracy(refPercentile, chance), chance), Gates.learned(fixed, Evidence.accuracy(refFixed, chance), chance));
        if (gated != null) return gated;
        Findings f = new Findings();
        beatsAtEveryScale(sweeps, sweeps, never, "never clipping (" + never + ")", f);
        List<SweepResults> others = sweeps.stream().filter(s -> s != reference).toList();
        Findings transfer = new Findings();
        transfers(reference, others, transfer);
        // loss x s with lr / s scales every gradient norm and AutoClip's percentile alike: its steps are the same up to
        // rounding, so the transfer cannot fail here. Shown, not decisive (issue 28).
        f.demonstration(transfer, "the loss scale multiplies every norm and the percentile threshold alike, so percentile clipping takes the same steps at every scale");
        Findings fixedFails = new Findings();
        beatsAtEveryScale(sweeps, others, fixed, "the fixed threshold " + fixed + " (tuned at scale " + Evidence.num(referenceScale) + ")", fixedFails);
        // fixed clipping at c on the loss x s, stepped at lr / s, is clipping at c / s of the unscaled problem: a threshold 100
        // times from the tuned one, which the setting makes fail by algebra (issue 38). Shown, not decisive.
        f.demonstration(fixedFails, "with the loss times s and the rate over s, fixed clipping at c is clipping at c / s of the unscaled problem, a threshold 100 times from the tuned one");
        return f.verdict(t);
    }

    /** The percentile more accurate than `other` at each scale of `at`, per seed: one-sided paired Wilcoxon, Holm over the scales. */
    private void beatsAtEveryScale(List<SweepResults> all, List<SweepResults> at, String other, String name, Findings f) {
        double[] better = new double[at.size()], worse = new double[at.size()];
        for (int k = 0; k < at.size(); k++) {
            double[][] pair = Evidence.paired(accuracyBySeed(at.get(k), percentile), accuracyBySeed(at.get(k), other));
            if (pair[0].length < 5) {
                f.doubts().add("fewer than 5 seeds of " + percentile + " and " + other + " at scale " + Evidence.num(scale(at.get(k))));
                return;
            }
            better[k] = StatisticalTests.wilcoxonGreater(pair[0], pair[1]);
            worse[k] = StatisticalTests.wilcoxonGreater(pair[1], pair[0]);
        }
        double[] betterAdjusted = StatisticalTests.holm(better), worseAdjusted = StatisticalTests.holm(worse);
        List<String> notShown = new ArrayList<>();
        for (int k = 0; k < at.size(); k++) {
            String where = "scale " + Evidence.num(scale(at.get(k)));
            if (worseAdjusted[k] < alpha) f.failures().add(name + " is more accurate than " + percentile + " at " + where + " (Holm p = " + Evidence.num(worseAdjusted[k]) + ")");
            else if (!(betterAdjusted[k] < alpha)) notShown.add(where + " (Holm p = " + Evidence.num(betterAdjusted[k]) + ")");
        }
        if (!notShown.isEmpty()) f.doubts().add(percentile + " is not shown more accurate than " + name + " at " + String.join(", ", notShown));
        else f.established().add(percentile + " beats " + name + " at " + (at.size() == all.size() ? "every scale" : "every other scale")
                + " (paired Wilcoxon, largest Holm p = " + Evidence.num(java.util.Arrays.stream(betterAdjusted).max().orElse(1)) + ")");
    }

    /** The percentile's per-seed accuracy at each other scale equals its accuracy at the reference scale within margin (TOST). */
    private void transfers(SweepResults reference, List<SweepResults> others, Findings f) {
        TreeMap<Long, Double> ref = accuracyBySeed(reference, percentile);
        for (SweepResults s : others) {
            double[][] pair = Evidence.paired(accuracyBySeed(s, percentile), ref);
            String where = percentile + " at scale " + Evidence.num(scale(s)) + " minus at " + Evidence.num(referenceScale);
            if (pair[0].length < 2) {
                f.doubts().add(where + ": fewer than two seeds at both");
                continue;
            }
            double[] d = new double[pair[0].length];
            for (int i = 0; i < d.length; i++) d[i] = pair[0][i] - pair[1][i];
            f.equivalence(where + ": accuracy", d, margin, alpha, true, ": it does not transfer");
        }
    }

    /** The sweep's arms: no clipping, the fixed threshold, then AutoClip by percentile. */
    private static List<String> arms(SweepResults s) {
        return s.runs().stringColumn("strategy").unique().asList().stream()
                .sorted(Comparator.comparing((String a) -> a.startsWith("autoclip")).thenComparingDouble(a -> a.startsWith("autoclip") ? percentileOf(a) : 0)
                        .thenComparing(Comparator.naturalOrder())).toList();
    }

    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        List<SweepResults> sweeps = new ArrayList<>(results.values());
        sweeps.sort(Comparator.comparingDouble(AutoClipCheck::scale));
        List<String> categories = new ArrayList<>();
        for (SweepResults s : sweeps) for (String a : arms(s)) if (!categories.contains(a)) categories.add(a);
        Figure f = Figure.dots(id + "-accuracy-by-scale", categories).valueRange(0, 1)
                .title("AutoClip against a fixed threshold as the loss scale changes").axes("strategy", "held-out accuracy (mean over seeds)")
                .caption("The training loss is multiplied by the scale and the learning rate divided by it, so without clipping every scale takes the same steps. "
                        + "A diverged run counts as chance (10%). Whiskers: bootstrap 95% interval of the mean.");
        for (SweepResults s : sweeps) {
            double[] y = new double[categories.size()], lo = new double[y.length], hi = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                double[] acc = Evidence.accuracy(Evidence.runs(s, categories.get(i), Double.NaN), chance);
                double[] ci = acc.length == 0 ? new double[] {Double.NaN, Double.NaN} : Evidence.bootstrap(acc, Evidence::mean);
                y[i] = acc.length == 0 ? Double.NaN : Evidence.mean(acc);
                lo[i] = ci[0];
                hi[i] = ci[1];
            }
            // the plain number ("loss x 0.01", not "0.010"): these three names take three distinct colours
            f.estimates("loss x " + java.math.BigDecimal.valueOf(scale(s)).stripTrailingZeros().toPlainString(), y, lo, hi);
        }
        return List.of(f);
    }
}
