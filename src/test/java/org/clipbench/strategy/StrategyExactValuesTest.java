package org.clipbench.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.clipbench.strategy.Grads.clip;
import static org.clipbench.strategy.Grads.t;
import static org.clipbench.strategy.Grads.vectors;

import java.util.List;
import org.clipbench.backend.DType;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.backend.TensorSpec;
import org.junit.jupiter.api.Test;

/** Hand-computed expected values, one small case per strategy. */
class StrategyExactValuesTest {

    @Test
    void value() {
        ParamSet g = vectors(new double[] {0.5, -2, 3, -0.0}, new double[] {0.25});
        ClipReport r = clip("value:c=1", g);
        assertThat(t(g, 0)).containsExactly(0.5, -1, 1, -0.0);
        assertThat(Double.doubleToRawLongBits(t(g, 0)[3])).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(t(g, 1)).containsExactly(0.25);
        assertThat(r.clippedUnits()).isEqualTo(1);
        assertThat(r.units()).isEqualTo(2);
        assertThat(r.postNorm()).isCloseTo(Math.sqrt(0.25 + 1 + 1 + 0.0625), within(1e-15));
    }

    @Test
    void perTensor() {
        ParamSet g = vectors(new double[] {3, 4}, new double[] {0.3, 0.4}, new double[] {0, 0});
        ClipReport r = clip("per-tensor:c=1", g);
        assertThat(t(g, 0)).containsExactly(3 * 0.2, 4 * 0.2);
        assertThat(t(g, 1)).containsExactly(0.3, 0.4);
        assertThat(t(g, 2)).containsExactly(0, 0);
        assertThat(r.scales()).containsExactly(0.2, 1, 1);
        assertThat(r.clippedUnits()).isEqualTo(1);
        assertThat(r.preNorm()).isCloseTo(Math.sqrt(25.25), within(1e-14));
    }

    @Test
    void perLayer() {
        ParamShape shape = new ParamShape("two-layers", List.of(
                new TensorSpec("a.w", 1, 2, "a"), new TensorSpec("a.b", 1, 1, "a"), new TensorSpec("b.w", 1, 2, "b")));
        ParamSet g = Grads.of(Grads.ARRAYS, DType.F64, shape,
                List.of(new double[] {3, 4}, new double[] {12}, new double[] {0.1, 0.1}));
        ClipReport r = clip("per-layer:c=1", g);
        assertThat(t(g, 0)).containsExactly(3 / 13.0, 4 / 13.0);
        assertThat(t(g, 1)).containsExactly(12 / 13.0);
        assertThat(t(g, 2)).containsExactly(0.1, 0.1);
        assertThat(r.units()).isEqualTo(2);
        assertThat(r.clippedUnits()).isEqualTo(1);
        assertThat(r.scales()).containsExactly(1 / 13.0, 1);
    }

    @Test
    void globalNormForEachOrderAndEpsilon() {
        ParamSet g = vectors(new double[] {3, 4}, new double[] {12});
        ClipReport r = clip("global-norm:c=1,eps=0", g);
        assertThat(r.preNorm()).isEqualTo(13.0);
        assertThat(t(g, 0)).containsExactly(3 * (1 / 13.0), 4 * (1 / 13.0));
        assertThat(t(g, 1)).containsExactly(12 * (1 / 13.0));

        g = vectors(new double[] {3, 4}, new double[] {12});
        r = clip("global-norm:c=1", g); // PyTorch: eps = 1e-6
        double f = 1 / (13 + 1e-6);
        assertThat(r.scales()).containsExactly(f);
        assertThat(t(g, 1)).containsExactly(12 * f);
        assertThat(r.postNorm()).isLessThan(1.0);

        g = vectors(new double[] {3, -4}, new double[] {12});
        r = clip("global-norm:c=2,p=1,eps=0", g);
        assertThat(r.preNorm()).isEqualTo(19.0);
        assertThat(t(g, 0)).containsExactly(3 * (2 / 19.0), -4 * (2 / 19.0));

        g = vectors(new double[] {3, -4}, new double[] {12});
        r = clip("global-norm:c=6,p=inf,eps=0", g);
        assertThat(r.preNorm()).isEqualTo(12.0);
        assertThat(t(g, 1)).containsExactly(6.0);
        assertThat(t(g, 0)).containsExactly(1.5, -2.0);

        g = vectors(new double[] {3, 4});
        r = clip("global-norm:c=5,eps=0", g); // optax: n == c is not clipped
        assertThat(r.clipped()).isFalse();
        assertThat(t(g, 0)).containsExactly(3, 4);
    }

    /** Normalised GD scales up as well as down; AUTO-S keeps small gradients small; a zero gradient stays zero. */
    @Test
    void normalizedAndAutoS() {
        ParamSet g = vectors(new double[] {3, 4}, new double[] {0, 0});
        ClipReport r = clip("normalized", g);
        assertThat(t(g, 0)).containsExactly(3 * (1 / 5.0), 4 * (1 / 5.0));
        assertThat(r.preNorm()).isEqualTo(5);
        g = vectors(new double[] {0.003, 0.004});
        clip("normalized:c=2", g); // up: every step has length c
        assertThat(t(g, 0)).containsExactly(0.003 * (2 / 0.005), 0.004 * (2 / 0.005));
        g = vectors(new double[] {0.003, 0.004});
        clip("auto-s", g); // c / (||g|| + 0.01)
        assertThat(t(g, 0)).containsExactly(0.003 * (1 / (0.005 + 0.01)), 0.004 * (1 / (0.005 + 0.01)));
        g = vectors(new double[] {3, 4});
        clip("auto-s:gamma=0.1", g);
        assertThat(t(g, 0)).containsExactly(3 * (1 / 5.1), 4 * (1 / 5.1));
        g = vectors(new double[] {0, -0.0});
        r = clip("normalized", g);
        assertThat(Grads.bits(t(g, 0))).containsExactly(Grads.bits(new double[] {0, -0.0}));
        assertThat(r.clipped()).isFalse();
    }

    /** U-Clip: the clipped-off part is carried and paid out in later steps; nothing clipped leaves no carry. */
    @Test
    void uClipCarriesWhatWasClippedOff() {
        ClipStrategy u = Strategies.gradient("u-clip:c=1");
        ParamSet g = vectors(new double[] {3, 4});
        ClipReport r = u.clip(g, ClipContext.defaults()); // v = (3, 4), u = (0.6, 0.8), carry (2.4, 3.2)
        assertThat(t(g, 0)).containsExactly(3 * (1 / 5.0), 4 * (1 / 5.0));
        assertThat(r.preNorm()).isEqualTo(5);
        assertThat(r.clipped()).isTrue();
        g = vectors(new double[] {0, 0});
        r = u.clip(g, ClipContext.defaults()); // a zero gradient still steps: v = carry, norm 4, carry (1.8, 2.4)
        assertThat(r.preNorm()).isCloseTo(4, within(1e-12));
        assertThat(t(g, 0)).containsExactly(new double[] {0.6, 0.8}, within(1e-12));
        g = vectors(new double[] {-1.5, -2});
        r = u.clip(g, ClipContext.defaults()); // v = (0.3, 0.4): below c, applied whole, carry empty
        assertThat(r.clipped()).isFalse();
        assertThat(t(g, 0)).containsExactly(new double[] {0.3, 0.4}, within(1e-12));
        g = vectors(new double[] {0.03, 0.04});
        u.clip(g, ClipContext.defaults());
        assertThat(t(g, 0)).containsExactly(0.03, 0.04); // nothing carried: the gradient itself
        g = vectors(new double[] {3, 4});
        u.clip(g, ClipContext.defaults());
        u.reset();
        g = vectors(new double[] {0.03, 0.04});
        u.clip(g, ClipContext.defaults());
        assertThat(t(g, 0)).containsExactly(0.03, 0.04); // reset forgot the carry
    }

    /** U-Clip's invariant: the steps taken plus the carry add up to the gradients given, whatever the clipping. */
    @Test
    void uClipStepsPlusCarryAddUpToTheGradients() {
        ClipStrategy u = Strategies.gradient("u-clip:c=0.7");
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        double[] given = new double[3], taken = new double[3];
        for (int k = 0; k < 200; k++) {
            double[] x = {rng.nextGaussian() * 2, rng.nextGaussian() + 1, Math.abs(rng.nextGaussian()) * 3};
            ParamSet g = vectors(x.clone());
            u.clip(g, ClipContext.defaults());
            for (int i = 0; i < 3; i++) {
                given[i] += x[i];
                taken[i] += t(g, 0)[i];
            }
        }
        ParamSet drain = vectors(new double[3]);
        for (int k = 0; k < 2000; k++) { // zero gradients pay the carry out, c at a time
            drain = vectors(new double[3]);
            u.clip(drain, ClipContext.defaults());
            for (int i = 0; i < 3; i++) taken[i] += t(drain, 0)[i];
        }
        assertThat(taken).containsExactly(given, within(1e-9));
        assertThat(t(drain, 0)).containsExactly(0, 0, 0);
    }

    @Test
    void renormAndAverageNormAndRms() {
        ParamSet g = vectors(new double[] {3, 4}, new double[] {0, -0.0});
        clip("renorm", g);
        assertThat(t(g, 0)).containsExactly(3 * (1 / 5.0), 4 * (1 / 5.0));
        assertThat(Grads.bits(t(g, 1))).containsExactly(Grads.bits(new double[] {0, -0.0}));

        g = vectors(new double[] {3, 4}, new double[] {0.5, 0.5});
        ClipReport r = clip("average-norm:c=1", g);
        // ||(3,4)||/2 = 2.5 -> factor 0.4; ||(.5,.5)||/2 = 0.354 stays
        assertThat(t(g, 0)).containsExactly(3 * 0.4, 4 * 0.4);
        assertThat(t(g, 1)).containsExactly(0.5, 0.5);
        assertThat(r.clippedUnits()).isEqualTo(1);

        g = vectors(new double[] {3, 4}, new double[] {0.5, -0.5});
        ClipStrategy rms = Strategies.gradient("rms-update:d=1");
        assertThat(rms.target()).isEqualTo(ClipStrategy.Target.UPDATE);
        rms.clip(g, ClipContext.defaults());
        double factor = 1 / (5 / Math.sqrt(2));
        assertThat(t(g, 0)).containsExactly(3 * factor, 4 * factor);
        assertThat(t(g, 1)).containsExactly(0.5, -0.5); // RMS 0.5 <= 1
        double[] u = t(g, 0);
        assertThat(Math.sqrt((u[0] * u[0] + u[1] * u[1]) / 2)).isCloseTo(1.0, within(1e-15));
    }

    @Test
    void agcUnitWiseWithExemptionAndLayerWise() {
        ParamShape shape = new ParamShape("net", List.of(
                new TensorSpec("w", 2, 2, "l1"), new TensorSpec("b", 1, 2, "l1"), new TensorSpec("fc.weight", 1, 2, "fc")));
        List<double[]> grads = List.of(new double[] {3, 4, 5e-5, 0}, new double[] {1, 1}, new double[] {100, 0});
        List<double[]> params = List.of(new double[] {1, 0, 0, 0}, new double[] {10, 0}, new double[] {1, 0});
        ParamSet g = Grads.of(Grads.ARRAYS, DType.F64, shape, grads);
        ParamSet w = Grads.of(Grads.ARRAYS, DType.F64, shape, params);
        ClipStrategy agc = Strategies.gradient("agc:lambda=0.1,exempt=fc.weight");
        ClipReport r = agc.clip(g, ClipContext.defaults().withParams(w));
        // row 0: ||G||=5 > 0.1*1 -> *0.02; row 1: ||W||=0 -> eps 1e-3, max 1e-4 > 5e-5 -> kept
        assertThat(t(g, 0)).containsExactly(3 * (0.1 / 5), 4 * (0.1 / 5), 5e-5, 0);
        // bias: whole-vector norms: ||W||=10 -> max 1 < sqrt 2
        assertThat(t(g, 1)).containsExactly(1 / Math.sqrt(2), 1 / Math.sqrt(2));
        assertThat(t(g, 2)).containsExactly(100, 0); // exempt
        assertThat(r.units()).isEqualTo(3);
        assertThat(r.clippedUnits()).isEqualTo(2);

        ParamSet g2 = Grads.of(Grads.ARRAYS, DType.F64, shape, grads);
        Strategies.gradient("agc:lambda=0.1,scope=tensor").clip(g2, ClipContext.defaults().withParams(w));
        // layer-wise: ||G_w|| = sqrt(25 + 2.5e-9), ||W_w|| = 1 -> factor 0.1/||G_w||
        double n = Math.sqrt(25 + 25e-10);
        assertThat(t(g2, 0)[0]).isCloseTo(3 * 0.1 / n, within(1e-15));
        assertThat(t(g2, 2)).containsExactly(100 * (0.1 / 100), 0); // not exempt here: ||W||=1, max 0.1
    }

    /** A one-tensor gradient whose L2 norm is n. */
    private static ParamSet ofNorm(double n) {
        return vectors(new double[] {0.6 * n, 0.8 * n});
    }

    @Test
    void autoClipPercentileOfTheHistory() {
        ClipStrategy ac = Strategies.gradient("autoclip:p=50,eps=0");
        double[] norms = {1, 3, 2, 10};
        double[] expectedThreshold = {1, 2, 2, 2.5}; // numpy.percentile(history, 50), history incl. current
        double[] expectedScale = {1, 2 / 3.0, 1, 0.25};
        for (int k = 0; k < norms.length; k++) {
            ClipReport r = ac.clip(ofNorm(norms[k]), ClipContext.defaults());
            assertThat(r.threshold()).as("step %d", k).isCloseTo(expectedThreshold[k], within(1e-12));
            assertThat(r.scales()[0]).as("step %d", k).isCloseTo(expectedScale[k], within(1e-12));
        }
        ClipStrategy windowed = Strategies.gradient("autoclip:p=50,window=2,eps=0");
        ClipReport r = null;
        for (double n : norms) r = windowed.clip(ofNorm(n), ClipContext.defaults());
        assertThat(r.threshold()).isCloseTo(6, within(1e-12)); // median of [2, 10]
        windowed.reset();
        assertThat(windowed.clip(ofNorm(100), ClipContext.defaults()).clipped()).isFalse(); // first step again
    }

    @Test
    void zClipWarmUpEmaAndSpike() {
        ZClip z = (ZClip) Strategies.gradient("zclip:alpha=0.5,z=2,warmup=3,maxNorm=inf");
        for (double n : new double[] {1, 2, 3}) {
            assertThat(z.clip(ofNorm(n), ClipContext.defaults()).clipped()).isFalse();
        }
        assertThat(z.initialized()).isTrue();
        assertThat(z.mean()).isCloseTo(2, within(1e-15));
        assertThat(z.variance()).isCloseTo(2 / 3.0, within(1e-15));

        z.clip(ofNorm(2), ClipContext.defaults()); // z = 0: EMA with 2
        assertThat(z.mean()).isCloseTo(2, within(1e-15));
        assertThat(z.variance()).isCloseTo(1 / 3.0, within(1e-15));

        // spike: z = 8 / (sigma + 1e-6); threshold = mu + z_t^2 sigma / z
        double sigma = Math.sqrt(1 / 3.0);
        double zs = 8 / (sigma + 1e-6);
        double thr = 2 + 4 * sigma / zs;
        ClipReport r = z.clip(ofNorm(10), ClipContext.defaults());
        assertThat(r.threshold()).isCloseTo(thr, within(1e-12));
        assertThat(r.scales()[0]).isCloseTo(thr / (10 + 1e-6), within(1e-12));
        double mean = 0.5 * 2 + 0.5 * thr;
        assertThat(z.mean()).isCloseTo(mean, within(1e-12));
        assertThat(z.variance()).isCloseTo(0.5 / 3.0 + 0.5 * (thr - mean) * (thr - mean), within(1e-12));

        double m = z.mean(), v = z.variance();
        ClipReport nan = z.clip(vectors(new double[] {Double.NaN, 1}), ClipContext.defaults());
        assertThat(nan.nonFinite()).isTrue();
        assertThat(z.mean()).isEqualTo(m);
        assertThat(z.variance()).isEqualTo(v);
    }

    @Test
    void zClipCeilingDuringWarmUpAndMeanOption() {
        ZClip z = (ZClip) Strategies.gradient("zclip:warmup=2,maxNorm=1,clipOption=mean,alpha=0.5,z=1");
        ClipReport r = z.clip(ofNorm(4), ClipContext.defaults());
        assertThat(r.scales()[0]).isCloseTo(1 / (4 + 1e-6), within(1e-15));
        z.clip(ofNorm(0.5), ClipContext.defaults());
        // mean 2.25, var 3.0625, sigma 1.75; n=5: z = 2.75/1.75 > 1 -> clip to mean 2.25, capped at 1
        r = z.clip(ofNorm(5), ClipContext.defaults());
        assertThat(r.threshold()).isEqualTo(1.0);
        assertThat(z.mean()).isCloseTo(0.5 * 2.25 + 0.5 * 2.25, within(1e-15));
    }

    /**
     * AdaGC by hand (lambdaAbs 2, lambdaRel 1.5, beta 0.5, two warm-up steps): the warm-up clips the global norm and
     * keeps each tensor's smallest clipped norm (a zero norm is not one); then each tensor is held to 1.5 gamma_i and
     * gamma_i moves halfway to its clipped norm; a NaN norm leaves its gamma alone.
     */
    @Test
    void adaGcWarmUpThenPerTensorEma() {
        AdaGC a = (AdaGC) Strategies.gradient("adagc:warmup=2,lambdaAbs=2,lambdaRel=1.5,beta=0.5");
        ParamSet g = vectors(new double[] {3, 4}, new double[] {0, 0});
        ClipReport r = a.clip(g, ClipContext.defaults()); // global norm 5 held to 2: factor 0.4
        assertThat(t(g, 0)).containsExactly(new double[] {1.2, 1.6}, within(1e-15));
        assertThat(r.scales()).containsExactly(new double[] {0.4, 0.4}, within(1e-15));
        assertThat(r.clippedUnits()).isEqualTo(2);
        assertThat(r.threshold()).isEqualTo(2.0);
        assertThat(a.gamma()).containsExactly(new double[] {2, Double.POSITIVE_INFINITY}, within(1e-15));

        r = a.clip(vectors(new double[] {0.3, 0.4}, new double[] {0.6, 0.8}), ClipContext.defaults()); // norm 1.118 < 2
        assertThat(r.clipped()).isFalse();
        assertThat(a.gamma()).containsExactly(new double[] {0.5, 1}, within(1e-15));
        assertThat(a.warmingUp()).isFalse();

        g = vectors(new double[] {3, 4}, new double[] {0.6, 0.8});
        r = a.clip(g, ClipContext.defaults()); // tensor 0: 5 held to 1.5 x 0.5 = 0.75; tensor 1: 1 <= 1.5 x 1
        assertThat(t(g, 0)).containsExactly(new double[] {0.45, 0.6}, within(1e-15));
        assertThat(t(g, 1)).containsExactly(0.6, 0.8);
        assertThat(r.scales()).containsExactly(new double[] {0.15, 1}, within(1e-15));
        assertThat(r.clippedUnits()).isEqualTo(1);
        assertThat(a.gamma()).containsExactly(new double[] {0.5 * 0.5 + 0.5 * 0.75, 1}, within(1e-15));

        g = vectors(new double[] {0.3, 0.4}, new double[] {Double.NaN, 1});
        r = a.clip(g, ClipContext.defaults());
        assertThat(r.nonFinite()).isTrue();
        assertThat(t(g, 1)[1]).isNaN(); // NaN propagates through its tensor
        assertThat(a.gamma()).containsExactly(new double[] {0.5 * 0.625 + 0.5 * 0.5, 1}, within(1e-15)); // gamma_1 untouched

        g = vectors(new double[] {0.3, 0.4}, new double[] {6, 8});
        a.clip(g, ClipContext.defaults()); // tensor 1: 10 held to 1.5
        assertThat(t(g, 1)).containsExactly(new double[] {0.9, 1.2}, within(1e-15));
        assertThat(a.gamma()[1]).isCloseTo(0.5 + 0.75, within(1e-15));

        a.reset();
        assertThat(a.gamma()).isEmpty();
        assertThat(a.warmingUp()).isTrue();
    }

    /** Without a warm-up the first non-zero norm of a tensor sets its gamma, unclipped. */
    @Test
    void adaGcWithoutWarmUpStartsFromTheFirstNorm() {
        ClipStrategy a = Strategies.gradient("adagc:warmup=0,lambdaRel=1,beta=0.9");
        ParamSet g = vectors(new double[] {30, 40});
        assertThat(a.clip(g, ClipContext.defaults()).clipped()).isFalse();
        assertThat(t(g, 0)).containsExactly(30, 40);
        g = vectors(new double[] {60, 80});
        assertThat(a.clip(g, ClipContext.defaults()).clipped()).isTrue();
        assertThat(t(g, 0)).containsExactly(new double[] {30, 40}, within(1e-12));
    }

    /** rms-update with perLr holds the update's RMS to d x the step's learning rate, and refuses to run without one. */
    @Test
    void rmsUpdatePerLearningRate() {
        ParamSet u = vectors(new double[] {0.3, -0.3, 0.3, -0.3}); // RMS 0.3
        ClipReport r = Strategies.gradient("rms-update:d=1,perLr=true").clip(u, ClipContext.defaults().withLearningRate(0.1));
        assertThat(t(u, 0)).containsExactly(new double[] {0.1, -0.1, 0.1, -0.1}, within(1e-15));
        assertThat(r.clipped()).isTrue();
        ParamSet small = vectors(new double[] {0.05, 0.05});
        assertThat(Strategies.gradient("rms-update:d=1,perLr=true").clip(small, ClipContext.defaults().withLearningRate(0.1)).clipped()).isFalse();
        assertThatThrownBy(() -> Strategies.gradient("rms-update:perLr=true").clip(vectors(new double[] {1}), ClipContext.defaults()))
                .hasMessageContaining("perLr needs the step's learning rate");
    }

    /** Clip21: each worker's estimate moves toward its gradient by at most c a step; the step is the estimates' mean. */
    @Test
    void clip21EstimatesCatchUpByTheClippedChange() {
        var clip21 = Strategies.perExample("clip21:c=1");
        double[][] expected = {{0.45, 0.6}, {0.75, 1.0}, {1.05, 1.4}, {1.35, 1.8}, {1.65, 2.2}, {1.65, 2.2}};
        int[] clippedWorkers = {1, 1, 1, 1, 0, 0}; // worker 1's change has norm 5, 4, 3, 2, 1 (= c: not clipped), 0
        for (int step = 0; step < expected.length; step++) {
            ParamSet e1 = vectors(new double[] {3, 4}), e2 = vectors(new double[] {0.3, 0.4});
            ParamSet out = e1.zerosLike();
            ClipReport r = clip21.clipAndAggregate(List.of(e1, e2), out, ClipContext.defaults());
            assertThat(t(out, 0)).as("step %d", step).containsExactly(expected[step], within(1e-12));
            assertThat(r.clippedUnits()).as("step %d", step).isEqualTo(clippedWorkers[step]);
            assertThat(r.threshold()).isEqualTo(1.0);
            assertThat(t(e1, 0)).containsExactly(3, 4); // the workers' gradients are read, not changed
        }
        ParamSet lone = vectors(new double[] {3, 4});
        assertThatThrownBy(() -> clip21.clipAndAggregate(List.of(lone), lone.zerosLike(), ClipContext.defaults()))
                .hasMessageContaining("one estimate per worker and had 2, now the batch has 1");
        clip21.reset();
        ParamSet e1 = vectors(new double[] {3, 4});
        ParamSet out = e1.zerosLike();
        clip21.clipAndAggregate(List.of(e1), out, ClipContext.defaults());
        assertThat(t(out, 0)).containsExactly(new double[] {0.6, 0.8}, within(1e-12)); // reset: estimates from 0 again
    }

    /** A Poisson lot may be empty: the noised sum is still divided by the expected lot size; with none to divide by, an error. */
    @Test
    void dpDividesByTheExpectedLotAndAcceptsAnEmptyOne() {
        var dp = Strategies.perExample("dp-flat:C=1,sigma=0");
        ParamSet e1 = vectors(new double[] {3, 4});
        ParamSet out = e1.zerosLike();
        dp.clipAndAggregate(List.of(e1), out, ClipContext.defaults().withExpectedBatch(4));
        assertThat(t(out, 0)).containsExactly(new double[] {0.6 / 4, 0.8 / 4}, within(1e-15));
        ParamSet empty = e1.zerosLike();
        var noisy = Strategies.perExample("dp-flat:C=1,sigma=1,seed=3");
        ClipReport r = noisy.clipAndAggregate(List.of(), empty, ClipContext.defaults().withExpectedBatch(4));
        assertThat(r.clippedUnits()).isZero();
        assertThat(t(empty, 0)).doesNotContain(0.0); // noise alone, over 4
        assertThatThrownBy(() -> dp.clipAndAggregate(List.of(), e1.zerosLike(), ClipContext.defaults()))
                .hasMessageContaining("no examples and no expected size");
        assertThat(Strategies.perExample("dp-flat:C=1,expectedBatch=2").noiseMultiplier()).isEqualTo(1.0);
    }

    /** AUTO-S / AUTO-V as DP rules: each example normalised (up or down) before the sum; a zero example stays zero. */
    @Test
    void dpAutomaticClippingNormalisesEachExample() {
        var autoV = Strategies.perExample("dp-auto-v:C=1,sigma=0");
        ParamSet e1 = vectors(new double[] {3, 4}), e2 = vectors(new double[] {0.03, 0.04}), e3 = vectors(new double[] {0, 0});
        ParamSet out = e1.zerosLike();
        autoV.clipAndAggregate(List.of(e1, e2, e3), out, ClipContext.defaults());
        assertThat(t(out, 0)).containsExactly(new double[] {2 * 0.6 / 3, 2 * 0.8 / 3}, within(1e-15)); // two unit vectors and a zero, over 3
        var autoS = Strategies.perExample("dp-auto-s:C=1,sigma=0");
        e1 = vectors(new double[] {3, 4});
        e2 = vectors(new double[] {0.03, 0.04});
        out = e1.zerosLike();
        autoS.clipAndAggregate(List.of(e1, e2), out, ClipContext.defaults());
        assertThat(t(e2, 0)).containsExactly(new double[] {0.03 / 0.06, 0.04 / 0.06}, within(1e-15)); // 1 / (0.05 + 0.01)
        assertThat(t(e1, 0)).containsExactly(new double[] {3 / 5.01, 4 / 5.01}, within(1e-15));
        assertThat(autoS.noiseMultiplier()).isZero();
    }

    @Test
    void dpFlatAndPerLayer() {
        var dp = Strategies.perExample("dp-flat:C=1,sigma=0");
        ParamSet e1 = vectors(new double[] {3, 4});
        ParamSet e2 = vectors(new double[] {0.3, 0.4});
        ParamSet out = e1.zerosLike();
        ClipReport r = dp.clipAndAggregate(List.of(e1, e2), out, ClipContext.defaults());
        assertThat(t(out, 0)[0]).isCloseTo(0.45, within(1e-15));
        assertThat(t(out, 0)[1]).isCloseTo(0.6, within(1e-15));
        assertThat(r.clippedUnits()).isEqualTo(1);
        assertThat(r.preNorm()).isEqualTo(5.0);
        assertThat(r.scales()).containsExactly(0.2, 1);

        var layer = Strategies.perExample("dp-layer:C=" + Math.sqrt(2) + ",sigma=0");
        ParamSet a = vectors(new double[] {3, 4}, new double[] {0.5});
        ParamSet o = a.zerosLike();
        layer.clipAndAggregate(List.of(a), o, ClipContext.defaults());
        assertThat(t(o, 0)[0]).isCloseTo(0.6, within(1e-15)); // layer bound sqrt2/sqrt2 = 1
        assertThat(t(o, 1)).containsExactly(0.5);
    }

    @Test
    void dpNoiseIsSeededAndScaled() {
        var dp = Strategies.perExample("dp-flat:C=2,sigma=1.5,seed=42");
        double[][] outs = new double[2][];
        for (int k = 0; k < 2; k++) {
            dp.reset();
            ParamSet ex = vectors(new double[20000]);
            ParamSet out = ex.zerosLike();
            dp.clipAndAggregate(List.of(ex), out, ClipContext.defaults());
            outs[k] = t(out, 0);
        }
        assertThat(outs[1]).containsExactly(outs[0]);
        double ss = 0;
        for (double x : outs[0]) ss += x * x;
        double std = Math.sqrt(ss / outs[0].length);
        assertThat(std).isCloseTo(3.0, within(0.06)); // sigma*C = 3, batch 1; 20000 draws -> ~1.5% sd error
    }

    /**
     * A training run's noise comes from its seed: seeds 1 and 2 draw different noise, seed 1 again the same.
     * Before reset(runSeed) every run of a sweep drew the one stream of the spec's seed, so the seeds'
     * spread left the noise's own variance out of every interval.
     */
    @Test
    void dpNoiseComesFromTheRunSeed() {
        var dp = Strategies.perExample("dp-flat:C=1,sigma=1");
        double[][] outs = new double[3][];
        long[] seeds = {1, 2, 1};
        for (int k = 0; k < 3; k++) {
            dp.reset(seeds[k]);
            ParamSet ex = vectors(new double[100]);
            ParamSet out = ex.zerosLike();
            dp.clipAndAggregate(List.of(ex), out, ClipContext.defaults());
            outs[k] = t(out, 0);
        }
        assertThat(outs[2]).containsExactly(outs[0]);
        assertThat(outs[1]).isNotEqualTo(outs[0]);
    }

    @Test
    void dpAdaptiveBoundFollowsTheQuantileRule() {
        var dp = (DpAdaptiveClip) Strategies.perExample("dp-adaptive:C=1,sigma=0,countNoise=0,eta=0.2,quantile=0.5");
        double[] norms = {0.5, 2, 3, 4};
        double c = 1;
        for (int step = 0; step < 3; step++) {
            List<ParamSet> batch = new java.util.ArrayList<>();
            int under = 0;
            for (double n : norms) {
                batch.add(ofNorm(n));
                if (n <= c) under++;
            }
            ClipReport r = dp.clipAndAggregate(batch, batch.get(0).zerosLike(), ClipContext.defaults());
            assertThat(r.threshold()).isCloseTo(c, within(1e-12));
            c = c * Math.exp(-0.2 * (under / 4.0 - 0.5));
            assertThat(dp.clipBound()).as("after step %d", step).isCloseTo(c, within(1e-12));
        }
        assertThat(c).isCloseTo(Math.exp(0.15), within(1e-12));
    }
}
