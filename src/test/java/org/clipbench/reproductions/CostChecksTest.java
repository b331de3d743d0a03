package org.clipbench.reproductions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;
import org.clipbench.reproductions.Verdict.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** The checks of cost measurements on hand-made costs.csv tables: a claim that holds, one that fails, one undecided, a gate. */
class CostChecksTest {
    @TempDir
    Path tmp;

    /** A costs.csv of the given layer: one row per (batch, positions, method, repetition) from value(batch or T, repetition). */
    final class CostRows {
        private final StringBuilder csv = new StringBuilder("measurement,measure,backend,dtype,layer,batch,positions,method,repetition,order,time_ns,"
                + "allocated_bytes,held_bytes,working_set_bytes,memory_bytes,clipped,examples\n");
        private final String layer;

        CostRows(String layer) {
            this.layer = layer;
        }

        CostRows add(String method, int batch, int positions, int repetitions, double time, double memory, int clipped) {
            for (int r = 1; r <= repetitions; r++) {
                double jitter = 1 + 0.01 * Math.sin(7.3 * r + positions + method.length()); // distinct values, a 1% spread
                csv.append(String.join(",", "m", "time", "vector", "f32", layer, "" + batch, "" + positions, method, "" + r, "1",
                        "" + (long) (time * jitter), "0", "0", "" + (long) memory, "" + (long) (memory * (1 + 0.002 * Math.sin(r + method.length()))), "" + clipped, "" + batch)).append('\n');
            }
            return this;
        }

        Map<String, Table> table() throws IOException {
            Path f = Files.createTempFile(tmp, "costs", ".csv");
            Files.writeString(f, csv);
            return Map.of("m", org.clipbench.reproductions.CostTable.load(f));
        }
    }

    static Verdict judge(String check, ObjectNode params, Map<String, Table> costs) {
        params.put("measurement", "m");
        return ((MeasuredCheck) Checks.create(check, params)).judgeCosts(costs);
    }

    static ObjectNode params() {
        return JsonNodeFactory.instance.objectNode();
    }

    // ------------------------------------------------------------------ ghost-memory

    /** Layer 64 x 256: a per-example gradient of 64 x 256 + 256 f32 entries = 66,560 bytes. */
    Map<String, Table> memory(double ghostOverBaseline, double gradientsPerExample, int materialisedClipped) throws IOException {
        CostRows c = new CostRows("64x256");
        double gradient = (64 * 256 + 256) * 4.0;
        for (int b : new int[] {2, 4, 8, 16}) {
            double base = 1e6 + 1e4 * b;
            c.add("non-private", b, 16, 5, 1e6, base, 0).add("ghost", b, 16, 5, 1e6, base * ghostOverBaseline, 1)
                    .add("materialised", b, 16, 5, 1e6, base + gradientsPerExample * gradient * b, materialisedClipped);
        }
        return c.table();
    }

    @Test
    void ghostMemoryHoldsWhenGhostIsNearTheBaselineAndMaterialisedHoldsAGradientPerExample() throws IOException {
        Verdict v = judge("ghost-memory", params(), memory(1.1, 1.0, 1));
        assertThat(v.outcome()).as(v.reason()).isEqualTo(Outcome.REPRODUCED);
        assertThat(v.reason()).contains("at most 1.1").contains("1.00 per-example gradients");
    }

    @Test
    void ghostMemoryFailsWhenGhostNeedsTwiceTheMemory() throws IOException {
        assertThat(judge("ghost-memory", params(), memory(2.0, 1.0, 1)).outcome()).isEqualTo(Outcome.NOT_REPRODUCED);
    }

    @Test
    void ghostMemoryFailsWhenMaterialisedDoesNotGrowWithTheBatch() throws IOException {
        assertThat(judge("ghost-memory", params(), memory(1.1, 0.1, 1)).outcome()).isEqualTo(Outcome.NOT_REPRODUCED);
    }

    @Test
    void ghostMemoryIsUndecidedWhenTheRatiosStraddleTheFactor() throws IOException {
        // memory_bytes varies by 0.2% between repetitions: ratios on both sides of the factor 1.5
        assertThat(judge("ghost-memory", params().put("factor", 1.5), memory(1.5, 1.0, 1)).outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    }

    @Test
    void ghostMemoryIsInconclusiveWhenAMethodNeverClipped() throws IOException {
        Verdict v = judge("ghost-memory", params(), memory(1.1, 1.0, 0));
        assertThat(v.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(v.reason()).contains("Gate failed").contains("materialised clipped in 0");
    }

    // ------------------------------------------------------------------ step-time-ratio

    Map<String, Table> times(double ratio) throws IOException {
        CostRows c = new CostRows("768x3072");
        for (int t : new int[] {8, 16, 32}) c.add("non-private", 4, t, 20, 5e8, 1e6, 0).add("book-keeping", 4, t, 20, 5e8 * ratio, 1e6, 2);
        return c.table();
    }

    @Test
    void stepTimeRatioDecidesOnTheIntervalOfThePairedRatios() throws IOException {
        Verdict holds = judge("step-time-ratio", params().put("factor", 1.1), times(1.01));
        assertThat(holds.outcome()).as(holds.reason()).isEqualTo(Outcome.REPRODUCED);
        assertThat(holds.numbers().doubleColumn("ratio").get(0)).isCloseTo(1.01, org.assertj.core.api.Assertions.within(0.02));
        assertThat(judge("step-time-ratio", params().put("factor", 1.1), times(1.5)).outcome()).isEqualTo(Outcome.NOT_REPRODUCED);
        // a 1% spread around 1.1: the interval holds the factor
        assertThat(judge("step-time-ratio", params().put("factor", 1.1), times(1.1)).outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    }

    @Test
    void stepTimeRatioJudgesTheOtherSequenceLengthsAsNeighbours() throws IOException {
        var check = (MeasuredCheck) Checks.create("step-time-ratio", params().put("measurement", "m"));
        assertThat(check.costNeighbours(times(1.0)).keySet()).containsExactly("T = 8", "T = 32");
    }

    @Test
    void stepTimeRatioIsInconclusiveWithTooFewPairs() throws IOException {
        CostRows c = new CostRows("768x3072");
        c.add("non-private", 4, 16, 5, 5e8, 1e6, 0).add("book-keeping", 4, 16, 5, 5e8, 1e6, 2);
        Verdict v = judge("step-time-ratio", params(), c.table());
        assertThat(v.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(v.reason()).contains("5 repetitions of book-keeping, fewer than the 10");
    }

    // ------------------------------------------------------------------ crossover-t

    /** Layer 256 x 1024 (sqrt = 512); ghost / materialised time = ratio(T). */
    Map<String, Table> ladder(DoubleBinaryOperator ratio) throws IOException {
        CostRows c = new CostRows("256x1024");
        for (int t = 2; t <= 4096; t *= 2) {
            c.add("materialised", 2, t, 12, 1e7, 1e6, 1).add("ghost", 2, t, 12, 1e7 * ratio.applyAsDouble(t, 0), 1e6, 1);
        }
        return c.table();
    }

    @Test
    void crossoverHoldsWhenTheMethodsCrossNearTheRootOfTheLayerSize() throws IOException {
        Verdict v = judge("crossover-t", params(), ladder((t, unused) -> t / 600.0));
        assertThat(v.outcome()).as(v.reason()).isEqualTo(Outcome.REPRODUCED);
        assertThat(v.reason()).contains("between T = 512").contains("and T = 1024");
    }

    @Test
    void crossoverFailsWhenTheMethodsCrossFarBelowIt() throws IOException {
        Verdict v = judge("crossover-t", params(), ladder((t, unused) -> t / 24.0));
        assertThat(v.outcome()).as(v.reason()).isEqualTo(Outcome.NOT_REPRODUCED);
        assertThat(v.reason()).contains("between T = 16").contains("and T = 32");
        assertThat(CrossoverCheck.estimate(org.clipbench.reproductions.CostTable.cells(ladder((t, u) -> t / 24.0).get("m")).subList(0, 5),
                new double[][] {{1 / 12.0}, {1 / 6.0}, {1 / 3.0}, {2 / 3.0}, {4 / 3.0}})).isCloseTo(24, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void crossoverIsInconclusiveWhenTheLadderBracketsNone() throws IOException {
        Verdict v = judge("crossover-t", params(), ladder((t, unused) -> 0.5));
        assertThat(v.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(v.reason()).contains("does not bracket a crossover");
    }

    /** A preset of measurements needs a check of measurements, and a check of measurements a preset with measurements. */
    @Test
    void presetsAndChecksOfMeasurementsGoTogether() throws Exception {
        Reproduction memory = Reproduction.preset("ghost-clipping-memory");
        String json = Reproduction.JSON.writeValueAsString(memory);
        Path wrongCheck = tmp.resolve("wrong-check.json");
        Files.writeString(wrongCheck, json.replace("\"check\":\"ghost-memory\"", "\"check\":\"dp-noise-accuracy\""));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Reproduction.read(wrongCheck)).hasMessageContaining("reads training sweeps, not cost measurements");
        Path noMeasurements = tmp.resolve("no-measurements.json");
        Reproduction dp = Reproduction.preset("dp-sgd");
        Files.writeString(noMeasurements, Reproduction.JSON.writeValueAsString(dp).replace("\"check\":\"dp-noise-accuracy\"", "\"check\":\"crossover-t\""));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Reproduction.read(noMeasurements)).hasMessageContaining("the preset has none");
    }
}
