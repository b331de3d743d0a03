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

    // Named factories: nonFinite is derived from the norm (a NaN or Inf norm means the gradient held one),
    // except where the norm was not computed ({@link #unmeasured}) or a strategy knows better (withNonFinite).

    /** One unit (the whole gradient) scaled by factor; post NaN where the strategy's norm is not the L2 norm. */
    static ClipReport whole(double preNorm, double postNorm, double threshold, double factor, boolean clipped) {
        return new ClipReport(preNorm, postNorm, threshold, new double[] {factor}, clipped ? 1 : 0, 1, false, !Double.isFinite(preNorm));
    }

    /** One scale per unit (tensor, layer, row, example); clippedUnits of them below 1. */
    static ClipReport perUnit(double preNorm, double postNorm, double threshold, double[] scales, int clippedUnits) {
        return new ClipReport(preNorm, postNorm, threshold, scales, clippedUnits, scales.length, false, !Double.isFinite(preNorm));
    }

    /** An element-wise rule (value clipping): touchedUnits of units had an element clamped; no scale factors. */
    static ClipReport elementwise(double preNorm, double threshold, int touchedUnits, int units) {
        return new ClipReport(preNorm, Double.NaN, threshold, null, touchedUnits, units, false, !Double.isFinite(preNorm));
    }

    /** Nothing clipped: the norm is unchanged. */
    static ClipReport unclipped(double norm, double threshold, int units) {
        return new ClipReport(norm, norm, threshold, null, 0, units, false, !Double.isFinite(norm));
    }

    /** No norm was computed (measuring off, and the rule needs none): nothing known about the gradient. */
    static ClipReport unmeasured(double threshold, int units) {
        return new ClipReport(Double.NaN, Double.NaN, threshold, null, 0, units, false, false);
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
