package org.clipbench.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.backend.UnsupportedCombinationException;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.params.ParamShapes;
import org.clipbench.strategy.ClipContext;
import org.clipbench.strategy.Strategies;
import org.clipbench.strategy.ClipStrategy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * A fused step gives the parameters a separate one gives, bit for bit, for every rule, foldable clip,
 * backend with a step kernel (nd4j: its own ops), dtype and layout; and both equal the library's own
 * separate ops (Sgd, Adam after the strategy's clip) bit for bit, but for Adam formed in f32 by the SIMD
 * twin and ND4J (within a few ulps) and ND4J's f64 Adam (its native division and sqrt, within 1e-14). Three steps on fresh Gaussian gradients of std 1 (every norm clip active), on
 * tensors of 37 elements (SIMD tails) and a flat buffer.
 */
class OptimizerStepTest {
    static final List<String> CLIPS = withEveryFoldingStrategy(List.of("none", "global-norm:c=1", "per-tensor:c=0.5", "value:c=0.5",
            "global-norm:c=1e9", "zclip:warmup=2,maxNorm=1", "autoclip:p=10", "autoclip:p=10,scope=tensor", "agc:lambda=0.01",
            "agc:lambda=0.01,scope=tensor"));

    /** The specs above, and the registered example specs of every folding strategy they do not name (a new one is tested unasked). */
    static List<String> withEveryFoldingStrategy(List<String> chosen) {
        List<String> out = new ArrayList<>(chosen);
        Strategies.examples().stream().filter(e -> Strategies.folding().contains(Strategies.nameOf(e)))
                .filter(e -> chosen.stream().noneMatch(c -> Strategies.nameOf(c).equals(Strategies.nameOf(e)))).forEach(out::add);
        return List.copyOf(out);
    }

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String backend : List.of("arrays", "vector", "nd4j"))
            for (DType dtype : List.of(DType.F32, DType.F64)) // 16-bit storage has no optimizer step (ArraysBackend refuses it)
                for (Layout layout : Layout.values())
                    for (OptimizerStep.Rule rule : OptimizerStep.Rule.values())
                        for (String clip : CLIPS) out.add(Arguments.of(backend, dtype, layout, rule, clip));
        return out;
    }

    /** Vectors of 37 (SIMD tails) and 3 x 37 matrices (AGC's units are their rows). */
    static final ParamShape SHAPE = new ParamShape("mixed", List.of(new org.clipbench.backend.TensorSpec("a", 1, 37, "l0"),
            new org.clipbench.backend.TensorSpec("b", 3, 37, "l0"), new org.clipbench.backend.TensorSpec("c", 1, 37, "l1"),
            new org.clipbench.backend.TensorSpec("d", 5, 37, "l1")));

    static ParamSet run(Backend b, DType dtype, Layout layout, OptimizerStep.Rule rule, String clip, String how) {
        ParamSet params = ParamSet.gaussian(b, SHAPE, dtype, layout, 7, 0.5);
        ClipContext ctx = ClipContext.defaults();
        OptimizerStep fused = how.equals("library") ? null : OptimizerStep.of(rule, clip, OptimizerStep.Mode.valueOf(how), params, ctx);
        Optimizer library = how.equals("library") ? Optimizers.create(rule.name().toLowerCase(java.util.Locale.ROOT)) : null;
        ClipStrategy strategy = (ClipStrategy) Strategies.create(clip);
        for (int k = 1; k <= 3; k++) {
            ParamSet g = ParamSet.gaussian(b, SHAPE, dtype, layout, 100 + k, 1.0);
            if (fused != null) {
                fused.step(g, 0.05);
            } else {
                strategy.clip(g, strategy.readsParameters() ? ctx.withParams(params) : ctx);
                ParamSet update = params.zerosLike();
                library.update(params, g, 0.05, update);
                library.apply(params, update);
            }
        }
        return params;
    }

    @ParameterizedTest(name = "{0} {1} {2} {3} {4}")
    @MethodSource("cases")
    void fusedEqualsSeparateEqualsTheLibrarysOps(String backend, DType dtype, Layout layout, OptimizerStep.Rule rule, String clip) {
        Backend b = Backends.create(backend, 1);
        List<double[]> separate = run(b, dtype, layout, rule, clip, "SEPARATE").toDoubles();
        List<double[]> fused = run(b, dtype, layout, rule, clip, "FUSED").toDoubles();
        List<double[]> library = run(b, dtype, layout, rule, clip, "library").toDoubles();
        List<double[]> start = ParamSet.gaussian(b, SHAPE, dtype, layout, 7, 0.5).toDoubles();
        for (int i = 0; i < separate.size(); i++) {
            if (backend.equals("vector") && rule.adam() && clip.equals("agc:lambda=0.01")) {
                // row by row, other elements fall in the SIMD twin's scalar tail, whose Adam arithmetic rounds differently: to the ulp
                for (int j = 0; j < fused.get(i).length; j++) {
                    double x = separate.get(i)[j], ulp = dtype == DType.F32 ? Math.ulp((float) x) : Math.ulp(x);
                    assertThat(fused.get(i)[j]).as("fused ~ separate, tensor " + i).isCloseTo(x, org.assertj.core.data.Offset.offset(4 * ulp));
                }
            } else {
                assertThat(fused.get(i)).as("fused = separate, tensor " + i).isEqualTo(separate.get(i));
            }
            assertThat(separate.get(i)).as("the step moved the parameters").isNotEqualTo(start.get(i));
            if ((backend.equals("vector") || backend.equals("nd4j")) && rule.adam() && (dtype == DType.F32 || backend.equals("nd4j"))) {
                // SIMD and ND4J f32 Adam form the step in f32; ND4J's native f64 division and sqrt differ in the last bit here and there
                double tolerance = dtype == DType.F32 ? 1e-6 : 1e-14;
                for (int j = 0; j < library.get(i).length; j++) {
                    assertThat(separate.get(i)[j]).isCloseTo(library.get(i)[j], org.assertj.core.data.Offset.offset(tolerance * Math.max(1, Math.abs(library.get(i)[j]))));
                }
            } else {
                assertThat(separate.get(i)).as("one-pass step = the library's separate ops, tensor " + i).isEqualTo(library.get(i));
            }
        }
    }

    @Test
    void anInactiveClipChangesNoBitAndRulesThatDoNotFoldAreRefused() {
        Backend b = Backends.create("arrays", 1);
        assertThat(run(b, DType.F64, Layout.SEPARATE, OptimizerStep.Rule.ADAMW, "global-norm:c=1e9", "FUSED").toDoubles())
                .usingRecursiveComparison().isEqualTo(run(b, DType.F64, Layout.SEPARATE, OptimizerStep.Rule.ADAMW, "none", "FUSED").toDoubles());
        ParamSet p = ParamSet.gaussian(b, SHAPE, DType.F64, Layout.SEPARATE, 1, 1);
        assertThatThrownBy(() -> OptimizerStep.of(OptimizerStep.Rule.SGD, "average-norm:c=0.1", OptimizerStep.Mode.FUSED, p, ClipContext.defaults()))
                .hasMessageContaining("does not fold");
        // per-layer is a FoldableClip whose fold is always null: fused, it ran separate under the fused label (issue 37)
        assertThatThrownBy(() -> OptimizerStep.of(OptimizerStep.Rule.SGD, "per-layer:c=1", OptimizerStep.Mode.FUSED, p, ClipContext.defaults()))
                .hasMessageContaining("does not fold").hasMessageContaining("per-tensor").hasMessageNotContaining("per-layer,");
        assertThatThrownBy(() -> OptimizerStep.of(OptimizerStep.Rule.SGD, "dp-flat:C=1,sigma=0.5,seed=3", OptimizerStep.Mode.SEPARATE, p, ClipContext.defaults()))
                .hasMessageContaining("per example");
        assertThatThrownBy(() -> OptimizerStep.Rule.named("lamb")).hasMessageContaining("use sgd, momentum, adam or adamw");
        Backend ejml = Backends.create("ejml", 1);
        ParamSet q = ParamSet.gaussian(ejml, SHAPE, DType.F64, Layout.SEPARATE, 1, 1);
        OptimizerStep s = OptimizerStep.of(OptimizerStep.Rule.SGD, "none", OptimizerStep.Mode.SEPARATE, q, ClipContext.defaults());
        assertThatThrownBy(() -> s.step(q.copy(), 0.1)).isInstanceOf(UnsupportedCombinationException.class).hasMessageContaining("ejml");
    }

    /**
     * With 2 threads each thread steps its own range (from ArraysBackend.PARALLEL_MIN elements on): the
     * same parameters as one thread, bit for bit, for the element-wise step, separate and fused (the clip's
     * norm is summed in another order, so with a norm clip only fused = separate holds, as above).
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("threadCases")
    void twoThreadsStepEveryElementAsOneDoes(String backend, DType dtype, OptimizerStep.Rule rule) {
        ParamShape big = ParamShapes.flat("flat-big", 2 * org.clipbench.backend.ArraysBackend.PARALLEL_MIN + 37);
        List<List<double[]>> out = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            Backend b = Backends.create(backend, threads);
            ParamSet params = ParamSet.gaussian(b, big, dtype, Layout.SEPARATE, 7, 0.5);
            OptimizerStep step = OptimizerStep.of(rule, "value:c=0.5", OptimizerStep.Mode.FUSED, params, ClipContext.defaults());
            for (int k = 1; k <= 2; k++) step.step(ParamSet.gaussian(b, big, dtype, Layout.SEPARATE, 100 + k, 1.0), 0.05);
            out.add(params.toDoubles());
        }
        assertThat(out.get(1).get(0)).isEqualTo(out.get(0).get(0));
    }

    static List<Arguments> threadCases() {
        List<Arguments> out = new ArrayList<>();
        for (String backend : List.of("arrays", "vector"))
            for (DType dtype : List.of(DType.F32, DType.F64)) // 16-bit storage has no optimizer step (ArraysBackend refuses it)
                for (OptimizerStep.Rule rule : List.of(OptimizerStep.Rule.MOMENTUM, OptimizerStep.Rule.ADAMW)) out.add(Arguments.of(backend, dtype, rule));
        return out;
    }

    /** A stateful fold that cannot fold (here a factor below the smallest normal double) leaves its state as it was: the clip then updates it once. */
    @Test
    void aStatefulFoldThatGivesUpLeavesItsStateUntouched() {
        Backend b = Backends.create("arrays", 1);
        ParamSet g = ParamSet.gaussian(b, SHAPE, DType.F64, Layout.SEPARATE, 3, 1.0);
        var z = (org.clipbench.strategy.ZClip) Strategies.create("zclip:warmup=1,maxNorm=1e-310");
        assertThat(z.fold(g, ClipContext.defaults())).isNull();
        assertThat(z.initialized()).as("the warm-up of one step was not counted by the fold that gave up").isFalse();
        var folding = (org.clipbench.strategy.ZClip) Strategies.create("zclip:warmup=1,maxNorm=1");
        assertThat(java.util.Arrays.stream(folding.fold(g, ClipContext.defaults()).scale()).allMatch(f -> f < 1)).isTrue();
        assertThat(folding.initialized()).isTrue();
        var auto = (org.clipbench.strategy.AutoClip) Strategies.create("autoclip:p=0");
        auto.clip(ParamSet.gaussian(b, SHAPE, DType.F64, Layout.SEPARATE, 4, 1e-308), ClipContext.defaults()); // a tiny norm in the history
        double before = auto.threshold(0);
        assertThat(auto.fold(g, ClipContext.defaults())).as("a factor ~1e-307 / 12 is below the smallest normal").isNull();
        assertThat(auto.threshold(0)).isEqualTo(before);
    }

    @Test
    void aGradientTheFoldCannotTakeIsClippedOnItsOwnInEitherMode() {
        // a gradient whose norm overflows a double: the clip rescues it by powers of two, which no single factor can fold
        Backend b = Backends.create("arrays", 1);
        List<double[]> huge = new ArrayList<>();
        for (var spec : SHAPE.tensors()) {
            double[] v = new double[(int) spec.size()];
            java.util.Arrays.fill(v, 1e300);
            huge.add(v);
        }
        List<double[]> results = new ArrayList<>();
        for (OptimizerStep.Mode mode : OptimizerStep.Mode.values()) {
            ParamSet params = ParamSet.gaussian(b, SHAPE, DType.F64, Layout.SEPARATE, 7, 0.5);
            OptimizerStep.of(OptimizerStep.Rule.SGD, "global-norm:c=1,eps=0", mode, params, ClipContext.defaults())
                    .step(ParamSet.of(b, SHAPE, DType.F64, Layout.SEPARATE, huge), 0.1);
            results.addAll(params.toDoubles());
        }
        int n = results.size() / 2;
        for (int i = 0; i < n; i++) {
            assertThat(results.get(n + i)).isEqualTo(results.get(i));
            assertThat(java.util.Arrays.stream(results.get(i)).allMatch(Double::isFinite)).isTrue();
        }
    }
}
