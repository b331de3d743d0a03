package org.clipbench.strategy;

/**
 * What one clipping call did.
 *
 * @param preNorm      the strategy's own norm before clipping (global p-norm, or the global L2 norm of
 *                     the tensor norms for per-tensor rules); NaN when the strategy computes none and
 *                     measuring was off
 * @param postNorm     global L2 norm after clipping: measured when {@link ClipContext#measure()}, else
 *                     derived where exact from the factors, else NaN
 * @param threshold    the threshold in force this call (adaptive rules change it)
 * @param scales       the scale factor of each unit (1 where not clipped); null for element-wise rules
 * @param clippedUnits units (tensors, layers, rows, examples, or tensors touched by value clipping) clipped
 * @param units        how many units there are
 * @param skipped      the step should be dropped (non-finite SKIP, or a skip-on-spike rule)
 * @param nonFinite    a NaN or Inf was seen in the gradient
 */
public record ClipReport(double preNorm, double postNorm, double threshold, double[] scales,
                         int clippedUnits, int units, boolean skipped, boolean nonFinite) {

    public boolean clipped() {
        return clippedUnits > 0;
    }

    /** Smallest scale factor applied (1 if none). */
    public double minScale() {
        double m = 1;
        if (scales != null) for (double s : scales) m = Math.min(m, s);
        return m;
    }

    static ClipReport skippedStep(double preNorm, double threshold, int units) {
        return new ClipReport(preNorm, preNorm, threshold, null, 0, units, true, true);
    }

    ClipReport withPostNorm(double post) {
        return new ClipReport(preNorm, post, threshold, scales, clippedUnits, units, skipped, nonFinite);
    }

    ClipReport withNonFinite(boolean nf) {
        return new ClipReport(preNorm, postNorm, threshold, scales, clippedUnits, units, skipped, nf);
    }
}
