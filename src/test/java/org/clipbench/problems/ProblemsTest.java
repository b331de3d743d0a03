package org.clipbench.problems;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.clipbench.tasks.NoiseDistribution;
import org.junit.jupiter.api.Test;

class ProblemsTest {
    static final Backend B = Backends.create("arrays");

    @Test
    void cliffHasAWallWithAHugeGradientNearTheDocumentedPlace() {
        CliffNeuron cliff = CliffNeuron.paper(5, -2.6);
        double maxGrad = 0, bAtMax = 0, far = 0;
        double before = Double.NaN, after = Double.NaN;
        for (double b = -2.64; b <= -2.58; b += 1e-6) {
            double[] r = cliff.lossAndGradient(5, b);
            double g = Math.hypot(r[1], r[2]);
            if (g > maxGrad) {
                maxGrad = g;
                bAtMax = b;
            }
            if (Math.abs(b + 2.64) < 1e-9) far = g;
        }
        assertThat(maxGrad).as("gradient norm at the wall").isGreaterThan(1000);
        assertThat(bAtMax).isCloseTo(-2.612, within(0.01));
        before = cliff.lossAndGradient(5, bAtMax - 2e-4)[0];
        after = cliff.lossAndGradient(5, bAtMax + 2e-4)[0];
        assertThat(Math.max(before, after)).isGreaterThan(0.3);
        assertThat(Math.min(before, after)).isLessThan(0.01);
        assertThat(far).isLessThan(1);
    }

    @Test
    void cliffGradientMatchesFiniteDifferences() {
        CliffNeuron cliff = CliffNeuron.paper(5, -2.6);
        for (double[] wb : new double[][] {{5, -2.5}, {4, -2}, {5, -2.7}, {6, -3}}) {
            double[] r = cliff.lossAndGradient(wb[0], wb[1]);
            double h = 1e-6;
            double dw = (cliff.lossAndGradient(wb[0] + h, wb[1])[0] - cliff.lossAndGradient(wb[0] - h, wb[1])[0]) / (2 * h);
            double db = (cliff.lossAndGradient(wb[0], wb[1] + h)[0] - cliff.lossAndGradient(wb[0], wb[1] - h)[0]) / (2 * h);
            assertThat(r[1]).isCloseTo(dw, within(1e-6 * Math.max(1, Math.abs(dw))));
            assertThat(r[2]).isCloseTo(db, within(1e-6 * Math.max(1, Math.abs(db))));
        }
    }

    @Test
    void smoothFunctionsAreL0L1Smooth() {
        SmoothFunction f = new SmoothFunction(SmoothFunction.Kind.COSH2, 5);
        for (double x = -15; x <= 15; x += 0.01) {
            assertThat(Math.abs(f.secondDerivative(x))).isLessThanOrEqualTo(2 + Math.abs(f.derivative(x)) + 1e-9);
            double h = 1e-6 * Math.max(1, Math.abs(x));
            assertThat(f.derivative(x)).isCloseTo((f.value(x + h) - f.value(x - h)) / (2 * h),
                    within(1e-5 * Math.max(1, Math.abs(f.derivative(x)))));
        }
        ParamSet p = ParamSet.zeros(B, f.shape(), DType.F64, Layout.SEPARATE);
        f.initialize(p, null);
        ParamSet g = p.zerosLike();
        assertThat(f.lossAndGradient(p, null, g)).isCloseTo(Math.exp(5) + Math.exp(-5), within(1e-12));
        assertThat(B.toDoubles(g.tensor(0))[0]).isCloseTo(Math.exp(5) - Math.exp(-5), within(1e-12));
    }

    @Test
    void noisyQuadraticGradientIsXPlusZeroMeanNoise() {
        NoisyQuadratic q = new NoisyQuadratic(100, 0.01, NoiseDistribution.parse("exponential", 1.0));
        ParamSet p = ParamSet.zeros(B, q.shape(), DType.F64, Layout.SEPARATE);
        q.initialize(p, null);
        assertThat(B.toDoubles(p.tensor(0))[99]).isCloseTo(0.99, within(1e-15));
        ParamSet g = p.zerosLike();
        SplittableRandom r = new SplittableRandom(3);
        double[] mean = new double[100];
        int n = 20000;
        for (int k = 0; k < n; k++) {
            q.lossAndGradient(p, r, g);
            double[] v = B.toDoubles(g.tensor(0));
            for (int i = 0; i < 100; i++) mean[i] += v[i] / n;
        }
        for (int i = 0; i < 100; i += 11) assertThat(mean[i]).isCloseTo(0.01 * i, within(0.04)); // sd 1/sqrt(n) = 0.007
        assertThat(q.evaluate(p, r).get("loss")).isCloseTo(0.5 * 1e-4 * 328350, within(1e-9)); // sum i^2, i < 100
    }

    /** The workers' gradients average to the full gradient; the optimum is their targets' mean; each seed draws a new instance. */
    @Test
    void heterogeneousWorkersAverageToTheFullGradient() {
        HeterogeneousWorkers w = new HeterogeneousWorkers(4, 3, 10);
        ParamSet x = ParamSet.zeros(B, w.shape(), DType.F64, Layout.SEPARATE);
        w.initialize(x, new SplittableRandom(7));
        B.assign(x.tensor(0), new double[] {1, -2, 0.5});
        java.util.List<ParamSet> perWorker = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) perWorker.add(x.zerosLike());
        double lossPerWorker = w.perExampleGradients(x, new SplittableRandom(1), perWorker);
        ParamSet full = x.zerosLike();
        double loss = w.lossAndGradient(x, new SplittableRandom(1), full);
        assertThat(loss).isEqualTo(lossPerWorker);
        double[] mean = new double[3];
        for (ParamSet g : perWorker) for (int j = 0; j < 3; j++) mean[j] += g.toDoubles().get(0)[j] / 4;
        assertThat(full.toDoubles().get(0)).containsExactly(mean, within(1e-12));
        assertThat(perWorker.get(0).toDoubles().get(0)).isNotEqualTo(perWorker.get(1).toDoubles().get(0)); // heterogeneous
        // at x = mean(b) the full gradient and the excess loss are 0
        double[] optimum = new double[3];
        for (int j = 0; j < 3; j++) optimum[j] = new double[] {1, -2, 0.5}[j] - mean[j];
        B.assign(x.tensor(0), optimum);
        assertThat(w.evaluate(x, new SplittableRandom(1)).get("distance")).isCloseTo(0, within(1e-12));
        // the excess loss is the mean loss less its value at the optimum: ||x - x*||^2 / 2 with x = 0
        B.assign(x.tensor(0), new double[3]);
        double atZero = w.lossAndGradient(x, new SplittableRandom(1), full);
        B.assign(x.tensor(0), optimum);
        double atOptimum = w.lossAndGradient(x, new SplittableRandom(1), full);
        B.assign(x.tensor(0), new double[3]);
        assertThat(w.evaluate(x, new SplittableRandom(1)).get("loss")).isCloseTo(atZero - atOptimum, within(1e-9));
        HeterogeneousWorkers other = new HeterogeneousWorkers(4, 3, 10);
        other.initialize(x.zerosLike(), new SplittableRandom(8));
        B.assign(x.tensor(0), new double[3]);
        assertThat(other.evaluate(x, null).get("distance")).isNotEqualTo(w.evaluate(x, null).get("distance"));
    }

    /** The quartic's and phase retrieval's gradients match central finite differences of their losses on the same sample. */
    @Test
    void superQuadraticGradientsMatchFiniteDifferences() {
        for (Problem problem : java.util.List.<Problem>of(new StochasticQuartic(4, 2, 1), new PhaseRetrieval(4, 20, 3, 2))) {
            ParamSet x = ParamSet.zeros(B, problem.shape(), DType.F64, Layout.SEPARATE);
            problem.initialize(x, new SplittableRandom(3));
            B.assign(x.tensor(0), new double[] {0.7, -1.3, 0.2, 1.1});
            ParamSet g = x.zerosLike();
            problem.lossAndGradient(x, new SplittableRandom(11), g);
            double[] analytic = g.toDoubles().get(0);
            for (int j = 0; j < 4; j++) {
                double h = 1e-6;
                double[] plus = {0.7, -1.3, 0.2, 1.1}, minus = plus.clone();
                plus[j] += h;
                minus[j] -= h;
                B.assign(x.tensor(0), plus);
                double fPlus = problem.lossAndGradient(x, new SplittableRandom(11), x.zerosLike());
                B.assign(x.tensor(0), minus);
                double fMinus = problem.lossAndGradient(x, new SplittableRandom(11), x.zerosLike());
                assertThat(analytic[j]).as("%s coordinate %d", problem.name(), j).isCloseTo((fPlus - fMinus) / (2 * h), within(1e-5 * Math.max(1, Math.abs(analytic[j]))));
            }
        }
    }

    /** Phase retrieval: the solution and its negative both have loss 0 and distance 0; the quartic's optimum is 0. */
    @Test
    void phaseRetrievalIsSolvedUpToSign() {
        PhaseRetrieval p = new PhaseRetrieval(5, 30, 1, 3);
        ParamSet x = ParamSet.zeros(B, p.shape(), DType.F64, Layout.SEPARATE);
        p.initialize(x, new SplittableRandom(9));
        assertThat(p.evaluate(x, null).get("distance")).isGreaterThan(1); // starts at norm 3, the solution has norm 1
        // walk to the solution: gradient descent at a small step reaches loss ~0, distance ~0
        ParamSet g = x.zerosLike();
        for (int k = 0; k < 20000; k++) {
            p.lossAndGradient(x, new SplittableRandom(k), g);
            B.axpy(-0.002, g.tensor(0), x.tensor(0));
        }
        assertThat(p.evaluate(x, null).get("distance")).isLessThan(1e-3);
        double[] negated = java.util.Arrays.stream(x.toDoubles().get(0)).map(v -> -v).toArray();
        B.assign(x.tensor(0), negated);
        assertThat(p.evaluate(x, null).get("distance")).isLessThan(1e-3);
        assertThat(p.evaluate(x, null).get("loss")).isLessThan(1e-6);
        StochasticQuartic q = new StochasticQuartic(3, 5, 1);
        ParamSet y = ParamSet.zeros(B, q.shape(), DType.F64, Layout.SEPARATE);
        q.initialize(y, null);
        assertThat(q.evaluate(y, null).get("loss")).isEqualTo(3 * 625 / 4.0);
        assertThat(q.evaluate(y, null).get("distance")).isCloseTo(5 * Math.sqrt(3), within(1e-12));
    }
}
