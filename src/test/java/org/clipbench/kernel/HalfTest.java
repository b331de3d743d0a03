package org.clipbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The 16-bit conversions against two references: an independent one written from the formats' definitions
 * (value = significand x 2^exponent in double, rounding by Math.rint, which is ties-to-even), and for binary16
 * the JDK's own Float.float16ToFloat / Float.floatToFloat16 (Java 20+), as digests computed once on JDK 25 by
 * src/test/resources/half/Jdk20Reference.java and committed (the build runs on 17).
 */
class HalfTest {

    /** The format's fields: fraction bits, exponent bias, exponent field width. */
    record Fields(int fractionBits, int bias, int exponentBits) {
        static Fields of(Half h) {
            return h == Half.BF16 ? new Fields(7, 127, 8) : new Fields(10, 15, 5);
        }

        int maxExponentField() {
            return (1 << exponentBits) - 1;
        }

        int emin() {
            return 1 - bias;
        }

        double maxFinite() {
            return Math.scalb(2 - Math.scalb(1.0, -fractionBits), maxExponentField() - 1 - bias);
        }
    }

    /** The value of a pattern, from its sign, exponent and fraction fields. */
    static double decodeReference(Half format, int h) {
        Fields f = Fields.of(format);
        int sign = h >>> 15 & 1, exp = h >>> f.fractionBits() & f.maxExponentField(), frac = h & (1 << f.fractionBits()) - 1;
        double v;
        if (exp == f.maxExponentField()) v = frac == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        else if (exp == 0) v = Math.scalb((double) frac, f.emin() - f.fractionBits());
        else v = Math.scalb(1 + Math.scalb((double) frac, -f.fractionBits()), exp - f.bias());
        return sign == 1 ? -v : v;
    }

    /** The pattern a finite or infinite float rounds to: the nearest multiple of the spacing at its exponent, ties to even. */
    static int encodeReference(Half format, float x) {
        Fields f = Fields.of(format);
        int sign = Float.floatToRawIntBits(x) >>> 31 << 15;
        double ax = Math.abs((double) x);
        if (ax == 0) return sign;
        int infinity = sign | f.maxExponentField() << f.fractionBits();
        if (Double.isInfinite(ax)) return infinity;
        int e = Math.max(Math.getExponent(ax), f.emin());
        double v = Math.scalb(Math.rint(Math.scalb(ax, f.fractionBits() - e)), e - f.fractionBits());
        if (v > f.maxFinite()) return infinity;
        if (v < Math.scalb(1.0, f.emin())) return sign | (int) Math.scalb(v, f.fractionBits() - f.emin()); // subnormal (or 0)
        int exp = Math.getExponent(v);
        int frac = (int) (Math.scalb(v, f.fractionBits() - exp) - (1 << f.fractionBits()));
        return sign | (exp + f.bias()) << f.fractionBits() | frac;
    }

    @Test
    void everyPatternOfBothFormatsDecodesToItsValue() {
        for (Half format : Half.values()) {
            for (int h = 0; h < 65536; h++) {
                double expected = decodeReference(format, h);
                float got = format.decode((short) h);
                if (Double.isNaN(expected)) {
                    assertThat(got).as("%s %04x", format, h).isNaN();
                    assertThat(Float.floatToRawIntBits(got) >>> 31).as("%s %04x keeps its sign", format, h).isEqualTo(h >>> 15);
                } else {
                    assertThat(Float.floatToRawIntBits(got)).as("%s %04x", format, h).isEqualTo(Float.floatToRawIntBits((float) expected));
                    assertThat((double) got).as("exact").isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void everyPatternRoundTripsAndNaNStaysQuietNaN() {
        for (Half format : Half.values()) {
            for (int h = 0; h < 65536; h++) {
                float v = format.decode((short) h);
                int back = format.encode(v) & 0xffff;
                if (Float.isNaN(v)) {
                    assertThat(Float.isNaN(format.decode((short) back))).isTrue();
                    assertThat(back >>> 15).isEqualTo(h >>> 15);
                } else {
                    assertThat(back).as("%s %04x", format, h).isEqualTo(h);
                }
            }
        }
    }

    /**
     * Between every two neighbouring finite values of a format: the midpoint rounds to the one with an even
     * pattern, the floats just below and above it to the nearer one. This pins round-to-nearest-even at every
     * rounding boundary of both formats, subnormals and the overflow edge included.
     */
    @Test
    void everyMidpointRoundsToEvenAndItsNeighboursToTheNearer() {
        for (Half format : Half.values()) {
            for (int sign : new int[] {0, 0x8000}) {
                for (int h = 0, infinity = format == Half.F16 ? 0x7c00 : 0x7f80; h < infinity; h++) {
                    double lo = Math.abs(decodeReference(format, h)), hi = Math.abs(decodeReference(format, h + 1));
                    if (Double.isInfinite(hi)) hi = 2 * Fields.of(format).maxFinite() - Math.abs(decodeReference(format, h - 1)); // the spacing continued
                    float mid = (float) ((lo + hi) / 2); // exact: a 16-bit midpoint has at most 12 significant bits
                    assertThat((double) mid).isEqualTo((lo + hi) / 2);
                    float m = sign == 0 ? mid : -mid;
                    int even = (h & 1) == 0 ? h : h + 1;
                    assertThat(format.encode(m) & 0xffff).as("%s midpoint above %04x", format, h).isEqualTo(sign | even);
                    assertThat(format.encode(Math.nextDown(mid) * (sign == 0 ? 1 : -1)) & 0xffff).isEqualTo(sign | h);
                    assertThat(format.encode(Math.nextUp(mid) * (sign == 0 ? 1 : -1)) & 0xffff).isEqualTo(sign | h + 1);
                }
            }
        }
    }

    @Test
    void edgesAreWhereTheFormatsSayTheyAre() {
        assertThat(Half.F16.maxValue()).isEqualTo(65504f);
        assertThat(Half.floatToF16(65519.996f)).isEqualTo((short) 0x7bff);
        assertThat(Half.floatToF16(65520f)).isEqualTo((short) 0x7c00); // max + half an ulp: ties to even, here infinity
        assertThat(Half.floatToF16(0x1p-25f)).isEqualTo((short) 0); // half the smallest subnormal: ties to even, zero
        assertThat(Half.floatToF16(Math.nextUp(0x1p-25f))).isEqualTo((short) 1);
        assertThat(Half.floatToF16(-0.0f)).isEqualTo((short) 0x8000);
        assertThat(Half.floatToF16(Float.MIN_VALUE)).isEqualTo((short) 0);
        assertThat(Half.floatToBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7f80); // rounds up past bf16's largest finite
        assertThat(Half.floatToBf16(Float.MIN_VALUE)).isEqualTo((short) 0); // 2^-149 is below half of bf16's smallest subnormal 2^-133
        assertThat(Half.floatToBf16(1.00390625f)).isEqualTo((short) 0x3f80); // 1 + 2^-8: a tie, to even
        assertThat(Half.floatToBf16(1.01171875f)).isEqualTo((short) 0x3f82); // 1 + 3 * 2^-8: a tie, to even (up)
        assertThat(Half.BF16.maxValue()).isEqualTo(Float.intBitsToFloat(0x7f7f0000));
        assertThat(Half.F16.minValue()).isEqualTo(0x1p-24f);
    }

    // ---------------------------------------------------------------- every float, against the references

    /** 64-bit FNV-1a over 32-bit values, as Jdk20Reference.java computes it. */
    static long mix(long h, int v) {
        for (int k = 0; k < 4; k++) {
            h ^= (v >>> (8 * k)) & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    static final long FNV_OFFSET = 0xcbf29ce484222325L;

    static Map<String, Long> jdkDigests() throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        try (InputStream in = HalfTest.class.getResourceAsStream("/half/jdk-f16-digests.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] w = line.trim().split(" ");
                m.put(w.length == 2 ? w[0] : w[0] + " " + w[1], Long.parseUnsignedLong(w[w.length - 1], 16));
            }
        }
        return m;
    }

    @Test
    void binary16DecodingIsTheJdksBitForBit() throws IOException {
        long d = FNV_OFFSET;
        for (int h = 0; h < 65536; h++) d = mix(d, Float.floatToRawIntBits(Half.f16ToFloat((short) h)));
        assertThat(d).isEqualTo(jdkDigests().get("decode"));
    }

    /**
     * The float blocks (top 8 bits: sign and the 7 high exponent bits) where a binary16 encoding is anything but
     * zero or infinity, and the zero and infinity/NaN blocks: every rounding decision of binary16 (45 of 256
     * blocks, 2^24 floats each). The whole of 2^32 runs with -Pheavy.
     */
    static int[] binary16Blocks() {
        return IntStream.concat(IntStream.of(0x00, 0x7f, 0x80, 0xff),
                IntStream.rangeClosed(0x33, 0x47).flatMap(b -> IntStream.of(b, b | 0x80))).sorted().toArray();
    }

    @Test
    void binary16EncodingIsTheJdksOnEveryFloatWhoseEncodingIsFiniteAndNotZero() throws IOException {
        checkJdkBlocks(binary16Blocks());
    }

    @Test
    @Tag("heavy")
    void binary16EncodingIsTheJdksOnEveryFloat() throws IOException {
        checkJdkBlocks(IntStream.range(0, 256).toArray());
    }

    private static void checkJdkBlocks(int[] blocks) throws IOException {
        Map<String, Long> jdk = jdkDigests();
        for (int block : blocks) {
            long e = FNV_OFFSET;
            int start = block << 24;
            for (int i = 0; i < 1 << 24; i++) e = mix(e, Half.floatToF16(Float.intBitsToFloat(start + i)) & 0xffff);
            assertThat(e).as("binary16 encodings of floats %08x..%08x", start, start + (1 << 24) - 1)
                    .isEqualTo(jdk.get(String.format("encode %02x", block)));
        }
    }

    /**
     * bfloat16 has no JDK conversion: every float of six blocks against the definition (bfloat16's rounding looks
     * at the low 16 bits alone, the same in every binade: the blocks of subnormals and zero, of 1.0, and of the
     * largest floats with infinity and NaN, each sign). The whole of 2^32 runs with -Pheavy.
     */
    @Test
    void bfloat16EncodingIsTheDefinitionsOnEveryFloatOfSixBlocks() {
        checkBf16Blocks(new int[] {0x00, 0x3f, 0x7f, 0x80, 0xbf, 0xff});
    }

    @Test
    @Tag("heavy")
    void bfloat16EncodingIsTheDefinitionsOnEveryFloat() {
        checkBf16Blocks(IntStream.range(0, 256).toArray());
    }

    private static void checkBf16Blocks(int[] blocks) {
        for (int block : blocks) {
            int start = block << 24;
            for (int i = 0; i < 1 << 24; i++) {
                float x = Float.intBitsToFloat(start + i);
                int got = Half.floatToBf16(x) & 0xffff;
                if (Float.isNaN(x)) {
                    if (!Float.isNaN(Half.bf16ToFloat((short) got)) || got >>> 15 != (start + i) >>> 31) {
                        throw new AssertionError(String.format("bf16 of NaN %08x is %04x", start + i, got));
                    }
                } else if (got != encodeReference(Half.BF16, x)) {
                    throw new AssertionError(String.format("bf16 of %08x (%s) is %04x, the definition says %04x", start + i, x, got,
                            encodeReference(Half.BF16, x)));
                }
            }
        }
    }

    /** The definition-based reference itself against the JDK's binary16 on a few thousand floats, so that it is trusted for bfloat16. */
    @Test
    void theDefinitionReferenceAgreesWithTheJdkOnBinary16() {
        for (int block : binary16Blocks()) {
            int start = block << 24;
            for (int i = 0; i < 1 << 24; i += 4099) {
                float x = Float.intBitsToFloat(start + i);
                if (!Float.isNaN(x)) assertThat(encodeReference(Half.F16, x)).as("%08x", start + i).isEqualTo(Half.floatToF16(x) & 0xffff);
            }
        }
    }
}
