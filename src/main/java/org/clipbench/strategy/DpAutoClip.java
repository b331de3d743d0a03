package org.clipbench.strategy;

/**
 * Automatic clipping as a DP rule (Bu, Wang, Zha, Karypis 2023, "Automatic Clipping: Differentially Private Deep
 * Learning Made Easier and Stronger"): every example is normalised instead of clipped, g_i * C / (||g_i|| + gamma),
 * then summed and noised as DP-SGD (its norm stays below C, so the noise sigma * C gives the same privacy).
 * gamma = 0.01 is AUTO-S, gamma = 0 AUTO-V; C only rescales the step (the paper sets C = 1 and tunes the learning
 * rate alone). A zero gradient stays zero. Everything else (noise, divisor, epsilon targets) is DP-SGD's.
 */
public final class DpAutoClip extends DpSgdClip {
    private final double gamma;

    /** defaultGamma: 0.01 for "dp-auto-s", 0 for "dp-auto-v". */
    public DpAutoClip(StrategyParams p, double defaultGamma) {
        super(p, false);
        gamma = p.nonNegative("gamma", defaultGamma, "stability constant: C / (||g_i|| + gamma); 0.01 = AUTO-S, 0 = AUTO-V");
    }

    /** Every example is rescaled whatever C is: only the always regime (C below every example's norm) is a distinct path. */
    @Override
    public Calibration calibration() {
        return Calibration.perExampleBound("C", java.util.List.of(Regime.ALWAYS));
    }

    /** Every example is normalised: C / (n + gamma), up or down. */
    @Override
    protected double unitFactor(ScaledNorm n, double bound) {
        return n.unitFactor(bound, 1, gamma);
    }

    /** A zero gradient stays zero (nothing to normalise); every other example is rescaled, NaN included. */
    @Override
    protected boolean scales(ScaledNorm n, double r) {
        return n.toDouble() != 0;
    }
}
