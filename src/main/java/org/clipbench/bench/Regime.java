package org.clipbench.bench;

import java.util.Locale;

/** How often a clipping benchmark's threshold makes it clip; set up by {@link Calibration}. */
public enum Regime {
    /** The threshold is above every norm: the no-clip path (norms only). */
    NEVER,
    /** The threshold is below every norm: every unit is scaled on every call. */
    ALWAYS,
    /** The threshold is the median unit norm (or |x| for value clipping): about half the units clip. */
    HALF,
    /** Stateful rules: one call in {@link Calibration#SPIKE_PERIOD} sees a 10x spike, which they clip. */
    SPIKES;

    public static Regime parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown regime '" + s + "': use never, always, half or spikes");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
