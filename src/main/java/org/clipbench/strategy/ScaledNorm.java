package org.clipbench.strategy;

/**
 * A norm held as {@code value · 2^exponent}. The exponent is 0 for every norm a double can hold; it is
 * set only when the plain norm of finite entries overflowed (nine entries of 1e308 have an L2 norm of
 * 3e308), so that the factor c / n of a norm rule can still be computed and applied exactly.
 */
public record ScaledNorm(double value, int exponent) {

    /** An ordinary norm (finite, NaN, or +Inf from a non-finite entry). */
    public static ScaledNorm of(double norm) {
        return new ScaledNorm(norm, 0);
    }

    /**
     * The same norm with exponent 0 where a double holds it as a normal number (as the norms of materialised
     * gradients are held), else as it is: beyond the largest double, or below the smallest normal one.
     */
    public ScaledNorm normalised() {
        if (exponent == 0) return this;
        if (!(value > 0) || value == Double.POSITIVE_INFINITY) return of(value); // 0, NaN, +Inf: no exponent to keep
        double plain = Math.scalb(value, exponent);
        return plain >= Double.MIN_NORMAL && plain < Double.POSITIVE_INFINITY ? of(plain) : this;
    }

    /**
     * The L2 norm of a vector whose parts have these norms (a layer from its weight and bias, an example from its
     * layers), each brought to the largest part's exponent: no part overflows or underflows that a double-scaled
     * norm can hold. NaN in any part gives NaN, +Inf (a non-finite entry) +Inf, as the safe kernel does.
     */
    public static ScaledNorm combine(ScaledNorm... parts) {
        int k = Integer.MIN_VALUE;
        for (ScaledNorm p : parts) {
            if (p.value > 0 && p.value < Double.POSITIVE_INFINITY) k = Math.max(k, p.exponent + Math.getExponent(p.value));
        }
        double[] scaled = new double[parts.length];
        if (k == Integer.MIN_VALUE) {
            for (int i = 0; i < parts.length; i++) scaled[i] = parts[i].value; // zeros, NaN and +Inf only
            return of(org.clipbench.kernel.ScalarKernels.INSTANCE.norm2Safe(scaled, 0, scaled.length));
        }
        for (int i = 0; i < parts.length; i++) scaled[i] = Math.scalb(parts[i].value, parts[i].exponent - k);
        return new ScaledNorm(org.clipbench.kernel.ScalarKernels.INSTANCE.norm2Safe(scaled, 0, scaled.length), k).normalised();
    }

    /**
     * ||x|| ||y||, the norm of an outer product x y^T from the norms of its factors, kept exact where the product
     * leaves a double's range (two norms of 1e200: 1e400). 0 when either is 0; NaN and +Inf as their product.
     */
    public static ScaledNorm product(double x, double y) {
        if (!(x > 0 && x < Double.POSITIVE_INFINITY && y > 0 && y < Double.POSITIVE_INFINITY)) {
            return of(x == 0 && Double.isFinite(y) || y == 0 && Double.isFinite(x) ? 0 : x * y);
        }
        int ex = Math.getExponent(x), ey = Math.getExponent(y);
        return new ScaledNorm(Math.scalb(x, -ex) * Math.scalb(y, -ey), ex + ey).normalised();
    }

    /** The norm as a double: +Inf when it is beyond the largest double. */
    public double toDouble() {
        return Math.scalb(value, exponent);
    }

    /**
     * The factor c / (norm / divisor + eps) in units of 2^-exponent: the factor itself is
     * {@code scalb(r, -exponent)}, which may be far below the smallest double. NaN for a NaN norm, 0 for
     * an infinite one (the PyTorch convention), c / eps for a zero norm.
     */
    public double unitFactor(double c, double divisor, double eps) {
        return c / (value / divisor + Math.scalb(eps, -exponent));
    }

    /** Whether scaling by the unit factor r changes anything: the factor is below 1, or NaN. */
    public boolean changes(double r) {
        return !(r >= Math.scalb(1.0, exponent));
    }
}
