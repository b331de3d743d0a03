package org.clipbench.bench;

import org.clipbench.strategy.Regime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.clipbench.params.ParamShapes;
import org.clipbench.strategy.Strategies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The benchmark states outside JMH: every strategy in every regime it offers really takes the path the
 * regime names (its trial check passes), and the check fails when it does not.
 */
class BenchmarkStatesTest {

    static List<Arguments> strategyRegimes() {
        List<Arguments> out = new ArrayList<>();
        for (String s : Strategies.names()) {
            if (Strategies.isPerExample(s)) continue; // DpClipBenchmark's, below
            for (Regime r : Strategies.regimes(s, ParamShapes.get("many-small"))) out.add(Arguments.of(s, r.label()));
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("strategyRegimes")
    void clipBenchmarkTimesThePathItsRegimeNames(String strategy, String regime) {
        for (String backend : List.of("arrays", "vector")) {
            ClipBenchmark.Workload b = new ClipBenchmark.Workload();
            b.strategy = strategy;
            b.backend = backend;
            b.dtype = "f64";
            b.data = "many-small";
            b.layout = "separate";
            b.regime = regime;
            b.threads = 1;
            b.norm = "safe";
            b.setup();
            ClipBenchmark bench = new ClipBenchmark();
            for (int i = 0; i < 10 * org.clipbench.strategy.Regime.SPIKE_PERIOD + 3; i++) assertThat(bench.clip(b)).isNotNull(); // past ZClip's 25-step warm-up
            b.check(); // throws if the regime was not what ran
        }
    }

    static List<Arguments> foldingStrategies() {
        List<Arguments> out = new ArrayList<>();
        for (String s : Strategies.folding()) { // by FoldableClip.folds(): per-layer is a FoldableClip that never folds
            for (String fusion : List.of("separate", "fused")) out.add(Arguments.of(s, fusion));
        }
        return out;
    }

    /**
     * Every rule that folds, separate and fused, clips as its regime says over enough calls for ZClip's
     * warm-up, with the restore JMH runs before each call (AGC's weights restored too: the step moves them).
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("foldingStrategies")
    void optimizerStepBenchmarkClipsAsItsRegimeSays(String strategy, String fusion) {
        OptimizerStepBenchmark.Workload w = new OptimizerStepBenchmark.Workload();
        w.optimizer = "adamw";
        w.strategy = strategy;
        w.fusion = fusion;
        w.backend = "arrays";
        w.dtype = "f32";
        w.data = "flat-1M";
        w.threads = 1;
        w.setup();
        OptimizerStepBenchmark bench = new OptimizerStepBenchmark();
        OptimizerStepBenchmark.FreshGradient fresh = new OptimizerStepBenchmark.FreshGradient();
        fresh.bind(w);
        for (int i = 0; i < 10 * Regime.SPIKE_PERIOD + 3; i++) {
            fresh.restore();
            assertThat(bench.step(fresh)).isNotNull();
        }
        w.check(); // throws if the calls did not clip as the regime asks
        assertThat(OptimizerStepBenchmark.regimeOf(strategy)).isEqualTo(strategy.equals("none") ? Regime.NEVER
                : List.of("autoclip", "zclip").contains(strategy) ? Regime.SPIKES : Regime.ALWAYS);
    }

    /** JMH calls FreshGradient's restore before each clipFresh call, with the same Workload (a bug had two). */
    @Test
    void clipFreshClipsTheGradientItsInvocationSetupRestored() {
        ClipBenchmark.Workload w = new ClipBenchmark.Workload();
        w.strategy = "global-norm";
        w.backend = "arrays";
        w.dtype = "f64";
        w.data = "many-small";
        w.layout = "separate";
        w.regime = "always";
        w.threads = 1;
        w.norm = "safe";
        w.setup();
        ClipBenchmark bench = new ClipBenchmark();
        ClipBenchmark.FreshGradient fresh = new ClipBenchmark.FreshGradient();
        fresh.bind(w);
        for (int i = 0; i < 5; i++) {
            fresh.restore();
            assertThat(bench.clipFresh(fresh).clipped()).isTrue(); // a gradient clipped twice would not clip again
        }
        w.check();
        assertThat(ClipBenchmark.methodFor("flat-64K")).isEqualTo("clip");
        assertThat(ClipBenchmark.methodFor("flat-1M")).isEqualTo("clipFresh");
        assertThat(ClipBenchmark.methodFor("resnet18")).isEqualTo("clipFresh");
    }

    @Test
    void dpBenchmarkClipsInItsRegimes() {
        List<String> perExample = Strategies.names().stream().filter(Strategies::isPerExample).toList();
        assertThat(perExample).contains("dp-flat", "dp-layer", "dp-adaptive", "clip21");
        for (String s : perExample) {
            for (String regime : Strategies.regimes(s, ParamShapes.get("many-small")).stream().map(Regime::label).toList()) {
                DpClipBenchmark b = new DpClipBenchmark();
                b.strategy = s;
                b.backend = "arrays";
                b.dtype = "f64";
                b.data = "many-small";
                b.batch = 4;
                b.regime = regime;
                b.threads = 1;
                b.setup();
                for (int i = 0; i < 5; i++) b.clip();
                b.check();
            }
        }
    }

    @Test
    void theRegimeCheckFailsWhenTheWrongPathWasTimed() {
        assertThatThrownBy(() -> BenchSupport.checkRegime(Regime.ALWAYS, "x", false, 10, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("wrong path");
        assertThatThrownBy(() -> BenchSupport.checkRegime(Regime.NEVER, "x", true, 10, 1))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> BenchSupport.checkRegime(Regime.SPIKES, "x", true, 10, 10))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> BenchSupport.checkRegime(Regime.SPIKES, "x", false, 10, 0))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void regimesThatDoNotApplyAreRefused() {
        assertThat(Strategies.regimes("per-tensor", ParamShapes.get("flat-4K"))).doesNotContain(Regime.HALF);
        assertThat(Strategies.regimes("per-tensor", ParamShapes.get("resnet18"))).contains(Regime.HALF);
        assertThat(Strategies.regimes("renorm", ParamShapes.get("resnet18"))).containsExactly(Regime.ALWAYS);
        ClipBenchmark.Workload b = new ClipBenchmark.Workload();
        b.strategy = "renorm";
        b.backend = "arrays";
        b.dtype = "f64";
        b.data = "flat-4K";
        b.layout = "separate";
        b.regime = "never";
        b.threads = 1;
        b.norm = "safe";
        assertThatThrownBy(b::setup).hasMessageContaining("does not apply");
    }

    @Test
    void bandwidthAndNormStatesRun() {
        BandwidthBenchmark bw = new BandwidthBenchmark();
        bw.data = "flat-4K";
        bw.dtype = "f32";
        bw.threads = 2;
        bw.setup();
        assertThat(bw.copy()).isNotNull();
        assertThat(bw.triad()).isNotNull();
        // the worker team is made of daemon threads: nothing to close
        NormBenchmark n = new NormBenchmark();
        n.backend = "vector";
        n.dtype = "f64";
        n.data = "flat-4K";
        n.kind = "fast-safe";
        n.values = "huge";
        n.threads = 1;
        n.repeat = 1;
        n.setup();
        assertThat(n.norm()).isFinite().isGreaterThan(1e200);
        n.kind = "naive";
        n.setup();
        assertThat(n.norm()).isInfinite();
    }
}
