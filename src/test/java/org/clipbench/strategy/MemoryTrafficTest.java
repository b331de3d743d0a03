package org.clipbench.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every registered strategy states its traffic, and the stated passes are those of the implementation. */
class MemoryTrafficTest {

    @Test
    void everyStrategyStatesItsPasses() {
        for (String name : Strategies.names()) {
            MemoryTraffic never = Strategies.create(name).traffic(0), always = Strategies.create(name).traffic(1);
            assertThat(always.passes()).as(name).isGreaterThanOrEqualTo(never.passes());
            assertThat(never.passes()).as(name).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void passesMatchWhatEachKernelDoes() {
        assertThat(Strategies.create("none").traffic(1).passes()).isZero();
        assertThat(Strategies.create("value").traffic(0).passes()).isEqualTo(2); // the clamp loads and stores
        assertThat(Strategies.create("global-norm").traffic(0).passes()).isEqualTo(1); // the norm only
        assertThat(Strategies.create("global-norm").traffic(1).passes()).isEqualTo(3); // norm, then read + write
        assertThat(Strategies.create("per-tensor").traffic(0.5).passes()).isEqualTo(2);
        assertThat(Strategies.create("renorm").traffic(0).passes()).isEqualTo(3); // always rescales
        assertThat(Strategies.create("agc").traffic(1)).isEqualTo(new MemoryTraffic(2, 1, 1));
        assertThat(Strategies.create("dp-flat").traffic(1)).isEqualTo(new MemoryTraffic(3, 1, 0));
    }
}
