package org.clipbench.strategy;

import org.clipbench.params.ParamSet;

/**
 * DP-SGD with adaptive quantile clipping (Andrew et al. 2021; TF Privacy QuantileEstimatorQuery,
 * Opacus AdaClipDPOptimizer). Flat clipping at the current bound C; after each step the count of examples
 * under the bound is taken with each bit centred, as TF Privacy does: b~ = (sum_i ([||g_i|| <= C] - 1/2) +
 * N(0, countSigma^2)) / B + 1/2, then C <- C * exp(-eta * (b~ - quantile)), clamped to [min, max]. Centred
 * bits of +-1/2 give the count a sensitivity of 1/2, half that of 0/1 bits, so the same noise costs a quarter
 * of the privacy. countSigma defaults to B/20 as recommended (countNoise = 0.05). The count noise is drawn after
 * the gradient noise, from the same seeded generator. B is the expected lot size (what the sum is divided by), so
 * the count's noise does not depend on a Poisson lot's actual size; its privacy cost is charged by the accountant
 * through {@link #countNoiseMultiplier} (Andrew et al. 2021). This is per-example clipping in centralised DP-SGD;
 * the paper adapts the bound of user updates in federated learning (user-level DP), the same rule on other units.
 */
public final class DpAdaptiveClip extends DpSgdClip {
    private final double quantile;
    private final double eta;
    private final double countNoise;
    private final double min;
    private final double max;
    private int underBound, examplesSeen;

    public DpAdaptiveClip(StrategyParams p) {
        super(p, false);
        quantile = p.inRange("quantile", 0.5, 0, 1, "target fraction of examples under the bound");
        eta = p.positive("eta", 0.2, "geometric learning rate of the bound");
        countNoise = p.nonNegative("countNoise", 0.05, "std of the count noise as a fraction of the batch size");
        min = p.positive("min", 1e-6, "lower limit of C");
        max = p.positive("max", 1e6, "upper limit of C");
        if (min > max) throw new IllegalArgumentException(p.strategy() + ": min=" + min + " exceeds max=" + max);
    }

    /** Sensitivity of the centred count: one example moves it by 1/2. */
    static final double COUNT_SENSITIVITY = 0.5;

    /** The centred count (sensitivity 1/2) gets noise of std countNoise * B: its noise multiplier is that std over 1/2. */
    @Override
    public double countNoiseMultiplier(int expectedLot) {
        return countNoise == 0 ? 0 : countNoise * expectedLot / COUNT_SENSITIVITY;
    }

    @Override
    protected void recordNorm(double norm) {
        examplesSeen++;
        if (norm <= clipBound) underBound++;
    }

    @Override
    protected void afterStep(int batchSize) {
        double centredSum = underBound - COUNT_SENSITIVITY * examplesSeen + countNoise * batchSize * ParamSet.gaussian(rng);
        double noisyFraction = centredSum / batchSize + COUNT_SENSITIVITY;
        underBound = 0;
        examplesSeen = 0;
        clipBound = Math.min(max, Math.max(min, clipBound * Math.exp(-eta * (noisyFraction - quantile))));
    }

    @Override
    public void reset() {
        super.reset();
        underBound = 0;
        examplesSeen = 0;
    }

    @Override
    public void reset(long runSeed) {
        super.reset(runSeed);
        underBound = 0;
        examplesSeen = 0;
    }
}
