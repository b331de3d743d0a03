package org.clipbench.strategy;

import org.clipbench.params.ParamShape;

import org.clipbench.params.ParamSet;

/**
 * Adafactor's update clipping (optax clip_by_block_rms, Hugging Face / PyTorch / Keras Adafactor):
 * per tensor, u *= 1 / max(1, RMS(u) / d) with RMS(u) = ||u|| / sqrt(N). Applied to the optimizer's
 * update, not the raw gradient ({@link Target#UPDATE}). Non-finite as {@link NormClip}.
 *
 * <p>perLr=true holds the update's RMS to d x the step's learning rate: with Adam(W), whose update is -lr (m_hat /
 * (sqrt(v_hat) + eps) + wd p), that holds the direction itself to RMS d whatever the schedule, as Adafactor and
 * StableAdamW (Wortsman et al. 2023) do with d = 1. StableAdamW measures RMS(g / sqrt(v_hat)) where this measures
 * RMS(m_hat / sqrt(v_hat)): the two coincide without momentum (b1 = 0).
 *
 * <p>of=gradient is StableAdamW's rule itself: each tensor's update is scaled by 1 / max(1, r / d) with r = RMS(g /
 * (sqrt(v_hat) + eps)), the gradient over the square root of the second moment that includes it (the optimizer gives
 * it: {@code Optimizer#gradientRms}); r above 1 says the second moment under-estimates the gradient, which is when
 * Wortsman et al. saw loss spikes follow. Only under an optimizer with a second moment (adam, adamw).
 */
public final class RmsUpdateClip extends AbstractClipStrategy {
    private final double d;
    private final boolean perLr;
    private final boolean ofGradient;

    public RmsUpdateClip(StrategyParams p) {
        super(p);
        d = p.positive("d", 1.0, "max RMS of each tensor's update (Adafactor uses 1)");
        perLr = p.flag("perLr", false, "d is per unit of the step's learning rate (the optimizer's direction held to RMS d)");
        ofGradient = p.choice("of", "what the RMS is of: the update, or the gradient over sqrt(v_hat) (StableAdamW)", "update", "gradient")
                .equals("gradient");
        if (ofGradient && perLr) throw new IllegalArgumentException(p.strategy() + ": of=gradient measures no update, so perLr has nothing to scale: drop one");
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
        if (ofGradient) return byGradientRms(u, norms, ctx);
        return NormClip.clipEachTensor(u, norms, i -> Math.sqrt(u.tensor(i).size()), 0, threshold(ctx));
    }

    /** StableAdamW: update i scaled by min(1, d / r_i); a NaN r_i makes the tensor NaN, as a NaN norm does elsewhere. */
    private ClipReport byGradientRms(ParamSet u, double[] norms, ClipContext ctx) {
        double[] r = ctx.gradientRms() == null ? null : ctx.gradientRms().get();
        if (r == null) {
            throw new IllegalArgumentException(spec() + ": of=gradient needs the optimizer's second moment: train with adam or adamw");
        }
        double[] scales = new double[norms.length], posts = new double[norms.length];
        int clipped = 0;
        for (int i = 0; i < norms.length; i++) {
            double f = r[i] > d ? d / r[i] : Double.isNaN(r[i]) ? Double.NaN : 1;
            scales[i] = f;
            posts[i] = norms[i] * f;
            if (GradNorms.changes(f)) {
                u.backend().scale(u.tensor(i), f);
                clipped++;
            }
        }
        return ClipReport.perUnit(GradNorms.combine(norms, 2), GradNorms.combine(posts, 2), d, scales, clipped);
    }

    private double threshold(ClipContext ctx) {
        if (!perLr) return d;
        double lr = ctx.learningRate();
        if (!(lr > 0 && Double.isFinite(lr))) {
            throw new IllegalArgumentException(spec() + ": perLr needs the step's learning rate, which only a training run gives (got " + lr + ")");
        }
        return d * lr;
    }
}
