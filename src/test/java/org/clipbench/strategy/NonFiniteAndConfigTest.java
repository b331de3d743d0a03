package org.clipbench.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.clipbench.backend.DType;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.backend.TensorSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Non-finite policies for every strategy, and configuration errors. */
class NonFiniteAndConfigTest {

    static final ParamShape SHAPE = new ParamShape("s", List.of(
            new TensorSpec("a", 2, 3, "l0"), new TensorSpec("bad", 2, 3, "l1")));

    static List<String> specs() {
        // the exempt spec names a tensor of the cross-backend shape, not of this one
        return CrossBackendStrategyTest.GRADIENT_SPECS.stream().filter(s -> !s.contains("exempt=")).toList();
    }

    static ParamSet grads(double poison) {
        return ParamSet.of(Grads.ARRAYS, SHAPE, DType.F64, Layout.SEPARATE,
                List.of(new double[] {1, -2, 3, 4, -5, 6}, new double[] {0.5, poison, -0.5, 2, 7, -1}));
    }

    static ClipContext ctx(NonFinitePolicy p) {
        ParamSet w = ParamSet.of(Grads.ARRAYS, SHAPE, DType.F64, Layout.SEPARATE,
                List.of(new double[] {1, 1, 1, 1, 1, 1}, new double[] {1, 1, 1, 1, 1, 1}));
        return ClipContext.defaults().withPolicy(p).withParams(w);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void errorNamesTheTensor(String spec) {
        for (double poison : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> Strategies.gradient(spec).clip(grads(poison), ctx(NonFinitePolicy.ERROR)))
                    .isInstanceOf(NonFiniteGradientException.class)
                    .hasMessageContaining("'bad'").hasMessageContaining("skip");
        }
    }

    @ParameterizedTest
    @MethodSource("specs")
    void skipLeavesEveryBitAndReportsTheStep(String spec) {
        for (double poison : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            ParamSet g = grads(poison);
            List<double[]> before = g.toDoubles();
            ClipReport r = Strategies.gradient(spec).clip(g, ctx(NonFinitePolicy.SKIP));
            assertThat(r.skipped()).isTrue();
            assertThat(r.nonFinite()).isTrue();
            for (int t = 0; t < 2; t++) assertThat(Grads.bits(Grads.t(g, t))).containsExactly(Grads.bits(before.get(t)));
        }
    }

    @ParameterizedTest
    @MethodSource("specs")
    void zeroReplacesTheBadEntriesAndClipsTheRest(String spec) {
        for (double poison : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            ParamSet g = grads(poison);
            ClipReport r = Strategies.gradient(spec).clip(g, ctx(NonFinitePolicy.ZERO));
            assertThat(r.nonFinite()).isTrue();
            assertThat(r.skipped()).isFalse();
            assertThat(Grads.t(g, 1)[1]).isZero();
            for (int t = 0; t < 2; t++) for (double x : Grads.t(g, t)) assertThat(x).isFinite();
            // same result as clipping the zeroed gradient directly
            ParamSet expected = grads(0.0);
            Strategies.gradient(spec).clip(expected, ctx(NonFinitePolicy.PROPAGATE));
            assertThat(Grads.t(g, 0)).containsExactly(Grads.t(expected, 0));
        }
    }

    @Test
    void propagateFollowsPyTorch() {
        ParamSet g = grads(Double.NaN);
        ClipReport r = Strategies.gradient("global-norm:c=1").clip(g, ctx(NonFinitePolicy.PROPAGATE));
        assertThat(r.preNorm()).isNaN();
        assertThat(r.nonFinite()).isTrue();
        for (int t = 0; t < 2; t++) for (double x : Grads.t(g, t)) assertThat(x).isNaN();

        g = grads(Double.POSITIVE_INFINITY); // factor 0: finite entries 0, the Inf entry NaN
        Strategies.gradient("global-norm:c=1").clip(g, ctx(NonFinitePolicy.PROPAGATE));
        assertThat(Grads.t(g, 0)).containsOnly(0.0, -0.0);
        assertThat(Grads.t(g, 1)[1]).isNaN();
        assertThat(Grads.t(g, 1)[0]).isZero();

        g = grads(Double.NEGATIVE_INFINITY); // value clipping: Inf becomes -c, others clamp as usual
        Strategies.gradient("value:c=1").clip(g, ctx(NonFinitePolicy.PROPAGATE));
        assertThat(Grads.t(g, 1)).containsExactly(0.5, -1, -0.5, 1, 1, -1);

        g = grads(Double.NaN); // per-tensor: only the bad tensor goes NaN
        Strategies.gradient("per-tensor:c=1").clip(g, ctx(NonFinitePolicy.PROPAGATE));
        assertThat(Grads.t(g, 0)).doesNotContain(Double.NaN);
        assertThat(Grads.t(g, 1)).containsOnly(Double.NaN);

        // AGC under propagate: +Inf in a row gives that row factor 0 times Inf (NaN), like PyTorch; it threw a NullPointerException
        ParamSet w = ParamSet.zeros(Grads.ARRAYS, SHAPE, DType.F64, Layout.SEPARATE);
        for (int t = 0; t < 2; t++) Grads.ARRAYS.assign(w.tensor(t), new double[] {1, 1, 1, 1, 1, 1});
        g = grads(Double.POSITIVE_INFINITY);
        ClipReport agc = Strategies.gradient("agc:lambda=0.01").clip(g, ctx(NonFinitePolicy.PROPAGATE).withParams(w));
        assertThat(agc.nonFinite()).isTrue();
        assertThat(Grads.t(g, 1)).contains(Double.NaN);

        AutoClip ac = (AutoClip) Strategies.gradient("autoclip:p=50");
        ac.clip(grads(1), ClipContext.defaults());
        double before = ac.threshold(0);
        ac.clip(grads(Double.NaN), ClipContext.defaults());
        assertThat(ac.threshold(0)).as("NaN norm stays out of the history").isEqualTo(before);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "global-norm:c=-1; c=-1.0 is invalid: it must be > 0",
            "global-norm:c=NaN; not NaN",
            "value:c=abc; a number is needed",
            "value:c=0; it must be > 0",
            "autoclip:p=150; [0.0, 100.0]",
            "autoclip:window=-1; it must be >= 0",
            "zclip:alpha=1; (0.0, 1.0)",
            "zclip:alpha=0; (0.0, 1.0)",
            "zclip:mode=median; choose one of [zscore, percentile]",
            "adagc:beta=1; (0.0, 1.0)",
            "adagc:lambdaRel=0; it must be > 0",
            "adagc:warmup=-1; it must be >= 0",
            "rms-update:perLr=maybe; perLr",
            "global-norm:p=3; use 1, 2 or inf",
            "global-norm:q=1; unknown parameter 'q'; valid parameters: c, p, eps",
            "warp; unknown strategy 'warp'",
            "global-norm:c; is not key=value",
            "global-norm:c=1,c=2; sets 'c' twice",
            "dp-adaptive:min=2,max=1; exceeds max",
            "dp-flat:sigma=-1; it must be >= 0",
            "agc:lambda=0; it must be > 0",
    })
    void invalidConfigurationIsRejectedAtConstruction(String spec, String message) {
        assertThatThrownBy(() -> Strategies.create(spec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    /** CI's fuzzer found "!\n!" echoed with its line break, splitting the one-line error in two. */
    @ParameterizedTest
    @ValueSource(strings = {"!\n!", "global-norm:c=1\nx", "global-norm:c=\r1", "value\u2028", "global-norm:c=\t1"})
    void specsWithControlCharactersAreRefusedOnOneLine(String spec) {
        assertThatThrownBy(() -> Strategies.create(spec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control character").hasMessageNotContainingAny("\n", "\r", "\u2028", "\t");
    }

    @Test
    void agcChecksNamesAndShapes() {
        ClipStrategy agc = Strategies.gradient("agc:exempt=fc.weight");
        assertThatThrownBy(() -> agc.validateFor(SHAPE)).hasMessageContaining("'fc.weight'")
                .hasMessageContaining("does not have");
        ClipStrategy ok = Strategies.gradient("agc");
        ParamShape other = new ParamShape("o", List.of(new TensorSpec("a", 3, 2, "l0"), new TensorSpec("bad", 2, 3, "l1")));
        ParamSet w = ParamSet.zeros(Grads.ARRAYS, other, DType.F64, Layout.SEPARATE);
        assertThatThrownBy(() -> ok.clip(grads(1), ClipContext.defaults().withParams(w))).hasMessageContaining("differ in shape");
        assertThatThrownBy(() -> ok.clip(grads(1), ClipContext.defaults())).hasMessageContaining("needs the parameters");
        assertThatThrownBy(() -> Strategies.gradient("dp-flat")).hasMessageContaining("per example");
        assertThatThrownBy(() -> Strategies.perExample("value")).hasMessageContaining("not a per-example");
    }

    @Test
    void helpListsEveryStrategyWithItsParameters() {
        String help = Strategies.help();
        for (String name : Strategies.names()) assertThat(help).contains(name);
        assertThat(Strategies.parameters("global-norm")).extracting(StrategyParams.Declared::key).containsExactly("c", "p", "eps");
    }

    @Test
    void dpPoliciesApplyPerExample() {
        var dp = Strategies.perExample("dp-flat:C=1,sigma=0");
        assertThatThrownBy(() -> dp.clipAndAggregate(List.of(grads(1), grads(Double.NaN)), grads(0).zerosLike(),
                ClipContext.defaults().withPolicy(NonFinitePolicy.ERROR))).hasMessageContaining("example 1/bad");
        ParamSet out = grads(0).zerosLike();
        ClipReport r = dp.clipAndAggregate(List.of(grads(1), grads(Double.NaN)), out,
                ClipContext.defaults().withPolicy(NonFinitePolicy.SKIP));
        assertThat(r.skipped()).isTrue();
    }
}
