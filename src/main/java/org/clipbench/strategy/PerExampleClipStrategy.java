package org.clipbench.strategy;

import java.util.List;
import org.clipbench.params.ParamSet;

/** DP-SGD style: clips each example's gradient, sums, adds noise and averages into one gradient. */
public interface PerExampleClipStrategy extends Strategy {

    /**
     * out = (sum_i clip(g_i) + noise) / expected batch size. The examples are clipped in place.
     * Report: preNorm = largest per-example norm, threshold = the clip bound C used, scales = one
     * factor per example, clippedUnits = examples clipped, units = batch size.
     */
    ClipReport clipAndAggregate(List<ParamSet> perExample, ParamSet out, ClipContext ctx);

    /** The Gaussian noise multiplier of the sum (noise std over the clip bound); NaN for a rule that adds no noise. */
    default double noiseMultiplier() {
        return Double.NaN;
    }

    /**
     * The noise multiplier of a second private query each step (the adaptive bound's count, sensitivity 1) for lots of
     * the given expected size; +Inf when the rule makes none.
     */
    default double countNoiseMultiplier(int expectedLot) {
        return Double.POSITIVE_INFINITY;
    }

    /** The epsilon the spec asks a run to spend (epsilon=...), or NaN: the trainer then sets the noise multiplier that spends it. */
    default double targetEpsilon() {
        return Double.NaN;
    }

    /** Sets the noise multiplier (the trainer's answer to {@link #targetEpsilon()}). */
    default void useNoiseMultiplier(double sigma) {
        throw new UnsupportedOperationException(spec() + " adds no noise");
    }
}
