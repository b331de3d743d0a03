package org.clipbench.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import org.clipbench.kernel.Activation;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.models.Loss;
import org.clipbench.models.Models;
import org.clipbench.optim.Optimizers;
import org.clipbench.optim.Schedule;
import org.clipbench.problems.CliffNeuron;
import org.clipbench.problems.ModelOnTask;
import org.clipbench.problems.SmoothFunction;
import org.clipbench.strategy.NonFinitePolicy;
import org.clipbench.strategy.Strategies;
import org.clipbench.tasks.DatasetTask;
import org.clipbench.tasks.PathologicalTask;
import org.junit.jupiter.api.Test;

class TrainerTest {
    static final Backend ARRAYS = Backends.create("arrays");

    static Trainer.Settings settings(long steps, double lr) {
        return Trainer.Settings.builder(steps, lr).evalEvery(50).targetLoss(2.001).build();
    }

    /**
     * Four problems returned their evaluation as Map.of, whose iteration order changes from one JVM to the
     * next: a rerun wrote the same eval_ rows of curves.csv in another order. The trainer now orders them.
     */
    @Test
    void evaluationMetricsAreRecordedInNameOrderWhateverOrderTheProblemGives() {
        SmoothFunction f = new SmoothFunction(SmoothFunction.Kind.COSH2, 1);
        org.clipbench.problems.Problem unordered = new org.clipbench.problems.Problem() {
            public String name() { return "unordered"; }
            public org.clipbench.params.ParamShape shape() { return f.shape(); }
            public void initialize(org.clipbench.params.ParamSet p, java.util.SplittableRandom r) { f.initialize(p, r); }
            public double lossAndGradient(org.clipbench.params.ParamSet p, java.util.SplittableRandom r, org.clipbench.params.ParamSet g) {
                return f.lossAndGradient(p, r, g);
            }
            public java.util.Map<String, Double> evaluate(org.clipbench.params.ParamSet p, java.util.SplittableRandom r) {
                var m = new java.util.LinkedHashMap<String, Double>();
                m.put("zeta", 1.0);
                m.put("alpha", 2.0);
                m.put("mid", 3.0);
                return m;
            }
        };
        Trainer.Result r = Trainer.train(unordered, ARRAYS, DType.F64, Strategies.create("none"), Optimizers.create("sgd"), 1,
                settings(4, 0.01));
        assertThat(r.curve()).filteredOn(pt -> pt.metric().startsWith("eval_")).extracting(Trainer.Point::metric)
                .containsExactly("eval_alpha", "eval_mid", "eval_zeta");
        assertThat(r.finalEval().keySet()).containsExactly("alpha", "mid", "zeta");
    }

    /**
     * A run says what its clip did: value clipping's runs recorded clip_fraction and clip_share 0 while clamping
     * every step (training did not measure, and value clipping counts only when it does), so a gate called the arm
     * unclipped. One tensor of one: the share is the fraction of steps that clamped, and the threshold curve is C.
     */
    @Test
    void valueClippingRecordsWhatItClipped() {
        SmoothFunction f = new SmoothFunction(SmoothFunction.Kind.COSH2, 3); // |f'(3)| = 20: clamped at 1 until x is near 0.88
        Trainer.Result r = Trainer.train(f, ARRAYS, DType.F64, Strategies.create("value:c=1"), Optimizers.create("sgd"), 1, settings(40, 0.1));
        assertThat(r.clippedSteps()).isGreaterThan(5);
        assertThat(r.clipShare()).isEqualTo(r.clipFraction()).isEqualTo((double) r.clippedSteps() / r.steps());
        assertThat(r.curve()).filteredOn(p -> p.metric().equals("clip_threshold")).extracting(Trainer.Point::value).containsOnly(1.0);
    }

    /** The clipped share counts units: DP-SGD at a bound every example exceeds clips all of them, at a huge bound none. */
    @Test
    void clippedShareCountsTheExamplesOfALot() {
        var cfg = SweepConfig.read(writeTemp("""
                {"name": "share", "problem": {"type": "mlp", "dataset": "digits", "depth": 1, "width": 8, "batch": 16},
                 "lrs": [0.1], "strategies": ["dp-flat:C=0.000001,sigma=0", "dp-flat:C=1000000,sigma=0"], "seeds": [1], "steps": 5}"""));
        for (String strategy : cfg.strategies()) {
            Trainer.Result r = Trainer.train(cfg.problem().build(), ARRAYS, DType.F64, Strategies.create(strategy), Optimizers.create("sgd"), 1, cfg.settings(0.1));
            assertThat(r.clipShare()).as(strategy).isEqualTo(strategy.contains("C=0.000001") ? 1.0 : 0.0);
        }
    }

    static java.nio.file.Path writeTemp(String json) {
        try {
            java.nio.file.Path f = java.nio.file.Files.createTempFile("sweep", ".json");
            java.nio.file.Files.writeString(f, json);
            f.toFile().deleteOnExit();
            return f;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void clippingTamesTheExplodingStartAndDivergenceIsAResult() {
        // f = e^x + e^-x from x0 = 10: the first gradient is ~2.2e4, so lr 0.1 jumps far away and the loss explodes
        SmoothFunction f = new SmoothFunction(SmoothFunction.Kind.COSH2, 10);
        Trainer.Result plain = Trainer.train(f, ARRAYS, DType.F64, Strategies.create("none"), Optimizers.create("sgd"), 1,
                settings(200, 0.1));
        assertThat(plain.diverged()).isTrue();
        assertThat(plain.divergedAt()).isLessThan(5);
        Trainer.Result clipped = Trainer.train(f, ARRAYS, DType.F64, Strategies.create("global-norm:c=1"), Optimizers.create("sgd"), 1,
                settings(300, 0.1));
        assertThat(clipped.diverged()).isFalse();
        assertThat(clipped.finalEval().get("abs_grad")).isLessThan(1e-3);
        assertThat(clipped.clipFraction()).isGreaterThan(0.2);
        // the minimum is 2; the clipped run moves 0.1 per step from x = 10, so it needs about 100 steps to get near it
        assertThat(clipped.stepsToTarget()).isBetween(90L, 300L);
        assertThat(plain.stepsToTarget()).isEqualTo(-1);
    }

    @Test
    void cliffRunsAreDeterministicToTheBit() {
        CliffNeuron cliff = CliffNeuron.paper(5, -2.59);
        var a = Trainer.train(cliff, ARRAYS, DType.F64, Strategies.create("global-norm:c=0.1"), Optimizers.create("sgd"), 7, settings(500, 0.05));
        var b = Trainer.train(cliff, ARRAYS, DType.F64, Strategies.create("global-norm:c=0.1"), Optimizers.create("sgd"), 7, settings(500, 0.05));
        // everything but the wall clock is bit-identical
        assertThat(a.curve().stream().filter(p -> !p.metric().equals("elapsed_s")).toList())
                .isEqualTo(b.curve().stream().filter(p -> !p.metric().equals("elapsed_s")).toList());
        assertThat(a.finalLoss()).isEqualTo(b.finalLoss());
        assertThat(a.curve().size()).isLessThanOrEqualTo(6 * 201 + 10);
    }

    @Test
    void mlpLearnsDigitsWithAdam() {
        DatasetTask digits = DatasetTask.load("digits", Loss.SOFTMAX_CROSS_ENTROPY);
        var problem = new ModelOnTask(Models.mlp(64, 10, 1, 32, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY), digits, 32, 1);
        var r = Trainer.train(problem, ARRAYS, DType.F64, Strategies.create("global-norm:c=5"), Optimizers.create("adam"), 3,
                settings(400, 0.01));
        assertThat(r.diverged()).isFalse();
        assertThat(r.finalEval().get("error_rate")).isLessThan(0.1);
        assertThat(r.finalLoss()).isLessThan(r.firstLoss());
    }

    @Test
    void dpAndUpdateClippingTakeTheirPaths() {
        DatasetTask bc = DatasetTask.load("breast-cancer", Loss.SIGMOID_BINARY_CROSS_ENTROPY);
        var problem = new ModelOnTask(Models.logistic(30), bc, 16, 1);
        var dp = Trainer.train(problem, ARRAYS, DType.F64, Strategies.create("dp-flat:C=1,sigma=0.5,seed=1"), Optimizers.create("sgd"), 2,
                settings(200, 0.5));
        assertThat(dp.diverged()).isFalse();
        assertThat(dp.finalEval().get("error_rate")).isLessThan(0.15);
        var rms = Trainer.train(problem, ARRAYS, DType.F64, Strategies.create("rms-update:d=0.001"), Optimizers.create("sgd"), 2,
                settings(50, 1.0));
        assertThat(rms.clipFraction()).isEqualTo(1.0); // every update's RMS is above 0.001
    }

    /** A DP run is bit-identical when rerun with its seed (the noise comes from the seed, nothing else). */
    @Test
    void dpRunsRepeatBitForBit() {
        DatasetTask bc = DatasetTask.load("breast-cancer", Loss.SIGMOID_BINARY_CROSS_ENTROPY);
        var problem = new ModelOnTask(Models.logistic(30), bc, 16, 1);
        double a = Trainer.train(problem, ARRAYS, DType.F64, Strategies.create("dp-flat:C=1,sigma=4"), Optimizers.create("sgd"), 1, settings(5, 0.5)).finalLoss();
        double rerun = Trainer.train(problem, ARRAYS, DType.F64, Strategies.create("dp-flat:C=1,sigma=4"), Optimizers.create("sgd"), 1, settings(5, 0.5)).finalLoss();
        assertThat(rerun).isEqualTo(a);
    }

    @Test
    void rnnTrainsOnTheAdditionTask() {
        PathologicalTask add = new PathologicalTask(PathologicalTask.Kind.ADDITION, 20);
        var rnn = new org.clipbench.models.ElmanRnn(2, 20, 1, Activation.TANH, Loss.MSE, false, org.clipbench.models.ElmanRnn.Init.SMART);
        var problem = new ModelOnTask(rnn, add, 20, 500);
        var r = Trainer.train(problem, ARRAYS, DType.F64, Strategies.create("global-norm:c=1,eps=0"), Optimizers.create("sgd"), 4,
                settings(300, 0.01));
        assertThat(r.diverged()).isFalse();
        assertThat(r.finalEval()).containsKeys("loss", "error_rate", "success");
    }
}
