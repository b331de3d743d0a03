package org.clipbench.accuracy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/**
 * The sum of squares of doubles, exactly: the reference every norm of the accuracy table is measured against.
 * A double is m * 2^(e - 1075) with an integer m below 2^53, so its square is m^2 * 2^(2e - 2150): a 106-bit
 * integer placed at a bit position. The sum is kept as one long fixed-point integer (a Kulisch accumulator)
 * in 32-bit limbs held in longs, so a square is added with five integer adds and no rounding at all, and
 * carries are propagated only every 2^30 additions (each limb takes at most 2^32 - 1 per addition, so a long
 * cannot overflow before 2^31). Every finite double is covered, subnormals and 1e308 included; the result is
 * a BigDecimal, exact; its square root is taken to 34 digits. Streaming: nothing but the limbs is kept, so a
 * 2^30-element gradient needs no copy.
 *
 * <p>Non-finite values follow the norm convention: NaN anywhere gives NaN, else an infinite value gives +Inf.
 */
public final class ExactSumOfSquares {
    /** The value of limb i is limbs[i] * 2^(32 i - 2150): bit 0 is the weight of the smallest square, (2^-1074)^2. */
    private static final int LOWEST_EXPONENT = -2150;
    /** Squares reach bit 2 * 2046 + 106; 2^31 of them add 31 bits more; limbs of 32 bits, with margin. */
    private static final int LIMBS = 140;
    private static final long CARRY_EVERY = 1L << 30;

    private final long[] limbs = new long[LIMBS];
    private final long carryEvery;
    private long sinceCarry;
    private long count;
    private boolean nan;
    private boolean infinite;

    public ExactSumOfSquares() {
        this(CARRY_EVERY);
    }

    /** With carries propagated every carryEvery additions (tests check that how often changes nothing). */
    ExactSumOfSquares(long carryEvery) {
        if (carryEvery < 1 || carryEvery > CARRY_EVERY) throw new IllegalArgumentException("carries every 1 to 2^30 additions, not " + carryEvery);
        this.carryEvery = carryEvery;
    }

    /** Adds x^2. */
    public void add(double x) {
        count++;
        if (!Double.isFinite(x)) {
            if (Double.isNaN(x)) nan = true;
            else infinite = true;
            return;
        }
        long bits = Double.doubleToRawLongBits(x);
        int exponent = (int) (bits >>> 52) & 0x7ff;
        long m = bits & 0xfffffffffffffL;
        if (m == 0 && exponent == 0) return; // +-0
        if (exponent == 0) exponent = 1; // subnormal: m * 2^-1074
        else m |= 1L << 52;
        // m^2 as 128 bits (m < 2^53: the product fits 106 bits), at bit 2 * (exponent - 1075) - LOWEST_EXPONENT
        long lo = m * m, hi = Math.multiplyHigh(m, m);
        addAt(hi, lo, 2 * (exponent - 1075) - LOWEST_EXPONENT);
        if (++sinceCarry == carryEvery) carry();
    }

    /** Adds every value of a[off, off + len). */
    public void addAll(double[] a, int off, int len) {
        for (int i = off; i < off + len; i++) add(a[i]);
    }

    /** Adds the 128-bit integer hi:lo shifted left by position bits. */
    private void addAt(long hi, long lo, int position) {
        int limb = position >>> 5, s = position & 31;
        long w0 = lo << s;
        long w1 = s == 0 ? hi : hi << s | lo >>> (64 - s);
        long w2 = s == 0 ? 0 : hi >>> (64 - s);
        limbs[limb] += w0 & 0xffffffffL;
        limbs[limb + 1] += w0 >>> 32;
        limbs[limb + 2] += w1 & 0xffffffffL;
        limbs[limb + 3] += w1 >>> 32;
        limbs[limb + 4] += w2;
    }

    private void carry() {
        for (int i = 0; i < LIMBS - 1; i++) {
            limbs[i + 1] += limbs[i] >>> 32;
            limbs[i] &= 0xffffffffL;
        }
        sinceCarry = 0;
    }

    /** How many values were added. */
    public long count() {
        return count;
    }

    /** The exact sum of squares (NaN and Inf cannot be a BigDecimal: see {@link #nonFinite()}). */
    public BigDecimal sum() {
        carry();
        BigInteger total = BigInteger.ZERO;
        for (int i = LIMBS - 1; i >= 0; i--) total = total.shiftLeft(32).add(BigInteger.valueOf(limbs[i]));
        return new BigDecimal(total).multiply(TWO_TO_LOWEST);
    }

    /** NaN, +Inf, or 0 when every value was finite. */
    public double nonFinite() {
        return nan ? Double.NaN : infinite ? Double.POSITIVE_INFINITY : 0;
    }

    /** The norm, sqrt of the sum, to 34 significant digits; null when a value was NaN or infinite. */
    public BigDecimal norm() {
        if (nan || infinite) return null;
        return sum().sqrt(DIGITS);
    }

    /** The norm as the double nearest it, or NaN/+Inf by the norm convention. */
    public double normAsDouble() {
        BigDecimal n = norm();
        return n == null ? nonFinite() : n.doubleValue();
    }

    static final MathContext DIGITS = new MathContext(34);
    /** 2^-2150, exactly (a terminating decimal). */
    private static final BigDecimal TWO_TO_LOWEST = BigDecimal.ONE.divide(new BigDecimal(BigInteger.TWO.pow(-LOWEST_EXPONENT)));

    /**
     * |computed - exact| / exact, computed in BigDecimal (so an error below double's resolution of the exact value is
     * not rounded away); 0 for an exact answer, +Inf when the exact norm is 0 and computed is not, NaN for a NaN.
     */
    public static double relativeError(double computed, BigDecimal exact) {
        if (Double.isNaN(computed)) return Double.NaN;
        if (Double.isInfinite(computed)) return Double.POSITIVE_INFINITY;
        BigDecimal diff = new BigDecimal(computed).subtract(exact).abs();
        if (exact.signum() == 0) return diff.signum() == 0 ? 0 : Double.POSITIVE_INFINITY;
        return diff.divide(exact, new MathContext(20)).doubleValue();
    }
}
