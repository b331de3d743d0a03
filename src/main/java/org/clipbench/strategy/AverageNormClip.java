package org.clipbench.strategy;

import org.clipbench.params.ParamShape;

import org.clipbench.params.ParamSet;

/**
 * Average-norm clipping (TF clip_by_average_norm, deprecated there): per tensor, the L2 norm divided
 * by the element count is held to c: g *= min(1, c / (||g|| / N)). Non-finite as {@link NormClip}.
 */
public final class AverageNormClip extends AbstractClipStrategy {
    private final double c;

    public AverageNormClip(StrategyParams p) {
        super(p);
        c = p.positive("c", 1.0, "max of ||g||/N per tensor");
    }

    @Override
    protected double currentThreshold() {
        return c;
    }

    /** c from each tensor's norm / its size, the unit this rule holds to c. */
    @Override
    public Calibration calibration() {
        return Calibration.onUnits("c", (g, w) -> GradNorms.perElementNorms(g, false), ParamShape::tensorCount);
    }

    @Override
    public MemoryTraffic traffic(double scaledShare) {
        return MemoryTraffic.normThenScale(scaledShare);
    }

    @Override
    protected ClipReport apply(ParamSet g, ClipContext ctx) {
        double[] norms = GradNorms.tensorNorms(g, 2, ctx.normKind());
        return NormClip.clipEachTensor(g, norms, i -> g.tensor(i).size(), 0, c);
    }
}
