package org.clipbench.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.clipbench.Reference;
import org.clipbench.kernel.ArrayKernels;
import org.clipbench.kernel.Half;
import org.clipbench.kernel.VectorKernels;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShapes;
import org.clipbench.strategy.ClipContext;
import org.clipbench.strategy.Strategies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * bf16 and f16 gradients: 16-bit storage, f32 arithmetic. The vector kernels against their scalar twin (the
 * arrays backend) bit for bit where the result is defined bit for bit (scale, every one of the 65,536 patterns),
 * norms against an exact reference, and the backends without 16-bit storage refuse.
 */
class HalfPrecisionBackendTest {

    static List<org.junit.jupiter.params.provider.Arguments> combos() {
        return BackendCombos.halfPrecision();
    }

    /** Every 16-bit pattern, twice over (longer than any SIMD width, with a tail). */
    static short[] everyPattern() {
        short[] a = new short[2 * 65536 + 13];
        for (int i = 0; i < a.length; i++) a[i] = (short) (i * 40503); // odd multiplier: a permutation of the 65,536 patterns
        return a;
    }

    @Test
    void vectorScaleIsTheScalarTwinsBitForBitOnEveryPattern() {
        for (Half format : Half.values()) {
            for (float alpha : new float[] {1f, 0.5f, 0.3f, 3.7f, 1e-3f, 1e5f, 0x1p-20f, -0.75f}) {
                short[] scalar = everyPattern(), vector = everyPattern();
                ArrayKernels.SCALAR.scale(scalar, 0, scalar.length, alpha, format);
                VectorKernels.INSTANCE.scale(vector, 0, vector.length, alpha, format);
                for (int i = 0; i < scalar.length; i++) {
                    if (scalar[i] != vector[i]) {
                        throw new AssertionError(String.format("%s x %s: pattern %04x scaled to %04x by the scalar kernel, %04x by the vector one",
                                format, alpha, everyPattern()[i] & 0xffff, scalar[i] & 0xffff, vector[i] & 0xffff));
                    }
                }
                if (alpha == 1f) { // x * 1 is x: every non-NaN pattern keeps its bits
                    short[] before = everyPattern();
                    for (int i = 0; i < before.length; i++) {
                        if (!Float.isNaN(format.decode(before[i]))) assertThat(scalar[i]).isEqualTo(before[i]);
                    }
                }
            }
        }
    }

    @Test
    void scaleRoundsTheFloatProductToNearestEven() {
        for (Half format : Half.values()) {
            short[] a = everyPattern();
            short[] b = a.clone();
            VectorKernels.INSTANCE.scale(b, 0, b.length, 0.3f, format);
            for (int i = 0; i < a.length; i++) {
                float x = format.decode(a[i]);
                if (!Float.isNaN(x)) assertThat(b[i]).isEqualTo(format.encode(x * 0.3f));
            }
        }
    }

    @Test
    void normsOfEveryFinitePatternAgreeWithTheExactNorm() {
        for (Half format : Half.values()) {
            short[] a = everyPattern();
            int n = 0;
            for (short h : a) if (!Float.isNaN(format.decode(h)) && !Float.isInfinite(format.decode(h))) a[n++] = h;
            double[] held = new double[n];
            for (int i = 0; i < n; i++) held[i] = format.decode(a[i]);
            double exact = Reference.norm2(held);
            for (ArrayKernels k : List.of(ArrayKernels.SCALAR, VectorKernels.INSTANCE)) {
                // the scalar safe kernel accumulates in f64; the vector one is its blocked float kernel (as for f32)
                assertThat(Reference.relErr(k.norm2Safe(a, 0, n, format), exact)).as("%s safe %s", format, k.description())
                        .isLessThan(k == ArrayKernels.SCALAR ? 1e-14 : 1e-6);
                assertThat(Reference.relErr(k.norm2FastSafe(a, 0, n, format), exact)).as("%s fast-safe", format).isLessThan(1e-6);
                if (format == Half.F16) { // bf16's largest patterns square past float's range: the naive sum overflows
                    assertThat(Reference.relErr(k.norm2Naive(a, 0, n, format), exact)).as("%s naive: one float sum of 126K terms", format).isLessThan(1e-4);
                } else {
                    assertThat(k.norm2Naive(a, 0, n, format)).as("naive bf16 overflows").isInfinite();
                }
                assertThat(k.normInf(a, 0, n, format)).isEqualTo(format.maxValue());
                assertThat(k.allFinite(a, 0, n, format)).isTrue();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("combos")
    void storageRoundsThroughFloatAndNonFiniteValuesFollowTheConventions(String backend, DType d) {
        Backend b = Backends.create(backend);
        double[] x = {1.0, 1.00390625, -0.0, 3.0e4, 1e-7, Double.NaN, Double.POSITIVE_INFINITY};
        Tensor t = b.fromDoubles("g", 1, x.length, d, x);
        double[] held = b.toDoubles(t);
        for (int i = 0; i < x.length; i++) {
            double expected = d.half().decode(d.half().encode((float) x[i]));
            assertThat(Double.doubleToRawLongBits(held[i])).as("%s element %d", d, i)
                    .isEqualTo(Double.doubleToRawLongBits(Double.isNaN(expected) ? held[i] : expected));
        }
        assertThat(held[1]).isEqualTo(d == DType.BF16 ? 1.0 : 1.00390625); // 1 + 2^-8: a tie in bf16, to even
        assertThat(b.allFinite(t)).isFalse();
        for (NormKind k : List.of(NormKind.SAFE, NormKind.FAST_SAFE)) assertThat(b.norm2(t, k)).isNaN();
        b.zeroNonFinite(t);
        assertThat(b.allFinite(t)).isTrue();
        assertThat(b.toDoubles(t)[5]).isZero();
        assertThat(b.toDoubles(t)[6]).isZero();
        b.clamp(t, -0.5, 2.0);
        assertThat(b.toDoubles(t)[0]).as("inside the range: kept").isEqualTo(1.0);
        assertThat(b.toDoubles(t)[3]).isEqualTo(2.0);
    }

    @ParameterizedTest
    @MethodSource("combos")
    void globalNormClipOfA16BitGradientScalesInFloatAndRoundsOnce(String backend, DType d) {
        Backend b = Backends.create(backend);
        ParamSet g = ParamSet.gaussian(b, ParamShapes.get("flat-64K"), d, Layout.SEPARATE, 3, 1.0);
        double[] before = b.toDoubles(g.tensor(0));
        double exact = Reference.norm2(before);
        double c = exact / 4;
        var report = Strategies.gradient("global-norm:c=" + c).clip(g, ClipContext.fast(NormKind.SAFE));
        assertThat(Reference.relErr(report.preNorm(), exact)).isLessThan(1e-6); // f32 block sums, f64 total
        float factor = (float) (c / (report.preNorm() + 1e-6));
        double[] after = b.toDoubles(g.tensor(0));
        for (int i = 0; i < after.length; i++) {
            assertThat(after[i]).isEqualTo(d.half().decode(d.half().encode((float) before[i] * factor)));
        }
    }

    @Test
    void theArraysBackendIsTheVectorBackendsScalarTwinOn16BitGradients() {
        for (DType d : List.of(DType.BF16, DType.F16)) {
            Backend arrays = Backends.create("arrays"), vector = Backends.create("vector");
            SplittableRandom rng = new SplittableRandom(5);
            double[] x = new double[100_003];
            for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian() * 3;
            Tensor a = arrays.fromDoubles("a", 1, x.length, d, x), v = vector.fromDoubles("v", 1, x.length, d, x);
            assertThat(vector.toDoubles(v)).isEqualTo(arrays.toDoubles(a));
            double exact = Reference.norm2(arrays.toDoubles(a));
            for (NormKind k : NormKind.values()) {
                double tol = k == NormKind.NAIVE || k == NormKind.LIBRARY ? 1e-4 : 1e-6; // a float sum of 1e5 terms, in another order
                assertThat(Reference.relErr(vector.norm2(v, k), arrays.norm2(a, k))).as("%s %s", d, k).isLessThan(tol);
                assertThat(Reference.relErr(arrays.norm2(a, k), exact)).isLessThan(tol);
            }
            arrays.scale(a, 0.37);
            vector.scale(v, 0.37);
            assertThat(vector.toDoubles(v)).isEqualTo(arrays.toDoubles(a));
        }
    }

    @Test
    void backendsWithout16BitStorageRefuseIt() {
        for (String name : Backends.names()) {
            if (Backends.capabilities(name).half16()) continue;
            Backend b = Backends.create(name);
            for (DType d : List.of(DType.BF16, DType.F16)) {
                assertThat(b.supports(d)).isFalse();
                assertThatThrownBy(() -> b.zeros("g", 1, 8, d)).isInstanceOf(UnsupportedCombinationException.class)
                        .hasMessageContaining(name).hasMessageContaining(d.label()).hasMessageContaining("arrays and vector hold bf16 and f16");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("combos")
    void modelAndOptimizerArithmeticOn16BitStorageIsRefusedNotDoneInAnotherPrecision(String backend, DType d) {
        Backend b = Backends.create(backend);
        Tensor m = b.zeros("m", 2, 2, d);
        assertThatThrownBy(() -> b.gemm(false, false, 1, m, m, 0, m)).isInstanceOf(UnsupportedCombinationException.class)
                .hasMessageContaining("gemm on " + d.label());
        assertThatThrownBy(() -> b.sgdStep(m, null, m, 1, Double.POSITIVE_INFINITY, 0.1, 0)).isInstanceOf(UnsupportedCombinationException.class);
        assertThatThrownBy(() -> b.axpy(1, m, m)).isInstanceOf(UnsupportedCombinationException.class);
    }
}
