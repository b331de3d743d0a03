package org.clipbench.strategy;

import org.clipbench.params.ParamSet;

/**
 * DP-SGD with adaptive quantile clipping (Andrew et al. 2021; TF Privacy QuantileEstimatorQuery,
 * Opacus AdaClipDPOptimizer). Flat clipping at the current bound C; after each step
 * b~ = (#{i : ||g_i|| <= C} + N(0, countSigma^2)) / B and C <- C * exp(-eta * (b~ - quantile)),
 * clamped to [min, max]. countSigma defaults to B/20 as recommended (countNoise = 0.05). The count
 * noise is drawn after the gradient noise, from the same seeded generator. B is the expected lot size
 * (what the sum is divided by), so the count's noise does not depend on a Poisson lot's actual size; its
 * privacy cost is charged by the accountant through {@link #countNoiseMultiplier} (Andrew et al. 2021).
 */
public final class DpAdaptiveClip extends DpSgdClip {
    private final double quantile;
    private final double eta;
    private final double countNoise;
    private final double min;
    private final double max;
    private int underBound;

    public DpAdaptiveClip(StrategyParams p) {
        super(p, false);
        quantile = p.inRange("quantile", 0.5, 0, 1, "target fraction of examples under the bound");
        eta = p.positive("eta", 0.2, "geometric learning rate of the bound");
        countNoise = p.nonNegative("countNoise", 0.05, "std of the count noise as a fraction of the batch size");
        min = p.positive("min", 1e-6, "lower limit of C");
        max = p.positive("max", 1e6, "upper limit of C");
        if (min > max) throw new IllegalArgumentException(p.strategy() + ": min=" + min + " exceeds max=" + max);
    }

    /** The count (sensitivity 1) gets noise of std countNoise * B: its noise multiplier. */
    @Override
    public double countNoiseMultiplier(int expectedLot) {
        return countNoise == 0 ? 0 : countNoise * expectedLot;
    }

    @Override
    protected void recordNorm(double norm) {
        if (norm <= clipBound) underBound++;
    }

    @Override
    protected void afterStep(int batchSize) {
        double noisyFraction = (underBound + countNoise * batchSize * ParamSet.gaussian(rng)) / batchSize;
        underBound = 0;
        clipBound = Math.min(max, Math.max(min, clipBound * Math.exp(-eta * (noisyFraction - quantile))));
    }

    @Override
    public void reset() {
        super.reset();
        underBound = 0;
    }

    @Override
    public void reset(long runSeed) {
        super.reset(runSeed);
        underBound = 0;
    }
}
