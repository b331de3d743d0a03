package org.clipbench.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.clipbench.Reference.relErr;

import java.util.SplittableRandom;
import org.clipbench.Reference;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShapes;
import org.clipbench.params.Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every backend and dtype against high-precision references. */
class BackendTest {

    static java.util.List<org.junit.jupiter.params.provider.Arguments> combos() {
        return BackendCombos.all();
    }

    static final int[] SIZES = {1, 7, 64, 1023, 4097};

    private static double[] gaussian(int n, long seed, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = scale * ParamSet.gaussian(r);
        return x;
    }

    private static Tensor vec(Backend b, DType d, double[] x) {
        return b.fromDoubles("t", 1, x.length, d, x);
    }

    private static double safeTol(DType d) {
        return d == DType.F64 ? 1e-14 : 1e-6;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("combos")
    void normsAgreeWithBigDecimalOnAwkwardLengths(String name, DType d) {
        Backend b = Backends.create(name);
        for (int n : SIZES) {
            double[] x = gaussian(n, n, 3.0);
            double[] held = d == DType.F32 ? Reference.roundToFloat(x) : x;
            Tensor t = vec(b, d, x);
            double ref = Reference.norm2(held);
            assertThat(relErr(b.norm2(t, NormKind.SAFE), ref)).as("safe n=%d", n).isLessThanOrEqualTo(safeTol(d));
            assertThat(relErr(b.norm2(t, NormKind.FAST_SAFE), ref)).as("fast-safe n=%d", n).isLessThanOrEqualTo(safeTol(d));
            assertThat(relErr(b.norm2(t, NormKind.LIBRARY), ref)).as("library n=%d", n)
                    .isLessThanOrEqualTo(d == DType.F64 ? 1e-13 : 1e-5);
            double l1 = 0, linf = 0;
            for (double v : held) {
                l1 += Math.abs(v);
                linf = Math.max(linf, Math.abs(v));
            }
            assertThat(relErr(b.norm1(t), l1)).as("l1 n=%d", n).isLessThanOrEqualTo(d == DType.F64 ? 1e-13 : 1e-5);
            assertThat(b.normInf(t)).as("linf n=%d", n).isEqualTo(linf);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("combos")
    void safeNormsHandleHugeTinyAndMixedMagnitudes(String name, DType d) {
        Backend b = Backends.create(name);
        // f64 spans 1e-300..1e300; f32 holds 1e-38..1e38 (normal range), the same regime for its dtype
        double big = d == DType.F64 ? 1e300 : 1e36;
        double tiny = d == DType.F64 ? 1e-300 : 1e-36;
        for (int n : new int[] {1, 7, 1023}) {
            double[][] cases = {scaled(n, big), scaled(n, tiny), mixed(n, big, tiny), scaled(n, d == DType.F64 ? 1e200 : 1e25),
                    scaled(n, d == DType.F64 ? 1e-200 : 1e-25)};
            for (double[] x : cases) {
                double[] held = d == DType.F32 ? Reference.roundToFloat(x) : x;
                Tensor t = vec(b, d, x);
                double ref = Reference.norm2(held);
                assertThat(relErr(b.norm2(t, NormKind.SAFE), ref)).as("safe n=%d first=%g", n, x[0])
                        .isLessThanOrEqualTo(safeTol(d));
                assertThat(relErr(b.norm2(t, NormKind.FAST_SAFE), ref)).as("fast-safe n=%d first=%g", n, x[0])
                        .isLessThanOrEqualTo(safeTol(d));
            }
        }
    }

    private static double[] scaled(int n, double s) {
        double[] x = gaussian(n, 11, 1.0);
        for (int i = 0; i < n; i++) x[i] *= s;
        return x;
    }

    private static double[] mixed(int n, double big, double tiny) {
        double[] x = gaussian(n, 12, 1.0);
        for (int i = 0; i < n; i++) x[i] *= switch (i % 3) {
            case 0 -> big;
            case 1 -> tiny;
            default -> 1.0;
        };
        return x;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("combos")
    void nanAnywhereGivesNanAndInfGivesInf(String name, DType d) {
        Backend b = Backends.create(name);
        for (int n : new int[] {1, 9, 1023}) {
            for (int pos : new int[] {0, n / 2, n - 1}) {
                double[] x = gaussian(n, 5, 1.0);
                x[pos] = Double.NaN;
                Tensor t = vec(b, d, x);
                for (NormKind k : new NormKind[] {NormKind.SAFE, NormKind.FAST_SAFE}) {
                    assertThat(b.norm2(t, k)).as("%s NaN at %d/%d", k, pos, n).isNaN();
                }
                assertThat(b.norm1(t)).isNaN();
                assertThat(b.normInf(t)).isNaN();
                assertThat(b.allFinite(t)).isFalse();

                x[pos] = Double.NEGATIVE_INFINITY;
                t = vec(b, d, x);
                for (NormKind k : new NormKind[] {NormKind.SAFE, NormKind.FAST_SAFE}) {
                    assertThat(b.norm2(t, k)).as("%s -Inf at %d/%d", k, pos, n).isEqualTo(Double.POSITIVE_INFINITY);
                }
                assertThat(b.norm1(t)).isEqualTo(Double.POSITIVE_INFINITY);
                assertThat(b.normInf(t)).isEqualTo(Double.POSITIVE_INFINITY);
                assertThat(b.allFinite(t)).isFalse();
                if (n > 1) {
                    x[(pos + 1) % n] = Double.NaN;
                    assertThat(b.norm2(vec(b, d, x), NormKind.SAFE)).as("Inf and NaN").isNaN();
                }
            }
        }
        assertThat(b.norm2(vec(b, d, new double[] {0, 0, 0}), NormKind.SAFE)).isZero();
        assertThat(b.norm2(vec(b, d, new double[] {0, 0, 0}), NormKind.FAST_SAFE)).isZero();
        assertThat(b.allFinite(vec(b, d, gaussian(100, 1, 1e30)))).isTrue();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("combos")
    void rowNormsAndRowScaling(String name, DType d) {
        Backend b = Backends.create(name);
        int rows = 13, cols = 37;
        double[] x = gaussian(rows * cols, 3, 2.0);
        x[cols * 4 + 3] = d == DType.F64 ? 1e200 : 1e30; // row 4 overflows a naive norm
        double[] held = d == DType.F32 ? Reference.roundToFloat(x) : x;
        Tensor t = b.fromDoubles("m", rows, cols, d, x);
        double[] norms = new double[rows];
        b.rowNorms2(t, NormKind.SAFE, norms);
        double[] factors = new double[rows];
        for (int r = 0; r < rows; r++) {
            double[] row = java.util.Arrays.copyOfRange(held, r * cols, (r + 1) * cols);
            assertThat(relErr(norms[r], Reference.norm2(row))).as("row %d", r).isLessThanOrEqualTo(safeTol(d));
            factors[r] = r % 2 == 0 ? 1.0 : 0.5;
        }
        b.scaleRows(t, factors);
        double[] y = b.toDoubles(t);
        for (int i = 0; i < y.length; i++) {
            double expected = d == DType.F64 ? held[i] * factors[i / cols] : (float) ((float) held[i] * (float) factors[i / cols]);
            assertThat(y[i]).as("element %d", i).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("combos")
    void elementWiseOperationsAreExact(String name, DType d) {
        Backend b = Backends.create(name);
        double[] x = {-3, -0.0, 0.0, 0.25, 2, 5, Double.NaN, -1e-3, 1.5, 7, -8, 0.5, 1, 2, 3, 4, 5, 6, 7};
        Tensor t = vec(b, d, x);
        b.clamp(t, -1, 1.5);
        double[] y = b.toDoubles(t);
        double[] expected = {-1, -0.0, 0.0, 0.25, 1.5, 1.5, Double.NaN, d == DType.F64 ? -1e-3 : (float) -1e-3, 1.5, 1.5, -1, 0.5, 1, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5};
        for (int i = 0; i < x.length; i++) {
            assertThat(Double.doubleToRawLongBits(y[i]) == Double.doubleToRawLongBits(expected[i])
                    || (Double.isNaN(y[i]) && Double.isNaN(expected[i])))
                    .as("clamp element %d: %s vs %s", i, y[i], expected[i]).isTrue();
        }
        b.zeroNonFinite(t);
        assertThat(b.toDoubles(t)[6]).isEqualTo(0.0);
        assertThat(b.allFinite(t)).isTrue();

        Tensor s = vec(b, d, new double[] {1, -2, 4, 0.5, 3, 3, 3, 3, 3, 3, 3});
        b.scale(s, 0.5);
        assertThat(b.toDoubles(s)).containsExactly(0.5, -1, 2, 0.25, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5);

        Tensor a = vec(b, d, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        Tensor c = vec(b, d, new double[] {1, 1, 1, 1, 1, 1, 1, 1, 2});
        b.axpy(2.0, c, a);
        assertThat(b.toDoubles(a)).containsExactly(3, 4, 5, 6, 7, 8, 9, 10, 13);
        b.addArray(a, -1.0, new double[] {3, 4, 5, 6, 7, 8, 9, 10, 13});
        assertThat(b.toDoubles(a)).containsOnly(0.0);
        b.copy(c, a);
        assertThat(b.toDoubles(a)).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 2);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("combos")
    void flatLayoutViewsShareOneBuffer(String name, DType d) {
        Backend b = Backends.create(name);
        var shape = ParamShapes.manySmall(5, 48);
        if (!b.supportsFlatLayout()) {
            assertThatThrownBy(() -> ParamSet.zeros(b, shape, d, Layout.FLAT))
                    .isInstanceOf(UnsupportedCombinationException.class).hasMessageContaining("flat layout");
            return;
        }
        ParamSet p = ParamSet.gaussian(b, shape, d, Layout.FLAT, 7, 1.0);
        ParamSet sep = ParamSet.gaussian(b, shape, d, Layout.SEPARATE, 7, 1.0);
        assertThat(b.toDoubles(p.flatBuffer())).hasSize(5 * 48);
        b.scale(p.tensor(2), 0.0);
        double[] all = b.toDoubles(p.flatBuffer());
        for (int i = 0; i < all.length; i++) {
            boolean inThird = i >= 96 && i < 144;
            assertThat(all[i] == 0.0).as("element %d", i).isEqualTo(inThird);
        }
        assertThat(b.toDoubles(p.tensor(3))).isEqualTo(b.toDoubles(sep.tensor(3)));
    }

    @Test
    void unsupportedCombinationsAreReportedNotFaked() {
        assertThatThrownBy(() -> Backends.create("commons-math").zeros("x", 1, 3, DType.F32))
                .isInstanceOf(UnsupportedCombinationException.class).hasMessageContaining("f32");
        assertThatThrownBy(() -> Backends.create("ejml", 2))
                .isInstanceOf(UnsupportedCombinationException.class).hasMessageContaining("threads=1");
        assertThatThrownBy(() -> Backends.create("nd4j", 2))
                .isInstanceOf(UnsupportedCombinationException.class).hasMessageContaining("OMP_NUM_THREADS=2");
        assertThatThrownBy(() -> Backends.create("numpy"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Backends.names().toString()).hasMessageContaining("[arrays, vector, ejml");
    }

    @Test
    void multiThreadedJavaBackendsAgreeWithSingleThreaded() {
        for (String name : new String[] {"arrays", "vector"}) {
            Backend one = Backends.create(name, 1);
            Backend two = Backends.create(name, 2);
            for (DType d : DType.values()) {
                int n = 3 * ArraysBackend.PARALLEL_MIN + 5;
                double[] x = gaussian(n, 9, 1.0);
                Tensor a = vec(one, d, x);
                Tensor c = vec(two, d, x);
                for (NormKind k : NormKind.values()) {
                    // chunked sums round differently; naive f32 sums in float, so it differs most
                    double tol = d != DType.F64 && (k == NormKind.NAIVE || k == NormKind.LIBRARY) ? 1e-4 : 1e-6;
                    assertThat(relErr(two.norm2(c, k), one.norm2(a, k))).as("%s %s %s", name, d, k).isLessThan(tol);
                }
                assertThat(two.normInf(c)).isEqualTo(one.normInf(a));
                one.clamp(a, -0.5, 0.5);
                two.clamp(c, -0.5, 0.5);
                one.scale(a, 0.3);
                two.scale(c, 0.3);
                assertThat(two.toDoubles(c)).isEqualTo(one.toDoubles(a));
                int cols = n / 64;
                double[] head = java.util.Arrays.copyOf(x, 64 * cols);
                double[] rnTwo = new double[64];
                double[] rnOne = new double[64];
                two.rowNorms2(two.fromDoubles("m", 64, cols, d, head), NormKind.SAFE, rnTwo);
                one.rowNorms2(one.fromDoubles("m", 64, cols, d, head), NormKind.SAFE, rnOne);
                assertThat(rnTwo).containsExactly(rnOne);
            }
        }
    }

    @Test
    void registeredCapabilitiesMatchTheBackends() {
        for (String name : Backends.names()) {
            Backend b = Backends.create(name);
            Backends.Capabilities c = Backends.capabilities(name);
            assertThat(b.supports(DType.F32)).as(name).isEqualTo(c.f32());
            assertThat(b.supports(DType.BF16)).as(name).isEqualTo(c.half16());
            assertThat(b.supports(DType.F16)).as(name).isEqualTo(c.half16());
            assertThat(b.supportsFlatLayout()).as(name).isEqualTo(c.flatLayout());
            assertThat(b.supports(DType.F64)).isTrue();
            assertThat(b.describe(Op.NORM2_LIBRARY)).isNotBlank();
        }
    }
}
