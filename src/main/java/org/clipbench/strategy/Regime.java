package org.clipbench.strategy;

import java.util.Locale;

/** How often a clipping benchmark's threshold makes it clip; each strategy's {@link Calibration} sets it up. */
public enum Regime {
    /** The threshold is above every norm: the no-clip path (norms only). */
    NEVER,
    /** The threshold is below every norm: every unit is scaled on every call. */
    ALWAYS,
    /** The threshold is the median unit norm (or |x| for value clipping): about half the units clip. */
    HALF,
    /** Stateful rules: one call in {@link #SPIKE_PERIOD} sees a 10x spike, which they clip. */
    SPIKES;

    /** In the spikes regime, every SPIKE_PERIOD-th call restores a gradient scaled by SPIKE_SCALE. */
    public static final int SPIKE_PERIOD = 8;
    public static final double SPIKE_SCALE = 10;

    public static Regime parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown regime '" + s + "': use never, always, half or spikes");
        }
    }

    /** The share of the data a rule scales on a call of this regime, for the traffic model. */
    public double scaledShare() {
        return switch (this) {
            case NEVER -> 0;
            case ALWAYS -> 1;
            case HALF -> 0.5;
            case SPIKES -> 1.0 / SPIKE_PERIOD;
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
