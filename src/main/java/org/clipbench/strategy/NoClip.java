package org.clipbench.strategy;

import org.clipbench.params.ParamSet;

/** The baseline: touches nothing. Reports the global L2 norm when measuring. */
public final class NoClip extends AbstractClipStrategy {
    public NoClip(StrategyParams p) {
        super(p);
    }

    /** Never clips: only the never regime. */
    @Override
    public Calibration calibration() {
        return Calibration.fixed(Regime.NEVER);
    }

    @Override
    public MemoryTraffic traffic(double scaledShare) {
        return MemoryTraffic.none();
    }

    @Override
    protected ClipReport apply(ParamSet g, ClipContext ctx) {
        double n = ctx.measure() ? GradNorms.global(g, 2, ctx.normKind()) : Double.NaN;
        return new ClipReport(n, n, Double.POSITIVE_INFINITY, null, 0, g.size(), false, !Double.isFinite(n) && ctx.measure());
    }
}
