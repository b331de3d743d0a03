package org.clipbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** summary.md lists every refused figure of its tables together. */
class RefusedCellsTest {

    static final String MD = """
            ## Headline

            | data | dtype | threads | vector | PyTorch | speed-up |
            | --- | --- | ---: | ---: | ---: | --- |
            | flat-4K | f32 | 1 | 500 ns | 4000 ns | 8.00 [7.5, 8.5] |
            | flat-16M | f32 | 2 | 3.1 ms | 2.9 ms | — (not at steady state) |

            ### Optimizer step

            | data | optimizer | threads | strategy | step | overhead |
            |---|---|---|---|---|---|
            | resnet18 | adamw | 1 | value | -71.4 | — (impossible: the step with the clip is faster than without it beyond noise (-99% to -97%)) |
            """;

    @Test
    void everyRefusedCellIsListedWithItsTableRowColumnAndReason() {
        assertThat(RefusedCells.in(MD)).containsExactly(
                "Headline: flat-16M f32 2: speed-up: not at steady state",
                "Optimizer step: resnet18 adamw 1 value: overhead: impossible: the step with the clip is faster than without it beyond noise (-99% to -97%)");
        assertThat(RefusedCells.section(MD)).startsWith("## Refused figures\n\n2 figures are shown as \"—\"");
    }

    /** Negative control: a table with every figure shown lists nothing. */
    @Test
    void aTableWithoutRefusalsListsNothing() {
        String none = MD.lines().filter(l -> !l.contains("—")).reduce("", (a, b) -> a + b + "\n");
        assertThat(RefusedCells.in(none)).isEqualTo(List.of());
        assertThat(RefusedCells.section(none)).isEmpty();
    }
}
