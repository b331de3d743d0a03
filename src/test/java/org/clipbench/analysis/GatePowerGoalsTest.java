package org.clipbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A goal is met or not met by the counts it names; a point rate of too few trials decides nothing. */
class GatePowerGoalsTest {

    @Test
    void detectionNeedsNineOfTen() {
        assertThat(GatePowerTables.detection(9, 10)).isEqualTo("met");
        assertThat(GatePowerTables.detection(8, 10)).isEqualTo("NOT met");
        assertThat(GatePowerTables.detection(3, 8)).startsWith("NOT met"); // 5 of 10 at most
        assertThat(GatePowerTables.detection(7, 7)).startsWith("not decided"); // a rate of 100% on 7 trials
    }

    /** 0 alarms in 6 trials read "met" before: a rate, not the 20 trials the goal is stated over. */
    @Test
    void falseAlarmsNeedTwentyTrials() {
        assertThat(GatePowerTables.falseAlarms(0, 6)).startsWith("not decided");
        assertThat(GatePowerTables.falseAlarms(1, 20)).isEqualTo("met");
        assertThat(GatePowerTables.falseAlarms(2, 7)).isEqualTo("NOT met");
        assertThat(GatePowerTables.falseAlarms(2, 20)).isEqualTo("NOT met");
    }
}
