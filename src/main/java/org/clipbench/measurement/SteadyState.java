package org.clipbench.measurement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.descriptive.rank.Median;

/**
 * Whether a JMH result was measured at steady state, judged from its raw iterations by rules fixed
 * here, before any run:
 * <ul>
 * <li><b>trend</b>: most forks (one fork: that fork) whose measurement iterations still move. With 6 or more iterations, the
 * Mann-Kendall test (two-sided p &lt; 0.05, normal approximation) and a Theil-Sen drift over the fork
 * of more than 5% of its median; with 3 to 5 (too few for a test), iterations that move the same way
 * every time by more than 10% from first to last.</li>
 * <li><b>forks disagree</b>: the fork medians spread (max - min) by more than 10% of their median and
 * by more than 4 times the iterations' own spread (the median within-fork coefficient of variation).</li>
 * </ul>
 * A result with one or two iterations per fork cannot be judged for trend and is not flagged for it.
 */
public final class SteadyState {
    private SteadyState() {
    }

    public static final double TREND_P = 0.05, TREND_DRIFT = 0.05, MONOTONE_DRIFT = 0.10, FORK_SPREAD = 0.10, FORK_NOISE_TIMES = 4;

    /**
     * The judgement: steady, or the reasons it is not; between-fork and within-fork coefficients of
     * variation (NaN where they cannot be computed) so a reader sees when more forks are needed.
     */
    public record Judgement(List<String> reasons, double betweenForkCv, double withinForkCv) {
        public boolean steady() {
            return reasons.isEmpty();
        }

        /** "yes", or the reasons joined: what the tables print. */
        public String label() {
            return steady() ? "yes" : String.join("; ", reasons);
        }
    }

    public static Judgement judge(List<double[]> forks) {
        List<String> reasons = new ArrayList<>();
        // a JVM still compiling slows every fork alike: the result trends when most of its forks do (one fork: that
        // fork); a single odd fork among several is noise, and forks that disagree have their own rule below
        List<String> trends = new ArrayList<>();
        for (double[] fork : forks) {
            String trend = trend(fork);
            if (trend != null) trends.add(trend);
        }
        if (trends.size() * 2 > forks.size()) {
            reasons.add(forks.size() == 1 ? trends.get(0) : trends.size() + " of " + forks.size() + " forks " + trends.get(0));
        }
        double within = withinForkCv(forks), between = betweenForkCv(forks);
        if (forks.size() >= 2) {
            double[] medians = forks.stream().mapToDouble(SteadyState::median).toArray();
            double spread = (Arrays.stream(medians).max().orElse(0) - Arrays.stream(medians).min().orElse(0)) / median(medians);
            double noise = Double.isNaN(within) ? 0 : within;
            if (spread > FORK_SPREAD && spread > FORK_NOISE_TIMES * noise) {
                reasons.add(String.format(java.util.Locale.ROOT, "forks disagree (medians spread %.0f%%)", 100 * spread));
            }
        }
        return new Judgement(reasons, between, within);
    }

    /** The trend of one fork's iterations, described, or null. */
    static String trend(double[] x) {
        int n = x.length;
        if (n < 3) return null;
        double med = median(x);
        if (n < 6) {
            int up = 0, down = 0;
            for (int i = 1; i < n; i++) {
                if (x[i] > x[i - 1]) up++;
                if (x[i] < x[i - 1]) down++;
            }
            double drift = (x[n - 1] - x[0]) / med;
            boolean monotone = up == n - 1 || down == n - 1;
            return monotone && Math.abs(drift) > MONOTONE_DRIFT ? describe(drift) : null;
        }
        double p = mannKendallP(x);
        double drift = theilSenSlope(x) * (n - 1) / med;
        return p < TREND_P && Math.abs(drift) > TREND_DRIFT ? describe(drift) + String.format(java.util.Locale.ROOT, ", p=%.3g", p) : null;
    }

    private static String describe(double drift) {
        return String.format(java.util.Locale.ROOT, "still %s (%+.0f%% over the iterations)", drift < 0 ? "falling" : "rising", 100 * drift);
    }

    /** Two-sided p of the Mann-Kendall trend test (no ties correction; continuity-corrected normal approximation). */
    public static double mannKendallP(double[] x) {
        int n = x.length;
        double s = 0;
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) s += Math.signum(x[j] - x[i]);
        double var = n * (n - 1.0) * (2 * n + 5) / 18;
        double z = s == 0 ? 0 : (s - Math.signum(s)) / Math.sqrt(var);
        return 2 * new NormalDistribution().cumulativeProbability(-Math.abs(z));
    }

    /** The median of the pairwise slopes (Theil-Sen), per iteration. */
    public static double theilSenSlope(double[] x) {
        List<Double> slopes = new ArrayList<>();
        for (int i = 0; i < x.length; i++) for (int j = i + 1; j < x.length; j++) slopes.add((x[j] - x[i]) / (j - i));
        return median(slopes.stream().mapToDouble(Double::doubleValue).toArray());
    }

    static double withinForkCv(List<double[]> forks) {
        double[] cvs = forks.stream().filter(f -> f.length >= 2).mapToDouble(SteadyState::cv).toArray();
        return cvs.length == 0 ? Double.NaN : median(cvs);
    }

    static double betweenForkCv(List<double[]> forks) {
        if (forks.size() < 2) return Double.NaN;
        return cv(forks.stream().mapToDouble(SteadyState::median).toArray());
    }

    private static double cv(double[] x) {
        double mean = Arrays.stream(x).average().orElse(Double.NaN);
        double ss = 0;
        for (double v : x) ss += (v - mean) * (v - mean);
        return Math.sqrt(ss / (x.length - 1)) / mean;
    }

    private static double median(double[] x) {
        return new Median().evaluate(x);
    }
}
