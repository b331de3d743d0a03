package org.clipbench.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lane-wise 16-bit conversions of the SIMD kernels: a vector of bf16 or f16 patterns to one float vector, and
 * back with round-to-nearest-even ({@link Half}'s conversions, lane by lane; {@code HalfPrecisionBackendTest} checks
 * them bit for bit on every pattern). A class of its own for the reason {@link Lanes} is: the benchmarks keep
 * VectorKernels' methods from inlining, and a helper there taking or returning a vector became a real call on a boxed
 * vector that C2 left to the Vector API's Java fallback (a bf16 clip of 4M entries took 50 ms instead of 3).
 */
final class HalfLanes {
    private HalfLanes() {
    }

    /** Ints and shorts with as many lanes as {@link VectorKernels#F}: a vector of 16-bit patterns widens to one float vector. */
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorKernels.F.vectorShape());
    private static final VectorSpecies<Short> S_AS_F = VectorSpecies.of(short.class, VectorShape.forBitSize(VectorKernels.F.vectorBitSize() / 2));

    /**
     * F.length() patterns from a[i] as floats. bf16: the bits shifted to the top of an int. f16: the magnitude bits
     * shifted into float's fields and multiplied by 2^112 (binary16's bias moved to binary32's; exact, subnormals
     * included, since each becomes a normal float), infinity and NaN patterns given float's all-ones exponent, then the sign.
     */
    static FloatVector decode(short[] a, int i, Half format) {
        IntVector bits = (IntVector) ShortVector.fromArray(S_AS_F, a, i).convertShape(VectorOperators.S2I, I, 0);
        if (format == Half.BF16) return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        IntVector abs = bits.and(0x7fff);
        IntVector magnitude = abs.lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        magnitude = magnitude.blend(abs.lanewise(VectorOperators.LSHL, 13).or(0x7f800000), abs.compare(VectorOperators.GE, 0x7c00));
        return magnitude.or(bits.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    /** The floats rounded to the format (nearest even) and stored at a[i]; the lane-wise twin of {@link Half#encode}. */
    static void encode(FloatVector x, short[] a, int i, Half format) {
        IntVector bits = x.reinterpretAsInts();
        IntVector abs = bits.and(0x7fffffff);
        VectorMask<Integer> nan = abs.compare(VectorOperators.GT, 0x7f800000);
        IntVector out;
        if (format == Half.BF16) {
            IntVector top = bits.lanewise(VectorOperators.LSHR, 16);
            out = bits.add(top.and(1)).add(0x7fff).lanewise(VectorOperators.LSHR, 16).blend(top.or(0x0040), nan);
        } else {
            IntVector normal = abs.sub(112 << 23);
            normal = normal.add(normal.lanewise(VectorOperators.LSHR, 13).and(1)).add(0xfff).lanewise(VectorOperators.LSHR, 13);
            IntVector subnormal = abs.reinterpretAsFloats().add(0.5f).reinterpretAsInts().sub(Float.floatToRawIntBits(0.5f));
            out = normal.blend(subnormal, abs.compare(VectorOperators.LT, 0x38800000))
                    .blend(0x7c00, abs.compare(VectorOperators.GE, 0x477ff000))
                    .blend(abs.lanewise(VectorOperators.LSHR, 13).and(0x3ff).or(0x7e00), nan)
                    .or(bits.lanewise(VectorOperators.LSHR, 16).and(0x8000));
        }
        ((ShortVector) out.convertShape(VectorOperators.I2S, S_AS_F, 0)).intoArray(a, i);
    }

}
