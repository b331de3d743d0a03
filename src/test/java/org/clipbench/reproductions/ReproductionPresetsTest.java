package org.clipbench.reproductions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.clipbench.experiments.SweepConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The shipped presets: valid, complete, with the seeds, budgets and check settings their statements promise. */
class ReproductionPresetsTest {
    static List<String> presets() {
        return Reproduction.PRESETS;
    }

    // deterministic sweeps: one seed says everything
    static final Set<String> DETERMINISTIC = Set.of("pascanu-cliff/cliff", "zhang-smoothness/x0=2", "zhang-smoothness/x0=5",
            "zhang-smoothness/x0=10", "zhang-smoothness/x0=15", "clipping-bias/two-point");

    /** The seeds the cost measurements were designed with (docs/reproductions.md says how); never a preset's. */
    static final Set<Long> EXPLORATION_SEEDS = Set.of(1001L, 1002L, 1003L);

    @ParameterizedTest
    @MethodSource("presets")
    void presetIsCompleteAndValid(String id) {
        Reproduction r = Reproduction.preset(id);
        assertThat(r.id()).isEqualTo(id);
        assertThat(r.version()).isPositive();
        assertThat(r.claim()).isNotBlank();
        assertThat(r.statement()).isNotBlank();
        assertThat(r.budget()).isNotBlank();
        assertThat(Checks.names()).contains(r.check());
        for (org.clipbench.experiments.StepCostSpec m : r.measurementsOrEmpty()) {
            // a timing experiment decides on intervals over repetitions (memory, near deterministic, on their range); the seed is a
            // confirmation seed, not one the preset was designed with
            assertThat(m.repetitions()).as(id + "/" + m.name() + " repetitions").isGreaterThanOrEqualTo(m.measure().equals("time") ? 10 : 3);
            assertThat(m.seedOrDefault()).as(id + "/" + m.name() + " seed").isNotIn(EXPLORATION_SEEDS);
        }
        for (SweepConfig s : r.sweepsOrEmpty()) {
            if (s.name().equals("explore")) {
                // an exploration sweep tunes (e.g. each arm's learning rate); its seeds never judge, and never confirm
                assertThat(s.seeds()).as(id + " exploration seeds").hasSizeGreaterThanOrEqualTo(3);
                for (SweepConfig other : r.sweepsOrEmpty()) {
                    if (other != s) assertThat(other.seeds()).as(id + "/" + other.name() + " seeds apart from exploration").doesNotContainAnyElementsOf(s.seeds());
                }
            } else if (!DETERMINISTIC.contains(id + "/" + s.name())) {
                assertThat(s.seeds()).as(id + "/" + s.name() + " seeds").hasSizeGreaterThanOrEqualTo(10);
            }
        }
    }

    @Test
    void everyPresetFileIsInThePaperProfile() throws Exception {
        try (var files = Files.list(Path.of("src/main/resources/reproductions"))) {
            List<String> ids = files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".json")).map(f -> f.replace(".json", "")).sorted().toList();
            assertThat(ids).containsExactlyInAnyOrderElementsOf(Reproduction.PRESETS);
        }
    }

    @Test
    void settingsMatchTheirStatements() {
        Reproduction cliff = Reproduction.preset("pascanu-cliff");
        assertThat(cliff.sweeps().get(0).lrs()).containsExactly(0.1);
        assertThat(cliff.checkParams().get("ratio").asDouble()).isEqualTo(10);

        Reproduction rnn = Reproduction.preset("pascanu-rnn");
        assertThat(rnn.sweeps()).extracting(s -> ((org.clipbench.problems.RnnSpec) s.problem()).length()).containsExactly(20, 50); // version 3: L = 100 left out (see budget)
        // version 4: held-out error at the budget, decided by paired Wilcoxon tests (at L = 50, and the L x clipping interaction), fresh seeds 31-40
        assertThat(rnn.version()).isEqualTo(4);
        assertThat(rnn.statement()).contains("L = 50").contains("paired Wilcoxon").contains("31-40");
        assertThat(rnn.checkParams().get("endpoint").asText()).isEqualTo("error");
        assertThat(rnn.sweeps()).allSatisfy(s -> {
            assertThat(s.seeds()).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(31, 40).boxed().toList()); // confirmation seeds
            assertThat(s.strategies()).containsExactly("none", "global-norm:c=1,eps=0");
            assertThat(s.lrs()).containsExactly(0.01);
            assertThat(s.nonFinite()).isEqualTo("skip");
        });

        Reproduction zhang = Reproduction.preset("zhang-smoothness");
        assertThat(zhang.sweeps()).extracting(s -> ((org.clipbench.problems.SmoothSpec) s.problem()).x0()).containsExactly(2.0, 5.0, 10.0, 15.0);
        assertThat(zhang.sweeps()).allSatisfy(s -> {
            assertThat(s.targetGradNorm()).isEqualTo(1e-6);
            assertThat(s.stopAtTarget()).isTrue();
            // version 4 (issue 38): the grid runs past the best rates of version 3 (0.3, its old top), to 3
            assertThat(s.lrs()).hasSize(16).startsWith(1e-7).endsWith(0.3, 1.0, 3.0);
        });
        assertThat(zhang.version()).isEqualTo(4);

        Reproduction smooth = Reproduction.preset("zhang-smoothness-rnn");
        assertThat(smooth.sweeps()).allSatisfy(s -> assertThat(s.logSmoothness()).isTrue());

        Reproduction heavy = Reproduction.preset("heavy-tailed-noise");
        // version 4 (issue 38): the ratio's interval below the factor refutes the claim through the spike test
        assertThat(heavy.version()).isEqualTo(4);
        assertThat(heavy.statement()).contains("lies wholly below 2x");
        // version 2: both heavy laws of infinite variance (Student-t nu < 2; Burr c*d <= 2), a clip level the Gaussian noise reaches
        assertThat(heavy.sweeps()).extracting(s -> ((org.clipbench.problems.QuadraticSpec) s.problem()).noise()).containsExactly("gaussian", "student-t:1.5", "symmetric-burr:1:1.5");
        assertThat(heavy.checkParams().get("clipped").asText()).isEqualTo("global-norm:c=10,eps=0");
        assertThat(heavy.sweeps()).allSatisfy(s -> {
            assertThat(s.strategies()).containsExactly("none", "global-norm:c=10,eps=0");
            assertThat(s.steps()).isEqualTo(100_000L);
            assertThat(s.lrs()).containsExactly(0.001);
            assertThat(((org.clipbench.problems.QuadraticSpec) s.problem()).dim()).isEqualTo(100);
        });

        Reproduction agc = Reproduction.preset("agc-batch-size");
        assertThat(agc.sweeps()).extracting(s -> ((org.clipbench.problems.DatasetModelSpec) s.problem()).batch()).containsExactly(32, 128, 512);
        // linear scaling rule: lr / batch constant
        assertThat(agc.sweeps()).allSatisfy(s -> assertThat(s.lrs().get(0) / ((org.clipbench.problems.DatasetModelSpec) s.problem()).batch()).isCloseTo(0.2 / 32, org.assertj.core.api.Assertions.within(1e-12)));
        // the final layer is never clipped
        assertThat(agc.sweeps()).allSatisfy(s -> assertThat(s.strategies().stream().filter(x -> x.startsWith("agc"))).allMatch(x -> x.contains("exempt=layer2.weight|layer2.bias")));

        // version 2: decided by a paired test of the interaction lambda x batch, on confirmation seeds 11-20
        assertThat(agc.version()).isEqualTo(3); // version 3: also the claim's first half, no clipping fails at batch 512; seeds 21-30
        assertThat(agc.checkParams().get("baseline").asText()).isEqualTo("none");
        assertThat(agc.sweeps()).allSatisfy(s -> assertThat(s.seeds()).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(21, 30).boxed().toList()));
        assertThat(agc.checkParams().get("small").asDouble()).isEqualTo(0.02);
        assertThat(agc.checkParams().get("large").asDouble()).isEqualTo(0.16);

        // version 3: Fisher's exact test with the ablation without ZClip's ceiling, on fresh confirmation seeds 21-30
        // version 4: an lr warm-up of 100 steps (ZClip's own warm-up sees small steps), every arm gated (clipped before it
        // diverged), failure = diverged or error above 50%, non-inferiority on counts (Newcombe), 20 fresh seeds 41-60
        Reproduction zclip = Reproduction.preset("zclip-stability");
        assertThat(zclip.version()).isEqualTo(4);
        assertThat(zclip.sweeps().get(0).seeds()).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(41, 60).boxed().toList());
        assertThat(zclip.sweeps().get(0).warmup()).isEqualTo(100);
        assertThat(zclip.checkParams().get("margin").asDouble()).isEqualTo(0.2);
        assertThat(zclip.checkParams().get("failError").asDouble()).isEqualTo(0.5);
        assertThat(zclip.statement()).contains("warmed up linearly over the first 100 steps").contains("41-60").contains("Newcombe's 90% interval");
        assertThat(zclip.sweeps().get(0).strategies()).contains("zclip", "zclip:maxNorm=inf");
        assertThat(zclip.checkParams().get("withoutCeiling").asText()).isEqualTo("zclip:maxNorm=inf");
        assertThat(zclip.checkParams().get("alpha").asDouble()).isEqualTo(0.05);

        // version 2: the loss scale s with the learning rate 1/s (plain SGD takes the same steps at every scale), seeds 21-30
        // version 3: the transfer (parts 2) is a demonstration, not a test; fresh seeds 31-40
        // version 4 (issue 38): the fixed threshold's failure (part 3) is a demonstration too: the setting decides it by algebra
        Reproduction auto = Reproduction.preset("autoclip-percentile");
        assertThat(auto.version()).isEqualTo(4);
        assertThat(auto.statement()).contains("a demonstration, not a test").contains("clipping at 1 / s of the unscaled problem").contains("Reproduced when (1) holds");
        assertThat(auto.sweeps()).extracting(s -> s.problem().lossScale()).containsExactly(0.01, 1.0, 100.0);
        assertThat(auto.sweeps()).allSatisfy(s -> {
            assertThat(s.lrs().get(0) * s.problem().lossScale()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
            assertThat(s.strategies()).contains("none", "autoclip:p=10", "autoclip:p=100", "global-norm:c=1,eps=0");
            assertThat(s.seeds()).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(31, 40).boxed().toList());
        });
        // clipping-bias version 2: the threshold sweep, confirmation seeds 11-20, no run stopped as diverged
        Reproduction bias = Reproduction.preset("clipping-bias");
        assertThat(bias.version()).isEqualTo(2);
        assertThat(bias.sweep("thresholds").strategies()).containsExactly("global-norm:c=0.5,eps=0", "global-norm:c=1,eps=0", "global-norm:c=2,eps=0",
                "global-norm:c=4,eps=0", "global-norm:c=8,eps=0");
        assertThat(bias.sweep("skewed").seeds()).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(11, 20).boxed().toList());
        assertThat(bias.sweeps()).allSatisfy(s -> assertThat(s.divergenceFactor()).isEqualTo(1e300));

        Reproduction dp = Reproduction.preset("dp-sgd");
        // version 4: arms at equal epsilon (Poisson lots, accounted), fresh seeds 21-30; version 5 says it tests a weaker claim
        assertThat(dp.version()).isEqualTo(5);
        assertThat(dp.statement()).contains("weaker claim than the paper's numbers");
        assertThat(dp.sweep("epsilon").strategies()).containsExactly("none", "dp-flat:C=1,epsilon=8", "dp-flat:C=1,epsilon=2", "dp-flat:C=1,epsilon=0.5");
        assertThat(dp.sweeps()).allSatisfy(s -> {
            assertThat(s.poissonSampling()).isTrue();
            assertThat(s.seeds()).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(21, 30).boxed().toList());
        });
        // dp-adaptive-quantile version 2: the count centred (sensitivity 1/2), each arm at its own lr tuned on exploration seeds
        // version 3 (issue 38): a tuned value at its grid's edge fails a gate
        Reproduction adaptive = Reproduction.preset("dp-adaptive-quantile");
        assertThat(adaptive.version()).isEqualTo(3);
        assertThat(adaptive.statement()).contains("inside the rate grid");
        assertThat(adaptive.checkParams().get("explore").asText()).isEqualTo("explore");
        assertThat(adaptive.sweep("explore").lrs()).isEqualTo(adaptive.sweep("equal-epsilon").lrs()).hasSize(5);
        assertThat(adaptive.statement()).contains("centred").contains("user-level").contains("clip_threshold");
        // the transformer presets (issue 38): AdamW, every step on the curve (spikes are counted per step), fresh confirmation seeds
        for (String id : java.util.List.of("zclip-adamw-transformer", "update-clipping-transformer", "adagc-transformer")) {
            Reproduction lm = Reproduction.preset(id);
            assertThat(lm.check()).isEqualTo("lm-stability");
            assertThat(lm.statement()).contains("1.25 times the median of the 20 losses before it").contains("above 3.0 nats").contains("Exploration seeds 1-3");
            assertThat(lm.sweeps()).extracting(SweepConfig::name).containsExactly("stable", "high-lr");
            assertThat(lm.sweeps()).allSatisfy(s -> {
                assertThat(s.optimizerOrDefault()).isEqualTo("adamw");
                assertThat(s.curvePoints()).isGreaterThan((int) s.stepsOrDefault());
                assertThat(s.seeds()).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(101, 110).boxed().toList());
            });
            assertThat(lm.checkParams().get("factor").asDouble()).isEqualTo(1.25);
        }
        assertThat(Reproduction.preset("zclip-adamw-transformer").checkParams().get("ceiling").asDouble()).isEqualTo(1.0);
        for (String id : java.util.List.of("dp-adaptive-quantile", "dp-automatic-clipping")) {
            assertThat(Reproduction.preset(id).sweeps()).allSatisfy(s -> {
                assertThat(s.poissonSampling()).isTrue();
                assertThat(s.strategies()).allMatch(x -> x.equals("none") || x.contains("epsilon=2")); // equal epsilon, not equal sigma
            });
        }
    }

    @Test
    void unknownNamesAndBrokenParametersAreRejected() {
        assertThatThrownBy(() -> Reproduction.preset("nope")).hasMessageContaining("unknown reproduction 'nope'").hasMessageContaining("pascanu-rnn");
        assertThatThrownBy(() -> Checks.create("nope", null)).hasMessageContaining("unknown check");
        var bad = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("gap", "wide");
        assertThatThrownBy(() -> Checks.create("success-gap", bad)).hasMessageContaining("'gap' must be a number");
    }

    /** The pre-registration fingerprint: equal for the same preset read back from a results folder, different after any edit. */
    /** On a preset whose setup and rule have not changed since the reference run (issue 38 renewed the rules of the gated checks). */
    @Test
    void contentHashIdentifiesThePresetAResultAnswers() throws Exception {
        Reproduction shipped = Reproduction.preset("zhang-smoothness-rnn");
        Reproduction recorded = Reproduction.read(java.nio.file.Path.of("results/reference/paper/zhang-smoothness-rnn/reproduction.json"));
        assertThat(recorded.contentHash()).isEqualTo(shipped.contentHash()).hasSize(12);
        Reproduction edited = new Reproduction(shipped.id(), shipped.version(), shipped.paper(), shipped.claim(), shipped.statement() + " ",
                shipped.budget(), shipped.sweeps(), shipped.check(), shipped.checkParams(), shipped.rule());
        assertThat(edited.contentHash()).isNotEqualTo(shipped.contentHash());
        String md = ReproductionsReport.markdown(java.util.List.of(ReproductionResults.load(java.nio.file.Path.of("results/reference/paper/zhang-smoothness-rnn"))), "", "m");
        assertThat(md).contains("(preset version 2, hash " + shipped.contentHash() + "; decision rule " + shipped.rule() + ")").doesNotContain("**Note.**");
    }

    /** Results of an edited preset (same version, other content) say so beside the verdict. */
    @Test
    void resultsOfAnEditedPresetAreFlagged(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path src = java.nio.file.Path.of("results/reference/paper/dp-sgd"), dir = tmp.resolve("dp-sgd");
        try (var files = java.nio.file.Files.walk(src)) {
            for (java.nio.file.Path f : files.toList()) java.nio.file.Files.copy(f, dir.resolve(src.relativize(f).toString()));
        }
        java.nio.file.Path file = dir.resolve("reproduction.json");
        java.nio.file.Files.writeString(file, java.nio.file.Files.readString(file).replace("10 confirmation seeds", "ten confirmation seeds"));
        String md = ReproductionsReport.markdown(java.util.List.of(ReproductionResults.load(dir)), "", "m");
        assertThat(md).contains("**Note.** These results answer the preset they record").contains("an edit without a version bump");
    }
}
