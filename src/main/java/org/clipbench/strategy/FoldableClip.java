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

    /** What to apply as the gradient is read: g_i -> clamp(g_i * scale[tensor], -clamp, clamp). */
    record Fold(double[] scale, double clamp) {
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
