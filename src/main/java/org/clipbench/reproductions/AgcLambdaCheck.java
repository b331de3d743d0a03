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
 * Brock et al. 2021 (NFNets), adapted: per batch size (lr scaled linearly), the AGC clipping factor
 * lambda with the best mean held-out accuracy. Reproduced when the best lambda at the largest batch is
 * smaller than at the smallest; not reproduced when larger; inconclusive when equal, or when lambda
 * changes the mean accuracy by less than `minSpread` at the largest batch. Diverged runs count as chance.
 * Gate: the best lambda at each batch clipped (else it is no clipping, not a threshold).
 */
final class AgcLambdaCheck implements Check {
    private static final Pattern LAMBDA = Pattern.compile("lambda=([0-9.eE+-]+)");
    private final String family;
    private final double minSpread, chance;

    AgcLambdaCheck(Checks.Params p) {
        family = p.text("family", "agc:lambda=");
        minSpread = p.number("minSpread", 0.01);
        chance = p.number("chance", 0.1);
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

    /** The grid's lambda with the best mean accuracy (the smallest lambda on a tie), and best minus worst mean accuracy. */
    double[] bestLambdaAndSpread(SweepResults s) {
        double best = Double.NEGATIVE_INFINITY, worst = Double.POSITIVE_INFINITY, lambda = Double.NaN;
        for (String strategy : grid(s)) {
            double m = Evidence.mean(Evidence.accuracy(Evidence.runs(s, strategy, Double.NaN), chance));
            worst = Math.min(worst, m);
            if (m > best) {
                best = m;
                lambda = lambda(strategy);
            }
        }
        return new double[] {lambda, best - worst};
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        List<SweepResults> sweeps = new ArrayList<>(results.values());
        sweeps.sort(Comparator.comparingDouble(AgcLambdaCheck::batch));
        Evidence.Rows rows = new Evidence.Rows("#batch", "#lr", "strategy", "#seeds", "#diverged", "#mean_accuracy", "ci95", "#clip_fraction");
        List<String> gates = new ArrayList<>();
        double[] bestLambda = new double[sweeps.size()], spread = new double[sweeps.size()];
        for (int k = 0; k < sweeps.size(); k++) {
            SweepResults s = sweeps.get(k);
            for (String strategy : s.runs().stringColumn("strategy").unique().asList().stream().sorted().toList()) {
                Table r = Evidence.runs(s, strategy, Double.NaN);
                double[] acc = Evidence.accuracy(r, chance);
                rows.add(batch(s), r.numberColumn("lr").getDouble(0), strategy, r.rowCount(), Evidence.divergedCount(r), Evidence.mean(acc),
                        Evidence.interval(Evidence.bootstrap(acc, Evidence::mean)), Gates.clipFraction(r));
            }
            double[] b = bestLambdaAndSpread(s);
            // the best lambda must have clipped: a lambda too large to ever clip is no clipping, not a threshold
            for (String strategy : grid(s)) {
                if (lambda(strategy) == b[0]) gates.add(Gates.clipped(strategy + " at B = " + Evidence.num(batch(s)), Evidence.runs(s, strategy, Double.NaN)));
            }
            bestLambda[k] = b[0];
            spread[k] = b[1];
        }
        Table t = rows.table();
        int last = sweeps.size() - 1;
        StringBuilder numbers = new StringBuilder("best lambda by batch:");
        for (int k = 0; k < sweeps.size(); k++) numbers.append(" B=").append(Evidence.num(batch(sweeps.get(k)))).append(": ").append(Evidence.num(bestLambda[k]));
        if (sweeps.size() < 2) return Verdict.inconclusive(numbers + ": needs two batch sizes", t);
        Verdict gated = Gates.firstFailure(numbers.toString(), t, gates.toArray(String[]::new));
        if (gated != null) return gated;
        if (spread[last] < minSpread) {
            return Verdict.inconclusive(numbers + "; at the largest batch lambda moves the accuracy by only " + Evidence.pct(spread[last]), t);
        }
        if (bestLambda[last] < bestLambda[0]) return Verdict.reproduced(numbers + ": the best lambda falls as the batch grows", t);
        if (bestLambda[last] > bestLambda[0]) return Verdict.notReproduced(numbers + ": the best lambda rises with the batch", t);
        return Verdict.inconclusive(numbers + ": the same lambda is best at both ends", t);
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
            best[k] = bestLambdaAndSpread(sweeps.get(k))[0];
        }
        Figure g = Figure.line(id + "-best-lambda").title("AGC on digits: the best lambda against batch size").axes("batch size", "best lambda (mean accuracy)")
                .logX().logY().add("best lambda", batches, best).caption("The lambda of the grid with the highest mean held-out accuracy at each batch size.");
        return List.of(f, g);
    }
}
