package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Plots;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * Pascanu et al. 2013, the pathological RNN tasks, with one of two pre-stated endpoints.
 * <p>endpoint "error" (the default from pascanu-rnn version 4): held-out error rate at the fixed budget, per
 * seed (the arms share seeds; a run without an evaluation counts as `chanceError`). Reproduced when, by
 * one-sided paired Wilcoxon tests Holm-adjusted together at level `alpha`, (1) at the longest length the
 * clipped arm errs less than the baseline and (2) the reduction clipping brings (baseline minus clipped) is
 * larger at the longest length than at the shortest: clipping matters more as sequences get longer. Not
 * reproduced when either test the other way is significant. Gates: the clipped arm clipped at the longest
 * length, and the baseline learned at the shortest (its mean error's interval below `chanceError`).
 * <p>endpoint "success": at the longest sequence length, the clipped strategy
 * solves at least `gap` more of the seeds than the baseline, and Fisher's exact test (one-sided, level
 * `alpha`) says it solves more: a gap is not decided on the point estimates (3/10 against 0/10 has p =
 * 0.105). Gate first: the clipped arm must have clipped (else the arms are the same experiment).
 * Not reproduced when the same test in the other direction says no clipping solves more. Inconclusive when
 * a gate fails, when neither solves any seed at that length (the budget is too small to tell), or otherwise.
 */
final class SuccessGapCheck implements Check {
    private final String baseline, clipped, endpoint;
    private final double gap, alpha, chanceError;

    SuccessGapCheck(Checks.Params p) {
        baseline = p.text("baseline", "none");
        clipped = p.text("clipped", "global-norm:c=1,eps=0");
        endpoint = p.text("endpoint", "success");
        gap = p.number("gap", 0.3);
        alpha = p.number("alpha", 0.05);
        chanceError = p.number("chanceError", 0.75);
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        Evidence.Rows rows = new Evidence.Rows("strategy", "#length", "#seeds", "#solved", "#success_rate", "ci95", "#diverged",
                "#median_error_rate", "#clip_fraction", "#clip_share");
        List<SweepResults> byLength = new ArrayList<>(results.values());
        byLength.sort(Comparator.comparingDouble(SuccessGapCheck::length));
        double[] lastRate = new double[2];
        Table lastClipped = null;
        int[] lastSolved = new int[2], lastSeeds = new int[2];
        for (SweepResults s : byLength) {
            for (int k = 0; k < 2; k++) {
                String strategy = k == 0 ? baseline : clipped;
                Table r = Evidence.runs(s, strategy, Double.NaN);
                double[] success = Evidence.values(r, "eval_success", 0);
                int solved = (int) java.util.Arrays.stream(success).filter(v -> v >= 0.5).count();
                rows.add(strategy, length(s), r.rowCount(), solved, r.rowCount() == 0 ? Double.NaN : (double) solved / r.rowCount(),
                        Evidence.interval(Evidence.binomial(r.rowCount(), solved)), Evidence.divergedCount(r),
                        Evidence.median(Evidence.values(r, "eval_error_rate", 1)), Gates.clipFraction(r), Gates.clipShare(r));
                lastRate[k] = r.rowCount() == 0 ? Double.NaN : (double) solved / r.rowCount();
                lastSolved[k] = solved;
                lastSeeds[k] = r.rowCount();
                if (k == 1) lastClipped = r;
            }
        }
        double lmax = length(byLength.get(byLength.size() - 1));
        double d = lastRate[1] - lastRate[0];
        if (lastSeeds[0] == 0 || lastSeeds[1] == 0) {
            return Verdict.inconclusive("at L = " + Evidence.num(lmax) + " the results lack runs of " + baseline + " or " + clipped, rows.table());
        }
        double p = StatisticalTests.fisherGreater(lastSolved[1], lastSeeds[1], lastSolved[0], lastSeeds[0]);
        if (endpoint.equals("error")) {
            String successes = String.format("success at L = %s (reported, not decisive): %s %s, %s %s, Fisher p = %s", Evidence.num(lmax), clipped,
                    Evidence.pct(lastRate[1]), baseline, Evidence.pct(lastRate[0]), Evidence.num(p));
            return judgeError(byLength.get(0), byLength.get(byLength.size() - 1), successes, rows.table());
        }
        String numbers = String.format("at L = %s: %s solved %s, %s solved %s (gap %s points); Fisher's exact test, one-sided: p = %s (alpha %s)",
                Evidence.num(lmax), clipped, Evidence.pct(lastRate[1]), baseline, Evidence.pct(lastRate[0]), Evidence.num(100 * d),
                Evidence.num(p), Evidence.num(alpha));
        Verdict gated = Gates.firstFailure(numbers, rows.table(), Gates.clipped(clipped + " at L = " + Evidence.num(lmax), lastClipped));
        if (gated != null) return gated;
        if (lastSolved[0] == 0 && lastSolved[1] == 0) {
            return Verdict.inconclusive(numbers + ": neither solves any seed within the budget, so the budget cannot separate them", rows.table());
        }
        if (d >= gap && p < alpha) return Verdict.reproduced(numbers + "; the gap is >= " + Evidence.num(100 * gap) + " points", rows.table());
        // "not reproduced" is decided by the test too: no clipping solving significantly more (a tie or a small reversal is undecided)
        double pReverse = StatisticalTests.fisherGreater(lastSolved[0], lastSeeds[0], lastSolved[1], lastSeeds[1]);
        if (pReverse < alpha) {
            return Verdict.notReproduced(numbers + ": no clipping solves more seeds (Fisher, one-sided, p = " + Evidence.num(pReverse) + ")", rows.table());
        }
        if (d <= 0) return Verdict.inconclusive(numbers + ": clipping solves no more seeds, but not significantly fewer either", rows.table());
        return Verdict.inconclusive(numbers + ": in the claimed direction, but " + (d < gap ? "below the " + Evidence.num(100 * gap) + "-point threshold"
                : "not significant at this number of seeds"), rows.table());
    }

    /** Per seed, an arm's held-out error rate (no evaluation: chance). */
    private java.util.TreeMap<Long, Double> errorBySeed(SweepResults s, String arm) {
        Table r = Evidence.runs(s, arm, Double.NaN);
        return Evidence.bySeed(r, Evidence.values(r, "eval_error_rate", chanceError));
    }

    /** Per seed of both arms, baseline error minus clipped error: what clipping gains. */
    private java.util.TreeMap<Long, Double> reduction(SweepResults s) {
        java.util.TreeMap<Long, Double> plain = errorBySeed(s, baseline), clip = errorBySeed(s, clipped), out = new java.util.TreeMap<>();
        plain.forEach((seed, e) -> {
            Double c = clip.get(seed);
            if (c != null) out.put(seed, e - c);
        });
        return out;
    }

    private Verdict judgeError(SweepResults shortest, SweepResults longest, String successes, Table evidence) {
        String lmin = Evidence.num(length(shortest)), lmax = Evidence.num(length(longest));
        double[] learned = Evidence.values(Evidence.runs(shortest, baseline, Double.NaN), "eval_error_rate", chanceError);
        double[] learnedCi = Evidence.bootstrap(learned, Evidence::mean);
        Verdict gated = Gates.firstFailure(successes, evidence, Gates.clipped(clipped + " at L = " + lmax, Evidence.runs(longest, clipped, Double.NaN)),
                learnedCi[1] < chanceError ? null : baseline + " did not learn at L = " + lmin + ": its mean error's interval " + Evidence.interval(learnedCi)
                        + " reaches chance (" + Evidence.pct(chanceError) + ")");
        if (gated != null) return gated;
        double[][] atLongest = Evidence.paired(errorBySeed(longest, baseline), errorBySeed(longest, clipped));
        double[][] byLength = Evidence.paired(reduction(longest), reduction(shortest));
        if (atLongest[0].length < 5 || byLength[0].length < 5) {
            return Verdict.inconclusive(successes + ": fewer than 5 seeds ran in both arms at both lengths, too few for a one-sided p below 0.05", evidence);
        }
        double[] claimed = StatisticalTests.holm(new double[] {
                StatisticalTests.wilcoxonGreater(atLongest[0], atLongest[1]), StatisticalTests.wilcoxonGreater(byLength[0], byLength[1])});
        double[] reversed = StatisticalTests.holm(new double[] {
                StatisticalTests.wilcoxonGreater(atLongest[1], atLongest[0]), StatisticalTests.wilcoxonGreater(byLength[1], byLength[0])});
        String numbers = String.format("at L = %s median error %s without clipping, %s with (per-seed reduction median %s points, Holm p = %s); "
                        + "the reduction is larger at L = %s than at L = %s (median %s vs %s points, Holm p = %s); %s",
                lmax, Evidence.pct(Evidence.median(atLongest[0])), Evidence.pct(Evidence.median(atLongest[1])),
                Evidence.num(100 * Evidence.median(byLength[0])), Evidence.num(claimed[0]), lmax, lmin,
                Evidence.num(100 * Evidence.median(byLength[0])), Evidence.num(100 * Evidence.median(byLength[1])), Evidence.num(claimed[1]), successes);
        if (claimed[0] < alpha && claimed[1] < alpha) return Verdict.reproduced(numbers, evidence);
        if (reversed[0] < alpha) return Verdict.notReproduced(numbers + ": clipping errs more at L = " + lmax + " (Holm p = " + Evidence.num(reversed[0]) + ")", evidence);
        if (reversed[1] < alpha) return Verdict.notReproduced(numbers + ": clipping gains less at L = " + lmax + " than at L = " + lmin
                + " (Holm p = " + Evidence.num(reversed[1]) + ")", evidence);
        return Verdict.inconclusive(numbers + ": not both significant at alpha " + Evidence.num(alpha), evidence);
    }

    static double length(SweepResults s) {
        return s.runs().columnNames().contains("problem_length") ? s.runs().numberColumn("problem_length").getDouble(0) : Double.NaN;
    }

    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        Figure f = Plots.successVsLength(new ArrayList<>(results.values()), id + "-success-vs-length");
        return f == null ? List.of() : List.of(f);
    }
}
