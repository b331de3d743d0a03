package org.clipbench.accuracy;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.clipbench.backend.DType;

/**
 * How the entries of an accuracy gradient are drawn: the laws that break naive sums of squares. Each draws
 * entry i of an n-entry gradient from a generator seeded per block of entries (see {@link GradientStream}), in
 * double, before the value is rounded to the storage dtype. The edge laws are relative to the storage dtype:
 * "near the overflow edge" is near 3.4e38 for f32 and bf16, 1.8e308 for f64 and 65,504 for f16.
 */
public enum ValueLaw {
    /** Every entry 1: a float running sum of squares stops growing at 2^24 (adding 1 to 2^24 rounds back to 2^24). */
    ONES("ones", "every entry 1"),
    /** Standard normal. */
    NORMAL("normal", "standard normal"),
    /**
     * Student-t with 1 degree of freedom (Cauchy): squares spanning many decades, a few dominating; truncated at half the
     * storage dtype's largest value (which matters for f16 alone: 1 entry in 50,000 lies beyond 32,752), so the data stays finite.
     */
    HEAVY_TAILED("cauchy", "heavy-tailed: Student-t with 1 degree of freedom (Cauchy), truncated at half the dtype's largest value"),
    /**
     * Standard normal entries and 4 huge ones (at 0, n/3, 2n/3 and n - 1) of sqrt(n)/2 each: the huge squares
     * sum to n, as much as the small ones do, so a running sum that met a huge one early loses the small ones added after it.
     */
    FEW_HUGE("few-huge", "standard normal, with 4 entries of sqrt(n)/2 (half the squared norm) at 0, n/3, 2n/3, n-1"),
    /** Magnitudes uniform in [max/4, max] of the storage dtype, random signs: squares overflow in the storage precision. */
    NEAR_OVERFLOW("near-max", "magnitudes uniform in [max/4, max] of the storage dtype (f32: 8.5e37..3.4e38), random signs"),
    /**
     * Magnitudes (1 + u) 2^e with the binary exponent e uniform from the smallest subnormal's to just under 4 times the
     * smallest normal (f32: 1.4e-45..4.7e-38, rounded to the dtype as stored), random signs: squares underflow in the
     * storage precision, and subnormal entries keep few bits.
     */
    NEAR_UNDERFLOW("near-min", "magnitudes (1+u)·2^e, e uniform from the smallest subnormal's exponent to 4x the smallest normal (f32: 1.4e-45..4.7e-38), random signs");

    private final String label;
    private final String description;

    ValueLaw(String label, String description) {
        this.label = label;
        this.description = description;
    }

    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /**
     * Entries [start, start + count) of an n-entry gradient into out, in double, from rng (the block's generator), a
     * block at a time.
     */
    void fill(SplittableRandom rng, long start, double[] out, int count, long n, DType dtype) {
        switch (this) {
            case ONES -> java.util.Arrays.fill(out, 0, count, 1.0);
            case NORMAL -> gaussians(rng, out, count);
            case HEAVY_TAILED -> {
                gaussians(rng, out, count);
                double[] denominators = new double[count];
                gaussians(rng, denominators, count);
                double cap = dtype.maxValue() / 2;
                for (int i = 0; i < count; i++) { // a ratio of two standard normals is Cauchy
                    double c = out[i] / denominators[i];
                    out[i] = Math.abs(c) > cap ? Math.copySign(cap, c) : c;
                }
            }
            case FEW_HUGE -> {
                gaussians(rng, out, count);
                for (long huge : new long[] {0, n / 3, 2 * n / 3, n - 1}) {
                    if (huge >= start && huge < start + count) out[(int) (huge - start)] = Math.sqrt((double) n) / 2;
                }
            }
            case NEAR_OVERFLOW -> {
                for (int i = 0; i < count; i++) out[i] = sign(rng) * dtype.maxValue() * (0.25 + 0.75 * rng.nextDouble());
            }
            case NEAR_UNDERFLOW -> {
                int lo = minExponent(dtype), hi = maxExponent(dtype);
                for (int i = 0; i < count; i++) out[i] = sign(rng) * Math.scalb(1 + rng.nextDouble(), lo + rng.nextInt(hi - lo + 1));
            }
        }
    }

    private static double sign(SplittableRandom rng) {
        return rng.nextBoolean() ? 1 : -1;
    }

    /** The binary exponent of the smallest positive value of the dtype (a subnormal). */
    static int minExponent(DType d) {
        return switch (d) {
            case F64 -> -1074;
            case F32 -> -149;
            case BF16 -> -133;
            case F16 -> -24;
        };
    }

    /** The exponent e with (1 + u) 2^e below 4 times the smallest normal value of the dtype. */
    static int maxExponent(DType d) {
        return switch (d) {
            case F64 -> -1021;
            case F32, BF16 -> -125; // bf16 has float's exponent range
            case F16 -> -13;
        };
    }

    /**
     * Standard normals from the block's generator: Java 17's RandomGenerator.nextGaussian (McFarland's ziggurat, a fixed
     * algorithm), so a seed gives the same gradient on every JVM of the same release; about 8 ns a value.
     */
    private static void gaussians(SplittableRandom rng, double[] out, int count) {
        for (int i = 0; i < count; i++) out[i] = rng.nextGaussian();
    }

    public static ValueLaw parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (ValueLaw l : values()) if (l.label.equals(t)) return l;
        throw new IllegalArgumentException("unknown value law '" + text + "': use " + String.join(", ", labels()));
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(ValueLaw::label).toList();
    }
}
