package org.clipbench.strategy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.descriptive.rank.Percentile.EstimationType;
import org.clipbench.params.ParamSet;

/**
 * AutoClip (Seetharaman et al. 2020): each step the norm joins the history, the threshold is the p-th
 * percentile of the history (numpy's linear interpolation, Commons Math R_7), and the gradient is
 * clipped when its norm exceeds it: g *= c_t / (n + eps). The current norm is in the history, so the
 * first step is never clipped. window=0 keeps the whole history (the reference code); window=W keeps
 * the last W (the autoclip package). scope=tensor keeps one history and threshold per tensor.
 * Non-finite norms are not added to the history; that step propagates NaN like global-norm. A norm
 * beyond the largest double (finite entries) cannot be stored either: that step is clipped exactly to
 * the threshold of the history before it (never clipped when the history is empty).
 */
public final class AutoClip extends AbstractClipStrategy implements FoldableClip {
    private final double percentile;
    private final int window;
    private final boolean perTensor;
    private final double eps;
    private final List<ArrayDeque<Double>> histories = new ArrayList<>();
    private double lastThreshold = Double.POSITIVE_INFINITY;

    public AutoClip(StrategyParams p) {
        super(p);
        percentile = p.inRange("p", 10, 0, 100, "percentile of the norm history used as threshold");
        window = p.integer("window", 0, 0, "history length; 0 = unbounded");
        perTensor = p.choice("scope", "one history for the global norm, or one per tensor", "global", "tensor")
                .equals("tensor");
        eps = p.nonNegative("eps", 1e-6, "factor is c_t/(n+eps), as torch clip_grad_norm_ in the reference");
    }

    @Override
    public void reset() {
        histories.clear();
        lastThreshold = Double.POSITIVE_INFINITY;
    }

    @Override
    protected double currentThreshold() {
        return lastThreshold;
    }

    /** The current threshold of history h: the p-th percentile (R_7), or +Inf for an empty history. */
    public double threshold(int h) {
        ArrayDeque<Double> hist = histories.get(h);
        if (hist.isEmpty()) return Double.POSITIVE_INFINITY;
        double[] v = hist.stream().mapToDouble(Double::doubleValue).toArray();
        if (percentile == 0) {
            double m = v[0];
            for (double x : v) m = Math.min(m, x);
            return m;
        }
        return new Percentile(percentile).withEstimationType(EstimationType.R_7).evaluate(v);
    }

    private double step(int h, double norm) {
        while (histories.size() <= h) histories.add(new ArrayDeque<>());
        ArrayDeque<Double> hist = histories.get(h);
        if (Double.isFinite(norm)) {
            hist.addLast(norm);
            if (window > 0 && hist.size() > window) hist.removeFirst();
        }
        return threshold(h);
    }

    /** never: the 100th percentile of the history (no norm exceeds it); spikes: the median of the last 100. */
    @Override
    public Calibration calibration() {
        return Calibration.stateful("p=100", "p=50,window=100");
    }

    @Override
    public MemoryTraffic traffic(double scaledShare) {
        return MemoryTraffic.normThenScale(scaledShare);
    }

    @Override
    protected ClipReport apply(ParamSet g, ClipContext ctx) {
        if (!perTensor) {
            double n = GradNorms.global(g, 2, ctx.normKind());
            double c = step(0, n);
            lastThreshold = c;
            // n <= c already keeps the gradient; above c the factor c / (n + eps) is below 1
            GradNorms.UnitClip r = n <= c ? new GradNorms.UnitClip(1, n) : GradNorms.clipUnit(g, null, n, 2, c, 1, eps);
            return ClipReport.whole(n, r.postNorm(), c, r.factor(), r.clipped());
        }
        double[] norms = GradNorms.tensorNorms(g, 2, ctx.normKind());
        double[] scales = new double[norms.length];
        double[] posts = new double[norms.length];
        int clipped = 0;
        for (int i = 0; i < norms.length; i++) {
            double c = step(i, norms[i]);
            GradNorms.UnitClip r = norms[i] <= c ? new GradNorms.UnitClip(1, norms[i])
                    : GradNorms.clipUnit(g, List.of(i), norms[i], 2, c, 1, eps);
            scales[i] = r.factor();
            posts[i] = r.postNorm();
            if (r.clipped()) clipped++;
        }
        double pre = GradNorms.combine(norms, 2);
        return ClipReport.perUnit(pre, GradNorms.combine(posts, 2), Double.NaN, scales, clipped);
    }

    /** Finite norms fold into the step: the same history updates and factors as {@link #apply}. */
    @Override
    public Fold fold(ParamSet g, ClipContext ctx) {
        if (ctx.nonFinite() != NonFinitePolicy.PROPAGATE) return null;
        double[] norms = perTensor ? GradNorms.tensorNorms(g, 2, ctx.normKind()) : new double[] {GradNorms.global(g, 2, ctx.normKind())};
        for (double n : norms) if (!Double.isFinite(n)) return null; // apply decides, with its history
        List<ArrayDeque<Double>> before = new ArrayList<>();
        histories.forEach(h -> before.add(new ArrayDeque<>(h)));
        double thresholdBefore = lastThreshold;
        double[] scale = new double[g.size()];
        for (int i = 0; i < norms.length; i++) {
            double c = step(i, norms[i]);
            if (!perTensor) lastThreshold = c;
            double f = norms[i] <= c ? 1 : GradNorms.plainUnitFactor(g, perTensor ? List.of(i) : null, norms[i], 2, c, eps);
            if (Double.isNaN(f)) {
                histories.clear();
                histories.addAll(before);
                lastThreshold = thresholdBefore;
                return null;
            }
            if (perTensor) scale[i] = f;
            else java.util.Arrays.fill(scale, f);
        }
        return new Fold(scale, Double.POSITIVE_INFINITY);
    }
}
