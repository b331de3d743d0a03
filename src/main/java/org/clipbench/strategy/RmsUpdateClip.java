package org.clipbench.strategy;

import org.clipbench.params.ParamShape;

import org.clipbench.params.ParamSet;

/**
 * Adafactor's update clipping (optax clip_by_block_rms, Hugging Face / PyTorch / Keras Adafactor):
 * per tensor, u *= 1 / max(1, RMS(u) / d) with RMS(u) = ||u|| / sqrt(N). Applied to the optimizer's
 * update, not the raw gradient ({@link Target#UPDATE}). Non-finite as {@link NormClip}.
 */
public final class RmsUpdateClip extends AbstractClipStrategy {
    private final double d;

    public RmsUpdateClip(StrategyParams p) {
        super(p);
        d = p.positive("d", 1.0, "max RMS of each tensor's update (Adafactor uses 1)");
    }

    @Override
    public Target target() {
        return Target.UPDATE;
    }

    @Override
    protected double currentThreshold() {
        return d;
    }

    /** d from each tensor's RMS, the unit this rule holds to d. */
    @Override
    public Calibration calibration() {
        return Calibration.onUnits("d", (g, w) -> GradNorms.perElementNorms(g, true), ParamShape::tensorCount);
    }

    @Override
    public MemoryTraffic traffic(double scaledShare) {
        return MemoryTraffic.normThenScale(scaledShare);
    }

    @Override
    protected ClipReport apply(ParamSet u, ClipContext ctx) {
        double[] norms = GradNorms.tensorNorms(u, 2, ctx.normKind());
        return NormClip.clipEachTensor(u, norms, i -> Math.sqrt(u.tensor(i).size()), 0, d);
    }
}
