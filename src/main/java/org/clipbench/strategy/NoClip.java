package org.clipbench.strategy;

import org.clipbench.params.ParamSet;

/** The baseline: touches nothing. Reports the global L2 norm when measuring. */
public final class NoClip extends AbstractClipStrategy implements FoldableClip {
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
    public Fold fold(ParamSet g, ClipContext ctx) {
        return Fold.identity(g.size());
    }

    @Override
    protected ClipReport apply(ParamSet g, ClipContext ctx) {
        if (!ctx.measure()) return ClipReport.unmeasured(Double.POSITIVE_INFINITY, g.size());
        return ClipReport.unclipped(GradNorms.global(g, 2, ctx.normKind()), Double.POSITIVE_INFINITY, g.size());
    }
}
