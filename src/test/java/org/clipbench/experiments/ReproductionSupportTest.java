package org.clipbench.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.optim.Optimizers;
import org.clipbench.optim.Schedule;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.clipbench.problems.ScalarMean;
import org.clipbench.problems.ScaledLoss;
import org.clipbench.problems.SmoothFunction;
import org.clipbench.strategy.NonFinitePolicy;
import org.clipbench.strategy.Strategies;
import org.clipbench.tasks.NoiseDistribution;
import org.junit.jupiter.api.Test;

/** What the reproductions rely on: gradient targets, stopping, spike counts, the mean-estimation problem, loss scaling. */
class ReproductionSupportTest {
    static final Backend B = Backends.create("arrays");

    static Trainer.Settings gradTarget(long steps, double lr, double target) {
        return Trainer.Settings.builder(steps, lr).maxCurvePoints(50).targetGradNorm(target).stopAtTarget(true).build();
    }

    /** Every smooth function's derivatives against central differences of the one below (controls included). */
    @Test
    void smoothFunctionDerivativesMatchFiniteDifferences() {
        for (SmoothFunction.Kind k : SmoothFunction.Kind.values()) {
            SmoothFunction f = new SmoothFunction(k, 0);
            for (double x : new double[] {-3, -0.7, 0.3, 1.1, 4}) {
                double h = 1e-5;
                assertThat(f.derivative(x)).as("%s f' at %s", k, x).isCloseTo((f.value(x + h) - f.value(x - h)) / (2 * h), within(1e-6 * (1 + Math.abs(f.derivative(x)))));
                assertThat(f.secondDerivative(x)).as("%s f'' at %s", k, x)
                        .isCloseTo((f.derivative(x + h) - f.derivative(x - h)) / (2 * h), within(1e-6 * (1 + Math.abs(f.secondDerivative(x)))));
            }
        }
        assertThat(new SmoothFunction(SmoothFunction.Kind.LOGCOSH, 0).value(800)).isEqualTo(800 - Math.log(2)); // no overflow of cosh
    }

    @Test
    void gradientTargetCountsUpdatesAndStopsThere() {
        // f = e^x + e^-x, f'(x) = 2 sinh x; from x0 = 2 with lr 0.1 each update multiplies x by about 1 - 0.2 cosh x
        SmoothFunction f = new SmoothFunction(SmoothFunction.Kind.COSH2, 2);
        Trainer.Result r = Trainer.train(f, B, DType.F64, Strategies.create("none"), Optimizers.create("sgd"), 1, gradTarget(100_000, 0.1, 1e-6));
        double x = 2;
        long updates = 0;
        while (Math.abs(2 * Math.sinh(x)) > 1e-6) {
            x -= 0.1 * 2 * Math.sinh(x);
            updates++;
        }
        assertThat(r.stepsToTarget()).isEqualTo(updates);
        assertThat(r.steps()).isEqualTo(updates + 1); // the step that saw the target ran no update
        assertThat(r.finalEval().get("abs_grad")).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void localSmoothnessIsTheGradientChangeOverHalfTheStep() {
        // f = e^x + e^-x from x = 2, plain SGD at lr 0.01: u = -0.01 f'(2), L-hat = |f'(2 + u/2) - f'(2)| / (|u|/2)
        SmoothFunction f = new SmoothFunction(SmoothFunction.Kind.COSH2, 2);
        var s = Trainer.Settings.builder(3, 0.01).maxCurvePoints(50).logSmoothness(true).build();
        Trainer.Result r = Trainer.train(f, B, DType.F64, Strategies.create("none"), Optimizers.create("sgd"), 1, s);
        double g = 2 * Math.sinh(2), u = -0.01 * g;
        double expected = Math.abs(2 * Math.sinh(2 + u / 2) - g) / (Math.abs(u) / 2);
        Trainer.Point first = r.curve().stream().filter(p -> p.metric().equals("smoothness") && p.step() == 0).findFirst().orElseThrow();
        assertThat(first.value()).isCloseTo(expected, within(1e-9 * expected));
        assertThat(expected).isCloseTo(2 * Math.cosh(2 + u / 4), within(1e-3)); // f'' halfway along the half step
        Trainer.Point norm = r.curve().stream().filter(p -> p.metric().equals("smoothness_grad_norm") && p.step() == 0).findFirst().orElseThrow();
        assertThat(norm.value()).isCloseTo(g, within(1e-12 * g));
    }

    @Test
    void smoothnessLoggingOffLeavesARunUnchanged() {
        ScalarMean p = new ScalarMean(NoiseDistribution.parse("gaussian", 1), 1, 4);
        var off = Trainer.Settings.builder(200, 0.1).maxCurvePoints(50).build();
        Trainer.Result a = Trainer.train(p, B, DType.F64, Strategies.create("global-norm:c=1"), Optimizers.create("sgd"), 3, off);
        Trainer.Result b = Trainer.train(p, B, DType.F64, Strategies.create("global-norm:c=1"), Optimizers.create("sgd"), 3, off);
        assertThat(a.finalLoss()).isEqualTo(b.finalLoss());
        assertThat(a.curve().stream().noneMatch(x -> x.metric().equals("smoothness"))).isTrue();
    }

    @Test
    void spikeCounterCountsJumpsNotNoise() {
        Trainer.SpikeCounter c = new Trainer.SpikeCounter();
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < 500; i++) c.add(1 + 0.05 * rng.nextGaussian());
        assertThat(c.count()).isZero();
        c.add(10);
        c.add(12);
        c.add(Double.NaN); // not a number, not a spike
        for (int i = 0; i < 50; i++) c.add(1 + 0.05 * rng.nextGaussian());
        assertThat(c.count()).isEqualTo(2);
    }

    @Test
    void twoPointMeanHasTheDocumentedPerSampleGradients() {
        ScalarMean p = new ScalarMean(null, 1.5, 2);
        ParamSet x = ParamSet.zeros(B, p.shape(), DType.F64, Layout.SEPARATE);
        p.initialize(x, new SplittableRandom(1));
        List<ParamSet> per = new ArrayList<>(List.of(x.zerosLike(), x.zerosLike()));
        double loss = p.perExampleGradients(x, new SplittableRandom(1), per);
        assertThat(B.toDoubles(per.get(0).tensor(0))[0]).isEqualTo(4.5); // x - (-3)
        assertThat(B.toDoubles(per.get(1).tensor(0))[0]).isEqualTo(-1.5); // x - 3
        assertThat(loss).isEqualTo((0.5 * 4.5 * 4.5 + 0.5 * 1.5 * 1.5) / 2);
        ParamSet g = x.zerosLike();
        assertThat(p.lossAndGradient(x, new SplittableRandom(1), g)).isEqualTo(loss);
        assertThat(B.toDoubles(g.tensor(0))[0]).isEqualTo(1.5); // the mean gradient: x - E[a]
        assertThatThrownBy(() -> new ScalarMean(null, 0, 3)).hasMessageContaining("batch must be 2");
    }

    @Test
    void perSampleClippingStallsTheTwoPointProblemExactly() {
        ScalarMean p = new ScalarMean(null, 1.5, 2);
        var s = Trainer.Settings.builder(500, 0.1).maxCurvePoints(50).build();
        Trainer.Result clipped = Trainer.train(p, B, DType.F64, Strategies.create("dp-flat:C=1,sigma=0"), Optimizers.create("sgd"), 1, s);
        Trainer.Result plain = Trainer.train(p, B, DType.F64, Strategies.create("none"), Optimizers.create("sgd"), 1, s);
        assertThat(clipped.finalEval().get("x")).isEqualTo(1.5);
        assertThat(plain.finalEval().get("x")).isCloseTo(0, within(1e-12));
    }

    @Test
    void scaledLossScalesTrainingLossAndGradientButNotEvaluation() {
        ScalarMean inner = new ScalarMean(NoiseDistribution.parse("gaussian", 1), 2, 4);
        ScaledLoss scaled = new ScaledLoss(new ScalarMean(NoiseDistribution.parse("gaussian", 1), 2, 4), 100);
        ParamSet x = ParamSet.zeros(B, inner.shape(), DType.F64, Layout.SEPARATE);
        inner.initialize(x, new SplittableRandom(1));
        ParamSet g1 = x.zerosLike(), g2 = x.zerosLike();
        double l1 = inner.lossAndGradient(x, new SplittableRandom(9), g1), l2 = scaled.lossAndGradient(x, new SplittableRandom(9), g2);
        assertThat(l2).isCloseTo(100 * l1, within(1e-12 * l2));
        assertThat(B.toDoubles(g2.tensor(0))[0]).isCloseTo(100 * B.toDoubles(g1.tensor(0))[0], within(1e-10));
        assertThat(scaled.evaluate(x, new SplittableRandom(2))).isEqualTo(inner.evaluate(x, new SplittableRandom(2)));
        assertThatThrownBy(() -> new ScaledLoss(inner, 0)).hasMessageContaining("lossScale");
    }
}
