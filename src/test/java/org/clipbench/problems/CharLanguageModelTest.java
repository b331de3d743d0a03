package org.clipbench.problems;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.experiments.SweepConfig;
import org.clipbench.experiments.SweepRunner;
import org.clipbench.experiments.Trainer;
import org.clipbench.models.Batch;
import org.clipbench.optim.Optimizers;
import org.clipbench.optim.Schedule;
import org.clipbench.strategy.Strategies;
import org.clipbench.tasks.TextCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The corpus and its split, the transformer problem as a sweep builds it, and training that is bit-for-bit repeatable. */
class CharLanguageModelTest {
    static final String TINY = "{\"type\": \"transformer\", \"width\": 16, \"heads\": 2, \"depth\": 1, \"length\": 16, \"batch\": 4}";

    @Test
    void theCorpusIsTheShippedTextSplitOnce() {
        TextCorpus c = TextCorpus.load("gpl-3");
        assertThat(c.vocabularySize()).isEqualTo(76);
        assertThat(c.trainLength()).isEqualTo(31_634);
        assertThat(c.heldOutLength()).isEqualTo(3_515);
        assertThat(c.character(0)).isEqualTo('\n');
        Batch h = c.heldOut(32);
        assertThat(h.size()).isEqualTo(3_514 / 32);
        assertThat(h.steps()).isEqualTo(32);
        // a window's label at t is its input at t + 1: the next character
        for (int t = 0; t + 1 < 32; t++) assertThat((double) h.stepLabels()[t][5]).isEqualTo(h.inputs()[t + 1][5][0]);
        Batch b = c.trainBatch(new SplittableRandom(3), 6, 32), again = c.trainBatch(new SplittableRandom(3), 6, 32);
        assertThat(b.inputs()).isDeepEqualTo(again.inputs());
        assertThat(b.stepLabels()).isDeepEqualTo(again.stepLabels());
        assertThatThrownBy(() -> TextCorpus.load("shakespeare")).hasMessageContaining("unknown corpus 'shakespeare': use gpl-3");
        assertThatThrownBy(() -> c.requireContext(5_000)).hasMessageContaining("give a shorter context");
    }

    @Test
    void theSpecBuildsTheModelItNamesAndRefusesWhatCannotRun() {
        CharLanguageModel p = (CharLanguageModel) ProblemSpec.parse("{\"type\": \"transformer\"}").build();
        assertThat(p.model().config()).isEqualTo(new org.clipbench.models.Transformer.Config(76, 32, 32, 4, 2));
        assertThat(p.batchSize()).isEqualTo(8);
        assertThat(p.shape().totalSize()).isEqualTo(76 * 32 + 32 * 32 + 2 * (2 * 32 + 3 * 32 * 32 + 3 * 32 + 32 * 32 + 32 + 2 * 32 + 4 * 32 * 32 + 4 * 32
                + 4 * 32 * 32 + 32) + 2 * 32 + 76 * 32);
        assertThatThrownBy(() -> ProblemSpec.parse("{\"type\": \"transformer\", \"width\": 30}").build())
                .hasMessageContaining("problem.width 30 is not a multiple of problem.heads 4");
        assertThatThrownBy(() -> ProblemSpec.parse("{\"type\": \"transformer\", \"kernels\": \"gpu\"}").build())
                .hasMessageContaining("problem.kernels 'gpu' is unknown: use vector or scalar");
        assertThatThrownBy(() -> ProblemSpec.parse("{\"type\": \"transformer\", \"dataset\": \"digits\"}").build())
                .hasMessageContaining("unknown corpus 'digits'");
        assertThatThrownBy(() -> ProblemSpec.parse("{\"type\": \"transformer\", \"width\": 1000000}").build())
                .hasMessageContaining("lower problem.width");
        assertThatThrownBy(() -> ProblemSpec.parse("{\"type\": \"transformer\", \"hidden\": 3}").build())
                .hasMessageContaining("problem.hidden is not a field of problem type 'transformer'");
    }

    static Trainer.Result train(String spec, String strategy, DType dtype, long seed) {
        Problem p = ProblemSpec.parse(spec).build();
        Trainer.Settings s = Trainer.Settings.builder(24, 0.01).schedule(new Schedule("cosine", 5)).maxCurvePoints(100).build();
        return Trainer.train(p, Backends.create("vector"), dtype, Strategies.create(strategy), Optimizers.create("adamw:wd=0.1"), seed, s);
    }

    static double[] losses(Trainer.Result r) {
        return r.curve().stream().filter(pt -> pt.metric().equals("loss")).mapToDouble(Trainer.Point::value).toArray();
    }

    /** Same seed, same loss curve to the last bit (AdamW, warm-up and cosine decay, a stateful clip); another seed differs. */
    @Test
    void trainingIsBitForBitRepeatable() {
        for (DType d : List.of(DType.F32, DType.F64)) { // a model trains in f32 or f64; 16-bit storage holds gradients only
            Trainer.Result a = train(TINY, "adagc:warmup=5", d, 7), b = train(TINY, "adagc:warmup=5", d, 7), c = train(TINY, "adagc:warmup=5", d, 8);
            assertThat(losses(a)).hasSize(24).isEqualTo(losses(b));
            assertThat(a.finalEval()).isEqualTo(b.finalEval());
            assertThat(losses(c)).isNotEqualTo(losses(a));
            // it learns: the held-out loss falls below uniform guessing (ln 76 = 4.33)
            assertThat(a.finalEval().get("loss")).isLessThan(Math.log(76) - 0.3);
            assertThat(a.finalEval().get("bits_per_char")).isCloseTo(a.finalEval().get("loss") / Math.log(2), within(1e-12));
        }
    }

    /** A sweep's runs are the same whether one thread or two train them. */
    @Test
    void sweepResultsDoNotDependOnTheThreadCount(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("s.json");
        Files.writeString(f, "{\"name\": \"lm\", \"problem\": " + TINY + ", \"optimizer\": \"adamw\", \"lrs\": [0.003, 0.01],"
                + " \"strategies\": [\"none\", \"rms-update:perLr=true\"], \"seeds\": [1], \"steps\": 12, \"schedule\": \"cosine\", \"warmup\": 3}");
        SweepConfig cfg = SweepConfig.read(f);
        SweepRunner.run(cfg, dir.resolve("one"), 1, 1, 1, false, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        SweepRunner.run(cfg, dir.resolve("two"), 2, 1, 1, false, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        assertThat(withoutWallClock(dir.resolve("one/curves.csv"))).isEqualTo(withoutWallClock(dir.resolve("two/curves.csv")));
        assertThat(withoutWallClock(dir.resolve("one/runs.csv"))).isEqualTo(withoutWallClock(dir.resolve("two/runs.csv")));
    }

    static List<String> withoutWallClock(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        int wall = List.of(lines.get(0).split(",")).indexOf("wall_s");
        return lines.stream().filter(l -> !l.contains("elapsed_s")).map(l -> {
            if (wall < 0) return l;
            String[] cells = l.split(",", -1);
            cells[wall] = "";
            return String.join(",", cells);
        }).toList();
    }
}
