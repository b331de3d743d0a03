package org.clipbench.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark's state, outside JMH: every method steps, clips about half the batch and reports its working set. */
class PerExampleClipBenchmarkTest {

    static PerExampleClipBenchmark state(String clipping, String rule, int positions) {
        PerExampleClipBenchmark b = new PerExampleClipBenchmark();
        b.clipping = clipping;
        b.rule = rule;
        b.backend = "arrays";
        b.dtype = "f32";
        b.layer = "16x32";
        b.batch = 4;
        b.positions = positions;
        b.threads = 1;
        b.setup();
        return b;
    }

    @Test
    void everyMethodStepsAndHoldsWhatItForms() {
        Map<String, Long> workingSet = new HashMap<>();
        for (String m : PerExampleClipBenchmark.methods()) {
            PerExampleClipBenchmark b = state(m, "dp-flat", 8);
            PerExampleClipBenchmark.Memory memory = new PerExampleClipBenchmark.Memory();
            for (int i = 0; i < 3; i++) b.step(memory);
            b.check();
            workingSet.put(m, memory.workingSetBytes);
        }
        long held = 4L * 8 * (16 + 3 * 32) * 4 + (16 * 32 + 32) * 4;
        assertThat(workingSet.get("non-private")).isEqualTo(held);
        assertThat(workingSet.get("materialised")).isEqualTo(held + 4L * (16 * 32 + 32) * 4);
        assertThat(workingSet.get("ghost")).isEqualTo(held + (2L * 8 * 8 + 32) * 4);
        assertThat(workingSet.get("book-keeping")).isEqualTo(workingSet.get("ghost"));
        assertThat(workingSet.get("mixed")).as("2 x 8^2 <= 16 x 32: ghost norms").isEqualTo(workingSet.get("ghost"));
    }

    /** AUTO rules scale every example: the trial is still a timed clip. */
    @Test
    void rulesThatScaleEveryExampleRunToo() {
        PerExampleClipBenchmark b = state("book-keeping", "dp-auto-s", 4);
        b.step(new PerExampleClipBenchmark.Memory());
        b.check();
    }

    @Test
    void aTrialWhoseStepsScaledNothingFails() {
        assertThatThrownBy(() -> PerExampleClipBenchmark.requireScaled("ghost dp-flat", 5, 2, 4)).hasMessageContaining("2 of 5 steps scaled none");
        PerExampleClipBenchmark.requireScaled("ghost dp-flat", 5, 5, 1); // one example at its own norm: nothing to scale
    }
}
