package org.clipbench.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cost measurement: its rows, what they count, resuming, and the one-line refusals of a bad spec. */
class StepCostsTest {
    static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    static StepCostSpec spec(String backend, String layer, List<String> methods, String rule, int reps) {
        return new StepCostSpec("m", "memory", backend, "f32", layer, List.of(2, 3), List.of(1, 4), methods, rule, reps, 0, 7L);
    }

    @Test
    void everyStepIsARowWithItsTimeMemoryAndClip(@TempDir Path dir) throws Exception {
        StepCostSpec s = spec("arrays", "8x16", List.of("non-private", "ghost", "materialised"), "dp-flat", 3).validated();
        StepCosts.run(s, dir, QUIET);
        List<Map<String, String>> rows = StepCosts.read(dir);
        assertThat(rows).hasSize(2 * 2 * 3 * 3);
        long gradientBytes = (8L * 16 + 16) * 4;
        for (Map<String, String> r : rows) {
            int b = Integer.parseInt(r.get("batch")), t = Integer.parseInt(r.get("positions"));
            long held = Long.parseLong(r.get("held_bytes"));
            assertThat(held).as("activations, targets, outputs, output gradients and the gradient").isEqualTo((long) b * t * (8 + 3 * 16) * 4 + gradientBytes);
            assertThat(Long.parseLong(r.get("time_ns"))).isPositive();
            assertThat(Long.parseLong(r.get("allocated_bytes"))).isPositive();
            assertThat(Long.parseLong(r.get("memory_bytes"))).isEqualTo(held + Long.parseLong(r.get("allocated_bytes")));
            switch (r.get("method")) {
                case "non-private" -> assertThat(r.get("working_set_bytes")).isEqualTo(Long.toString(held));
                case "materialised" -> {
                    assertThat(Long.parseLong(r.get("working_set_bytes"))).isEqualTo(held + b * gradientBytes);
                    // the B per-example gradients are allocated by the step: the JVM counts at least their bytes
                    assertThat(Long.parseLong(r.get("allocated_bytes"))).isGreaterThanOrEqualTo(b * gradientBytes);
                }
                default -> assertThat(Long.parseLong(r.get("working_set_bytes"))).isEqualTo(held + (t == 1 ? 0 : (2L * t * t + 16) * 4));
            }
            // a bound at the median norm: of 2 examples one is clipped; of 3 the largest, and the median itself or not (its
            // norm read back from 1 / (1 / n) may round below it)
            if (!r.get("method").equals("non-private")) assertThat(Integer.parseInt(r.get("clipped"))).isBetween(1, b - 1);
        }
        // the orders are shuffled per repetition, the same in every run
        assertThat(rows.stream().filter(r -> r.get("order").equals("1")).map(r -> r.get("method")).distinct().count()).isGreaterThan(1);
        long before = Files.getLastModifiedTime(dir.resolve(StepCosts.FILE)).toMillis();
        StepCosts.run(s, dir, QUIET);
        assertThat(Files.getLastModifiedTime(dir.resolve(StepCosts.FILE)).toMillis()).as("a finished measurement is kept").isEqualTo(before);
    }

    @Test
    void aBadSpecIsRefusedInOneLineNamingTheFix() {
        assertThatThrownBy(() -> spec("ejml", "8x16", List.of("ghost"), "dp-flat", 3).validated()).hasMessageContaining("no row views")
                .hasMessageContaining("arrays, vector and nd4j");
        assertThatThrownBy(() -> spec("arrays", "8by16", List.of("ghost"), "dp-flat", 3).validated()).hasMessageContaining("e.g. 768x3072");
        assertThatThrownBy(() -> spec("arrays", "8x16", List.of("ghostly"), "dp-flat", 3).validated()).hasMessageContaining("unknown clipping method");
        assertThatThrownBy(() -> spec("arrays", "8x16", List.of("ghost"), "dp-flat:C=1", 3).validated()).hasMessageContaining("C is the batch's median norm");
        assertThatThrownBy(() -> spec("arrays", "8x16", List.of("ghost"), "global-norm", 3).validated()).hasMessageContaining("not a DP rule");
        assertThatThrownBy(() -> spec("arrays", "8x16", List.of("ghost"), "dp-flat", 2).validated()).hasMessageContaining("at least 3");
        assertThatThrownBy(() -> new StepCostSpec("m", "speed", "arrays", "f32", "8x16", List.of(2), List.of(1), List.of("ghost"), "dp-flat", 3, 0, 1L).validated())
                .hasMessageContaining("time or memory");
        assertThatThrownBy(() -> new StepCostSpec("m", "time", "arrays", "f32", "8x16", List.of(2, 2), List.of(1), List.of("ghost"), "dp-flat", 3, 0, 1L).validated())
                .hasMessageContaining("lists a size twice");
    }
}
