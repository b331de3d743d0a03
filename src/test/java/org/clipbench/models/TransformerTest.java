package org.clipbench.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.clipbench.backend.Backend;
import org.clipbench.backend.BackendCombos;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.kernel.ArrayKernels;
import org.clipbench.kernel.VectorKernels;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The transformer's hand-written backward pass against central finite differences, for EVERY parameter tensor, with
 * each kernel family; the two families against each other; every backend and dtype against arrays f64; causality; and
 * per-example gradients. Sizes are tiny (vocab 7, context 5, width 8, 2 heads, 2 blocks, 1,912 parameters): the
 * central differences over every parameter took 5 s and the class 7 s on a 2-core EPYC shared with other builds.
 */
class TransformerTest {
    static final Backend ARRAYS = Backends.create("arrays");
    static final Transformer.Config CONFIG = new Transformer.Config(7, 5, 8, 2, 2);

    static Batch tokens(SplittableRandom r, int sequences) {
        double[][][] x = new double[CONFIG.context()][sequences][1];
        int[][] next = new int[CONFIG.context()][sequences];
        for (int i = 0; i < sequences; i++) {
            for (int t = 0; t < CONFIG.context(); t++) {
                x[t][i][0] = r.nextInt(CONFIG.vocab());
                next[t][i] = r.nextInt(CONFIG.vocab());
            }
        }
        return new Batch(x, null, null, next, null);
    }

    /** Parameters far from the initialisation (std 0.5, layer-norm gains included), so every path carries gradient. */
    static ParamSet params(Backend b, DType d, Transformer m) {
        return ParamSet.gaussian(b, m.shape(), d, Layout.SEPARATE, 11, 0.5);
    }

    /** The differences use the forward pass alone; the plain-loop twin is held to this one below. */
    @Test
    void everyTensorsGradientMatchesCentralDifferences() {
        ArrayKernels kernels = VectorKernels.INSTANCE;
        Transformer m = new Transformer(CONFIG, kernels);
        Batch batch = tokens(new SplittableRandom(5), 3);
        ParamSet p = params(ARRAYS, DType.F64, m);
        ParamSet g = p.zerosLike();
        m.lossAndGradient(p, batch, g);
        assertThat(p.size()).isEqualTo(2 + 12 * CONFIG.layers() + 3);
        for (int t = 0; t < p.size(); t++) {
            double[] values = ARRAYS.toDoubles(p.tensor(t)), analytic = ARRAYS.toDoubles(g.tensor(t)), numeric = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                double x = values[i], h = 1e-5 * Math.max(1, Math.abs(x));
                values[i] = x + h;
                ARRAYS.assign(p.tensor(t), values);
                double up = m.lossAndErrorRate(p, batch)[0];
                values[i] = x - h;
                ARRAYS.assign(p.tensor(t), values);
                double down = m.lossAndErrorRate(p, batch)[0];
                values[i] = x;
                ARRAYS.assign(p.tensor(t), values);
                numeric[i] = (up - down) / (2 * h);
            }
            double diff = 0, na = 0, nn = 0;
            for (int i = 0; i < values.length; i++) {
                diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
                na += analytic[i] * analytic[i];
                nn += numeric[i] * numeric[i];
            }
            String name = p.tensor(t).name();
            assertThat(na).as("%s has a non-zero gradient", name).isPositive();
            assertThat(Math.sqrt(diff) / (Math.sqrt(na) + Math.sqrt(nn))).as("tensor %s, %s", name, kernels.description()).isLessThanOrEqualTo(1e-6);
        }
    }

    @Test
    void theVectorAndScalarKernelsGiveTheSameLossAndGradients() {
        Batch batch = tokens(new SplittableRandom(6), 4);
        Transformer scalar = new Transformer(CONFIG, ArrayKernels.SCALAR), vector = new Transformer(CONFIG, VectorKernels.INSTANCE);
        ParamSet p = params(ARRAYS, DType.F64, scalar);
        ParamSet gs = p.zerosLike(), gv = p.zerosLike();
        double ls = scalar.lossAndGradient(p, batch, gs), lv = vector.lossAndGradient(p, batch, gv);
        // the SIMD products fuse multiply and add, the loops do not: equal up to rounding, not bit for bit
        assertThat(lv).isCloseTo(ls, within(1e-12 * Math.abs(ls)));
        for (int t = 0; t < p.size(); t++) close(ARRAYS.toDoubles(gv.tensor(t)), ARRAYS.toDoubles(gs.tensor(t)), 1e-10, p.tensor(t).name());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("org.clipbench.backend.BackendCombos#all")
    void everyBackendAndDtypeComputesTheSameGradients(String name, DType d) {
        Transformer m = new Transformer(CONFIG, VectorKernels.INSTANCE);
        Batch batch = tokens(new SplittableRandom(7), 3);
        ParamSet ref = params(ARRAYS, DType.F64, m), refG = ref.zerosLike();
        double refLoss = m.lossAndGradient(ref, batch, refG);
        Backend b = Backends.create(name);
        ParamSet p = params(b, d, m), g = p.zerosLike();
        double loss = m.lossAndGradient(p, batch, g);
        double tol = d == DType.F64 ? 1e-12 : 2e-4;
        assertThat(loss).isCloseTo(refLoss, within(tol * Math.max(1, refLoss)));
        for (int t = 0; t < g.size(); t++) close(b.toDoubles(g.tensor(t)), ARRAYS.toDoubles(refG.tensor(t)), tol, g.tensor(t).name());
        if (d == DType.F32) {
            // f32 really rounds: the loss is not the f64 loss to the last bits
            assertThat(loss).isNotEqualTo(refLoss);
        }
    }

    static void close(double[] actual, double[] expected, double tol, String what) {
        double max = 0;
        for (double v : expected) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs(actual[i] - expected[i])).as("%s[%d]", what, i).isLessThanOrEqualTo(tol * Math.max(1e-3, max));
        }
    }

    /** Changing the last token changes the last position's logits only: no position reads its future. */
    @Test
    void attentionIsCausal() {
        Transformer m = new Transformer(CONFIG, VectorKernels.INSTANCE);
        ParamSet p = params(ARRAYS, DType.F64, m);
        Batch a = tokens(new SplittableRandom(8), 1);
        double[][][] x = a.inputs().clone();
        int last = CONFIG.context() - 1, V = CONFIG.vocab();
        x[last] = new double[][] {{(a.inputs()[last][0][0] + 1) % V}};
        double[] la = m.allLogits(p, a), lb = m.allLogits(p, new Batch(x, null, null, a.stepLabels(), null));
        for (int t = 0; t < last; t++) {
            assertThat(java.util.Arrays.copyOfRange(lb, t * V, (t + 1) * V)).as("position %d", t).isEqualTo(java.util.Arrays.copyOfRange(la, t * V, (t + 1) * V));
        }
        assertThat(java.util.Arrays.copyOfRange(lb, last * V, (last + 1) * V)).isNotEqualTo(java.util.Arrays.copyOfRange(la, last * V, (last + 1) * V));
    }

    @Test
    void perExampleGradientsAverageToTheBatchGradient() {
        Transformer m = new Transformer(CONFIG, VectorKernels.INSTANCE);
        Batch batch = tokens(new SplittableRandom(9), 3);
        ParamSet p = params(ARRAYS, DType.F64, m), g = p.zerosLike();
        double loss = m.lossAndGradient(p, batch, g);
        List<ParamSet> per = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) per.add(p.zerosLike());
        assertThat(m.perExampleGradients(p, batch, per)).isCloseTo(loss, within(1e-12));
        for (int t = 0; t < g.size(); t++) {
            double[] mean = new double[(int) g.tensor(t).size()];
            for (ParamSet e : per) {
                double[] v = ARRAYS.toDoubles(e.tensor(t));
                for (int i = 0; i < v.length; i++) mean[i] += v[i] / batch.size();
            }
            close(mean, ARRAYS.toDoubles(g.tensor(t)), 1e-12, g.tensor(t).name());
        }
    }

    @Test
    void initialisationIsGpt2s() {
        Transformer m = new Transformer(new Transformer.Config(7, 5, 16, 2, 4), VectorKernels.INSTANCE);
        ParamSet p = ParamSet.zeros(ARRAYS, m.shape(), DType.F64, Layout.SEPARATE);
        m.initialize(p, new SplittableRandom(1));
        for (int t = 0; t < p.size(); t++) {
            String n = p.tensor(t).name();
            double[] v = ARRAYS.toDoubles(p.tensor(t));
            if (n.endsWith(".gain")) assertThat(v).containsOnly(1.0);
            else if (n.endsWith(".bias")) assertThat(v).containsOnly(0.0);
            else {
                double sq = 0;
                for (double x : v) sq += x * x;
                double std = Math.sqrt(sq / v.length), want = n.endsWith("proj.weight") ? 0.02 / Math.sqrt(8) : 0.02;
                assertThat(std).as(n).isCloseTo(want, within(0.35 * want));
            }
        }
    }

    @Test
    void badInputIsRefusedWithTheFix() {
        assertThatThrownBy(() -> new Transformer.Config(7, 5, 9, 2, 1)).hasMessageContaining("width 9 is not a multiple of heads 2");
        Transformer m = new Transformer(CONFIG, VectorKernels.INSTANCE);
        ParamSet p = params(ARRAYS, DType.F64, m);
        double[][][] x = new double[CONFIG.context()][1][1];
        x[0][0][0] = 7;
        int[][] next = new int[CONFIG.context()][1];
        assertThatThrownBy(() -> m.lossAndGradient(p, new Batch(x, null, null, next, null), p.zerosLike())).hasMessageContaining("token id 7.0 is not in [0, 7)");
        assertThatThrownBy(() -> m.lossAndGradient(p, new Batch(new double[3][1][1], null, null, new int[3][1], null), p.zerosLike()))
                .hasMessageContaining("reads 5 token ids per sequence, got 3");
    }
}
