package org.clipbench.strategy;

import org.clipbench.params.ParamShape;

import org.clipbench.backend.NormKind;

import java.util.List;
import java.util.Map;
import org.clipbench.params.ParamSet;

/**
 * Norm clipping per tensor (TF clip_by_norm, Keras clipnorm, DL4J ClipL2PerParamType) or per layer
 * (DL4J ClipL2PerLayer): each unit u is scaled by min(1, c / (||u|| + eps)). A zero norm leaves the
 * unit untouched (TF's guard). A NaN norm makes that unit NaN and an Inf norm zeroes its finite
 * entries (the PyTorch convention, shared by every norm rule here); other units are independent.
 */
public final class NormClip extends AbstractClipStrategy implements FoldableClip {
    /** What one norm covers. */
    public enum Scope { TENSOR, LAYER }

    private final Scope scope;
    private final double c;
    private final double eps;

    public NormClip(StrategyParams p, Scope scope) {
        super(p);
        this.scope = scope;
        c = p.positive("c", 1.0, "max L2 norm of each " + scope.name().toLowerCase(java.util.Locale.ROOT));
        eps = p.nonNegative("eps", 0.0, "added to the norm in the factor c/(n+eps); TF and DL4J use 0");
    }

    @Override
    protected double currentThreshold() {
        return c;
    }

    /** c from the norms of the tensors (or layers): the units this rule holds to c. */
    @Override
    public Calibration calibration() {
        if (scope == Scope.TENSOR) return Calibration.onUnits("c", (g, w) -> GradNorms.tensorNorms(g, 2, NormKind.SAFE), ParamShape::tensorCount);
        return Calibration.onUnits("c", (g, w) -> layerNorms(g), shape -> shape.layers().size());
    }

    private static double[] layerNorms(ParamSet g) {
        double[] tensorNorms = GradNorms.tensorNorms(g, 2, NormKind.SAFE);
        return g.layers().values().stream().mapToDouble(members -> GradNorms.subsetNorm(tensorNorms, members)).toArray();
    }

    @Override
    public MemoryTraffic traffic(double scaledShare) {
        return MemoryTraffic.normThenScale(scaledShare);
    }

    /** Per-tensor scope folds (one factor per tensor); per-layer runs on its own. */
    @Override
    public boolean folds() {
        return scope == Scope.TENSOR;
    }

    @Override
    public Fold fold(ParamSet g, ClipContext ctx) {
        if (!folds() || ctx.nonFinite() != NonFinitePolicy.PROPAGATE) return null;
        double[] norms = GradNorms.tensorNorms(g, 2, ctx.normKind());
        Fold fold = Fold.identity(g.size());
        for (int i = 0; i < norms.length; i++) {
            double f = GradNorms.plainUnitFactor(g, List.of(i), norms[i], 2, c, eps);
            if (Double.isNaN(f)) return null;
            fold.scale()[i] = f;
        }
        return fold;
    }

    @Override
    protected ClipReport apply(ParamSet g, ClipContext ctx) {
        double[] norms = GradNorms.tensorNorms(g, 2, ctx.normKind());
        double pre = GradNorms.combine(norms, 2);
        if (scope == Scope.TENSOR) return clipEachTensor(g, norms, 1, eps, c);
        Map<String, List<Integer>> layers = g.layers();
        double[] scales = new double[layers.size()];
        double[] posts = new double[layers.size()];
        int clipped = 0, li = 0;
        for (List<Integer> members : layers.values()) {
            GradNorms.UnitClip r = GradNorms.clipUnit(g, members, GradNorms.subsetNorm(norms, members), 2, c, 1, eps);
            if (r.clipped()) clipped++;
            posts[li] = r.postNorm();
            scales[li++] = r.factor();
        }
        return ClipReport.perUnit(pre, GradNorms.combine(posts, 2), c, scales, clipped);
    }

    /**
     * Scales each tensor i by min(1, c / (norm_i / divisor(i) + eps)) where that is below 1 (or NaN): the
     * shared loop of the per-tensor rules, which differ only in what they measure (the norm, norm / N,
     * the RMS = norm / sqrt(N)). The report's post norm is derived from the factors (exact up to rounding).
     */
    static ClipReport clipEachTensor(ParamSet g, double[] norms, java.util.function.IntToDoubleFunction divisor,
                                     double eps, double c) {
        double[] scales = new double[norms.length];
        double[] posts = new double[norms.length];
        int clipped = 0;
        for (int i = 0; i < norms.length; i++) {
            GradNorms.UnitClip r = GradNorms.clipUnit(g, List.of(i), norms[i], 2, c, divisor.applyAsDouble(i), eps);
            if (r.clipped()) clipped++;
            scales[i] = r.factor();
            posts[i] = r.postNorm();
        }
        double pre = GradNorms.combine(norms, 2);
        return ClipReport.perUnit(pre, GradNorms.combine(posts, 2), c, scales, clipped);
    }

    static ClipReport clipEachTensor(ParamSet g, double[] norms, double divisor, double eps, double c) {
        return clipEachTensor(g, norms, i -> divisor, eps, c);
    }
}
