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
