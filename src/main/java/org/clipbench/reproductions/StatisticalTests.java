package org.clipbench.reproductions;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.commons.math3.distribution.HypergeometricDistribution;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;

/**
 * The tests verdicts are decided by, each a thin, named use of Commons Math: no distribution is written
 * here. A check states which one it uses and at what level before it looks at the numbers.
 */
final class StatisticalTests {
    private StatisticalTests() {
    }

    /**
     * Fisher's exact test, one-sided: the probability, with the margins fixed, of arm A having at least
     * successesA of its trials succeed if A and B succeed equally often (the hypergeometric upper tail).
     * Small values say A succeeds more often than B.
     */
    static double fisherGreater(int successesA, int trialsA, int successesB, int trialsB) {
        if (trialsA <= 0 || trialsB <= 0) throw new IllegalArgumentException("Fisher's test needs trials in both arms");
        int population = trialsA + trialsB, successes = successesA + successesB;
        if (successes == 0) return 1.0; // no success anywhere: no evidence either way
        return new HypergeometricDistribution(null, population, successes, trialsA).upperCumulativeProbability(successesA);
    }

    /**
     * The Wilcoxon signed-rank test on paired samples (a[i] and b[i] from the same seed), one-sided: small
     * values say a tends to exceed b. Exact for up to 30 pairs (Commons Math's two-sided p, halved in the
     * direction the data lean, one minus that in the other). Pairs that tie (a zero difference) are dropped first, as
     * Wilcoxon's test does (issue 38): Commons Math ranks them and counts them with the negative differences, so ties
     * pulled every one-sided test towards "no" (spike counts of 0 against 0, two diverged runs both at chance). With no
     * pair left there is no evidence (1); one pair left is a coin (1/2 in its direction).
     */
    static double wilcoxonGreater(double[] pairedA, double[] pairedB) {
        if (pairedA.length != pairedB.length || pairedA.length < 2) throw new IllegalArgumentException("the paired test needs two or more pairs of equal count");
        int untied = 0;
        for (int i = 0; i < pairedA.length; i++) if (pairedA[i] != pairedB[i]) untied++;
        double[] a = new double[untied], b = new double[untied];
        for (int i = 0, k = 0; i < pairedA.length; i++) {
            if (pairedA[i] == pairedB[i]) continue;
            a[k] = pairedA[i];
            b[k++] = pairedB[i];
        }
        if (untied == 0) return 1.0;
        if (untied == 1) return a[0] > b[0] ? 0.5 : 1.0;
        double twoSided = new WilcoxonSignedRankTest().wilcoxonSignedRankTest(a, b, a.length <= 30);
        double positive = 0, negative = 0; // rank sums of the differences' signs, ties averaged as Commons Math does
        double[] absDiff = new double[a.length];
        for (int i = 0; i < a.length; i++) absDiff[i] = Math.abs(a[i] - b[i]);
        double[] ranks = new org.apache.commons.math3.stat.ranking.NaturalRanking().rank(absDiff);
        for (int i = 0; i < a.length; i++) {
            if (a[i] - b[i] > 0) positive += ranks[i];
            else negative += ranks[i];
        }
        return positive > negative ? twoSided / 2 : 1 - twoSided / 2;
    }

    /**
     * Holm's step-down adjustment of p-values that test several statements of one claim together:
     * the family-wise error stays at the level each adjusted p is compared with. Same order as given.
     */
    static double[] holm(double[] p) {
        int m = p.length;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        double[] adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            running = Math.max(running, Math.min(1, (m - rank) * p[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }

    /**
     * Schuirmann's two one-sided tests (TOST) of equivalence: the p-value of "the mean of d lies outside
     * [-margin, margin]", the larger of the two one-sided t-tests against each bound (Student's t with n - 1
     * degrees of freedom). Small values say the mean is within the margin: a "no difference" statement
     * decided by a test. With no spread at all, 0 when the mean is inside the margin and 1 when not.
     */
    static double tostEquivalence(double[] d, double margin) {
        if (d.length < 2) throw new IllegalArgumentException("the equivalence test needs two or more values");
        double mean = org.apache.commons.math3.stat.StatUtils.mean(d);
        double se = Math.sqrt(org.apache.commons.math3.stat.StatUtils.variance(d) / d.length);
        if (se == 0) return Math.abs(mean) < margin ? 0 : 1;
        org.apache.commons.math3.distribution.TDistribution t = new org.apache.commons.math3.distribution.TDistribution(null, d.length - 1);
        double aboveLower = 1 - t.cumulativeProbability((mean + margin) / se); // H0: mean <= -margin
        double belowUpper = t.cumulativeProbability((mean - margin) / se); // H0: mean >= margin
        return Math.max(aboveLower, belowUpper);
    }

    /** The (1 - 2 alpha) t-interval of the mean of d: the interval a TOST at level alpha must find inside the margin. */
    static double[] tostInterval(double[] d, double alpha) {
        double mean = org.apache.commons.math3.stat.StatUtils.mean(d);
        double se = Math.sqrt(org.apache.commons.math3.stat.StatUtils.variance(d) / d.length);
        double q = se == 0 ? 0 : new org.apache.commons.math3.distribution.TDistribution(null, d.length - 1).inverseCumulativeProbability(1 - alpha);
        return new double[] {mean - q * se, mean + q * se};
    }

    /**
     * Newcombe's hybrid score interval (method 10 of Newcombe 1998) for the difference of two proportions
     * kA/nA - kB/nB at the given two-sided level, built from each arm's Wilson score interval (Commons Math). Its
     * upper end below a margin is the non-inferiority test on counts ("A fails no more often than B, by more than
     * the margin") at one-sided level (1 - level) / 2: equality shown by a test, not by a p-value above alpha.
     */
    static double[] newcombeDifference(int kA, int nA, int kB, int nB, double level) {
        if (nA <= 0 || nB <= 0) throw new IllegalArgumentException("the interval needs trials in both arms");
        var wilson = new org.apache.commons.math3.stat.interval.WilsonScoreInterval();
        var a = wilson.createInterval(nA, kA, level);
        var b = wilson.createInterval(nB, kB, level);
        double pA = (double) kA / nA, pB = (double) kB / nB, d = pA - pB;
        double lower = d - Math.sqrt(Math.pow(pA - a.getLowerBound(), 2) + Math.pow(b.getUpperBound() - pB, 2));
        double upper = d + Math.sqrt(Math.pow(a.getUpperBound() - pA, 2) + Math.pow(pB - b.getLowerBound(), 2));
        return new double[] {lower, upper};
    }
}
