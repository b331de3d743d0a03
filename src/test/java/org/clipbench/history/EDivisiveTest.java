package org.clipbench.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * E-divisive on synthetic series with known answers: the statistic against a direct evaluation of its
 * formula, and the detector's measured rates (docs/regression-tracking.md quotes the printed numbers):
 * 500 series of 40 points in 3% noise with one step of 5% or 10% in the middle, and 500 without a step.
 */
class EDivisiveTest {
    static final int SERIES = 500, LENGTH = 40, STEP_AT = 20;

    @Test
    void theStatisticIsTheScaledEnergyDistanceOfTheTwoSides() {
        double[] x = {1, 2, 4, 8, 3, 9, 7, 5};
        double[] q = EDivisive.statistics(x, 0, x.length);
        for (int tau = 2; tau <= 6; tau++) assertThat(q[tau]).as("tau " + tau).isCloseTo(direct(x, tau), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(q[1]).isNaN(); // one point on the left: no within-side distance
        // the best split of a clean step is at the step
        double[] step = {1, 1.1, 0.9, 1, 5, 5.1, 4.9, 5};
        assertThat(EDivisive.bestSplitOf(step, 0, step.length, 2).index()).isEqualTo(4);
    }

    /** Q(tau) straight from Matteson and James's definition. */
    static double direct(double[] x, int tau) {
        int m = tau, n = x.length - tau;
        double between = 0, left = 0, right = 0;
        for (int i = 0; i < tau; i++) for (int j = tau; j < x.length; j++) between += Math.abs(x[i] - x[j]);
        for (int i = 0; i < tau; i++) for (int k = i + 1; k < tau; k++) left += Math.abs(x[i] - x[k]);
        for (int j = tau; j < x.length; j++) for (int k = j + 1; k < x.length; k++) right += Math.abs(x[j] - x[k]);
        double e = 2 * between / (m * n) - left / (m * (m - 1) / 2.0) - right / (n * (n - 1) / 2.0);
        return (double) m * n / (m + n) * e;
    }

    @Test
    void stepsOfFiveAndTenPercentInThreePercentNoiseAreFoundAndAnAaSeriesRarelyGetsOne() {
        Random rng = new Random(20261203);
        int[] found = new int[3], exact = new int[3];
        double[] error = new double[3];
        double[] steps = {0, 0.05, 0.10};
        for (int c = 0; c < steps.length; c++) {
            for (int k = 0; k < SERIES; k++) {
                double[] x = new double[LENGTH];
                for (int i = 0; i < LENGTH; i++) x[i] = 100 * (i >= STEP_AT ? 1 + steps[c] : 1) * (1 + 0.03 * rng.nextGaussian());
                List<EDivisive.ChangePoint> cps = EDivisive.detect(x, new EDivisive.Settings(0.05, 199, 3, k)); // each series its own permutations
                if (cps.isEmpty()) continue;
                found[c]++;
                EDivisive.ChangePoint nearest = cps.stream().min((a, b) -> Integer.compare(Math.abs(a.index() - STEP_AT), Math.abs(b.index() - STEP_AT))).get();
                error[c] += Math.abs(nearest.index() - STEP_AT);
                if (nearest.index() == STEP_AT) exact[c]++;
            }
        }
        System.out.printf("E-divisive over %d series of %d points, 3%% noise: A/A: %d with a change point; 5%% step: found in %d, at the step in %d, "
                        + "mean position error %.2f; 10%% step: found in %d, at the step in %d, mean position error %.2f%n", SERIES, LENGTH, found[0],
                found[1], exact[1], error[1] / Math.max(1, found[1]), found[2], exact[2], error[2] / Math.max(1, found[2]));
        assertThat(found[0]).as("A/A: false change points").isLessThanOrEqualTo(SERIES * 8 / 100);
        assertThat(found[2]).as("10% step found").isGreaterThanOrEqualTo(SERIES * 95 / 100);
        assertThat(found[1]).as("5% step found").isGreaterThanOrEqualTo(SERIES * 80 / 100);
        assertThat(error[2] / found[2]).as("10% step: mean position error").isLessThan(1.0);
    }

    @Test
    void aConstantOrShortSeriesHasNoChangePoint() {
        assertThat(EDivisive.detect(new double[] {5, 5, 5, 5, 5, 5, 5, 5}, EDivisive.Settings.defaults())).isEmpty();
        assertThat(EDivisive.detect(new double[] {1, 2, 100, 200, 300}, EDivisive.Settings.defaults())).isEmpty();
    }

    @Test
    void twoStepsGiveTwoChangePoints() {
        Random rng = new Random(5);
        double[] x = new double[60];
        for (int i = 0; i < x.length; i++) x[i] = (i < 20 ? 100 : i < 40 ? 120 : 100) * (1 + 0.01 * rng.nextGaussian());
        assertThat(EDivisive.detect(x, EDivisive.Settings.defaults())).extracting(EDivisive.ChangePoint::index).containsExactly(20, 40);
    }
}
