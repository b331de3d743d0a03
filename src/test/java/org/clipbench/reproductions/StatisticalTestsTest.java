package org.clipbench.reproductions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Exact values: Fisher's test from the hypergeometric tail by hand, Holm's adjustment from its definition. */
class StatisticalTestsTest {

    @Test
    void fisherOneSidedMatchesTheHypergeometricTail() {
        // 3 of 10 against 0 of 10: all 3 successes in arm A, C(10,3) / C(20,3) = 120 / 1140
        assertThat(StatisticalTests.fisherGreater(3, 10, 0, 10)).isCloseTo(120.0 / 1140, within(1e-12));
        // 5 of 10 against 0 of 10: C(10,5) / C(20,5) = 252 / 15504
        assertThat(StatisticalTests.fisherGreater(5, 10, 0, 10)).isCloseTo(252.0 / 15504, within(1e-12));
        // 8 of 10 against 2 of 10: P(X >= 8), X ~ H(20, 10, 10) = (C(10,8)C(10,2) + C(10,9)C(10,1) + C(10,10)C(10,0)) / C(20,10)
        assertThat(StatisticalTests.fisherGreater(8, 10, 2, 10)).isCloseTo((45.0 * 45 + 10 * 10 + 1) / 184756, within(1e-12));
        assertThat(StatisticalTests.fisherGreater(0, 10, 0, 10)).isEqualTo(1.0);
        assertThat(StatisticalTests.fisherGreater(0, 10, 3, 10)).isEqualTo(1.0); // the wrong direction is no evidence
    }

    @Test
    void wilcoxonOneSidedIsTheExactSignedRankTail() {
        double[] a = new double[10], b = new double[10];
        for (int i = 0; i < 10; i++) {
            a[i] = 1 + i;
            b[i] = 0.5 + i * 0.9; // every difference positive, all distinct
        }
        // all ten signs positive: 1 of the 2^10 sign patterns reaches W+ = 55
        assertThat(StatisticalTests.wilcoxonGreater(a, b)).isCloseTo(1.0 / 1024, within(1e-12));
        assertThat(StatisticalTests.wilcoxonGreater(b, a)).isCloseTo(1 - 1.0 / 1024, within(1e-12));
        // the smallest difference negative: W+ = 54, two patterns reach it (all positive; only rank 1 negative)
        double[] c = a.clone();
        c[0] = b[0] - 0.01; // |d| = 0.01, the smallest: rank 1
        assertThat(StatisticalTests.wilcoxonGreater(c, b)).isCloseTo(2.0 / 1024, within(1e-12));
    }

    /**
     * Ties are dropped, as Wilcoxon's test does: three seeds +1 and seven tied at 0 is the 3-pair test, all positive (p = 1/8).
     * Commons Math ranked the seven zeros and counted them as negative differences: that gave 0.9, "no evidence" pointing
     * the wrong way, for spike counts and for pairs of diverged runs both scored at chance.
     */
    @Test
    void wilcoxonDropsTiedPairs() {
        double[] a = {1, 1, 1, 0, 0, 0, 0, 0, 0, 0}, b = new double[10];
        assertThat(StatisticalTests.wilcoxonGreater(a, b)).isCloseTo(1.0 / 8, within(1e-12));
        assertThat(StatisticalTests.wilcoxonGreater(b, a)).isCloseTo(1 - 1.0 / 8, within(1e-12));
        assertThat(StatisticalTests.wilcoxonGreater(new double[] {2, 0, 0}, new double[] {1, 0, 0})).isEqualTo(0.5); // one pair: a coin
        assertThat(StatisticalTests.wilcoxonGreater(new double[] {0, 0}, new double[] {0, 0})).isEqualTo(1.0); // no pair: no evidence
    }

    /** Two values make Student's t with 1 degree of freedom, the Cauchy law: F(x) = 1/2 + atan(x)/pi, exact by hand. */
    @Test
    void tostIsTheLargerOfTwoOneSidedTTests() {
        // d = {-1, 1}: mean 0, standard error 1; against margin m both tails are 1 - F(m)
        assertThat(StatisticalTests.tostEquivalence(new double[] {-1, 1}, 1)).isCloseTo(0.25, within(1e-12));
        assertThat(StatisticalTests.tostEquivalence(new double[] {-1, 1}, Math.tan(0.45 * Math.PI))).isCloseTo(0.05, within(1e-12));
        // d = {0, 2}: mean 1, standard error 1, margin 2: the upper bound is the nearer, F((1 - 2) / 1) = 1/4
        assertThat(StatisticalTests.tostEquivalence(new double[] {0, 2}, 2)).isCloseTo(0.25, within(1e-12));
        // a mean outside the margin is never equivalent, however tight
        assertThat(StatisticalTests.tostEquivalence(new double[] {0.5, 0.5001, 0.4999}, 0.1)).isGreaterThan(0.99);
        assertThat(StatisticalTests.tostEquivalence(new double[] {0.05, 0.05}, 0.1)).isZero();
        // its interval: mean -+ the (1 - alpha) t quantile x standard error; with 1 degree of freedom tan(pi (1/2 - alpha))
        assertThat(StatisticalTests.tostInterval(new double[] {-1, 1}, 0.05)).containsExactly(new double[] {-Math.tan(0.45 * Math.PI), Math.tan(0.45 * Math.PI)},
                within(1e-9));
    }

    @Test
    void holmMultipliesTheSmallestByTheNumberOfTestsAndStaysMonotone() {
        double[] adjusted = StatisticalTests.holm(new double[] {0.04, 0.01, 0.03});
        // sorted 0.01, 0.03, 0.04 -> 3 x 0.01 = 0.03, 2 x 0.03 = 0.06, max(0.06, 1 x 0.04) = 0.06; back in the given order
        assertThat(adjusted).containsExactly(new double[] {0.06, 0.03, 0.06}, within(1e-12));
        assertThat(StatisticalTests.holm(new double[] {0.9, 0.8})).containsExactly(1.0, 1.0);
    }

    /** Newcombe 1998, Table II, example (a): 56/70 - 48/80, method 10 gives 0.0524 to 0.3339 at 95%. */
    @Test
    void newcombeHybridScoreIntervalMatchesThePaper() {
        double[] ci = StatisticalTests.newcombeDifference(56, 70, 48, 80, 0.95);
        org.assertj.core.api.Assertions.assertThat(ci[0]).isCloseTo(0.0524, org.assertj.core.api.Assertions.within(5e-5));
        org.assertj.core.api.Assertions.assertThat(ci[1]).isCloseTo(0.3339, org.assertj.core.api.Assertions.within(5e-5));
    }
}
