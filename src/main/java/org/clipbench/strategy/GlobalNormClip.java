package org.clipbench.strategy;

import org.clipbench.backend.NormKind;

import java.util.List;

import org.clipbench.params.ParamSet;

/**
 * Global norm clipping (PyTorch clip_grad_norm_, TF clip_by_global_norm, optax clip_by_global_norm):
 * n = ||(||g_1||_p, ..., ||g_k||_p)||_p over all tensors, then g *= min(1, c / (n + eps)).
 * eps = 1e-6 matches PyTorch (a clipped norm ends slightly below c); eps = 0 matches optax and TF.
 * The factor is only applied when it is below 1, so a no-op changes no bit.
 * Non-finite: a NaN norm makes every entry NaN; an Inf norm zeroes finite entries and turns the
 * infinite ones into NaN (exactly PyTorch's behaviour); use a non-finite policy to do otherwise.
 * Finite entries whose norm overflows a double are clipped exactly (PyTorch returns zeros there).
 */
public final class GlobalNormClip extends AbstractClipStrategy implements FoldableClip {
    private final double c;
    private final double p;
    private final double eps;

    public GlobalNormClip(StrategyParams params) {
        super(params);
        c = params.positive("c", 1.0, "max global norm");
        p = params.normOrder("p", 2, "norm order");
        eps = params.nonNegative("eps", 1e-6, "factor is c/(n+eps): 1e-6 = PyTorch, 0 = optax/TF");
    }

    @Override
    protected double currentThreshold() {
        return c;
    }

    /** c from the global norm of the data (in this rule's p): twice it (never) or half (always). */
    @Override
    public Calibration calibration() {
        return Calibration.onThreshold("c", (regime, g, w) -> Calibration.pick(regime, GradNorms.global(g, p, NormKind.SAFE), 0, 0),
                shape -> List.of(Regime.NEVER, Regime.ALWAYS));
    }

    @Override
    public MemoryTraffic traffic(double scaledShare) {
        return MemoryTraffic.normThenScale(scaledShare);
    }

    @Override
    public Fold fold(ParamSet g, ClipContext ctx) {
        if (ctx.nonFinite() != NonFinitePolicy.PROPAGATE) return null;
        double f = GradNorms.plainUnitFactor(g, null, GradNorms.global(g, p, ctx.normKind()), p, c, eps);
        if (Double.isNaN(f)) return null;
        Fold fold = Fold.identity(g.size());
        java.util.Arrays.fill(fold.scale(), f);
        return fold;
    }

    @Override
    protected ClipReport apply(ParamSet g, ClipContext ctx) {
        double n = GradNorms.global(g, p, ctx.normKind());
        GradNorms.UnitClip r = GradNorms.clipUnit(g, null, n, p, c, 1, eps);
        double post = p == 2 ? r.postNorm() : Double.NaN;
        return ClipReport.whole(n, post, c, r.factor(), r.clipped());
    }
}
