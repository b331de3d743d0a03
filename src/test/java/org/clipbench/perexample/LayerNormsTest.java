package org.clipbench.perexample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.backend.Tensor;
import org.clipbench.params.ParamSet;
import org.clipbench.strategy.ScaledNorm;
import org.junit.jupiter.api.Test;

/**
 * Each example's norm in a layer, by ghost norms and by its formed gradient, against the norm of delta_i^T a_i and
 * sum_t delta_it computed here in f64 from the entries (with powers of two taken out, so that 1e200 and 1e-200 are
 * exact): at T = 1 (row norms) and T > 1 (Gram matrices), in the plain range and on the rescue paths.
 */
class LayerNormsTest {
    static final Backend B = Backends.create("arrays", 1);

    /** The exact norm of example i's weight and bias gradient, as value x 2^(ea + ed). */
    static double[] reference(double[] a, double[] d, int i, int T, int in, int out, double sa, double sd) {
        double sum = 0, bias = 0;
        for (int o = 0; o < out; o++) {
            double b = 0;
            for (int t = 0; t < T; t++) b += d[(i * T + t) * out + o] / sd;
            bias += b * b;
            for (int k = 0; k < in; k++) {
                double g = 0;
                for (int t = 0; t < T; t++) g += (d[(i * T + t) * out + o] / sd) * (a[(i * T + t) * in + k] / sa);
                sum += g * g;
            }
        }
        return new double[] {Math.sqrt(sum), Math.sqrt(bias)}; // weight norm in units of sa sd, bias norm in units of sd
    }

    static double[] gaussian(int n, long seed, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = scale * ParamSet.gaussian(r);
        return x;
    }

    static void check(int examples, int T, int in, int out, double sa, double sd, DType dtype, double tol) {
        double[] a = gaussian(examples * T * in, 1, sa), d = gaussian(examples * T * out, 2, sd);
        LayerTrace t = new LayerTrace(B.fromDoubles("a", examples * T, in, dtype, a), B.fromDoubles("d", examples * T, out, dtype, d), T, 0, 1);
        // what the tensors hold (f32 rounds), as the reference sees it
        a = B.toDoubles(t.input());
        d = B.toDoubles(t.outputGradient());
        Traces.Screen screen = Traces.screen(java.util.List.of(t), B, dtype);
        assertThat(screen.safe()).isTrue();
        Workspace ws = new Workspace(B, dtype);
        ScaledNorm[] ghost = LayerNorms.ghost(t, screen.maxInput()[0], screen.maxOutputGradient()[0], B, dtype, ws);
        ScaledNorm[] formed = LayerNorms.instantiated(t, B, ws);
        for (int i = 0; i < examples; i++) {
            double[] want = reference(a, d, i, T, in, out, sa, sd);
            // ||g|| in units of sa sd: the weight part, and the bias part (units of sd) brought to the same units
            double total = Math.hypot(want[0], want[1] / sa);
            for (ScaledNorm got : new ScaledNorm[] {ghost[i], formed[i]}) {
                double inUnits = Math.scalb(got.value(), got.exponent()) / sa / sd;
                if (!Double.isFinite(inUnits) || inUnits == 0) inUnits = got.value() * Math.scalb(1.0, got.exponent() - Math.getExponent(sa) - Math.getExponent(sd))
                        / (sa / Math.scalb(1.0, Math.getExponent(sa))) / (sd / Math.scalb(1.0, Math.getExponent(sd)));
                assertThat(inUnits).as("example %d, T = %d, scales %s, %s, %s", i, T, sa, sd, dtype).isCloseTo(total, org.assertj.core.api.Assertions.within(tol * total));
            }
        }
    }

    @Test
    void ghostAndFormedNormsAreTheGradientsNormAtEveryLengthAndScale() {
        for (int T : new int[] {1, 5}) {
            check(3, T, 7, 4, 1, 1, DType.F64, 1e-12);
            check(3, T, 7, 4, 1, 1, DType.F32, 1e-5);
            // squares of the entries overflow (f64: 1e200 x 1e200 per product; f32: Gram entries of 1e36)
            check(3, T, 7, 4, 1e100, 1e100, DType.F64, 1e-12);
            check(3, T, 7, 4, 1e18, 1e-3, DType.F32, 1e-5);
            // and underflow
            check(3, T, 7, 4, 1e-100, 1e-100, DType.F64, 1e-12);
            check(3, T, 7, 4, 1e-14, 1e-10, DType.F32, 1e-5);
        }
    }

    /** The Gram range test: in range for ordinary data; out of it where a product of two Gram entries would overflow or underflow. */
    @Test
    void gramMatricesAreUsedOnlyWhereTheirProductsStayInRange() {
        LayerTrace t = new LayerTrace(B.zeros("a", 8, 768, DType.F32), B.zeros("d", 8, 3072, DType.F32), 8, 0, 1);
        assertThat(LayerNorms.gramsInRange(3, 1e-3, t, DType.F32)).isTrue();
        assertThat(LayerNorms.gramsInRange(1e15, 1e15, t, DType.F32)).as("1e30 x 1e30 products").isFalse();
        assertThat(LayerNorms.gramsInRange(1e-12, 1e-12, t, DType.F32)).as("products below f32's normal range").isFalse();
        LayerTrace t64 = new LayerTrace(B.zeros("a", 8, 768, DType.F64), B.zeros("d", 8, 3072, DType.F64), 8, 0, 1);
        assertThat(LayerNorms.gramsInRange(1e15, 1e15, t64, DType.F64)).isTrue();
        assertThat(LayerNorms.gramsInRange(1e100, 1e60, t64, DType.F64)).as("1e400 in the sum").isFalse();
    }

    /** A batch with a NaN, an Inf, or entries whose per-example gradient could overflow is screened out of the norm-only path. */
    @Test
    void theScreenSendsNonFiniteAndOverflowingBatchesToTheMaterialisedPath() {
        double[] a = gaussian(2 * 3 * 4, 1, 1), d = gaussian(2 * 3 * 5, 2, 1);
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, 1e307}) {
            double[] x = a.clone();
            x[7] = bad;
            LayerTrace t = new LayerTrace(B.fromDoubles("a", 6, 4, DType.F64, x), B.fromDoubles("d", 6, 5, DType.F64, d), 3, 0, 1);
            assertThat(Traces.screen(java.util.List.of(t), B, DType.F64).safe()).as("%s", bad).isFalse();
        }
        LayerTrace ok = new LayerTrace(B.fromDoubles("a", 6, 4, DType.F64, a), B.fromDoubles("d", 6, 5, DType.F64, d), 3, 0, 1);
        Traces.Screen s = Traces.screen(java.util.List.of(ok), B, DType.F64);
        assertThat(s.safe()).isTrue();
        double max0 = 0;
        for (int k = 0; k < 12; k++) max0 = Math.max(max0, Math.abs(a[k]));
        assertThat(s.maxInput()[0][0]).isEqualTo(max0);
    }

    @Test
    void aTraceMustHoldWholeExamples() {
        Tensor a = B.zeros("a", 7, 2, DType.F64), d = B.zeros("d", 7, 3, DType.F64);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LayerTrace(a, d, 2, 0, 1)).hasMessageContaining("are not 2 rows per example");
    }
}
