package org.clipbench.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.clipbench.models.Batch;
import org.clipbench.models.Loss;
import org.junit.jupiter.api.Test;

class TasksTest {

    static int onlyHot(double[] v) {
        int hot = -1;
        for (int j = 0; j < v.length; j++) {
            if (v[j] == 1) {
                assertThat(hot).as("one-hot").isEqualTo(-1);
                hot = j;
            } else {
                assertThat(v[j]).isZero();
            }
        }
        assertThat(hot).isNotNegative();
        return hot;
    }

    @Test
    void temporalOrderFollowsItsDefinition() {
        for (var kind : new PathologicalTask.Kind[] {PathologicalTask.Kind.TEMPORAL_ORDER, PathologicalTask.Kind.TEMPORAL_ORDER_3BIT}) {
            int L = 100;
            PathologicalTask task = new PathologicalTask(kind, L);
            Batch b = task.trainBatch(new SplittableRandom(1), 50);
            assertThat(b.steps()).isEqualTo(L);
            assertThat(b.size()).isEqualTo(50);
            assertThat(b.inputDim()).isEqualTo(6);
            double[][] bands = kind == PathologicalTask.Kind.TEMPORAL_ORDER ? new double[][] {{10, 20}, {50, 60}}
                    : new double[][] {{10, 20}, {30, 40}, {60, 70}};
            for (int i = 0; i < b.size(); i++) {
                int label = 0, k = 0;
                for (int t = 0; t < L; t++) {
                    int sym = onlyHot(b.inputs()[t][i]);
                    if (sym < 2) {
                        assertThat((double) t).isGreaterThanOrEqualTo(bands[k][0]).isLessThan(bands[k][1]);
                        label += sym << k;
                        k++;
                    }
                }
                assertThat(k).isEqualTo(bands.length);
                assertThat(b.labels()[i]).isEqualTo(label);
            }
            assertThat(task.outputDim()).isEqualTo(kind == PathologicalTask.Kind.TEMPORAL_ORDER ? 4 : 8);
        }
    }

    @Test
    void additionAndMultiplicationFollowTheirDefinitions() {
        for (var kind : new PathologicalTask.Kind[] {PathologicalTask.Kind.ADDITION, PathologicalTask.Kind.MULTIPLICATION}) {
            int L = 50;
            PathologicalTask task = new PathologicalTask(kind, L);
            for (int rep = 0; rep < 5; rep++) {
                Batch b = task.trainBatch(new SplittableRandom(rep), 20);
                assertThat(b.steps()).isBetween(L, L + L / 10 - 1);
                for (int i = 0; i < b.size(); i++) {
                    double v0 = Double.NaN, v1 = Double.NaN;
                    int markers = 0;
                    for (int t = 0; t < b.steps(); t++) {
                        double[] u = b.inputs()[t][i];
                        assertThat(u[0]).isBetween(0.0, 1.0);
                        if (u[1] == 1) {
                            if (markers == 0) {
                                assertThat(t).isLessThan(5);
                                v0 = u[0];
                            } else {
                                assertThat(t).isBetween(5, 24);
                                v1 = u[0];
                            }
                            markers++;
                        }
                    }
                    assertThat(markers).isEqualTo(2);
                    double expected = kind == PathologicalTask.Kind.ADDITION ? (v0 + v1) / 2 : v0 * v1;
                    assertThat(b.targets()[i][0]).isEqualTo(expected);
                }
                double[] perfect = new double[b.size()];
                for (int i = 0; i < b.size(); i++) perfect[i] = b.targets()[i][0] + 0.19; // 0.0361 < 0.04
                assertThat(task.errorRate(perfect, b)).isZero();
                for (int i = 0; i < b.size(); i++) perfect[i] = b.targets()[i][0] + 0.21;
                assertThat(task.errorRate(perfect, b)).isEqualTo(1.0);
            }
            assertThat(task.loss()).isEqualTo(Loss.MSE);
        }
    }

    @Test
    void generatorsAreDeterministicPerSeed() {
        PathologicalTask t = new PathologicalTask(PathologicalTask.Kind.TEMPORAL_ORDER, 30);
        Batch a = t.trainBatch(new SplittableRandom(9), 4), b = t.trainBatch(new SplittableRandom(9), 4);
        assertThat(a.labels()).containsExactly(b.labels());
        assertThat(a.inputs()[7][2]).containsExactly(b.inputs()[7][2]);
        assertThatThrownBy(() -> new PathologicalTask(PathologicalTask.Kind.ADDITION, 5)).hasMessageContaining("at least 10");
        assertThatThrownBy(() -> PathologicalTask.parseKind("xor")).hasMessageContaining("temporal-order");
    }

    @Test
    void datasetsAreSplitStandardisedAndFixed() {
        DatasetTask digits = DatasetTask.load("digits", Loss.SOFTMAX_CROSS_ENTROPY);
        assertThat(digits.trainSize() + digits.testSize()).isEqualTo(1797);
        assertThat(digits.testSize()).isEqualTo(359);
        assertThat(digits.inputDim()).isEqualTo(64);
        assertThat(digits.outputDim()).isEqualTo(10);
        double[][] x = digits.trainFeatures();
        for (int j : new int[] {10, 20, 35}) {
            double m = 0, s = 0;
            for (double[] r : x) m += r[j];
            m /= x.length;
            for (double[] r : x) s += (r[j] - m) * (r[j] - m);
            assertThat(m).isCloseTo(0, within(1e-12));
            assertThat(Math.sqrt(s / x.length)).isCloseTo(1, within(1e-12));
        }
        Batch test = digits.evalBatch(new SplittableRandom(1), 0);
        assertThat(test.size()).isEqualTo(359);
        assertThat(DatasetTask.load("digits", Loss.SOFTMAX_CROSS_ENTROPY).evalBatch(null, 0).labels()).containsExactly(test.labels());

        DatasetTask bc = DatasetTask.load("breast-cancer", Loss.SIGMOID_BINARY_CROSS_ENTROPY);
        assertThat(bc.trainSize() + bc.testSize()).isEqualTo(569);
        assertThat(bc.inputDim()).isEqualTo(30);
        assertThat(bc.outputDim()).isEqualTo(1);
        assertThat(bc.evalBatch(null, 0).labels()).containsOnly(0, 1);
        assertThatThrownBy(() -> DatasetTask.load("digits", Loss.SIGMOID_BINARY_CROSS_ENTROPY)).hasMessageContaining("10 classes");
        assertThatThrownBy(() -> DatasetTask.load("mnist", Loss.SOFTMAX_CROSS_ENTROPY)).hasMessageContaining("digits or breast-cancer");
    }

    @Test
    void noiseIsZeroMeanAndItsTailsAreWhatTheyClaim() {
        for (String spec : new String[] {"gaussian", "exponential", "weibull:1.5", "burr:2:2.3", "student-t:3", "symmetric-exponential"}) {
            NoiseDistribution d = NoiseDistribution.parse(spec, 1.0);
            SplittableRandom r = new SplittableRandom(5);
            int n = 200_000;
            double sum = 0, sq = 0;
            for (int i = 0; i < n; i++) {
                double x = d.sample(r);
                sum += x;
                sq += x * x;
            }
            double mean = sum / n, sd = Math.sqrt(sq / n - mean * mean);
            assertThat(Math.abs(mean)).as(spec).isLessThan(5 * sd / Math.sqrt(n));
        }
        assertThat(NoiseDistribution.parse("exponential", 1).mean()).isEqualTo(1.0);
        assertThat(NoiseDistribution.parse("weibull:0.2", 1).mean()).isCloseTo(120.0, within(1e-6)); // Gamma(6)
        // Burr XII mean d * B(d - 1/c, 1 + 1/c): c = 1, d = 2.3 -> 2.3 * B(1.3, 2) = 1 / 1.3
        assertThat(NoiseDistribution.parse("burr:1:2.3", 1).mean()).isCloseTo(1 / 1.3, within(1e-12));
        assertThatThrownBy(() -> NoiseDistribution.parse("cauchy", 1)).hasMessageContaining("gaussian");
        assertThatThrownBy(() -> NoiseDistribution.parse("student-t:1", 1)).hasMessageContaining("finite mean");
    }
}
