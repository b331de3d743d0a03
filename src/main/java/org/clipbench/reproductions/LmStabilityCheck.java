package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * "Rule A keeps language-model training stable where rule B does not" (ZClip against fixed clipping at its ceiling,
 * StableAdamW's update clipping against gradient clipping, AdaGC against global-norm clipping), on the transformer
 * trained with AdamW, judged at one learning rate (`lr`; the highest of sweep `sweep` when not given), the arms sharing
 * seeds (the same initialisation and batches); sweep `stableSweep` (the same one when absent) holds the baseline at the
 * stable rate `stableLr`.
 *
 * <p>Defined before any run:
 * <ul>
 * <li>a <b>spike</b> is a step t >= `window` whose training loss exceeds `factor` times the median of the `window`
 *     losses before it; a run's spike count is the number of spike onsets (a spike step whose previous step was not
 *     one), so a loss that stays up counts once. Every step must be on the run's curve (curvePoints >= steps);</li>
 * <li>a run <b>fails</b> when it diverged or its final held-out loss is above `failLoss` nats;</li>
 * <li>a run's <b>final loss</b> is its held-out loss, `chanceLoss` (uniform guessing) when it diverged.</li>
 * </ul>
 * Gates first: the baseline learned at `stableLr` (the 95% bootstrap interval of its mean final loss lies below
 * failLoss); A and B each clipped on at least `minBinding` of the steps (clip_fraction); with `ceiling` (ZClip), A's
 * z-score rule itself bound (a clipped step whose threshold lay below the ceiling) on at least minBinding of the
 * steps, else A was fixed clipping at its ceiling; and the baseline failed or spiked in some run, else there is
 * nothing to prevent; and (v2) not every run of both A and B failed, else the rate is past what either rule can
 * stabilise and the test cannot tell them apart. Then, Holm-adjusted together at level `alpha`: (1) B fails more often than A (Fisher's exact
 * test, one-sided) and (2) B spikes more than A per seed (Wilcoxon signed-rank, one-sided). Reproduced when (1) or
 * (2) holds and A's final loss is not worse than B's by `lossMargin` (upper end of the 90% t-interval of the per-seed
 * difference A - B below it). Not reproduced when A fails or spikes significantly more than B, or ends worse by more
 * than the margin (lower end above it), or when A is shown no better: the upper end of Newcombe's 90% interval of
 * the failure rates B - A below `failMargin` AND the upper end of the 90% t-interval of the per-seed spike difference
 * B - A below `spikeMargin`. Inconclusive otherwise.
 */
final class LmStabilityCheck implements Check {
    private final String baseline, candidate, comparison, ablation, sweep, stableSweep;
    private final double lr, stableLr, factor, failLoss, chanceLoss, minBinding, ceiling, alpha, failMargin, spikeMargin, lossMargin;
    private final int window;

    LmStabilityCheck(Checks.Params p) {
        sweep = p.text("sweep", "high-lr"); // the arms at the rates judged
        stableSweep = p.text("stableSweep", "stable"); // the baseline at the stable rate (the learned gate); the same sweep when absent
        baseline = p.text("baseline", "none");
        candidate = p.text("candidate", "zclip");
        comparison = p.text("comparison", "global-norm:c=1,eps=0");
        ablation = p.text("ablation", ""); // shown beside, never decides (ZClip without its ceiling)
        lr = p.number("lr", Double.NaN);
        stableLr = p.number("stableLr", Double.NaN);
        window = (int) p.number("window", 20);
        factor = p.number("factor", 1.25);
        failLoss = p.number("failLoss", 3.0);
        chanceLoss = p.number("chanceLoss", Math.log(76));
        minBinding = p.number("minBinding", 0.001);
        ceiling = p.number("ceiling", Double.NaN);
        alpha = p.number("alpha", 0.05);
        failMargin = p.number("failMargin", 0.3);
        spikeMargin = p.number("spikeMargin", 1.0);
        lossMargin = p.number("lossMargin", 0.05);
    }

    /** Spike onsets of one loss curve (every step): loss[t] > factor x median(loss[t - window .. t - 1]), counted once per run of them. */
    static int spikes(double[] loss, int window, double factor) {
        int count = 0;
        boolean previous = false;
        for (int t = window; t < loss.length; t++) {
            double[] before = java.util.Arrays.copyOfRange(loss, t - window, t);
            boolean spike = Double.isFinite(loss[t]) && loss[t] > factor * Evidence.median(before);
            if (spike && !previous) count++;
            previous = spike;
        }
        return count;
    }

    /** Per run of the table (its row order), the spike count; -1 when its curve does not hold every step. */
    int[] spikeCounts(SweepResults s, Table runs) {
        Map<String, double[][]> curves = Evidence.curves(s, "loss");
        int[] out = new int[runs.rowCount()];
        for (int i = 0; i < out.length; i++) {
            double[][] c = curves.get(runs.stringColumn("run_id").get(i));
            double taken = runs.numberColumn("steps_run").getDouble(i);
            out[i] = c == null || c[0].length < taken ? -1 : spikes(c[1], window, factor);
        }
        return out;
    }

    /** The ceiling of a ZClip spec: its maxNorm when it names one (inf: none), else the preset's `ceiling`. */
    double ceilingOf(String arm) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("maxNorm=([^,]+)").matcher(arm);
        if (!m.find()) return ceiling;
        String v = m.group(1).trim();
        return v.equalsIgnoreCase("inf") || v.equalsIgnoreCase("infinity") ? Double.POSITIVE_INFINITY : Double.parseDouble(v);
    }

    /** Shares of an arm's steps (over all its runs) in which ZClip's z-score rule bound, and in which its ceiling did. */
    double[] bindingShares(SweepResults s, Table runs) {
        if (Double.isNaN(ceiling) || runs.rowCount() == 0) return new double[] {Double.NaN, Double.NaN};
        double ceiling = ceilingOf(runs.stringColumn("strategy").get(0)); // the ablation without one: every clip is the z-score rule's
        Map<String, double[][]> clipped = Evidence.curves(s, "clipped"), threshold = Evidence.curves(s, "clip_threshold");
        long steps = 0, zscore = 0, atCeiling = 0;
        for (int i = 0; i < runs.rowCount(); i++) {
            String id = runs.stringColumn("run_id").get(i);
            double[][] c = clipped.get(id), th = threshold.get(id);
            if (c == null || th == null) continue;
            Map<Double, Double> thresholdAt = new java.util.HashMap<>();
            for (int k = 0; k < th[0].length; k++) thresholdAt.put(th[0][k], th[1][k]);
            for (int k = 0; k < c[0].length; k++) {
                steps++;
                if (c[1][k] != 1) continue;
                Double t = thresholdAt.get(c[0][k]);
                if (t != null && t < ceiling) zscore++;
                else atCeiling++;
            }
        }
        return steps == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {(double) zscore / steps, (double) atCeiling / steps};
    }

    boolean failed(Table runs, int i, double[] loss) {
        return Evidence.diverged(runs, i) || !(loss[i] <= failLoss);
    }

    double[] finalLoss(Table runs) {
        double[] v = Evidence.values(runs, "eval_loss", chanceLoss);
        for (int i = 0; i < v.length; i++) if (Double.isNaN(v[i])) v[i] = chanceLoss;
        return v;
    }

    int failures(Table runs) {
        double[] loss = finalLoss(runs);
        int k = 0;
        for (int i = 0; i < runs.rowCount(); i++) if (failed(runs, i, loss)) k++;
        return k;
    }

    private static double[] asDoubles(int[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }

    Table evidence(SweepResults s) {
        Evidence.Rows rows = new Evidence.Rows("strategy", "#lr", "#seeds", "#failed", "#failure_rate", "ci95", "#median_spikes", "#mean_spikes",
                "#mean_final_loss", "loss_ci95", "#clip_fraction", "#clip_share", "#zscore_binds", "#ceiling_binds");
        for (double rate : Evidence.lrs(s)) {
            for (String arm : arms()) {
                Table r = Evidence.runs(s, arm, rate);
                if (r.rowCount() == 0) continue; // the stable sweep holds the baseline alone
                int k = failures(r);
                double[] spk = asDoubles(spikeCounts(s, r)), loss = finalLoss(r), bind = arm.equals(candidate) || arm.equals(ablation) ? bindingShares(s, r)
                        : new double[] {Double.NaN, Double.NaN};
                rows.add(arm, rate, r.rowCount(), k, (double) k / r.rowCount(), Evidence.interval(Evidence.binomial(r.rowCount(), k)),
                        Evidence.median(spk), Evidence.mean(spk), Evidence.mean(loss), Evidence.interval(Evidence.bootstrap(loss, Evidence::mean)),
                        Gates.clipFraction(r), Gates.clipShare(r), bind[0], bind[1]);
            }
        }
        return rows.table();
    }

    private List<String> arms() {
        List<String> out = new ArrayList<>(List.of(baseline, comparison, candidate));
        if (!ablation.isEmpty()) out.add(ablation);
        return out;
    }

    private SweepResults main(Map<String, SweepResults> results) {
        return results.getOrDefault(sweep, results.values().iterator().next());
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        SweepResults s = main(results), st = results.getOrDefault(stableSweep, s);
        List<Double> lrs = Evidence.lrs(s);
        double top = Double.isNaN(lr) ? lrs.get(lrs.size() - 1) : lr, stable = Double.isNaN(stableLr) ? Evidence.lrs(st).get(0) : stableLr;
        Table t = st == s ? evidence(s) : evidence(st).append(evidence(s));
        String at = "at lr " + Evidence.num(top);
        for (String arm : List.of(baseline, comparison, candidate)) { // the ablation is shown where it ran, and decides nothing
            if (Evidence.runs(s, arm, top).rowCount() == 0) return Verdict.inconclusive(at + " there are no runs of " + arm + ": nothing to compare", t);
        }
        Table rBase = Evidence.runs(s, baseline, top), rA = Evidence.runs(s, candidate, top), rB = Evidence.runs(s, comparison, top);
        int[] spBase = spikeCounts(s, rBase), spA = spikeCounts(s, rA), spB = spikeCounts(s, rB);
        for (int[] sp : List.of(spBase, spA, spB)) {
            for (int v : sp) if (v < 0) return Verdict.inconclusive(at + ": a run's curve does not hold every step (curvePoints < steps), so its spikes cannot be counted", t);
        }
        int kBase = failures(rBase), kA = failures(rA), kB = failures(rB);
        int nA = rA.rowCount(), nB = rB.rowCount();
        String numbers = String.format("%s, failed (diverged or held-out loss above %s): %s %d of %d, %s %d of %d, %s %d of %d; spikes per run (median): %s %s, %s %s, %s %s",
                at, Evidence.num(failLoss), baseline, kBase, rBase.rowCount(), comparison, kB, nB, candidate, kA, nA,
                baseline, Evidence.num(Evidence.median(asDoubles(spBase))), comparison, Evidence.num(Evidence.median(asDoubles(spB))), candidate,
                Evidence.num(Evidence.median(asDoubles(spA))));
        List<String> gates = new ArrayList<>();
        Table rStable = Evidence.runs(st, baseline, stable);
        gates.add(learned(baseline + " at lr " + Evidence.num(stable), finalLoss(rStable)));
        gates.add(bound(candidate + " " + at, Gates.clipFraction(rA)));
        gates.add(bound(comparison + " " + at, Gates.clipFraction(rB)));
        if (!Double.isNaN(ceiling)) gates.add(zscoreBound(candidate + " " + at, bindingShares(s, rA)));
        Verdict gated = Gates.firstFailure(numbers, t, gates.toArray(String[]::new));
        if (gated != null) return gated;
        if (kBase == 0 && java.util.Arrays.stream(spBase).sum() == 0) {
            return Verdict.inconclusive(numbers + ": " + baseline + " neither failed nor spiked here, so there is nothing to prevent", t);
        }
        if (kA == nA && kB == nB) { // v2: past what either rule can stabilise, the effect cannot show
            return Verdict.inconclusive(numbers + ": every run of " + candidate + " and of " + comparison + " failed, so this rate is past what either rule "
                    + "stabilises and cannot tell them apart; a lower rate between the stable one and this is needed", t);
        }
        return decide(numbers, t, rA, rB, spA, spB, kA, nA, kB, nB);
    }

    private Verdict decide(String numbers, Table t, Table rA, Table rB, int[] spA, int[] spB, int kA, int nA, int kB, int nB) {
        Findings f = new Findings();
        double[][] spikes = Evidence.paired(Evidence.bySeed(rB, asDoubles(spB)), Evidence.bySeed(rA, asDoubles(spA)));
        double[][] loss = Evidence.paired(Evidence.bySeed(rA, finalLoss(rA)), Evidence.bySeed(rB, finalLoss(rB)));
        if (spikes[0].length < 2 || loss[0].length < 2) return Verdict.inconclusive(numbers + ": fewer than two seeds shared by the arms", t);
        double pFail = StatisticalTests.fisherGreater(kB, nB, kA, nA), pSpike = StatisticalTests.wilcoxonGreater(spikes[0], spikes[1]);
        double[] holm = StatisticalTests.holm(new double[] {pFail, pSpike});
        double pFailWorse = StatisticalTests.fisherGreater(kA, nA, kB, nB), pSpikeWorse = StatisticalTests.wilcoxonGreater(spikes[1], spikes[0]);
        double[] dLoss = new double[loss[0].length], dSpikes = new double[spikes[0].length];
        for (int i = 0; i < dLoss.length; i++) dLoss[i] = loss[0][i] - loss[1][i];
        for (int i = 0; i < dSpikes.length; i++) dSpikes[i] = spikes[0][i] - spikes[1][i];
        double[] lossCi = StatisticalTests.tostInterval(dLoss, alpha), spikeCi = spikeInterval(dSpikes);
        double[] failCi = StatisticalTests.newcombeDifference(kB, nB, kA, nA, 1 - 2 * alpha);
        String lossText = candidate + " minus " + comparison + " in final held-out loss " + Evidence.num(Evidence.mean(dLoss)) + " nats per seed, 90% interval "
                + Evidence.interval(lossCi);
        String failText = "failure rate " + comparison + " minus " + candidate + " " + Evidence.num((double) kB / nB - (double) kA / nA) + ", 90% interval "
                + Evidence.interval(failCi) + " (Fisher one-sided p = " + Evidence.num(pFail) + ", Holm " + Evidence.num(holm[0]) + ")";
        String spikeText = "spikes " + comparison + " minus " + candidate + " " + Evidence.num(Evidence.mean(dSpikes)) + " per seed, 90% interval "
                + Evidence.interval(spikeCi) + " (Wilcoxon one-sided p = " + Evidence.num(pSpike) + ", Holm " + Evidence.num(holm[1]) + ")";
        if (pFailWorse < alpha) f.failures().add(candidate + " fails more often than " + comparison + " (Fisher one-sided p = " + Evidence.num(pFailWorse) + ")");
        if (pSpikeWorse < alpha) f.failures().add(candidate + " spikes more than " + comparison + " (Wilcoxon one-sided p = " + Evidence.num(pSpikeWorse) + ")");
        if (lossCi[0] > lossMargin) f.failures().add(lossText + ": worse by more than " + Evidence.num(lossMargin));
        boolean better = holm[0] < alpha || holm[1] < alpha, noBetter = failCi[1] < failMargin && spikeCi[1] < spikeMargin;
        if (better) f.established().add(holm[0] < alpha ? failText : spikeText);
        else if (noBetter) {
            f.failures().add(candidate + " is no better than " + comparison + ": " + failText + " below " + Evidence.num(failMargin) + "; " + spikeText
                    + " below " + Evidence.num(spikeMargin));
        } else f.doubts().add(failText + "; " + spikeText + ": neither shows " + candidate + " better, nor is it shown no better by the margins");
        if (lossCi[1] < lossMargin) f.established().add(lossText + ", below " + Evidence.num(lossMargin) + ": not worse");
        else if (!(lossCi[0] > lossMargin)) f.doubts().add(lossText + " reaches the margin " + Evidence.num(lossMargin));
        Verdict v = f.verdict(t);
        return new Verdict(v.outcome(), numbers + "; " + v.reason(), t);
    }

    /** The 90% t-interval of the mean per-seed spike difference; [0, 0] when no seed's counts differ (no spread, no difference). */
    private double[] spikeInterval(double[] d) {
        return StatisticalTests.tostInterval(d, alpha);
    }

    private String learned(String arm, double[] loss) {
        double[] ci = Evidence.bootstrap(loss, Evidence::mean);
        if (ci[1] < failLoss) return Gates.pass(arm + " learned (mean held-out loss interval " + Evidence.interval(ci) + " below " + Evidence.num(failLoss) + ")");
        return arm + " did not learn: its mean held-out loss's 95% interval " + Evidence.interval(ci) + " reaches " + Evidence.num(failLoss) + " nats";
    }

    private String bound(String arm, double share) {
        if (share >= minBinding) return Gates.pass(arm + " clipped on " + Evidence.pct(share) + " of steps");
        return arm + " clipped on " + Evidence.num(share) + " of steps, below " + Evidence.num(minBinding) + ": its threshold hardly bound";
    }

    private String zscoreBound(String arm, double[] shares) {
        if (shares[0] >= minBinding) {
            return Gates.pass(arm + ": its z-score rule bound on " + Evidence.pct(shares[0]) + " of steps, the ceiling on " + Evidence.pct(shares[1]));
        }
        return arm + ": its z-score rule bound on " + Evidence.num(shares[0]) + " of steps (the ceiling on " + Evidence.num(shares[1]) + "), below "
                + Evidence.num(minBinding) + ": it was fixed clipping at its ceiling";
    }

    /** The claim at the next lower learning rate. */
    @Override
    public Map<String, Map<String, Object>> neighbours(Map<String, SweepResults> results) {
        List<Double> lrs = Evidence.lrs(main(results));
        double top = Double.isNaN(lr) ? lrs.get(lrs.size() - 1) : lr;
        int i = lrs.indexOf(top);
        return i > 0 ? Map.of("lr " + Evidence.num(lrs.get(i - 1)), Map.of("lr", lrs.get(i - 1))) : Map.of();
    }

    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        SweepResults s = main(results);
        List<Double> lrs = Evidence.lrs(s);
        Figure f = Figure.line(id + "-final-loss-vs-lr").title("Transformer LM under AdamW: final held-out loss against the learning rate")
                .axes("peak learning rate", "held-out loss (nats per character)").logX()
                .caption("Mean over seeds, band: bootstrap 95% interval; a diverged run counts as uniform guessing. Dashed level: the failure line " + Evidence.num(failLoss) + ".");
        for (String arm : arms()) {
            double[] x = new double[lrs.size()], y = new double[lrs.size()], lo = new double[lrs.size()], hi = new double[lrs.size()];
            for (int i = 0; i < lrs.size(); i++) {
                double[] loss = finalLoss(Evidence.runs(s, arm, lrs.get(i)));
                double[] ci = Evidence.bootstrap(loss, Evidence::mean);
                x[i] = lrs.get(i);
                y[i] = Evidence.mean(loss);
                lo[i] = ci[0];
                hi[i] = ci[1];
            }
            f.add(new Figure.Series(arm, x, y, lo, hi, false));
        }
        double[] ends = {lrs.get(0), lrs.get(lrs.size() - 1)};
        f.add(new Figure.Series("failure line", ends, new double[] {failLoss, failLoss}, null, null, true));
        return List.of(f, org.clipbench.analysis.Plots.metricCurves(s, "loss", id + "-loss", "Training loss, median over seeds", "training loss (nats)", false));
    }
}
