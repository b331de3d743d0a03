package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * Abadi et al. 2016 (DP-SGD), adapted: held-out accuracy against the noise (arms given by sigma, or by a
 * target epsilon, ordered from least noise to most) at a fixed clip bound. Reproduced when every step non-private -> sigma_1 -> ... -> sigma_k costs accuracy by a
 * one-sided paired Wilcoxon signed-rank test (arms share seeds), Holm-adjusted over the steps at level
 * `alpha`. Not reproduced when the bootstrap 95% interval of accuracy(smallest sigma) - accuracy(largest)
 * lies at or below 0; inconclusive otherwise. The clip-bound sweep (accuracy against
 * C) and the variants sweep (flat, per-layer, adaptive) are reported without a claim. Gates: the
 * non-private baseline learned (accuracy interval above chance), every private arm clipped.
 */
final class DpNoiseCheck implements Check {
    private static final Pattern SIGMA = Pattern.compile("sigma=([0-9.]+)"), BOUND = Pattern.compile("C=([0-9.]+)"),
            EPSILON = Pattern.compile("epsilon=([0-9.]+)");
    private final String sigmaSweep, variantsSweep, boundSweep, nonPrivate;
    private final double alpha;

    DpNoiseCheck(Checks.Params p) {
        sigmaSweep = p.text("sigmaSweep", "sigma");
        variantsSweep = p.text("variantsSweep", "variants");
        boundSweep = p.text("boundSweep", "clip-bound");
        nonPrivate = p.text("nonPrivate", "none");
        alpha = p.number("alpha", 0.05);
    }

    static double bound(String strategy) {
        Matcher m = BOUND.matcher(strategy);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    static double sigma(String strategy) {
        Matcher m = SIGMA.matcher(strategy);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** The target epsilon of an arm given as epsilon=E, or NaN. */
    static double epsilon(String strategy) {
        Matcher m = EPSILON.matcher(strategy);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** Orders arms from least to most noise: by sigma, or for arms given by their epsilon, by 1/epsilon. */
    static double noise(String strategy) {
        double e = epsilon(strategy);
        return Double.isNaN(e) ? sigma(strategy) : 1 / e;
    }

    /** "epsilon 2" or "sigma 4": how the arm's privacy was set. */
    static String privacyLabel(String strategy) {
        double e = epsilon(strategy);
        return Double.isNaN(e) ? "sigma " + Evidence.num(sigma(strategy)) : "epsilon " + Evidence.num(e);
    }

    List<String> privateStrategies(SweepResults s) {
        return s.runs().stringColumn("strategy").unique().asList().stream().filter(x -> !x.equals(nonPrivate))
                .sorted(java.util.Comparator.comparingDouble(DpNoiseCheck::noise)).toList();
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        Evidence.Rows rows = new Evidence.Rows("sweep", "strategy", "#sigma", "#epsilon", "#seeds", "#mean_accuracy", "ci95", "#diverged", "#clip_fraction", "#clip_share");
        SweepResults s = results.get(sigmaSweep);
        for (String sweep : List.of(sigmaSweep, boundSweep, variantsSweep)) {
            SweepResults x = results.get(sweep);
            if (x == null) continue;
            for (String strategy : x.runs().stringColumn("strategy").unique().asList().stream().sorted().toList()) {
                Table r = Evidence.runs(x, strategy, Double.NaN);
                double[] acc = Evidence.accuracy(r, 0.1);
                // sigma and epsilon as the runs recorded them (a target epsilon sets sigma; fixed batches have no epsilon)
                rows.add(sweep, strategy, recorded(r, "dp_noise_multiplier", sigma(strategy)), recorded(r, "dp_epsilon", Double.NaN), r.rowCount(), Evidence.mean(acc), Evidence.interval(Evidence.bootstrap(acc, Evidence::mean)),
                        Evidence.divergedCount(r), Gates.clipFraction(r), Gates.clipShare(r));
            }
        }
        Table t = rows.table();
        if (s == null) return Verdict.inconclusive("no '" + sigmaSweep + "' sweep", t);
        List<String> priv = privateStrategies(s);
        if (priv.size() < 2) return Verdict.inconclusive("needs at least two noise levels", t);
        List<Double> means = new ArrayList<>();
        for (String p : priv) means.add(Evidence.mean(Evidence.accuracy(Evidence.runs(s, p, Double.NaN), 0.1)));
        double[] nonPrivAccuracy = Evidence.accuracy(Evidence.runs(s, nonPrivate, Double.NaN), 0.1);
        double nonPriv = Evidence.mean(nonPrivAccuracy);
        double[] diff = Evidence.bootstrapMeanDifference(Evidence.accuracy(Evidence.runs(s, priv.get(0), Double.NaN), 0.1),
                Evidence.accuracy(Evidence.runs(s, priv.get(priv.size() - 1), Double.NaN), 0.1));
        // the stated test: each step along none -> sigma_1 -> ... -> sigma_k costs accuracy, one-sided paired
        // Wilcoxon (the arms share their seeds), Holm-adjusted over the steps
        List<String> arms = new ArrayList<>(List.of(nonPrivate));
        arms.addAll(priv);
        double[] p = new double[arms.size() - 1];
        for (int i = 0; i + 1 < arms.size(); i++) {
            double[][] pairs = pairedBySeed(Evidence.runs(s, arms.get(i), Double.NaN), Evidence.runs(s, arms.get(i + 1), Double.NaN));
            p[i] = pairs[0].length < 2 ? 1.0 : StatisticalTests.wilcoxonGreater(pairs[0], pairs[1]);
        }
        double[] adjusted = StatisticalTests.holm(p);
        String numbers = "mean accuracy: non-private " + Evidence.pct(nonPriv) + ", by " + priv.stream().map(DpNoiseCheck::privacyLabel).toList()
                + ": " + means.stream().map(Evidence::pct).toList() + "; each step costs accuracy, paired Wilcoxon one-sided, Holm-adjusted p "
                + java.util.Arrays.stream(adjusted).mapToObj(Evidence::num).toList() + " (alpha " + Evidence.num(alpha)
                + "); accuracy(least noise) - accuracy(most) 95% CI " + Evidence.interval(diff);
        List<String> gates = new ArrayList<>(); // ArrayList: a passed gate is null
        gates.add(Gates.learned(nonPrivate, nonPrivAccuracy, 0.1));
        for (String x : priv) gates.add(Gates.clipped(x, Evidence.runs(s, x, Double.NaN)));
        Verdict gated = Gates.firstFailure(numbers, t, gates.toArray(String[]::new));
        if (gated != null) return gated;
        if (diff[1] <= 0) return Verdict.notReproduced(numbers + ": the interval says more noise did not cost accuracy", t);
        if (java.util.Arrays.stream(adjusted).allMatch(x -> x < alpha)) return Verdict.reproduced(numbers, t);
        return Verdict.inconclusive(numbers + ": not every step is significant", t);
    }

    /** The mean of a recorded column over an arm's runs, or fallback when the runs did not record it. */
    private static double recorded(Table r, String column, double fallback) {
        if (!r.columnNames().contains(column)) return fallback;
        double m = r.numberColumn(column).asDoubleColumn().removeMissing().mean();
        return Double.isNaN(m) ? fallback : m;
    }

    /** The metric of two arms' runs matched by seed: [arm a's accuracies, arm b's], seeds in both arms only. */
    static double[][] pairedBySeed(Table a, Table b) {
        java.util.Map<Double, Double> byB = new java.util.HashMap<>();
        double[] accB = Evidence.accuracy(b, 0.1);
        for (int i = 0; i < b.rowCount(); i++) byB.put(b.numberColumn("seed").getDouble(i), accB[i]);
        double[] accA = Evidence.accuracy(a, 0.1);
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < a.rowCount(); i++) {
            Double other = byB.get(a.numberColumn("seed").getDouble(i));
            if (other != null) pairs.add(new double[] {accA[i], other});
        }
        double[][] out = new double[2][pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            out[0][i] = pairs.get(i)[0];
            out[1][i] = pairs.get(i)[1];
        }
        return out;
    }

    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        List<Figure> out = new ArrayList<>();
        SweepResults b = results.get(boundSweep);
        if (b != null) {
            List<String> bounds = b.runs().stringColumn("strategy").unique().asList().stream()
                    .sorted(java.util.Comparator.comparingDouble(DpNoiseCheck::bound)).toList();
            out.add(Figure.line(id + "-accuracy-vs-bound").title("DP-SGD on digits: accuracy against the clip bound C, "
                    + privacyLabel(bounds.get(0))).axes("clip bound C", "mean held-out accuracy").logX()
                    .add(Evidence.meanAccuracy("dp-flat", b, bounds, bounds.stream().mapToDouble(DpNoiseCheck::bound).toArray(), 0.1))
                    .caption("Band: bootstrap 95% interval of the mean over seeds. The learning rate is fixed, so a small C also shrinks every step."));
        }
        for (String sweep : List.of(sigmaSweep, variantsSweep)) {
            SweepResults s = results.get(sweep);
            if (s == null) continue;
            List<String> strategies = s.runs().stringColumn("strategy").unique().asList().stream().sorted(java.util.Comparator.comparingDouble(DpNoiseCheck::noise)).toList();
            double[] positions = new double[strategies.size()];
            for (int i = 0; i < positions.length; i++) positions[i] = i;
            Figure.Series acc = Evidence.meanAccuracy("mean accuracy", s, strategies, positions, 0.1);
            out.add(Figure.dots(id + "-" + sweep, strategies).title(sweep.equals(sigmaSweep) ? "DP-SGD on digits: accuracy against the privacy level"
                    : "DP-SGD on digits: flat, per-layer and adaptive clipping").axes("strategy", "mean held-out accuracy")
                    .estimates(acc.name(), acc.y(), acc.lower(), acc.upper())
                    .caption("Mean over seeds; whiskers: bootstrap 95% interval of the mean. Noise std sigma x C on the summed clipped per-example gradients."));
        }
        return out;
    }
}
