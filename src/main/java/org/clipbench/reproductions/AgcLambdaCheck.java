package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * Brock et al. 2021 (NFNets), adapted: the smaller clipping factor gains on the larger one as the batch
 * grows (lr scaled linearly). Decided by a test of that interaction between two lambdas fixed in the
 * preset (`small`, `large`, chosen on version 1's exploration seeds): per seed (the sweeps share seeds),
 * d = [acc(small) - acc(large)] at the largest batch minus the same at the smallest; reproduced when a
 * one-sided Wilcoxon signed-rank test gives d > 0 at level `alpha`, not reproduced when the test the
 * other way does, inconclusive otherwise. The best lambda of the grid per batch is reported beside it
 * (a point estimate, not the decision). Diverged runs count as chance.
 * Gate: both lambdas clipped at both ends (else one of them is no clipping, not a threshold).
 */
final class AgcLambdaCheck implements Check {
    private static final Pattern LAMBDA = Pattern.compile("lambda=([0-9.eE+-]+)");
    /** Below 5 pairs the smallest one-sided Wilcoxon p (1/2^n) is above 0.05: no decision is possible. */
    static final int MIN_PAIRS = 5;
    private final String family, baseline;
    private final double chance, small, large, alpha;

    AgcLambdaCheck(Checks.Params p) {
        family = p.text("family", "agc:lambda=");
        baseline = p.text("baseline", ""); // when set: also "at the largest batch the small lambda beats this arm" (the claim's first half)
        chance = p.number("chance", 0.1);
        small = p.number("small", 0.02);
        large = p.number("large", 0.16);
        alpha = p.number("alpha", 0.05);
    }

    /** The next lambda of the grid above `small` and the next below `large`, each with the other kept. */
    @Override
    public Map<String, Map<String, Object>> neighbours(Map<String, SweepResults> results) {
        List<Double> lambdas = new ArrayList<>();
        for (SweepResults s : results.values()) for (String x : grid(s)) if (!lambdas.contains(lambda(x))) lambdas.add(lambda(x));
        lambdas.sort(Comparator.naturalOrder());
        Map<String, Map<String, Object>> out = new java.util.LinkedHashMap<>();
        int i = lambdas.indexOf(small), j = lambdas.indexOf(large);
        if (i >= 0 && i + 1 < j) out.put("lambda " + Evidence.num(lambdas.get(i + 1)) + " vs " + Evidence.num(large), Map.of("small", lambdas.get(i + 1)));
        if (j > 0 && j - 1 > i) out.put("lambda " + Evidence.num(small) + " vs " + Evidence.num(lambdas.get(j - 1)), Map.of("large", lambdas.get(j - 1)));
        return out;
    }

    static double batch(SweepResults s) {
        return s.runs().numberColumn("problem_batch").getDouble(0);
    }

    static double lambda(String strategy) {
        Matcher m = LAMBDA.matcher(strategy);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** The unit-wise lambda grid of a sweep (other strategies, e.g. layer-wise or none, are reported but not ranked). */
    List<String> grid(SweepResults s) {
        return s.runs().stringColumn("strategy").unique().asList().stream()
                .filter(x -> x.startsWith(family) && !x.contains("scope=tensor")).sorted(Comparator.comparingDouble(AgcLambdaCheck::lambda)).toList();
    }

    /** The grid's lambda with the best mean accuracy (the smallest lambda on a tie); reported, not decided on. */
    double bestLambda(SweepResults s) {
        double best = Double.NEGATIVE_INFINITY, lambda = Double.NaN;
        for (String strategy : grid(s)) {
            double m = Evidence.mean(Evidence.accuracy(Evidence.runs(s, strategy, Double.NaN), chance));
            if (m > best) {
                best = m;
                lambda = lambda(strategy);
            }
        }
        return lambda;
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        List<SweepResults> sweeps = new ArrayList<>(results.values());
        sweeps.sort(Comparator.comparingDouble(AgcLambdaCheck::batch));
        Evidence.Rows rows = new Evidence.Rows("#batch", "#lr", "strategy", "#seeds", "#diverged", "#mean_accuracy", "ci95", "#clip_fraction", "#clip_share");
        double[] bestLambda = new double[sweeps.size()];
        for (int k = 0; k < sweeps.size(); k++) {
            SweepResults s = sweeps.get(k);
            for (String strategy : s.runs().stringColumn("strategy").unique().asList().stream().sorted().toList()) {
                Table r = Evidence.runs(s, strategy, Double.NaN);
                double[] acc = Evidence.accuracy(r, chance);
                rows.add(batch(s), r.numberColumn("lr").getDouble(0), strategy, r.rowCount(), Evidence.divergedCount(r), Evidence.mean(acc),
                        Evidence.interval(Evidence.bootstrap(acc, Evidence::mean)), Gates.clipFraction(r), Gates.clipShare(r));
            }
            bestLambda[k] = bestLambda(s);
        }
        Table t = rows.table();
        int last = sweeps.size() - 1;
        StringBuilder numbers = new StringBuilder("best lambda by batch (mean accuracy, not the decision):");
        for (int k = 0; k < sweeps.size(); k++) numbers.append(" B=").append(Evidence.num(batch(sweeps.get(k)))).append(": ").append(Evidence.num(bestLambda[k]));
        if (sweeps.size() < 2) return Verdict.inconclusive(numbers + ": needs two batch sizes", t);
        SweepResults first = sweeps.get(0), end = sweeps.get(last);
        String atSmall = arm(first, small), atLarge = arm(first, large), endSmall = arm(end, small), endLarge = arm(end, large);
        if (atSmall == null || atLarge == null || endSmall == null || endLarge == null) {
            return Verdict.inconclusive(numbers + ": lambda " + Evidence.num(small) + " or " + Evidence.num(large) + " is missing from a batch size", t);
        }
        Verdict gated = Gates.firstFailure(numbers.toString(), t,
                Gates.clipped(atSmall + " at B = " + Evidence.num(batch(first)), Evidence.runs(first, atSmall, Double.NaN)),
                Gates.clipped(atLarge + " at B = " + Evidence.num(batch(first)), Evidence.runs(first, atLarge, Double.NaN)),
                Gates.clipped(endSmall + " at B = " + Evidence.num(batch(end)), Evidence.runs(end, endSmall, Double.NaN)),
                Gates.clipped(endLarge + " at B = " + Evidence.num(batch(end)), Evidence.runs(end, endLarge, Double.NaN)));
        if (gated != null) return gated;
        // per seed: how much the small lambda gains on the large one, at the largest and at the smallest batch
        java.util.TreeMap<Double, Double> gainEnd = gainBySeed(end, endSmall, endLarge), gainFirst = gainBySeed(first, atSmall, atLarge);
        gainEnd.keySet().retainAll(gainFirst.keySet());
        double[] x = gainEnd.values().stream().mapToDouble(Double::doubleValue).toArray();
        double[] y = gainEnd.keySet().stream().mapToDouble(gainFirst::get).toArray();
        if (x.length < MIN_PAIRS) {
            return Verdict.inconclusive(numbers + ": " + x.length + " seeds with a finite accuracy in all four arms; a one-sided Wilcoxon test"
                    + " needs at least " + MIN_PAIRS + " to reach p < 0.05", t);
        }
        double p = StatisticalTests.wilcoxonGreater(x, y), pReverse = StatisticalTests.wilcoxonGreater(y, x);
        if (!baseline.isEmpty()) return judgeWithBaseline(numbers.toString(), t, end, endSmall, x, y, p, pReverse);
        String test = String.format("; accuracy(lambda %s) - accuracy(lambda %s): %s at B=%s, %s at B=%s (means over %d paired seeds); "
                        + "Wilcoxon signed-rank, one-sided, the gain grows with the batch: p = %s (alpha %s)", Evidence.num(small), Evidence.num(large),
                Evidence.pct(Evidence.mean(x)), Evidence.num(batch(end)), Evidence.pct(Evidence.mean(y)), Evidence.num(batch(first)), x.length,
                Evidence.num(p), Evidence.num(alpha));
        if (p < alpha) return Verdict.reproduced(numbers + test + ": the smaller lambda gains as the batch grows", t);
        if (pReverse < alpha) return Verdict.notReproduced(numbers + test + ": the larger lambda gains as the batch grows (p = " + Evidence.num(pReverse) + ")", t);
        return Verdict.inconclusive(numbers + test, t);
    }

    /**
     * Both halves of the claim, Holm-adjusted together: at the largest batch the small lambda is more accurate
     * than `baseline` (no clipping), per seed; and its gain on the large lambda grows with the batch (x against y).
     */
    private Verdict judgeWithBaseline(String numbers, Table t, SweepResults end, String endSmall, double[] x, double[] y, double p, double pReverse) {
        java.util.TreeMap<Double, Double> overBaseline = gainBySeed(end, endSmall, baseline);
        double[] gains = overBaseline.values().stream().mapToDouble(Double::doubleValue).toArray();
        if (gains.length < MIN_PAIRS) return Verdict.inconclusive(numbers + ": " + gains.length + " seeds of " + endSmall + " and " + baseline
                + " at B = " + Evidence.num(batch(end)) + ", fewer than " + MIN_PAIRS, t);
        double[] zeros = new double[gains.length];
        double[] claimed = StatisticalTests.holm(new double[] {StatisticalTests.wilcoxonGreater(gains, zeros), p});
        double[] reversed = StatisticalTests.holm(new double[] {StatisticalTests.wilcoxonGreater(zeros, gains), pReverse});
        String test = String.format("; at B=%s lambda %s is %s points more accurate than %s (mean over %d seeds, Holm p = %s); the gain of lambda %s on %s is "
                        + "%s points at B=%s and %s at the smallest batch (Holm p = %s); paired Wilcoxon signed-rank, one-sided, alpha %s", Evidence.num(batch(end)),
                Evidence.num(small), Evidence.num(100 * Evidence.mean(gains)), baseline, gains.length, Evidence.num(claimed[0]), Evidence.num(small),
                Evidence.num(large), Evidence.num(100 * Evidence.mean(x)), Evidence.num(batch(end)), Evidence.num(100 * Evidence.mean(y)),
                Evidence.num(claimed[1]), Evidence.num(alpha));
        if (claimed[0] < alpha && claimed[1] < alpha) return Verdict.reproduced(numbers + test, t);
        if (reversed[0] < alpha) return Verdict.notReproduced(numbers + test + ": no clipping is more accurate at the largest batch", t);
        if (reversed[1] < alpha) return Verdict.notReproduced(numbers + test + ": the larger lambda gains as the batch grows", t);
        return Verdict.inconclusive(numbers + test + ": not both significant", t);
    }

    /** The grid's strategy of this lambda, or null. */
    private String arm(SweepResults s, double lambda) {
        return grid(s).stream().filter(x -> lambda(x) == lambda).findFirst().orElse(null);
    }

    /** Per seed, accuracy(small) - accuracy(large) (diverged runs at chance); seeds both arms ran with a finite accuracy. */
    private java.util.TreeMap<Double, Double> gainBySeed(SweepResults s, String smallArm, String largeArm) {
        Table a = Evidence.runs(s, smallArm, Double.NaN), b = Evidence.runs(s, largeArm, Double.NaN);
        double[] accA = Evidence.accuracy(a, chance), accB = Evidence.accuracy(b, chance);
        java.util.Map<Double, Double> byB = new java.util.HashMap<>();
        for (int i = 0; i < b.rowCount(); i++) byB.put(b.numberColumn("seed").getDouble(i), accB[i]);
        java.util.TreeMap<Double, Double> out = new java.util.TreeMap<>();
        for (int i = 0; i < a.rowCount(); i++) {
            Double other = byB.get(a.numberColumn("seed").getDouble(i));
            double gain = other == null ? Double.NaN : accA[i] - other;
            if (Double.isFinite(gain)) out.put(a.numberColumn("seed").getDouble(i), gain); // a run without its evaluation pairs with nothing
        }
        return out;
    }

    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        List<SweepResults> sweeps = new ArrayList<>(results.values());
        sweeps.sort(Comparator.comparingDouble(AgcLambdaCheck::batch));
        Figure f = Figure.line(id + "-accuracy-vs-lambda").title("AGC on digits: held-out accuracy against lambda, by batch size")
                .axes("lambda (unit-wise AGC)", "mean accuracy over seeds").logX()
                .caption("Learning rate scaled linearly with the batch; diverged runs count as chance (10%). Band: bootstrap 95% interval of the mean.");
        for (SweepResults s : sweeps) {
            List<String> grid = grid(s);
            f.add(Evidence.meanAccuracy("batch " + Evidence.num(batch(s)), s, grid, grid.stream().mapToDouble(AgcLambdaCheck::lambda).toArray(), chance));
        }
        double[] batches = new double[sweeps.size()], best = new double[sweeps.size()];
        for (int k = 0; k < sweeps.size(); k++) {
            batches[k] = batch(sweeps.get(k));
            best[k] = bestLambda(sweeps.get(k));
        }
        Figure g = Figure.line(id + "-best-lambda").title("AGC on digits: the best lambda against batch size").axes("batch size", "best lambda (mean accuracy)")
                .logX().logY().add("best lambda", batches, best).caption("The lambda of the grid with the highest mean held-out accuracy at each batch size.");
        return List.of(f, g);
    }
}
