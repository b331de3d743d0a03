package org.clipbench.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.clipbench.backend.Backend;
import org.clipbench.backend.BackendCombos;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.backend.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Optimizer steps against hand-computed values, on every backend. */
class OptimizersTest {
    static final ParamShape SHAPE = new ParamShape("p", List.of(new TensorSpec("w", 1, 2, "w")));

    static java.util.List<org.junit.jupiter.params.provider.Arguments> combos() {
        return BackendCombos.all();
    }

    static ParamSet set(Backend b, DType d, double... v) {
        return ParamSet.of(b, SHAPE, d, Layout.SEPARATE, List.of(v));
    }

    static double[] step(Optimizer o, ParamSet p, ParamSet g, double lr) {
        ParamSet out = p.zerosLike();
        o.update(p, g, lr, out);
        o.apply(p, out);
        return out.backend().toDoubles(out.tensor(0));
    }

    static void close(double[] actual, DType d, double... expected) {
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).isCloseTo(expected[i], within(d == DType.F64 ? 1e-12 : 1e-6));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("combos")
    void sgdMomentumNesterovAndAdamMatchHandComputedSteps(String name, DType d) {
        Backend b = Backends.create(name);
        ParamSet p = set(b, d, 1, 2);
        close(step(Optimizers.create("sgd"), p, set(b, d, 0.5, -1), 0.1), d, -0.05, 0.1);
        close(b.toDoubles(p.tensor(0)), d, 0.95, 2.1);

        Optimizer mom = Optimizers.create("momentum:mu=0.9");
        p = set(b, d, 0, 0);
        close(step(mom, p, set(b, d, 1, -2), 0.1), d, -0.1, 0.2);          // buf = g
        close(step(mom, p, set(b, d, 0.5, 0.5), 0.1), d, -0.14, 0.13);     // buf = 0.9 g1 + g2 = (1.4, -1.3)

        Optimizer nes = Optimizers.create("sgd:mu=0.5,nesterov=true");
        p = set(b, d, 0, 0);
        close(step(nes, p, set(b, d, 1, 2), 1.0), d, -1.5, -3.0);          // g + mu buf, buf = g
        close(step(nes, p, set(b, d, 1, 0), 1.0), d, -1.75, -0.5);         // buf = (1.5, 1); g + 0.5 buf

        Optimizer adam = Optimizers.create("adam:eps=1e-8");
        p = set(b, d, 0, 0);
        double e = 1e-8;
        close(step(adam, p, set(b, d, 2, -0.5), 0.01), d, -0.01 * 2 / (2 + e), 0.01 * 0.5 / (0.5 + e));
        // step 2, g = (1, 1): m = 0.9 m1 + 0.1 g, v = 0.999 v1 + 0.001 g^2, hats divide by 1 - beta^2
        double m0 = (0.9 * 0.2 + 0.1) / (1 - 0.81), v0 = (0.999 * 0.004 + 0.001) / (1 - 0.998001);
        double m1 = (0.9 * -0.05 + 0.1) / (1 - 0.81), v1 = (0.999 * 0.00025 + 0.001) / (1 - 0.998001);
        close(step(adam, p, set(b, d, 1, 1), 0.01), d, -0.01 * m0 / (Math.sqrt(v0) + e), -0.01 * m1 / (Math.sqrt(v1) + e));

        Optimizer adamw = Optimizers.create("adamw:wd=0.1");
        p = set(b, d, 3, -1);
        close(step(adamw, p, set(b, d, 1, 1), 0.1), d, -0.1 * (1 / (1 + e)) - 0.1 * 0.1 * 3, -0.1 * (1 / (1 + e)) + 0.1 * 0.1);
    }

    @Test
    void schedules() {
        Schedule warm = new Schedule("cosine", 10);
        assertThat(warm.lr(1.0, 0, 110)).isCloseTo(0.1, within(1e-15));
        assertThat(warm.lr(1.0, 9, 110)).isCloseTo(1.0, within(1e-15));
        assertThat(warm.lr(1.0, 10, 110)).isCloseTo(1.0, within(1e-15));
        assertThat(warm.lr(1.0, 60, 110)).isCloseTo(0.5, within(1e-12));
        assertThat(new Schedule("linear", 0).lr(2.0, 50, 100)).isCloseTo(1.0, within(1e-15));
        assertThat(Schedule.constant().lr(0.3, 99, 100)).isEqualTo(0.3);
        assertThatThrownBy(() -> new Schedule("step", 0)).hasMessageContaining("constant, cosine or linear");
    }

    /**
     * AdamW (wd 0.1, b2 0.95) under a 2-step linear warm-up and cosine decay over 4 steps, base lr 0.1, gradient 0.5
     * every step from p = 1: the learning rates are 0.05, 0.1, 0.1, 0.05, and each step is written out by hand:
     * m_t = 0.5 (the same gradient every step, so the bias-corrected moments are exactly 0.5 and 0.25), step =
     * -lr (0.5 / (0.5 + 1e-8) + 0.1 p).
     */
    @Test
    void adamWUnderWarmUpAndCosineDecay() {
        Schedule s = new Schedule("cosine", 2);
        double[] lrs = new double[4];
        for (int k = 0; k < 4; k++) lrs[k] = s.lr(0.1, k, 4);
        assertThat(lrs).containsExactly(new double[] {0.05, 0.1, 0.1, 0.05}, within(1e-15));
        Backend b = Backends.create("arrays");
        Optimizer o = Optimizers.create("adamw:wd=0.1,b2=0.95");
        ParamSet p = set(b, DType.F64, 1, -2);
        double x = 1, y = -2, dir = 0.5 / (0.5 + 1e-8);
        for (double lr : lrs) {
            step(o, p, set(b, DType.F64, 0.5, 0.5), lr);
            x += -lr * (dir + 0.1 * x);
            y += -lr * (dir + 0.1 * y);
            close(b.toDoubles(p.tensor(0)), DType.F64, x, y);
        }
        assertThat(x).isCloseTo(1 - 0.05 * (dir + 0.1) - 0.0, within(0.4)); // sanity: it moved by about the sum of the rates
    }

    /**
     * StableAdamW's update clipping (rms-update:of=gradient) by hand, Adam's b2 = 0.999: after a first step v_hat = g^2,
     * so g / sqrt(v_hat) is +-1 and RMS 1 (under 1 by eps): not clipped. A gradient 10 times larger next: v_hat =
     * (b2 + 100) g^2 / (1 + b2), r = 10 / sqrt(100.999 / 1.999) = 1.4069: the whole update is scaled by 1 / r.
     */
    @Test
    void stableAdamWScalesTheStepByTheGradientRmsOverTheSecondMoment() {
        Backend b = Backends.create("arrays");
        Optimizer adam = Optimizers.create("adam");
        org.clipbench.strategy.ClipStrategy clip = org.clipbench.strategy.Strategies.gradient("rms-update:d=1,of=gradient");
        ParamSet p = set(b, DType.F64, 1, 1), u = p.zerosLike();
        adam.update(p, set(b, DType.F64, 0.1, -0.2), 0.01, u);
        double[] before = b.toDoubles(u.tensor(0));
        var r = clip.clip(u, org.clipbench.strategy.ClipContext.defaults().withGradientRms(adam::gradientRms));
        assertThat(r.clipped()).isFalse();
        assertThat(b.toDoubles(u.tensor(0))).isEqualTo(before);
        assertThat(adam.gradientRms()[0]).isCloseTo(1, within(1e-6));

        adam.update(p, set(b, DType.F64, 1, -2), 0.01, u);
        before = b.toDoubles(u.tensor(0));
        double rms = 10 / Math.sqrt(100.999 / 1.999);
        assertThat(adam.gradientRms()[0]).isCloseTo(rms, within(1e-6));
        r = clip.clip(u, org.clipbench.strategy.ClipContext.defaults().withGradientRms(adam::gradientRms));
        assertThat(r.scales()[0]).isCloseTo(1 / rms, within(1e-6));
        close(b.toDoubles(u.tensor(0)), DType.F64, before[0] / adam.gradientRms()[0], before[1] / adam.gradientRms()[0]);
        // without a second moment there is nothing to measure: refused, naming the fix
        assertThatThrownBy(() -> clip.clip(u, org.clipbench.strategy.ClipContext.defaults())).hasMessageContaining("train with adam or adamw");
        assertThat(Optimizers.create("sgd").gradientRms()).isNull();
    }

    @Test
    void badSpecsAreRejected() {
        assertThatThrownBy(() -> Optimizers.create("rmsprop")).hasMessageContaining("sgd");
        assertThatThrownBy(() -> Optimizers.create("sgd:nesterov=true")).hasMessageContaining("mu > 0");
        assertThatThrownBy(() -> Optimizers.create("adam:lr=1")).hasMessageContaining("unknown parameter 'lr'");
        assertThatThrownBy(() -> Optimizers.create("momentum:mu=1")).hasMessageContaining("mu=1.0 is invalid");
    }
}
