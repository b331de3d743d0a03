package org.clipbench.kernel;

/**
 * The two 16-bit floating-point storage formats of mixed-precision training, held as the bits in a
 * {@code short}: bfloat16 (the top half of an IEEE binary32: 8 exponent bits, 7 fraction bits) and IEEE
 * binary16 (5 exponent bits, 10 fraction bits, subnormals down to 2^-24). Values are computed in float
 * and stored rounded to nearest, ties to even, as PyTorch and the JDK (20+, {@code Float.floatToFloat16})
 * round. Java 17 has neither conversion, so they are written out here; {@code HalfTest} checks every one of
 * the 65,536 bit patterns of both formats, and every float's encoding against an independent reference.
 *
 * <p>NaN keeps its sign and the top bits of its payload, and is made quiet (bfloat16 decoding is the exact
 * bit shift, as PyTorch's); infinities and signed zeros keep their sign.
 */
public enum Half {
    /** bfloat16: float's range (to 3.39e38), 8 significant bits. */
    BF16("bf16"),
    /** IEEE binary16: largest finite 65,504, smallest normal 2^-14, smallest subnormal 2^-24; 11 significant bits. */
    F16("f16");

    private final String label;

    Half(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The bits rounded from a float (ties to even). */
    public short encode(float f) {
        return this == BF16 ? floatToBf16(f) : floatToF16(f);
    }

    /** The float a pattern holds (exact: every 16-bit value is a float). */
    public float decode(short h) {
        return this == BF16 ? bf16ToFloat(h) : f16ToFloat(h);
    }

    /** The largest finite value of the format. */
    public float maxValue() {
        return this == BF16 ? bf16ToFloat((short) 0x7f7f) : 65504f;
    }

    /** The smallest positive value (a subnormal). */
    public float minValue() {
        return this == BF16 ? bf16ToFloat((short) 0x0001) : 0x1p-24f;
    }

    // ---------------------------------------------------------------- bfloat16

    public static float bf16ToFloat(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }

    /**
     * The top 16 bits of the float, rounded: adding 0x7fff (plus 1 when the kept part is odd) carries into
     * the kept bits exactly when the dropped 16 bits are above half, or at half with an odd kept part. A carry
     * out of the fraction steps the exponent, and out of the largest finite value gives infinity, as it should.
     */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) return (short) ((bits >>> 16) | 0x0040); // NaN: quiet, sign and top payload kept
        int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    // ---------------------------------------------------------------- IEEE binary16

    /** float bits of binary16's exponent bias moved to binary32's: (127 - 15) << 23. */
    private static final int REBIAS = 112 << 23;

    public static float f16ToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int abs = bits & 0x7fff;
        if (abs > 0x7c00) return Float.intBitsToFloat(sign | 0x7fc00000 | (abs & 0x3ff) << 13); // NaN, made quiet (as the JDK and F16C do)
        if (abs == 0x7c00) return Float.intBitsToFloat(sign | 0x7f800000);
        if (abs >= 0x0400) return Float.intBitsToFloat(sign | ((abs << 13) + REBIAS)); // normal
        float magnitude = abs * 0x1p-24f; // subnormal (or zero): an integer times 2^-24, exact in float
        return sign != 0 ? -magnitude : magnitude;
    }

    /**
     * Rounded to nearest, ties to even, with binary16's subnormals. Normal range: the float's bits rebiased,
     * the 13 dropped fraction bits rounded as in {@link #floatToBf16}. Below 2^-14 the result is a multiple of
     * 2^-24, and float addition does the rounding: 0.5f + |f| is rounded by the FPU to float's spacing in
     * [0.5, 1), which is exactly 2^-24, ties to even; the sum's fraction bits are the binary16 subnormal.
     */
    public static short floatToF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        if (abs > 0x7f800000) return (short) (sign | 0x7e00 | (abs >>> 13) & 0x3ff); // NaN: quiet, top payload kept
        if (abs >= F16_OVERFLOW) return (short) (sign | 0x7c00); // from 65,520 (max + half an ulp) on, and Inf
        if (abs >= 0x38800000) { // 2^-14 and up: normal
            int h = abs - REBIAS;
            h += 0xfff + ((h >>> 13) & 1);
            return (short) (sign | h >>> 13);
        }
        float sum = 0.5f + Float.intBitsToFloat(abs);
        return (short) (sign | Float.floatToRawIntBits(sum) - Float.floatToRawIntBits(0.5f));
    }

    /** The float bits of 65,520: binary16's largest finite value plus half its spacing (ties go to even, here infinity). */
    private static final int F16_OVERFLOW = 0x477ff000;
}
