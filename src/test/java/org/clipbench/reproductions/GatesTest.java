package org.clipbench.reproductions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GatesTest {

    /** A gate that failed before any number was computed read ". Gate failed: ..." in the paper report's table. */
    @Test
    void aFailedGateWithoutNumbersStartsWithTheGate() {
        assertThat(Gates.firstFailure("", null, null, "the grid is cut").reason()).isEqualTo("Gate failed: the grid is cut");
        assertThat(Gates.firstFailure("ratio 3", null, null, "the grid is cut").reason()).isEqualTo("ratio 3. Gate failed: the grid is cut");
        assertThat(Gates.firstFailure("ratio 3", null, null, null)).isNull();
    }
}
