package org.clipbench.backend;

import org.clipbench.kernel.Activation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.clipbench.params.ParamSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The operations models need, on every backend and dtype, against plain double loops. */
class ModelOpsTest {

    static java.util.List<org.junit.jupiter.params.provider.Arguments> combos() {
        return BackendCombos.all();
    }

    static double[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = ParamSet.gaussian(r);
        return x;
    }

    static double[] held(DType d, double[] x) {
        double[] y = x.clone();
        if (d == DType.F32) for (int i = 0; i < y.length; i++) y[i] = (float) y[i];
        return y;
    }

    static void assertClose(double[] actual, double[] expected, DType d, String what) {
        double max = 0;
        for (double e : expected) max = Math.max(max, Math.abs(e));
        double tol = (d == DType.F64 ? 1e-12 : 2e-5) * Math.max(1, max);
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs(actual[i] - expected[i])).as("%s element %d: %s vs %s", what, i, actual[i], expected[i])
                    .isLessThanOrEqualTo(tol);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("combos")
    void gemmForEveryTransposeAndBeta(String name, DType d) {
        Backend b = Backends.create(name);
        int m = 5, n = 19, k = 7;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (double beta : new double[] {0, 1, -0.5}) {
                    double[] av = held(d, random(m * k, 1)), bv = held(d, random(k * n, 2)), cv = held(d, random(m * n, 3));
                    if (beta == 0) cv[4] = Double.NaN; // overwritten, as in BLAS
                    Tensor a = ta ? b.fromDoubles("a", k, m, d, transpose(av, m, k)) : b.fromDoubles("a", m, k, d, av);
                    Tensor bt = tb ? b.fromDoubles("b", n, k, d, transpose(bv, k, n)) : b.fromDoubles("b", k, n, d, bv);
                    Tensor c = b.fromDoubles("c", m, n, d, cv);
                    b.gemm(ta, tb, 0.7, a, bt, beta, c);
                    double[] expected = new double[m * n];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double s = 0;
                            for (int p = 0; p < k; p++) s += av[i * k + p] * bv[p * n + j];
                            expected[i * n + j] = 0.7 * s + (beta == 0 ? 0 : beta * cv[i * n + j]);
                        }
                    }
                    assertClose(b.toDoubles(c), expected, d, "gemm ta=" + ta + " tb=" + tb + " beta=" + beta);
                }
            }
        }
        Tensor a = b.zeros("a", 2, 3, d);
        assertThatThrownBy(() -> b.gemm(false, false, 1, a, a, 0, b.zeros("c", 2, 3, d))).hasMessageContaining("do not fit");
    }

    static double[] transpose(double[] x, int rows, int cols) {
        double[] t = new double[x.length];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = x[r * cols + c];
        return t;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("combos")
    void biasOperations(String name, DType d) {
        Backend b = Backends.create(name);
        int rows = 4, cols = 21;
        double[] mv = held(d, random(rows * cols, 5)), rv = held(d, random(cols, 6)), ov = held(d, random(cols, 7));
        Tensor m = b.fromDoubles("m", rows, cols, d, mv);
        b.addRowVector(m, b.fromDoubles("r", 1, cols, d, rv));
        double[] expected = mv.clone();
        for (int i = 0; i < expected.length; i++) expected[i] += rv[i % cols];
        assertClose(b.toDoubles(m), expected, d, "addRowVector");

        for (double beta : new double[] {0, 0.5}) {
            Tensor out = b.fromDoubles("o", 1, cols, d, ov);
            b.sumRows(b.fromDoubles("m", rows, cols, d, mv), beta, out);
            double[] sums = new double[cols];
            for (int i = 0; i < mv.length; i++) sums[i % cols] += mv[i];
            for (int j = 0; j < cols; j++) sums[j] += beta * ov[j];
            assertClose(b.toDoubles(out), sums, d, "sumRows beta=" + beta);
        }
        Tensor f = b.zeros("f", 3, 5, d);
        b.fill(f, 2.5);
        assertThat(b.toDoubles(f)).containsOnly(2.5);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("combos")
    void activationsAndTheirDerivatives(String name, DType d) {
        Backend b = Backends.create(name);
        double[] xv = held(d, random(37, 8));
        xv[3] = 0.0; // relu at its kink
        for (Activation f : Activation.values()) {
            Tensor x = b.fromDoubles("x", 1, xv.length, d, xv);
            Tensor y = b.zeros("y", 1, xv.length, d);
            b.activate(f, x, y);
            double[] expected = new double[xv.length];
            for (int i = 0; i < xv.length; i++) expected[i] = f.apply(xv[i]);
            assertClose(b.toDoubles(y), expected, d, f + " out of place");
            b.activate(f, x, x);
            assertClose(b.toDoubles(x), expected, d, f + " in place");

            double[] gv = held(d, random(xv.length, 9));
            Tensor g = b.fromDoubles("g", 1, xv.length, d, gv);
            b.activationBackward(f, y, g);
            double[] yv = b.toDoubles(y);
            double[] eg = new double[xv.length];
            for (int i = 0; i < xv.length; i++) eg[i] = gv[i] * f.derivativeFromOutput(yv[i]);
            assertClose(b.toDoubles(g), eg, d, f + " backward");
        }
    }

    /** The Frobenius inner product, accumulated in f64 (f32 products widened), NaN propagated. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("combos")
    void dotIsTheSumOfProducts(String name, DType d) {
        Backend b = Backends.create(name);
        double[] xv = held(d, random(6 * 7, 10)), yv = held(d, random(6 * 7, 11));
        double expected = 0, magnitude = 0;
        for (int i = 0; i < xv.length; i++) {
            expected += xv[i] * yv[i];
            magnitude += Math.abs(xv[i] * yv[i]);
        }
        Tensor x = b.fromDoubles("x", 6, 7, d, xv), y = b.fromDoubles("y", 6, 7, d, yv);
        // f64: rounding of the sum only; f32: nd4j rounds each product to f32 before its f64 sum (2^-24 of each)
        double tol = (d == DType.F64 ? 1e-15 * xv.length : 1e-7) * magnitude;
        assertThat(b.dot(x, y)).isCloseTo(expected, org.assertj.core.api.Assertions.within(tol));
        xv[5] = Double.NaN;
        assertThat(b.dot(b.fromDoubles("x", 6, 7, d, xv), y)).isNaN();
        assertThatThrownBy(() -> b.dot(x, b.zeros("z", 7, 6, d))).hasMessageContaining("mismatch");
    }

    /**
     * A row view shares its tensor's storage (arrays, vector, nd4j): an operation reads the rows, a write through it is seen in
     * the tensor; the backends without views refuse, naming those with them.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("combos")
    void rowViewsShareStorageOrAreRefused(String name, DType d) {
        Backend b = Backends.create(name);
        double[] v = held(d, random(5 * 3, 12));
        Tensor t = b.fromDoubles("t", 5, 3, d, v);
        if (!b.supportsFlatLayout()) {
            assertThatThrownBy(() -> b.rows(t, 1, 2)).isInstanceOf(UnsupportedCombinationException.class).hasMessageContaining("arrays, vector, nd4j");
            return;
        }
        Tensor rows = b.rows(t, 1, 2);
        assertThat(rows.rows()).isEqualTo(2);
        assertThat(rows.cols()).isEqualTo(3);
        assertThat(b.toDoubles(rows)).containsExactly(java.util.Arrays.copyOfRange(v, 3, 9));
        Tensor g = b.zeros("g", 2, 2, d);
        b.gemm(false, true, 1.0, rows, rows, 0.0, g);
        double[] gram = new double[4];
        for (int r = 0; r < 2; r++) for (int c = 0; c < 2; c++) for (int k = 0; k < 3; k++) gram[r * 2 + c] += v[3 + r * 3 + k] * v[3 + c * 3 + k];
        assertClose(b.toDoubles(g), gram, d, "gram of a view");
        b.fill(rows, 7.0);
        double[] after = b.toDoubles(t);
        for (int i = 0; i < after.length; i++) assertThat(after[i]).as("element %d", i).isEqualTo(i >= 3 && i < 9 ? 7.0 : v[i]);
        assertThatThrownBy(() -> b.rows(t, 4, 2)).hasMessageContaining("are not rows of");
    }
}
