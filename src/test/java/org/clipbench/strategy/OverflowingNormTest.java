package org.clipbench.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.clipbench.backend.Backend;
import org.clipbench.backend.BackendCombos;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.backend.TensorSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finite gradients whose norm is beyond the largest double (nine entries of 1e308 have an L2 norm of
 * 3e308) are clipped to the mathematically right result by every norm rule, on every backend, dtype
 * and layout, under every non-finite policy: nothing becomes zero, ERROR does not throw, SKIP does not
 * skip, and the report does not call the gradient non-finite. (Before the fix every one of these
 * zeroed the gradient.) f32 entries are 3e38, whose norm overflows a float but not the double the
 * norm is computed in: the same expectations hold.
 */
class OverflowingNormTest {

    /** A spec, the steps before the overflowing one (ordinary 3x3 gradients of ones, norm 3), and each expected entry / big. */
    record Case(String spec, int warmSteps, double expected, double expectedF32) {
        Case(String spec, int warmSteps, double expected) {
            this(spec, warmSteps, expected, expected);
        }

        double expected(DType d) {
            return d == DType.F64 ? expected : expectedF32;
        }
    }

    static final List<Case> GRADIENT_CASES = List.of(
            new Case("global-norm:c=1", 0, 1.0 / 3),          // n = 3 big
            new Case("global-norm:c=1,eps=0", 0, 1.0 / 3),
            new Case("global-norm:c=1,p=1", 0, 1.0 / 9),      // n = 9 big
            new Case("global-norm:c=2,p=inf", 0, 2.0),        // n = big: no overflow, scaled to 2
            new Case("per-tensor:c=1", 0, 1.0 / 3),
            new Case("per-layer:c=1", 0, 1.0 / 3),
            new Case("renorm", 0, 1.0 / 3),
            new Case("renorm:scope=layer", 0, 1.0 / 3),
            new Case("normalized", 0, 1.0 / 3),              // the whole gradient to length 1
            new Case("auto-s", 0, 1.0 / 3),
            new Case("u-clip:c=1", 0, 1.0 / 3),              // no carry yet: global-norm's clip                  // gamma 0.01 is nothing beside a norm beyond the largest double
            new Case("average-norm:c=0.01", 0, 0.03),         // n / 9 held to 0.01: entries 0.01 * 9 / 3
            new Case("rms-update:d=0.5", 0, 0.5),             // RMS = n / 3 = big: entries 0.5
            // f64: a norm beyond the largest double cannot join the history {3}: clipped to norm 3.
            // f32: the norm 9e38 is a double; the median of {3, 9e38} is 4.5e38: entries 1.5e38
            new Case("autoclip:p=50", 1, 1.0, 1.5e38),
            new Case("autoclip:p=50,scope=tensor", 1, 1.0, 1.5e38),
            new Case("agc:lambda=0.01", 0, 0.01),            // rows of ones as parameters: row norm held to 0.01 sqrt 3
            new Case("agc:lambda=0.01,scope=tensor", 0, 0.01),
            new Case("zclip:warmup=2,z=1", 2, 1.0 / 3),       // ceiling 1
            new Case("zclip:warmup=2,z=1,maxNorm=inf", 2, 1.0), // a spike: clipped to the mean, 3
            new Case("adagc:lambdaAbs=1", 0, 1.0 / 3),                 // warm-up: the global norm held to 1
            new Case("adagc:warmup=1,lambdaAbs=inf", 1, 1.05));        // gamma 3 from the warm-up: held to 1.05 x 3

    static final List<String> DP_SPECS = List.of("dp-flat:C=1,sigma=0", "dp-layer:C=1,sigma=0",
            "dp-adaptive:C=1,sigma=0,countNoise=0", "clip21:c=1", // clip21's first step: the estimates are 0
            "dp-auto-v:C=1,sigma=0", "dp-auto-s:C=1,sigma=0"); // normalised to 1: gamma is nothing beside an overflowing norm

    static final ParamShape SHAPE = new ParamShape("square", List.of(new TensorSpec("w", 3, 3, "l1")));

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Arguments combo : BackendCombos.all()) {
            Backend b = Backends.create((String) combo.get()[0], 1);
            for (NonFinitePolicy policy : NonFinitePolicy.values()) {
                out.add(Arguments.of(combo.get()[0], combo.get()[1], Layout.SEPARATE, policy));
            }
            if (b.supportsFlatLayout()) out.add(Arguments.of(combo.get()[0], combo.get()[1], Layout.FLAT, NonFinitePolicy.ERROR));
        }
        return out.stream();
    }

    static double big(DType d) {
        return d == DType.F64 ? 1e308 : 3e38;
    }

    static ParamSet filled(Backend b, DType d, Layout layout, double value) {
        double[] v = new double[9];
        Arrays.fill(v, value);
        return ParamSet.of(b, SHAPE, d, layout, List.of(v));
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("cases")
    void normRulesClipAnOverflowingNormExactly(String backend, DType d, Layout layout, NonFinitePolicy policy) {
        Backend b = Backends.create(backend, 1);
        ClipContext ctx = ClipContext.defaults().withPolicy(policy).withParams(filled(b, d, layout, 1.0));
        double tol = d == DType.F64 ? 1e-12 : 1e-6;
        for (Case c : GRADIENT_CASES) {
            ClipStrategy s = Strategies.gradient(c.spec());
            for (int k = 0; k < c.warmSteps(); k++) s.clip(filled(b, d, layout, 1.0), ctx);
            ParamSet g = filled(b, d, layout, big(d));
            ClipReport r = s.clip(g, ctx);
            String what = backend + " " + d + " " + layout + " " + policy + " " + c.spec();
            double expected = c.expected(d);
            for (double x : g.toDoubles().get(0)) {
                assertThat(Math.abs(x - expected) <= tol * expected).as("%s: entry %s, expected %s", what, x, expected).isTrue();
            }
            assertThat(r.nonFinite()).as(what + " nonFinite").isFalse();
            assertThat(r.skipped()).as(what + " skipped").isFalse();
            assertThat(r.clipped()).as(what + " clipped").isTrue();
        }
    }

    /**
     * The other end: a finite gradient so small that c / ||g|| exceeds the largest float (nine f32 entries of 1e-40, norm
     * 3e-40). The rules that scale up returned +Inf entries with nonFinite false: the factor was cast to f32 before the
     * multiply. Now it is applied as a power of two in exact steps and a factor in [1, 2). (f64: 1e-300, whose factor a double holds.)
     */
    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("cases")
    void rulesThatScaleUpKeepATinyGradientFinite(String backend, DType d, Layout layout, NonFinitePolicy policy) {
        Backend b = Backends.create(backend, 1);
        ClipContext ctx = ClipContext.defaults().withPolicy(policy);
        double tiny = d == DType.F64 ? 1e-300 : 1e-40, tol = d == DType.F64 ? 1e-12 : 1e-4; // f32 1e-40 is subnormal: fewer digits
        for (String spec : List.of("normalized", "auto-s:gamma=0", "renorm")) {
            ParamSet g = filled(b, d, layout, tiny);
            ClipReport r = Strategies.gradient(spec).clip(g, ctx);
            String what = backend + " " + d + " " + layout + " " + policy + " " + spec;
            for (double x : g.toDoubles().get(0)) assertThat(x).as(what).isCloseTo(1.0 / 3, org.assertj.core.api.Assertions.within(tol));
            assertThat(r.nonFinite()).as(what + " nonFinite").isFalse();
        }
        for (String spec : List.of("dp-auto-v:C=1,sigma=0")) {
            ParamSet example = filled(b, d, layout, tiny), sum = filled(b, d, layout, 0);
            ClipReport r = Strategies.perExample(spec).clipAndAggregate(List.of(example), sum, ctx);
            for (double x : sum.toDoubles().get(0)) assertThat(x).as(backend + " " + d + " " + spec).isCloseTo(1.0 / 3, org.assertj.core.api.Assertions.within(tol));
            assertThat(r.nonFinite()).isFalse();
        }
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("cases")
    void dpRulesClipEachOverflowingExampleToTheBound(String backend, DType d, Layout layout, NonFinitePolicy policy) {
        Backend b = Backends.create(backend, 1);
        double tol = d == DType.F64 ? 1e-12 : 1e-6;
        for (String spec : DP_SPECS) {
            PerExampleClipStrategy s = Strategies.perExample(spec);
            List<ParamSet> examples = List.of(filled(b, d, layout, big(d)), filled(b, d, layout, -big(d)),
                    filled(b, d, layout, big(d)));
            ParamSet out = examples.get(0).zerosLike();
            ClipReport r = s.clipAndAggregate(examples, out, ClipContext.defaults().withPolicy(policy));
            String what = backend + " " + d + " " + layout + " " + policy + " " + spec;
            // each example clipped to norm 1 (entries +-1/3); the mean of +, -, + is 1/9 per entry
            for (double x : out.toDoubles().get(0)) {
                assertThat(Math.abs(x - 1.0 / 9) <= tol / 9).as("%s: entry %s", what, x).isTrue();
            }
            assertThat(r.nonFinite()).as(what + " nonFinite").isFalse();
            assertThat(r.clippedUnits()).as(what).isEqualTo(3);
        }
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("cases")
    void aLargeTensorOfMixedMagnitudesKeepsItsDirection(String backend, DType d, Layout layout, NonFinitePolicy policy) {
        if (d != DType.F64 || policy != NonFinitePolicy.PROPAGATE) return;
        Backend b = Backends.create(backend, 1);
        int rows = 300, cols = 300;
        ParamShape shape = new ParamShape("big", List.of(new TensorSpec("w", rows, cols, "l1"),
                new TensorSpec("b", 1, cols, "l1")));
        double[] w = new double[rows * cols];
        double[] bias = new double[cols];
        for (int i = 0; i < w.length; i++) w[i] = i % 2 == 0 ? (i % 4 == 0 ? 1e308 : -1e308) : 1e300;
        Arrays.fill(bias, 5e307);
        ParamSet g = ParamSet.of(b, shape, d, layout, List.of(w, bias));
        ClipReport r = Strategies.gradient("global-norm:c=1,eps=0").clip(g, ClipContext.defaults());
        // n^2 = 45000 * 1e616 + 45000 * 1e600 + 300 * 25e614; the expectation is computed in units of 1e308
        double nOver1e308 = Math.sqrt(45000 + 45000e-16 + 300 * 0.25);
        List<double[]> out = g.toDoubles();
        for (int i = 0; i < w.length; i++) {
            double expected = w[i] / 1e308 / nOver1e308;
            assertThat(out.get(0)[i]).as("entry %d", i).isCloseTo(expected, withinRel(expected));
        }
        for (double x : out.get(1)) assertThat(x).isCloseTo(0.5 / nOver1e308, withinRel(0.5 / nOver1e308));
        assertThat(r.preNorm()).isInfinite(); // a double cannot hold it; the report says so
        assertThat(r.postNorm()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(r.nonFinite()).isFalse();
    }

    private static org.assertj.core.data.Offset<Double> withinRel(double x) {
        return org.assertj.core.api.Assertions.within(Math.abs(x) * 1e-12);
    }
}
