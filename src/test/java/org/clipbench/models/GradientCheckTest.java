package org.clipbench.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.clipbench.kernel.Activation;
import org.clipbench.backend.Backend;
import org.clipbench.backend.BackendCombos;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Central finite differences against the hand-written backprop, in double precision: per tensor,
 * ||analytic - numeric|| / (||analytic|| + ||numeric||) <= 1e-6. Then every backend and dtype against
 * the arrays backend.
 */
class GradientCheckTest {

    static final Backend ARRAYS = Backends.create("arrays");

    static Batch classification(SplittableRandom r, int n, int in, int classes) {
        double[][] x = new double[n][in];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < in; j++) x[i][j] = ParamSet.gaussian(r);
            y[i] = r.nextInt(classes);
        }
        return Batch.classification(x, y);
    }

    static Batch regression(SplittableRandom r, int n, int in, int out) {
        double[][] x = new double[n][in], t = new double[n][out];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < in; j++) x[i][j] = ParamSet.gaussian(r);
            for (int j = 0; j < out; j++) t[i][j] = ParamSet.gaussian(r);
        }
        return Batch.regression(x, t);
    }

    static Batch sequence(SplittableRandom r, int n, int steps, int in, int out, Loss loss, boolean everyStep) {
        double[][][] x = new double[steps][n][in];
        for (double[][] s : x) for (double[] row : s) for (int j = 0; j < in; j++) row[j] = ParamSet.gaussian(r);
        int[] labels = new int[n];
        double[][] targets = new double[n][out];
        int[][] stepLabels = new int[steps][n];
        double[][][] stepTargets = new double[steps][n][out];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(out);
            for (int j = 0; j < out; j++) targets[i][j] = ParamSet.gaussian(r);
            for (int t = 0; t < steps; t++) {
                stepLabels[t][i] = r.nextInt(out);
                for (int j = 0; j < out; j++) stepTargets[t][i][j] = ParamSet.gaussian(r);
            }
        }
        boolean cls = loss.classification();
        return new Batch(x, cls ? labels : null, cls ? null : targets, everyStep && cls ? stepLabels : null,
                everyStep && !cls ? stepTargets : null);
    }

    /** Inputs and a target vector at every one of the steps (SequenceLinear). */
    static Batch everyStepRegression(SplittableRandom r, int n, int steps, int in, int out) {
        double[][][] x = new double[steps][n][in], y = new double[steps][n][out];
        for (double[][] s : x) for (double[] row : s) for (int j = 0; j < in; j++) row[j] = ParamSet.gaussian(r);
        for (double[][] s : y) for (double[] row : s) for (int j = 0; j < out; j++) row[j] = ParamSet.gaussian(r);
        return Batch.everyStep(x, y);
    }

    record Case(String label, Model model, Batch batch) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        SplittableRandom r = new SplittableRandom(42);
        List<Case> out = new ArrayList<>();
        out.add(new Case("linear", Models.linear(4, 2), regression(r, 5, 4, 2)));
        out.add(new Case("logistic", Models.logistic(4), classification(r, 6, 4, 2)));
        out.add(new Case("softmax", Models.softmax(4, 3), classification(r, 6, 4, 3)));
        for (Activation a : Activation.values()) {
            out.add(new Case("mlp-" + a + "-ce", new Mlp("mlp", new int[] {4, 6, 5, 3}, a, Loss.SOFTMAX_CROSS_ENTROPY),
                    classification(r, 5, 4, 3)));
            out.add(new Case("mlp-" + a + "-mse", new Mlp("mlp", new int[] {3, 7, 2}, a, Loss.MSE), regression(r, 4, 3, 2)));
        }
        out.add(new Case("sequence-linear-T1", new SequenceLinear(4, 3), everyStepRegression(r, 5, 1, 4, 3)));
        out.add(new Case("sequence-linear-T6", new SequenceLinear(4, 3), everyStepRegression(r, 4, 6, 4, 3)));
        for (Activation a : new Activation[] {Activation.TANH, Activation.SIGMOID}) {
            for (boolean every : new boolean[] {false, true}) {
                for (Loss loss : new Loss[] {Loss.MSE, Loss.SOFTMAX_CROSS_ENTROPY}) {
                    out.add(new Case("rnn-" + a + "-" + loss + (every ? "-every-step" : "-last"),
                            new ElmanRnn(3, 5, 2, a, loss, every, ElmanRnn.Init.BASIC), sequence(r, 4, 6, 3, 2, loss, every)));
                }
            }
        }
        return out.stream();
    }

    /** Parameters large enough that every unit is active and gradients are far from zero. */
    static ParamSet params(Backend b, DType d, Model m, long seed) {
        return ParamSet.gaussian(b, m.shape(), d, Layout.SEPARATE, seed, 0.5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void analyticGradientMatchesCentralDifferences(Case c) {
        Model m = c.model();
        ParamSet p = params(ARRAYS, DType.F64, m, 7);
        ParamSet g = p.zerosLike();
        m.lossAndGradient(p, c.batch(), g);
        ParamSet scratch = p.zerosLike();
        for (int t = 0; t < p.size(); t++) {
            double[] values = ARRAYS.toDoubles(p.tensor(t));
            double[] analytic = ARRAYS.toDoubles(g.tensor(t));
            double[] numeric = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                double x = values[i];
                double h = 1e-5 * Math.max(1, Math.abs(x));
                values[i] = x + h;
                ARRAYS.assign(p.tensor(t), values);
                double up = m.lossAndGradient(p, c.batch(), scratch);
                values[i] = x - h;
                ARRAYS.assign(p.tensor(t), values);
                double down = m.lossAndGradient(p, c.batch(), scratch);
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
            double rel = Math.sqrt(diff) / Math.max(Math.sqrt(na) + Math.sqrt(nn), 1e-12);
            assertThat(rel).as("%s tensor %s", c.label(), p.tensor(t).name()).isLessThanOrEqualTo(1e-6);
            assertThat(na).as("%s tensor %s has a non-zero gradient", c.label(), p.tensor(t).name()).isPositive();
        }
    }

    static Stream<Arguments> backendCases() {
        List<Arguments> out = new ArrayList<>();
        for (Arguments combo : BackendCombos.all()) {
            out.add(Arguments.of(combo.get()[0], combo.get()[1]));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendCases")
    void everyBackendComputesTheSameGradients(String name, DType d) {
        Backend b = Backends.create(name);
        cases().forEach(c -> {
            ParamSet ref = params(ARRAYS, DType.F64, c.model(), 7);
            ParamSet refG = ref.zerosLike();
            double refLoss = c.model().lossAndGradient(ref, c.batch(), refG);
            ParamSet p = params(b, d, c.model(), 7);
            ParamSet g = p.zerosLike();
            double loss = c.model().lossAndGradient(p, c.batch(), g);
            double tol = d == DType.F64 ? 1e-10 : 2e-4;
            assertThat(Math.abs(loss - refLoss)).as("%s loss", c.label()).isLessThanOrEqualTo(tol * Math.max(1, Math.abs(refLoss)));
            for (int t = 0; t < g.size(); t++) {
                double[] x = g.backend().toDoubles(g.tensor(t)), y = ARRAYS.toDoubles(refG.tensor(t));
                double max = 0;
                for (double v : y) max = Math.max(max, Math.abs(v));
                for (int i = 0; i < x.length; i++) {
                    assertThat(Math.abs(x[i] - y[i])).as("%s %s[%d]", c.label(), g.tensor(t).name(), i)
                            .isLessThanOrEqualTo(tol * Math.max(1e-3, max));
                }
            }
        });
    }

    /**
     * Every example alone (Batch.example) through the model, averaged, is the batch's gradient. For the models with a target
     * at every step this failed before Batch.example kept the step targets: a batch of one lost them (SequenceLinear refused
     * it; the RNN read its last-step targets instead).
     */
    @Test
    void perExampleGradientsAverageToTheBatchGradient() {
        SplittableRandom r = new SplittableRandom(3);
        List<Case> models = List.of(
                new Case("mlp", new Mlp("mlp", new int[] {4, 6, 3}, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY), classification(r, 5, 4, 3)),
                new Case("sequence-linear", new SequenceLinear(4, 3), everyStepRegression(r, 5, 6, 4, 3)),
                new Case("rnn-every-step", new ElmanRnn(3, 5, 2, Activation.TANH, Loss.MSE, true, ElmanRnn.Init.BASIC), sequence(r, 4, 6, 3, 2, Loss.MSE, true)));
        for (Case c : models) {
            Model m = c.model();
            Batch batch = c.batch();
            ParamSet p = params(ARRAYS, DType.F64, m, 1);
            ParamSet g = p.zerosLike();
            m.lossAndGradient(p, batch, g);
            List<ParamSet> per = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) per.add(p.zerosLike());
            m.perExampleGradients(p, batch, per);
            for (int t = 0; t < g.size(); t++) {
                double[] mean = new double[(int) g.tensor(t).size()];
                for (ParamSet e : per) {
                    double[] v = ARRAYS.toDoubles(e.tensor(t));
                    for (int i = 0; i < v.length; i++) mean[i] += v[i] / batch.size();
                }
                double[] full = ARRAYS.toDoubles(g.tensor(t));
                for (int i = 0; i < full.length; i++) {
                    assertThat(mean[i]).as("%s %s[%d]", c.label(), g.tensor(t).name(), i).isCloseTo(full[i], org.assertj.core.api.Assertions.within(1e-12));
                }
            }
        }
    }

    @Test
    void smartInitHasSpectralRadius095() {
        ElmanRnn rnn = new ElmanRnn(6, 50, 4, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY, false, ElmanRnn.Init.SMART);
        ParamSet p = ParamSet.zeros(ARRAYS, rnn.shape(), DType.F64, Layout.SEPARATE);
        rnn.initialize(p, new SplittableRandom(1));
        double[] w = ARRAYS.toDoubles(p.tensor(1));
        double[][] m = new double[50][50];
        int nonZero = 0;
        for (int i = 0; i < w.length; i++) {
            m[i / 50][i % 50] = w[i];
            if (w[i] != 0) nonZero++;
        }
        assertThat(nonZero).isEqualTo(50 * 15);
        var eig = new org.apache.commons.math3.linear.EigenDecomposition(new org.apache.commons.math3.linear.Array2DRowRealMatrix(m));
        double radius = 0;
        for (int i = 0; i < 50; i++) radius = Math.max(radius, Math.hypot(eig.getRealEigenvalue(i), eig.getImagEigenvalue(i)));
        assertThat(radius).isCloseTo(0.95, org.assertj.core.api.Assertions.within(1e-9));
    }
}
