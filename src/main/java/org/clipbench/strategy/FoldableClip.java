package org.clipbench.strategy;

import org.clipbench.params.ParamSet;

/**
 * A clip whose whole effect on the gradient is, per tensor, a factor and a clamp: a one-pass optimizer
 * step can then apply it as it reads the gradient (fused), instead of the clip rewriting the gradient in
 * a pass of its own (separate). Norm-based rules still read the gradient once for the norm.
 */
public interface FoldableClip {
    /**
     * Per tensor the factor (1: untouched) and one clamp bound (infinity: none) that give this gradient
     * exactly what {@link ClipStrategy#clip} would, or null when they cannot (a non-finite or overflowing
     * norm, a factor too small to apply in one multiply, a non-finite policy other than propagate): then
     * run the clip on its own.
     */
    Fold fold(ParamSet g, ClipContext ctx);

    /**
     * Whether this configuration can fold at all (a fused step and the full profile's fused rows take the strategies
     * that say so: {@link Strategies#folding()}); one whose {@link #fold} is always null says false.
     */
    default boolean folds() {
        return true;
    }

    /**
     * What to apply as the gradient is read: g_i -> clamp(g_i * scale[tensor], -clamp, clamp), or where
     * rowScale[tensor] is given (a per-unit rule, AGC), g_i * rowScale[tensor][row of i].
     */
    record Fold(double[] scale, double clamp, double[][] rowScale) {
        public Fold(double[] scale, double clamp) {
            this(scale, clamp, null);
        }

        /** The row factors of a tensor, or null when one factor serves the whole tensor. */
        public double[] rowsOf(int tensor) {
            return rowScale == null ? null : rowScale[tensor];
        }

        /** Whether applying it changes any gradient entry (a factor other than 1, or a clamp). */
        public boolean changes() {
            if (clamp < Double.POSITIVE_INFINITY) return true;
            for (int t = 0; t < scale.length; t++) {
                double[] rows = rowsOf(t);
                if (rows == null ? scale[t] != 1 : java.util.Arrays.stream(rows).anyMatch(f -> f != 1)) return true;
            }
            return false;
        }

        public static Fold identity(int tensors) {
            return uniform(tensors, 1.0);
        }

        /** One factor for every tensor (a global-norm rule), no clamp. */
        public static Fold uniform(int tensors, double factor) {
            double[] f = new double[tensors];
            java.util.Arrays.fill(f, factor);
            return new Fold(f, Double.POSITIVE_INFINITY);
        }
    }
}
