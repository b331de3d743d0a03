package org.clipbench.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.clipbench.backend.Backend;
import org.clipbench.backend.BackendCombos;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.backend.NormKind;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.backend.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every strategy on every backend and dtype agrees with the arrays backend of the same dtype, on
 * ordinary data and on data with huge (1e200 / 1e30 in f32) and tiny (1e-200 / 1e-30) entries.
 * Tolerance: |x - ref| <= tol * max|ref| per tensor, tol = 1e-12 (f64) or 1e-5 (f32).
 */
class CrossBackendStrategyTest {

    /** Every registered strategy's examples (the registry's, so a new strategy is tested here without a line). */
    static final List<String> GRADIENT_SPECS = java.util.stream.Stream.concat(
            Strategies.examples().stream().filter(s -> !Strategies.isPerExample(Strategies.nameOf(s))),
            java.util.stream.Stream.of("agc:lambda=0.05,scope=tensor,exempt=b2")).toList(); // a tensor of this test's shape
    static final List<String> DP_SPECS = Strategies.examples().stream().filter(s -> Strategies.isPerExample(Strategies.nameOf(s))).toList();

    static final ParamShape SHAPE = new ParamShape("mlp", List.of(
            new TensorSpec("w1", 8, 13, "l1"), new TensorSpec("b1", 1, 8, "l1"),
            new TensorSpec("w2", 3, 8, "l2"), new TensorSpec("b2", 1, 3, "l2")));

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Arguments combo : BackendCombos.all()) {
            if (combo.get()[0].equals("arrays")) continue;
            for (boolean extreme : new boolean[] {false, true}) {
                out.add(Arguments.of(combo.get()[0], combo.get()[1], extreme));
            }
        }
        out.add(Arguments.of("arrays", DType.F64, true)); // f64 vs f32 self-consistency is not claimed
        return out.stream();
    }

    /** Gradient values for step k; extreme puts huge entries in w1 and makes b2 entirely tiny. */
    static List<double[]> grads(DType d, boolean extreme, int k) {
        List<double[]> v = ParamSet.gaussianValues(SHAPE, 100 + k, 1.0 + k);
        if (extreme) {
            double big = d == DType.F64 ? 1e200 : 1e30;
            double tiny = d == DType.F64 ? 1e-200 : 1e-30;
            v.get(0)[5] *= big;
            v.get(0)[40] *= big;
            for (int i = 0; i < v.get(3).length; i++) v.get(3)[i] *= tiny;
        }
        return v;
    }

    static void assertClose(List<double[]> actual, List<double[]> ref, DType d, String what) {
        double tol = d == DType.F64 ? 1e-12 : 1e-5;
        for (int t = 0; t < ref.size(); t++) {
            double max = 0;
            for (double x : ref.get(t)) max = Math.max(max, Math.abs(x));
            for (int i = 0; i < ref.get(t).length; i++) {
                double a = actual.get(t)[i], r = ref.get(t)[i];
                assertThat(Math.abs(a - r) <= tol * max || (Double.isNaN(a) && Double.isNaN(r)))
                        .as("%s tensor %d element %d: %s vs %s", what, t, i, a, r).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} extreme={2}")
    @MethodSource("cases")
    void gradientStrategiesAgreeWithArrays(String backend, DType d, boolean extreme) {
        Backend b = Backends.create(backend);
        Backend ref = Backends.create("arrays");
        ParamSet wB = ParamSet.gaussian(b, SHAPE, d, org.clipbench.params.Layout.SEPARATE, 7, 0.5);
        ParamSet wR = ParamSet.gaussian(ref, SHAPE, d, org.clipbench.params.Layout.SEPARATE, 7, 0.5);
        for (String spec : GRADIENT_SPECS) {
            ClipStrategy sb = Strategies.gradient(spec);
            ClipStrategy sr = Strategies.gradient(spec);
            for (int k = 0; k < 3; k++) {
                ParamSet gB = ParamSet.of(b, SHAPE, d, org.clipbench.params.Layout.SEPARATE, grads(d, extreme, k));
                ParamSet gR = ParamSet.of(ref, SHAPE, d, org.clipbench.params.Layout.SEPARATE, grads(d, extreme, k));
                ClipReport rb = sb.clip(gB, ClipContext.defaults().withParams(wB));
                ClipReport rr = sr.clip(gR, ClipContext.defaults().withParams(wR));
                String what = backend + " " + d + " " + spec + " step " + k;
                assertClose(gB.toDoubles(), gR.toDoubles(), d, what);
                assertThat(rb.clippedUnits()).as(what).isEqualTo(rr.clippedUnits());
                if (extreme) {
                    // the safe norm keeps the gradient alive: nothing became 0 that was not 0 before
                    assertThat(gB.toDoubles().get(0)[5]).as(what + " huge entry survives").isNotZero();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} extreme={2}")
    @MethodSource("cases")
    void dpStrategiesAgreeWithArrays(String backend, DType d, boolean extreme) {
        Backend b = Backends.create(backend);
        Backend ref = Backends.create("arrays");
        for (String spec : DP_SPECS) {
            PerExampleClipStrategy sb = Strategies.perExample(spec);
            PerExampleClipStrategy sr = Strategies.perExample(spec);
            for (int step = 0; step < 2; step++) {
                List<ParamSet> eb = new ArrayList<>(), er = new ArrayList<>();
                for (int e = 0; e < 4; e++) {
                    eb.add(ParamSet.of(b, SHAPE, d, org.clipbench.params.Layout.SEPARATE, grads(d, extreme && e == 1, e + step)));
                    er.add(ParamSet.of(ref, SHAPE, d, org.clipbench.params.Layout.SEPARATE, grads(d, extreme && e == 1, e + step)));
                }
                ParamSet ob = eb.get(0).zerosLike(), or = er.get(0).zerosLike();
                ClipReport rb = sb.clipAndAggregate(eb, ob, ClipContext.defaults());
                ClipReport rr = sr.clipAndAggregate(er, or, ClipContext.defaults());
                String what = backend + " " + d + " " + spec + " step " + step;
                assertClose(ob.toDoubles(), or.toDoubles(), d, what);
                assertThat(rb.threshold()).as(what).isCloseTo(rr.threshold(), org.assertj.core.api.Assertions.within(1e-9));
            }
        }
    }

    @Test
    void aNaiveNormLosesAnUnderflowingGradientWhereTheSafeOneKeepsIt() {
        // (an overflowing naive norm is measured again in a scaled unit: see OverflowingNormTest)
        Backend b = Backends.create("arrays");
        List<double[]> v = List.of(new double[] {1e-200, -1e-200, 0});
        ParamShape one = new ParamShape("one", List.of(new TensorSpec("w", 1, 3, "w")));
        ParamSet naive = ParamSet.of(b, one, DType.F64, org.clipbench.params.Layout.SEPARATE, v);
        ParamSet safe = ParamSet.of(b, one, DType.F64, org.clipbench.params.Layout.SEPARATE, v);
        Strategies.gradient("renorm").clip(naive, ClipContext.defaults().withNormKind(NormKind.NAIVE));
        ClipReport r = Strategies.gradient("renorm").clip(safe, ClipContext.defaults());
        assertThat(Grads.t(naive, 0)).containsExactly(1e-200, -1e-200, 0); // norm 0: left as it is
        assertThat(r.preNorm()).isCloseTo(Math.sqrt(2) * 1e-200, org.assertj.core.api.Assertions.within(1e-214));
        assertThat(Grads.t(safe, 0)[0]).isCloseTo(1 / Math.sqrt(2), org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void flatLayoutGivesTheSameResultAsSeparateTensors() {
        for (String backend : List.of("arrays", "vector", "nd4j")) {
            Backend b = Backends.create(backend);
            for (String spec : GRADIENT_SPECS) {
                if (spec.startsWith("agc")) continue; // needs params in the same layout; covered by separate
                ParamSet flat = ParamSet.of(b, SHAPE, DType.F64, org.clipbench.params.Layout.FLAT, grads(DType.F64, true, 0));
                ParamSet sep = ParamSet.of(b, SHAPE, DType.F64, org.clipbench.params.Layout.SEPARATE, grads(DType.F64, true, 0));
                Strategies.gradient(spec).clip(flat, ClipContext.defaults());
                Strategies.gradient(spec).clip(sep, ClipContext.defaults());
                assertClose(flat.toDoubles(), sep.toDoubles(), DType.F64, backend + " flat " + spec);
            }
        }
    }
}
