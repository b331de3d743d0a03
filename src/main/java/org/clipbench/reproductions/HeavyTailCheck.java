package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.clipbench.analysis.ConvergenceFigures;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import org.clipbench.tasks.NoiseDistribution;
import tech.tablesaw.api.Table;

/**
 * Zhang et al. 2020 (NeurIPS) / Gorbunov et al. 2020 on f(x, xi) = ||x||^2/2 + <xi, x>: spikiness of a
 * run = max / median of the noise-free loss over the second half of training. Reproduced when, for every
 * heavy-tailed law, plain SGD's median spikiness is at least `factor` times clipped SGD's, and under
 * Gaussian noise clipping gains less than `factor` in median final loss. Not reproduced when a heavy law
 * shows no reduction at all (ratio <= 1) or Gaussian noise shows a gain of `factor` or more. Gate: the
 * clipped arm clipped under every noise law (else that comparison is between two identical runs).
 */
final class HeavyTailCheck implements Check {
    private final String baseline, clipped, gaussian;
    private final List<String> heavy;
    private final double factor;

    HeavyTailCheck(Checks.Params p) {
        baseline = p.text("baseline", "none");
        clipped = p.text("clipped", "global-norm:c=100,eps=0");
        gaussian = p.text("gaussianSweep", "gaussian");
        heavy = p.texts("heavySweeps", List.of("weibull", "burr"));
        factor = p.number("factor", 2);
    }

    static double[] spikiness(SweepResults s, Table runs) {
        Map<String, double[][]> curves = Evidence.curves(s, "eval_loss");
        double[] out = new double[runs.rowCount()];
        for (int i = 0; i < out.length; i++) {
            double[][] c = curves.get(runs.stringColumn("run_id").get(i));
            double[] half = c == null ? new double[0] : Evidence.secondHalf(c);
            out[i] = half.length == 0 ? Double.POSITIVE_INFINITY : java.util.Arrays.stream(half).max().getAsDouble() / Evidence.median(half);
        }
        return out;
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        Evidence.Rows rows = new Evidence.Rows("noise", "strategy", "#seeds", "#median_spikiness", "spikiness_ci95", "#median_final_loss", "final_loss_ci95",
                "#clip_fraction");
        List<String> gates = new ArrayList<>();
        double[] ratioByHeavy = new double[heavy.size()];
        double gaussianGain = Double.NaN;
        List<String> names = new ArrayList<>(results.keySet());
        for (String noise : names) {
            SweepResults s = results.get(noise);
            double[] med = new double[2], fin = new double[2];
            for (int k = 0; k < 2; k++) {
                Table r = Evidence.runs(s, k == 0 ? baseline : clipped, Double.NaN);
                double[] spk = spikiness(s, r), loss = Evidence.values(r, "eval_loss", Double.POSITIVE_INFINITY);
                med[k] = Evidence.median(spk);
                fin[k] = Evidence.median(loss);
                rows.add(noise, k == 0 ? baseline : clipped, r.rowCount(), med[k], Evidence.interval(Evidence.bootstrap(spk, Evidence::median)),
                        fin[k], Evidence.interval(Evidence.bootstrap(loss, Evidence::median)), Gates.clipFraction(r));
                if (k == 1) gates.add(Gates.clipped(clipped + " under " + noise + " noise", r)); // a control that never clipped tests nothing
            }
            int h = heavy.indexOf(noise);
            if (h >= 0) ratioByHeavy[h] = med[0] / med[1];
            if (noise.equals(gaussian)) gaussianGain = fin[0] / fin[1];
        }
        StringBuilder numbers = new StringBuilder("spikiness plain / clipped:");
        for (int h = 0; h < heavy.size(); h++) numbers.append(' ').append(heavy.get(h)).append(' ').append(Evidence.num(ratioByHeavy[h])).append('x');
        numbers.append("; Gaussian final-loss gain from clipping ").append(Evidence.num(gaussianGain)).append('x');
        Table t = rows.table();
        boolean allHeavy = java.util.Arrays.stream(ratioByHeavy).allMatch(r -> r >= factor);
        boolean noneHeavy = java.util.Arrays.stream(ratioByHeavy).anyMatch(r -> r <= 1);
        if (Double.isNaN(gaussianGain)) return Verdict.inconclusive(numbers + ": no Gaussian sweep to compare with", t);
        Verdict gated = Gates.firstFailure(numbers.toString(), t, gates.toArray(String[]::new));
        if (gated != null) return gated;
        if (allHeavy && gaussianGain < factor) return Verdict.reproduced(numbers.toString(), t);
        if (noneHeavy || gaussianGain >= factor) return Verdict.notReproduced(numbers.toString(), t);
        return Verdict.inconclusive(numbers + ": smoother with clipping, but below the " + Evidence.num(factor) + "x threshold", t);
    }

    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        List<Figure> out = new ArrayList<>();
        // the noise laws themselves: complementary CDF of |xi| on log-log axes, where a heavy tail is a straight line
        Figure tails = Figure.line(id + "-noise-tails").title("Gradient noise: P(|xi| > t)").axes("t", "P(|xi| > t)").logX().logY()
                .caption("200,000 draws of each law as the sweeps use it (zero mean). Heavy tails decay as a power (straight lines here).");
        for (String noise : results.keySet()) {
            String law = results.get(noise).runs().columnNames().contains("problem_noise") ? results.get(noise).runs().stringColumn("problem_noise").get(0) : noise;
            NoiseDistribution d = NoiseDistribution.parse(law, 1.0);
            SplittableRandom rng = new SplittableRandom(7);
            double[] v = new double[200_000];
            for (int i = 0; i < v.length; i++) v[i] = Math.abs(d.sample(rng));
            java.util.Arrays.sort(v);
            int k = 60;
            double[] x = new double[k], y = new double[k];
            for (int i = 0; i < k; i++) {
                int idx = (int) Math.min(v.length - 1, Math.round(v.length * (1 - Math.pow(10, -5.0 * (i + 1) / k))));
                x[i] = v[idx];
                y[i] = 1 - (double) idx / v.length;
            }
            tails.add(noise, x, y);
        }
        out.add(tails);
        for (String noise : results.keySet()) {
            out.add(ConvergenceFigures.metricCurves(results.get(noise), "eval_loss", id + "-loss-" + noise,
                    "Noise-free loss ||x||^2/2 under " + noise + " noise", "||x||^2 / 2", true));
        }
        return out;
    }
}
