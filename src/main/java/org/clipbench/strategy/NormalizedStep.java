package org.clipbench.strategy;

import org.clipbench.params.ParamSet;

/**
 * Normalised gradient descent and automatic clipping: every gradient is scaled, up or down, to
 * g · c / (||g|| + gamma), ||g|| the global L2 norm. gamma = 0 is normalised GD (the step's length is c
 * whatever the gradient's, Zhang et al. 2020's missing arm) and Bu et al. 2023's AUTO-V; gamma = 0.01 is
 * their AUTO-S, which keeps small gradients small. A zero gradient stays zero (its direction is
 * undefined). Non-finite: a NaN norm makes every entry NaN; an Inf norm zeroes finite entries and
 * turns infinite ones into NaN, as global-norm does. Finite entries whose norm overflows are
 * normalised exactly (see {@link GradNorms#normalizeUnit}).
 */
public final class NormalizedStep extends AbstractClipStrategy {
    private final double c;
    private final double gamma;

    /** defaultGamma: 0 for "normalized", 0.01 for "auto-s" (Bu et al. 2023). */
    public NormalizedStep(StrategyParams params, double defaultGamma) {
        super(params);
        c = params.positive("c", 1.0, "length of every step's gradient");
        gamma = params.nonNegative("gamma", defaultGamma, "stability constant: c / (||g|| + gamma); 0 = normalised GD, 0.01 = AUTO-S");
    }

    @Override
    protected double currentThreshold() {
        return c;
    }

    /** Always rescales: only the always regime. */
    @Override
    public Calibration calibration() {
        return Calibration.fixed(Regime.ALWAYS);
    }

    @Override
    public MemoryTraffic traffic(double scaledShare) {
        return MemoryTraffic.normThenScale(1); // every call rescales
    }

    @Override
    protected ClipReport apply(ParamSet g, ClipContext ctx) {
        double n = GradNorms.global(g, 2, ctx.normKind());
        if (n == 0) return ClipReport.whole(0, 0, c, 1, false);
        GradNorms.UnitClip r = GradNorms.normalizeUnit(g, null, n, c, gamma);
        return ClipReport.whole(n, r.postNorm(), c, r.factor(), r.clipped());
    }
}
