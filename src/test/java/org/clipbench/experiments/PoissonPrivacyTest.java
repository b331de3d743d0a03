package org.clipbench.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.clipbench.privacy.RdpAccountant;
import org.clipbench.problems.ProblemSpec;
import org.clipbench.tasks.DatasetTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** Poisson-sampled lots and the epsilon every DP run of such a sweep records. */
class PoissonPrivacyTest {
    static final String DP = """
            {"name": "dp", "problem": {"type": "logistic", "dataset": "breast-cancer", "batch": 64}, "backend": "arrays",
             "lrs": [0.5], "strategies": ["none", "dp-flat:C=1,sigma=1.5", "dp-flat:C=1,epsilon=3", "dp-adaptive:C=1,epsilon=3"],
             "seeds": [1], "steps": 40, "sampling": "poisson", "delta": 1e-5}""";

    /** Each example joins with probability q: lot sizes average qN and each example's share of lots is q. */
    @Test
    void poissonLotsHoldEachExampleWithTheSamplingRate() {
        DatasetTask task = (DatasetTask) ((org.clipbench.problems.ModelOnTask) ProblemSpec.parse(
                "{\"type\": \"logistic\", \"dataset\": \"breast-cancer\"}").build()).task();
        int n = task.trainingSetSize(), lots = 2000;
        double q = 0.05;
        SplittableRandom rng = new SplittableRandom(4);
        double total = 0, empty = 0;
        for (int k = 0; k < lots; k++) {
            int size = task.poissonTrainBatch(rng, q).size();
            total += size;
            if (size == 0) empty++;
        }
        double mean = total / lots, sd = Math.sqrt(n * q * (1 - q) / lots);
        assertThat(mean).isCloseTo(n * q, within(5 * sd)); // 5 standard errors: fails for a biased sampler, not by chance
        assertThat(empty).isZero();
        assertThatThrownBy(() -> task.poissonTrainBatch(rng, 0)).hasMessageContaining("must be in (0, 1]");
    }

    @Test
    void everyDpRunRecordsTheEpsilonItSpentAndTargetsAreMet(@TempDir Path dir) throws Exception {
        SweepConfig cfg = SweepConfig.read(SweepTest.write(dir, DP));
        SweepRunner.run(cfg, dir.resolve("out"), 2, 1, 1, false, System.out);
        Table runs = Table.read().csv(dir.resolve("out/runs.csv").toFile());
        int n = ProblemSpec.parse("{\"type\": \"logistic\", \"dataset\": \"breast-cancer\"}").build().trainingSetSize();
        double q = 64.0 / n;
        for (int i = 0; i < runs.rowCount(); i++) {
            String strategy = runs.stringColumn("strategy").get(i);
            assertThat(runs.stringColumn("dp_sampling").get(i)).isEqualTo("poisson");
            double eps = runs.doubleColumn("dp_epsilon").getDouble(i);
            switch (strategy) {
                case "none" -> assertThat(runs.doubleColumn("dp_epsilon").isMissing(i)).as("no noise, no accounting").isTrue();
                case "dp-flat:C=1,sigma=1.5" -> {
                    assertThat(runs.doubleColumn("dp_sampling_rate").getDouble(i)).isEqualTo(q);
                    assertThat(eps).isEqualTo(RdpAccountant.epsilon(q, 1.5, 40, 1e-5, RdpAccountant.Conversion.BALLE_2020).epsilon());
                }
                case "dp-flat:C=1,epsilon=3" -> assertThat(eps).isCloseTo(3, within(1e-4));
                case "dp-adaptive:C=1,epsilon=3" -> {
                    assertThat(eps).isCloseTo(3, within(1e-4)); // the count is charged too: the gradient noise is larger
                    double sigma = runs.doubleColumn("dp_noise_multiplier").getDouble(i);
                    // the count's bits are centred (sensitivity 1/2), as TF Privacy does: the sweep charges what
                    // `privacy --count-sigma` charges for count noise 0.05 x 64 (the uncentred charge, 0.05 x 64 at
                    // sensitivity 1, asked for more gradient noise than the count costs)
                    assertThat(runs.doubleColumn("dp_charged_multiplier").getDouble(i))
                            .isCloseTo(RdpAccountant.withQuantileCount(sigma, 0.05 * 64), within(1e-12));
                    assertThat(sigma).isGreaterThan(runs.doubleColumn("dp_charged_multiplier").getDouble(i));
                }
                default -> throw new AssertionError(strategy);
            }
        }
    }

    @Test
    void privacySettingsThatCannotHoldAreRefused(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> SweepConfig.read(SweepTest.write(dir, DP.replace("\"sampling\": \"poisson\", ", ""))))
                .hasMessageContaining("delta is for accounting Poisson-sampled runs");
        // (this line gave "backend" twice, which the reader took silently until duplicate keys were refused, issue 29)
        assertThatThrownBy(() -> SweepConfig.read(SweepTest.write(dir, DP.replace(", \"sampling\": \"poisson\", \"delta\": 1e-5", ""))))
                .hasMessageContaining("targets an epsilon, which is accounted only under Poisson sampling");
        assertThatThrownBy(() -> SweepConfig.read(SweepTest.write(dir, DP.replace("\"poisson\"", "\"shuffle\""))))
                .hasMessageContaining("sampling 'shuffle' is unknown");
        assertThatThrownBy(() -> SweepConfig.read(SweepTest.write(dir, DP.replace("dp-flat:C=1,epsilon=3", "dp-flat:C=1,epsilon=3,sigma=1"))))
                .hasMessageContaining("give sigma or epsilon, not both");
        assertThatThrownBy(() -> SweepConfig.read(SweepTest.write(dir, SweepTest.CLIFF.replace("\"backend\"", "\"sampling\": \"poisson\", \"backend\""))))
                .hasMessageContaining("has no finite training set");
        assertThatThrownBy(() -> SweepConfig.read(SweepTest.write(dir, DP.replace("\"batch\": 64", "\"batch\": 100000"))))
                .hasMessageContaining("exceeds the");
    }

    /** A sweep that names no sampling writes no sampling field: older sweep.json files and run ids keep their bytes. */
    @Test
    void sweepsWithoutSamplingKeepTheirLayoutAndIds(@TempDir Path dir) throws Exception {
        SweepConfig cfg = SweepConfig.read(SweepTest.write(dir, SweepTest.CLIFF));
        String json = SweepRunner.JSON.writeValueAsString(cfg);
        assertThat(json).doesNotContain("sampling").doesNotContain("delta");
        SweepConfig poisson = SweepConfig.read(SweepTest.write(dir, DP));
        SweepConfig fixed = SweepConfig.read(SweepTest.write(dir, DP.replace("\"sampling\": \"poisson\", \"delta\": 1e-5", "\"sampling\": \"fixed\"")
                .replace("dp-flat:C=1,epsilon=3", "dp-flat:C=1,sigma=3").replace("dp-adaptive:C=1,epsilon=3", "dp-adaptive:C=1")));
        assertThat(poisson.runs().get(0).id()).isNotEqualTo(fixed.runs().get(0).id());
    }
}
