package org.clipbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The SIMD kernels give the same bits cold (interpreted) and hot (compiled by C2), and the same bits as
 * their scalar twins where the scalar twin is the definition (activations). Before the fix, C2 compiled
 * the Vector API's lanewise TANH to Intel SVML while the interpreter used Math.tanh, so a sweep's
 * results depended on when the JIT kicked in (runs differed in the 16th digit).
 */
class VectorDeterminismTest {
    static final int WARM_CALLS = 30_000;

    static double[] values(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.nextGaussian() * 3;
        return x;
    }

    @Test
    void activationsAreBitIdenticalToTheScalarFunctionsWhenHot() {
        double[] x = values(517, 1);
        float[] xf = new float[x.length];
        for (int i = 0; i < x.length; i++) xf[i] = (float) x[i];
        for (Activation f : Activation.values()) {
            double[] y = new double[x.length], ref = new double[x.length];
            float[] yf = new float[x.length], reff = new float[x.length];
            ScalarKernels.INSTANCE.activate(f, x, 0, ref, 0, x.length);
            ScalarKernels.INSTANCE.activate(f, xf, 0, reff, 0, x.length);
            for (int k = 0; k < WARM_CALLS; k++) {
                VectorKernels.INSTANCE.activate(f, x, 0, y, 0, x.length);
                VectorKernels.INSTANCE.activate(f, xf, 0, yf, 0, x.length);
            }
            for (int i = 0; i < x.length; i++) {
                assertThat(Double.doubleToRawLongBits(y[i])).as("%s f64 at %d: %s vs %s", f, i, y[i], ref[i])
                        .isEqualTo(Double.doubleToRawLongBits(ref[i]));
                assertThat(Float.floatToRawIntBits(yf[i])).as("%s f32 at %d", f, i).isEqualTo(Float.floatToRawIntBits(reff[i]));
            }
        }
    }

    @Test
    void reductionsGiveTheSameBitsColdAndHot() {
        double[] x = values(4099, 2);
        double[] y = values(4099, 3);
        double normCold = VectorKernels.INSTANCE.norm2Naive(x, 0, x.length);
        double dotCold = VectorKernels.dot(x, 0, y, 0, x.length);
        double normHot = 0, dotHot = 0;
        for (int k = 0; k < WARM_CALLS; k++) {
            normHot = VectorKernels.INSTANCE.norm2Naive(x, 0, x.length);
            dotHot = VectorKernels.dot(x, 0, y, 0, x.length);
        }
        assertThat(Double.doubleToRawLongBits(normHot)).isEqualTo(Double.doubleToRawLongBits(normCold));
        assertThat(Double.doubleToRawLongBits(dotHot)).isEqualTo(Double.doubleToRawLongBits(dotCold));
    }
}
