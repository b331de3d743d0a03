package org.clipbench.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * E-divisive means (Matteson and James 2014, "A nonparametric approach for multiple change point analysis
 * of multivariate data", JASA; the detector of MongoDB's performance CI and Apache Otava), for one series:
 * hierarchical bisection on the energy distance between the two sides of a split (alpha = 1), each new
 * change point kept only if a permutation test finds it significant. As in MongoDB's use, a segment is
 * split against its whole right part (kappa = the segment's end).
 */
public final class EDivisive {
    /** Permutation test settings: significance level, permutations, smallest segment, seed. */
    public record Settings(double significance, int permutations, int minSegment, long seed) {
        public Settings {
            if (!(significance > 0 && significance < 1)) throw new IllegalArgumentException("--significance must lie in (0, 1)");
            if (permutations < 19) throw new IllegalArgumentException("--permutations must be at least 19");
            if (minSegment < 2) throw new IllegalArgumentException("a segment needs at least 2 points");
        }

        public static Settings defaults() {
            return new Settings(0.05, 199, 3, 1);
        }
    }

    /** A change point: the index of the first point after the change, its statistic and permutation p-value. */
    public record ChangePoint(int index, double statistic, double p) {
    }

    private EDivisive() {
    }

    /** The significant change points of x, in index order. */
    public static List<ChangePoint> detect(double[] x, Settings s) {
        List<Integer> bounds = new ArrayList<>(List.of(0, x.length));
        List<ChangePoint> found = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(s.seed());
        while (true) {
            Best best = bestSplit(x, bounds, s.minSegment());
            if (best == null) break;
            int atLeast = 0;
            for (int k = 0; k < s.permutations(); k++) {
                Best shuffled = bestSplit(permutedWithinSegments(x, bounds, rng), bounds, s.minSegment());
                if (shuffled != null && shuffled.statistic() >= best.statistic()) atLeast++;
            }
            double p = (atLeast + 1.0) / (s.permutations() + 1.0);
            if (p > s.significance()) break;
            found.add(new ChangePoint(best.index(), best.statistic(), p));
            bounds.add(best.index());
            Collections.sort(bounds);
        }
        found.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return found;
    }

    record Best(int index, double statistic) {
    }

    /** The best split over all current segments: the largest statistic of any segment's best split. */
    private static Best bestSplit(double[] x, List<Integer> bounds, int minSegment) {
        Best best = null;
        for (int b = 0; b + 1 < bounds.size(); b++) {
            Best in = bestSplitOf(x, bounds.get(b), bounds.get(b + 1), minSegment);
            if (in != null && (best == null || in.statistic() > best.statistic())) best = in;
        }
        return best;
    }

    /** The split of x[from, to) with the largest statistic among those leaving at least minSegment points on each side. */
    static Best bestSplitOf(double[] x, int from, int to, int minSegment) {
        if (to - from < 2 * minSegment) return null;
        double[] q = statistics(x, from, to);
        Best best = null;
        for (int tau = from + minSegment; tau <= to - minSegment; tau++) {
            if (best == null || q[tau - from] > best.statistic()) best = new Best(tau, q[tau - from]);
        }
        return best;
    }

    /**
     * The scaled energy statistic of every split tau of x[from, to) (index tau - from; NaN where a side has
     * fewer than 2 points): Q(tau) = (m n / (m + n)) (2/(m n) sum|a - b| - 1/C(m,2) sum|a - a'| - 1/C(n,2) sum|b - b'|),
     * with m = tau - from points left and n = to - tau right; the three sums updated as tau moves, O(n^2) in all.
     */
    static double[] statistics(double[] x, int from, int to) {
        double[] q = new double[to - from + 1];
        java.util.Arrays.fill(q, Double.NaN);
        double between = 0, withinLeft = 0, withinRight = 0;
        for (int i = from; i < to; i++) for (int j = i + 1; j < to; j++) withinRight += Math.abs(x[i] - x[j]);
        for (int tau = from + 1; tau < to; tau++) {
            // move x[tau - 1] from the right part to the left part
            int moved = tau - 1;
            double toLeft = 0, toRight = 0;
            for (int i = from; i < moved; i++) toLeft += Math.abs(x[moved] - x[i]);
            for (int j = moved + 1; j < to; j++) toRight += Math.abs(x[moved] - x[j]);
            withinLeft += toLeft;
            withinRight -= toRight;
            between += toRight - toLeft;
            int m = tau - from, n = to - tau;
            if (m < 2 || n < 2) continue;
            double e = 2 * between / ((double) m * n) - withinLeft / (m * (m - 1) / 2.0) - withinRight / (n * (n - 1) / 2.0);
            q[tau - from] = (double) m * n / (m + n) * e;
        }
        return q;
    }

    private static double[] permutedWithinSegments(double[] x, List<Integer> bounds, SplittableRandom rng) {
        double[] y = x.clone();
        for (int b = 0; b + 1 < bounds.size(); b++) {
            for (int i = bounds.get(b + 1) - 1; i > bounds.get(b); i--) {
                int j = bounds.get(b) + rng.nextInt(i - bounds.get(b) + 1);
                double t = y[i];
                y[i] = y[j];
                y[j] = t;
            }
        }
        return y;
    }
}
