package org.clipbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.clipbench.Reference;

/** Scalar and SIMD twins against each other and against BigDecimal, on values from 1e-300 to 1e300. */
class KernelPropertiesTest {

    @Provide
    Arbitrary<double[]> anyMagnitudes() {
        Arbitrary<Double> value = Arbitraries.integers().between(-300, 300).flatMap(e ->
                Arbitraries.doubles().between(1.0, 10.0).map(m -> m * Math.pow(10, e)))
                .flatMap(v -> Arbitraries.of(v, -v));
        return value.array(double[].class).ofMinSize(1).ofMaxSize(300);
    }

    /** Long enough to span several blocks, so the block combination is exercised. */
    @Provide
    Arbitrary<double[]> longMixedMagnitudes() {
        return anyMagnitudes().list().ofMinSize(1).ofMaxSize(12).map(parts -> {
            int n = 0;
            for (double[] p : parts) n += p.length;
            double[] out = new double[n * 10];
            int k = 0;
            for (int rep = 0; rep < 10; rep++) for (double[] p : parts) for (double v : p) out[k++] = v;
            return out;
        });
    }

    @Property(tries = 100)
    void safeNormsAreAccurateAcrossBlocks(@ForAll("longMixedMagnitudes") double[] x) {
        double ref = Reference.norm2(x);
        assertThat(Reference.relErr(ScalarKernels.INSTANCE.norm2Safe(x, 0, x.length), ref)).isLessThanOrEqualTo(1e-14);
        assertThat(Reference.relErr(VectorKernels.INSTANCE.norm2Safe(x, 0, x.length), ref)).isLessThanOrEqualTo(1e-14);
        assertThat(Reference.relErr(VectorKernels.INSTANCE.norm2FastSafe(x, 0, x.length), ref)).isLessThanOrEqualTo(1e-14);
    }

    @org.junit.jupiter.api.Test
    void infinityInAnEarlyBlockAndNaNInALaterOneGiveNaN() {
        double[] x = new double[5000];
        java.util.Arrays.fill(x, 1.5);
        x[10] = Double.POSITIVE_INFINITY;
        assertThat(VectorKernels.INSTANCE.norm2Safe(x, 0, x.length)).isInfinite();
        assertThat(ScalarKernels.INSTANCE.norm2Safe(x, 0, x.length)).isInfinite();
        x[4500] = Double.NaN;
        assertThat(VectorKernels.INSTANCE.norm2Safe(x, 0, x.length)).isNaN();
        assertThat(ScalarKernels.INSTANCE.norm2Safe(x, 0, x.length)).isNaN();
        assertThat(VectorKernels.INSTANCE.norm2FastSafe(x, 0, x.length)).isNaN();
        float[] f = new float[5000];
        java.util.Arrays.fill(f, 1e30f);
        assertThat(ScalarKernels.INSTANCE.norm2FastSafe(f, 0, f.length)).isCloseTo(Math.sqrt(5000) * (double) 1e30f,
                org.assertj.core.api.Assertions.within(1e24));
        f[4999] = Float.NaN;
        assertThat(ScalarKernels.INSTANCE.norm2FastSafe(f, 0, f.length)).isNaN();
    }

    @Property(tries = 300)
    void safeNormsAreAccurateForEveryFiniteInput(@ForAll("anyMagnitudes") double[] x) {
        double ref = Reference.norm2(x);
        assertThat(Reference.relErr(ScalarKernels.INSTANCE.norm2Safe(x, 0, x.length), ref)).isLessThanOrEqualTo(1e-14);
        assertThat(Reference.relErr(VectorKernels.INSTANCE.norm2Safe(x, 0, x.length), ref)).isLessThanOrEqualTo(1e-14);
        assertThat(Reference.relErr(ScalarKernels.INSTANCE.norm2FastSafe(x, 0, x.length), ref)).isLessThanOrEqualTo(1e-14);
        assertThat(Reference.relErr(VectorKernels.INSTANCE.norm2FastSafe(x, 0, x.length), ref)).isLessThanOrEqualTo(1e-14);
    }

    @Property(tries = 200)
    void f32SafeNormsAreAccurateOverTheWholeFloatRange(@ForAll("anyMagnitudes") double[] x) {
        float[] f = new float[x.length];
        double[] held = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            // fold 1e-300..1e300 onto float's 1e-38..1e38
            f[i] = (float) (Math.signum(x[i]) * Math.pow(10, Math.log10(Math.abs(x[i])) * 38.0 / 301));
            held[i] = f[i];
        }
        double ref = Reference.norm2(held);
        assertThat(Reference.relErr(ScalarKernels.INSTANCE.norm2Safe(f, 0, f.length), ref)).isLessThanOrEqualTo(1e-6);
        assertThat(Reference.relErr(VectorKernels.INSTANCE.norm2Safe(f, 0, f.length), ref)).isLessThanOrEqualTo(1e-6);
        assertThat(Reference.relErr(VectorKernels.INSTANCE.norm2FastSafe(f, 0, f.length), ref)).isLessThanOrEqualTo(1e-6);
        assertThat(Reference.relErr(VectorKernels.norm2Widened(f, 0, f.length), ref)).isLessThanOrEqualTo(1e-6);
    }

    @Property(tries = 100)
    void scalarAndSimdElementWiseKernelsAreBitIdentical(@ForAll("anyMagnitudes") double[] x,
                                                        @ForAll @IntRange(min = 0, max = 5) int offset) {
        if (offset >= x.length) offset = 0;
        int len = x.length - offset;
        double[] a = x.clone(), b = x.clone();
        ScalarKernels.INSTANCE.clamp(a, offset, len, -1e10, 1e12);
        VectorKernels.INSTANCE.clamp(b, offset, len, -1e10, 1e12);
        assertThat(b).containsExactly(a);
        ScalarKernels.INSTANCE.scale(a, offset, len, 0.37);
        VectorKernels.INSTANCE.scale(b, offset, len, 0.37);
        assertThat(b).containsExactly(a);
        ScalarKernels.INSTANCE.axpy(-2.5, x, 0, a, offset, len);
        VectorKernels.INSTANCE.axpy(-2.5, x, 0, b, offset, len);
        assertThat(b).containsExactly(a);
        assertThat(VectorKernels.INSTANCE.normInf(a, offset, len)).isEqualTo(ScalarKernels.INSTANCE.normInf(a, offset, len));
        assertThat(VectorKernels.INSTANCE.allFinite(a, offset, len)).isEqualTo(ScalarKernels.INSTANCE.allFinite(a, offset, len));
    }

    @Property(tries = 50)
    void naiveNormOverflowsWhereTheSafeOneDoesNot(@ForAll @IntRange(min = 155, max = 300) int exp) {
        double[] x = {Math.pow(10, exp), Math.pow(10, exp)};
        assertThat(ScalarKernels.INSTANCE.norm2Naive(x, 0, 2)).isInfinite();
        assertThat(VectorKernels.INSTANCE.norm2Naive(x, 0, 2)).isInfinite();
        assertThat(Reference.relErr(ScalarKernels.INSTANCE.norm2Safe(x, 0, 2), Math.sqrt(2) * x[0])).isLessThan(1e-15);
    }
}
