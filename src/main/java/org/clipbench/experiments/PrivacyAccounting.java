package org.clipbench.experiments;

import org.clipbench.privacy.RdpAccountant;
import org.clipbench.strategy.PerExampleClipStrategy;

/**
 * The privacy side of a DP run under Poisson sampling: the noise multiplier a run's epsilon target needs, and
 * the epsilon a run spent (RDP of the subsampled Gaussian, Balle et al. 2020's conversion). A second query per
 * step (the adaptive bound's noisy count) is charged with the gradient sum: the two compose like one Gaussian
 * query (see {@link RdpAccountant#combined}).
 *
 * @param samplingRate q, the expected lot over the training set
 * @param expectedLot  the expected lot size (the count query's noise scales with it)
 * @param delta        the delta epsilon is stated at
 */
record PrivacyAccounting(double samplingRate, int expectedLot, double delta) {
    static final RdpAccountant.Conversion CONVERSION = RdpAccountant.Conversion.BALLE_2020;

    PrivacyAccounting {
        if (!(samplingRate > 0 && samplingRate <= 1)) throw new IllegalArgumentException("sampling rate " + samplingRate + " must be in (0, 1]");
        if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("sweep: delta " + delta + " must be in (0, 1), e.g. 1e-5");
    }

    /** Sets the rule's noise multiplier so that `steps` steps spend its target epsilon, if it has one. */
    void applyTarget(PerExampleClipStrategy dp, long steps) {
        double target = dp.targetEpsilon();
        if (Double.isNaN(target)) return;
        double total = RdpAccountant.sigmaFor(target, samplingRate, steps, delta, CONVERSION);
        double count = dp.countNoiseMultiplier(expectedLot);
        if (count <= total) {
            throw new IllegalArgumentException(dp.spec() + ": the adaptive bound's count alone (noise multiplier " + count + ") spends more than epsilon "
                    + target + "; raise countNoise or epsilon");
        }
        // total^-2 = sigma^-2 + count^-2
        dp.useNoiseMultiplier(Double.isInfinite(count) ? total : 1 / Math.sqrt(1 / (total * total) - 1 / (count * count)));
    }

    /** The noise multiplier the accountant charges per step: the sum's, combined with the count's. */
    double chargedMultiplier(PerExampleClipStrategy dp) {
        return RdpAccountant.combined(dp.noiseMultiplier(), dp.countNoiseMultiplier(expectedLot));
    }

    /** Epsilon after `steps` steps: +Inf without noise, 0 for no step. */
    double epsilon(PerExampleClipStrategy dp, long steps) {
        if (steps == 0) return 0;
        double sigma = chargedMultiplier(dp);
        if (!(sigma > 0)) return Double.POSITIVE_INFINITY;
        return RdpAccountant.epsilon(samplingRate, sigma, steps, delta, CONVERSION).epsilon();
    }
}
