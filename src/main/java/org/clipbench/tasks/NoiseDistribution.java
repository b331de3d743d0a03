package org.clipbench.tasks;

import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.distribution.WeibullDistribution;

/**
 * Zero-mean noise for stochastic gradients. Draws use inverse CDFs of Commons Math distributions on a
 * seeded uniform, so a run is reproducible; skewed laws are centred by their exact mean, and
 * symmetric=true multiplies each centred draw by a random sign. Burr XII is not in Commons Math: its
 * inverse CDF ((1-u)^(-1/d) - 1)^(1/c) is written here, its mean from the Beta function.
 */
public final class NoiseDistribution {
    public enum Law { GAUSSIAN, STUDENT_T, EXPONENTIAL, WEIBULL, BURR }

    private final Law law;
    private final double a;
    private final double b;
    private final double scale;
    private final boolean symmetric;
    private final double mean;
    private final org.apache.commons.math3.distribution.RealDistribution dist;

    /**
     * @param a     Student-t degrees of freedom, Weibull shape c, Burr c
     * @param b     Burr d (unused otherwise)
     * @param scale multiplies each draw
     */
    public NoiseDistribution(Law law, double a, double b, double scale, boolean symmetric) {
        this.law = law;
        this.a = a;
        this.b = b;
        this.scale = scale;
        this.symmetric = symmetric;
        switch (law) {
            case GAUSSIAN -> { dist = new NormalDistribution(null, 0, 1); mean = 0; }
            case STUDENT_T -> {
                require(a > 1, "student-t needs degrees of freedom > 1 for a finite mean");
                dist = new TDistribution(null, a); mean = 0;
            }
            case EXPONENTIAL -> { dist = new ExponentialDistribution(null, 1); mean = 1; }
            case WEIBULL -> {
                require(a > 0, "weibull needs shape c > 0");
                dist = new WeibullDistribution(null, a, 1); mean = dist.getNumericalMean();
            }
            case BURR -> {
                require(a > 0 && b > 0 && a * b > 1, "burr needs c > 0, d > 0 and c*d > 1 for a finite mean");
                dist = null;
                mean = b * Math.exp(org.apache.commons.math3.special.Beta.logBeta(b - 1 / a, 1 + 1 / a));
            }
            default -> throw new IllegalStateException();
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    /** gaussian, student-t:NU, exponential, weibull:C, burr:C:D, each optionally prefixed by "symmetric-". */
    public static NoiseDistribution parse(String spec, double scale) {
        if (!(scale >= 0 && Double.isFinite(scale))) {
            throw new IllegalArgumentException("noiseScale " + scale + " must be finite and >= 0 (0 = no noise)");
        }
        String s = spec.trim().toLowerCase(Locale.ROOT);
        boolean sym = s.startsWith("symmetric-");
        if (sym) s = s.substring("symmetric-".length());
        String[] p = s.split(":");
        try {
            return switch (p[0]) {
                case "gaussian", "normal" -> new NoiseDistribution(Law.GAUSSIAN, 0, 0, scale, sym);
                case "student-t", "t" -> new NoiseDistribution(Law.STUDENT_T, p.length > 1 ? Double.parseDouble(p[1]) : 2.5, 0, scale, sym);
                case "exponential" -> new NoiseDistribution(Law.EXPONENTIAL, 0, 0, scale, sym);
                case "weibull" -> new NoiseDistribution(Law.WEIBULL, p.length > 1 ? Double.parseDouble(p[1]) : 0.2, 0, scale, sym);
                case "burr" -> new NoiseDistribution(Law.BURR, p.length > 1 ? Double.parseDouble(p[1]) : 1,
                        p.length > 2 ? Double.parseDouble(p[2]) : 2.3, scale, sym);
                default -> throw new IllegalArgumentException("unknown noise '" + spec
                        + "': use gaussian, student-t:NU, exponential, weibull:C, burr:C:D (optionally symmetric-...)");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("noise '" + spec + "': parameters must be numbers");
        }
    }

    public double mean() {
        return mean;
    }

    /** One zero-mean draw. */
    public double sample(SplittableRandom rng) {
        double u = rng.nextDouble();
        if (u == 0) u = Double.MIN_VALUE;
        double x = law == Law.BURR ? Math.pow(Math.pow(1 - u, -1 / b) - 1, 1 / a) : dist.inverseCumulativeProbability(u);
        double centred = x - mean;
        if (symmetric && rng.nextBoolean()) centred = -centred;
        return scale * centred;
    }

    @Override
    public String toString() {
        return (symmetric ? "symmetric-" : "") + law.name().toLowerCase(Locale.ROOT);
    }
}
