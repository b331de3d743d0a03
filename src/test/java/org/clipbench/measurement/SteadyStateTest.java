package org.clipbench.measurement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The steady-state rules on synthetic iteration series with known answers. */
class SteadyStateTest {

    @Test
    void theIssuesTrainingStepIsFlaggedAsStillFalling() {
        // quick profile, rnn-T50: measurement 5.8 -> 5.4 -> 5.0 ms (a dedicated run gives 1.46 ms)
        SteadyState.Judgement j = SteadyState.judge(List.of(new double[] {5.8e6, 5.4e6, 5.0e6}));
        assertThat(j.steady()).isFalse();
        assertThat(j.label()).contains("still falling").contains("-15%"); // (5.0 - 5.8) / median 5.4
    }

    @Test
    void aLongTrendingSeriesIsFlaggedByTheTestAndAFlatNoisyOneIsNot() {
        double[] falling = new double[10], flat = new double[10];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < 10; i++) {
            falling[i] = 1000 * (1 - 0.02 * i) * (1 + 0.01 * r.nextGaussian());
            flat[i] = 1000 * (1 + 0.05 * r.nextGaussian()); // noisier than the trend, but no trend
        }
        assertThat(SteadyState.judge(List.of(falling)).label()).startsWith("still falling").contains("p=");
        assertThat(SteadyState.judge(List.of(flat)).steady()).isTrue();
        assertThat(SteadyState.mannKendallP(new double[] {1, 2, 3, 4, 5, 6, 7, 8})).isLessThan(0.01);
        assertThat(SteadyState.theilSenSlope(new double[] {10, 8, 6, 4, 2, 0})).isEqualTo(-2.0);
    }

    @Test
    void aSmallMonotoneDriftOrANonMonotoneSeriesIsNotFlagged() {
        assertThat(SteadyState.judge(List.of(new double[] {100, 98, 96})).steady()).isTrue(); // 4%: under 10%
        assertThat(SteadyState.judge(List.of(new double[] {100, 70, 90})).steady()).isTrue(); // not monotone
        assertThat(SteadyState.judge(List.of(new double[] {100, 100})).steady()).isTrue(); // too few to judge
    }

    @Test
    void aForkOutlierIsFlaggedAndForksThatAgreeAreNot() {
        double[] a = {100, 101, 99, 100}, b = {101, 100, 100, 99}, c = {130, 131, 129, 130};
        SteadyState.Judgement agree = SteadyState.judge(List.of(a, b, a.clone(), b.clone(), a.clone()));
        assertThat(agree.steady()).isTrue();
        assertThat(agree.betweenForkCv()).isLessThan(0.01);
        SteadyState.Judgement outlier = SteadyState.judge(List.of(a, b, c, a.clone(), b.clone()));
        assertThat(outlier.label()).contains("forks disagree").contains("30%");
        assertThat(outlier.betweenForkCv()).isGreaterThan(outlier.withinForkCv());
    }

    @Test
    void aTrendCountsWhenMostForksShowIt() {
        double[] flat = {100, 101, 99, 100, 100}, falling = {130, 120, 110, 100, 90};
        // one noisy fork of five is noise; three of five is the JVM still compiling
        assertThat(SteadyState.judge(List.of(falling, flat, flat.clone(), flat.clone(), flat.clone())).reasons())
                .noneMatch(r -> r.contains("falling"));
        assertThat(SteadyState.judge(List.of(falling, falling.clone(), falling.clone(), flat, flat.clone())).label())
                .startsWith("3 of 5 forks still falling");
    }
}
