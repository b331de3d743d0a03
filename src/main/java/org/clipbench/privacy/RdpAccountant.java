package org.clipbench.privacy;

import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.util.CombinatoricsUtils;

/**
 * Rényi-DP accounting of the Poisson-subsampled Gaussian mechanism (DP-SGD with sampling rate q and noise
 * multiplier sigma = noise std / clip bound), after Mironov, Talwar and Zhang 2019, "Rényi differential
 * privacy of the sampled Gaussian mechanism": RDP at order alpha is log(A_alpha) / (alpha - 1), A_alpha in
 * closed form for integer orders (their Section 3.3) and as the two-sided series with erfc terms for
 * fractional ones (Section 3.3, the form TF Privacy and Opacus use). Steps compose by adding RDP. The
 * conversion to (epsilon, delta) is either the standard one (Mironov 2017, Proposition 3) or the tighter
 * one of Balle, Barthe, Gaboardi, Hsu and Sato 2020 (Theorem 21), each minimised over the orders.
 * Everything is computed in log space, so orders up to hundreds and sigma down to 0.3 do not overflow.
 */
public final class RdpAccountant {
    private RdpAccountant() {
    }

    /** The orders searched by default: 1.1 to 10.9 in steps of 0.1, then 11 to 256 (a superset of Opacus's). */
    public static final double[] DEFAULT_ORDERS = defaultOrders();

    /** How RDP becomes (epsilon, delta). */
    public enum Conversion {
        /** epsilon = rdp + log(1/delta) / (alpha - 1) (Mironov 2017, Proposition 3). */
        STANDARD,
        /** epsilon = rdp + log((alpha - 1)/alpha) - (log delta + log alpha) / (alpha - 1) (Balle et al. 2020, Theorem 21). */
        BALLE_2020
    }

    /** An (epsilon, delta) guarantee and the order it was reached at. */
    public record Spent(double epsilon, double delta, double order) {
    }

    /** RDP of one step at order alpha > 1: 0 without sampling, alpha / (2 sigma^2) without subsampling (q = 1). */
    public static double rdp(double q, double sigma, double alpha) {
        if (!(q >= 0 && q <= 1)) throw new IllegalArgumentException("sampling rate q must be in [0, 1], not " + q);
        if (!(sigma > 0)) throw new IllegalArgumentException("noise multiplier sigma must be positive, not " + sigma);
        if (!(alpha > 1)) throw new IllegalArgumentException("RDP order alpha must be above 1, not " + alpha);
        if (q == 0) return 0;
        if (q == 1) return alpha / (2 * sigma * sigma);
        if (Double.isInfinite(alpha)) return Double.POSITIVE_INFINITY;
        // RDP is never below 0; at a sigma so large that every term's exponent is 0 the sum's rounding could put it there
        if (alpha == Math.rint(alpha)) return Math.max(0, logAInteger(q, sigma, (int) alpha) / (alpha - 1));
        double logA = logAFractional(q, sigma, alpha);
        if (!Double.isNaN(logA)) return logA / (alpha - 1);
        // the series did not resolve (at sigma beyond ~1e7 its terms cancel below a double's precision; where sigma^2
        // overflows its terms are NaN): Renyi divergence does not fall as the order grows, so the next integer
        // order's closed form, a sum of positive terms, bounds this order's RDP from above (never below 0)
        double up = Math.ceil(alpha);
        return Math.max(0, logAInteger(q, sigma, (int) up) / (up - 1));
    }

    /** RDP of `steps` steps at each order: composition adds. */
    public static double[] rdp(double q, double sigma, long steps, double[] orders) {
        double[] out = new double[orders.length];
        for (int i = 0; i < orders.length; i++) out[i] = steps * rdp(q, sigma, orders[i]);
        return out;
    }

    /** The smallest epsilon over the orders at which the composed RDP gives (epsilon, delta)-DP. */
    public static Spent epsilon(double[] orders, double[] rdp, double delta, Conversion conversion) {
        if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("delta must be in (0, 1), not " + delta);
        if (orders.length != rdp.length || orders.length == 0) throw new IllegalArgumentException("one RDP value per order is needed");
        double best = Double.POSITIVE_INFINITY, at = Double.NaN;
        for (int i = 0; i < orders.length; i++) {
            double a = orders[i];
            double eps = switch (conversion) {
                // -log(delta), not log(1 / delta): 1 / 4.9e-324 is +Inf, a valid delta's epsilon would be infinite
                case STANDARD -> rdp[i] - Math.log(delta) / (a - 1);
                case BALLE_2020 -> rdp[i] + Math.log((a - 1) / a) - (Math.log(delta) + Math.log(a)) / (a - 1);
            };
            if (eps < best) {
                best = eps;
                at = a;
            }
        }
        return new Spent(Math.max(0, best), delta, at);
    }

    /**
     * The smallest noise multiplier accounted: below it sigma^2 nears the end of a double's range (at 4.9e-324 it is 0
     * and the series looped for ever), while at it the RDP, about alpha / (2 sigma^2) per step, still stays finite
     * for any step count (256 / 2e-200 x 2^63 = 1e221), far past any useful epsilon.
     */
    public static final double MIN_SIGMA = 1e-100;

    /** Epsilon of DP-SGD: `steps` steps at sampling rate q and noise multiplier sigma, over the default orders. */
    public static Spent epsilon(double q, double sigma, long steps, double delta, Conversion conversion) {
        // an infinite multiplier made the fractional-order series loop for ever; a finite one is what a run can have
        if (!(sigma > 0) || Double.isInfinite(sigma)) throw new IllegalArgumentException("the noise multiplier sigma must be finite and above 0, not " + sigma);
        if (sigma < MIN_SIGMA) {
            throw new IllegalArgumentException("noise multiplier sigma " + sigma + " is below " + MIN_SIGMA
                    + ", where epsilon leaves a double's range (such noise protects nothing); give a sigma of at least " + MIN_SIGMA
                    + " (DP-SGD runs use about 0.5 to 10)");
        }
        Spent spent = epsilon(DEFAULT_ORDERS, rdp(q, sigma, steps, DEFAULT_ORDERS), delta, conversion);
        if (!Double.isFinite(spent.epsilon())) {
            throw new IllegalArgumentException("epsilon of " + steps + " steps at sampling rate " + q + " and sigma " + sigma
                    + " is beyond a double's range (no privacy); give a larger sigma or fewer steps");
        }
        return spent;
    }

    /**
     * The smallest noise multiplier (to 1e-6 relative) whose `steps` steps at rate q stay within targetEpsilon
     * at delta: epsilon falls as sigma grows, so a bisection over [1e-2, 1e4] finds it.
     */
    public static double sigmaFor(double targetEpsilon, double q, long steps, double delta, Conversion conversion) {
        if (!(targetEpsilon > 0)) throw new IllegalArgumentException("target epsilon must be positive, not " + targetEpsilon);
        double lo = 1e-2, hi = 1e4;
        if (epsilon(q, hi, steps, delta, conversion).epsilon() > targetEpsilon) {
            throw new IllegalArgumentException("epsilon " + targetEpsilon + " is out of reach even at sigma " + hi + "; allow a larger epsilon or fewer steps");
        }
        if (epsilon(q, lo, steps, delta, conversion).epsilon() <= targetEpsilon) {
            // the search's floor is not an answer: the noise this epsilon needs is below it (nearly none)
            throw new IllegalArgumentException("epsilon " + targetEpsilon + " is met even at sigma " + lo + ", the smallest noise this search tries: "
                    + "so large an epsilon protects next to nothing; ask for a smaller one (DP-SGD runs use about 0.5 to 10)");
        }
        while (hi / lo > 1 + 1e-6) {
            double mid = Math.sqrt(lo * hi);
            if (epsilon(q, mid, steps, delta, conversion).epsilon() > targetEpsilon) lo = mid;
            else hi = mid;
        }
        return hi;
    }

    /**
     * The noise multiplier the accountant charges when adaptive clipping also releases a noisy count of
     * clipped examples each step (Andrew, Thakkar, McMahan, Ramaswamy 2021, Section 3.1): the gradient's noise
     * sigma and the count's noise sigmaCount (sensitivity 1/2 after centring) compose like one Gaussian with
     * (sigma^-2 + (2 sigmaCount)^-2)^(-1/2).
     */
    public static double withQuantileCount(double sigma, double sigmaCount) {
        if (!(sigma > 0) || !(sigmaCount > 0)) throw new IllegalArgumentException("both noise multipliers must be positive");
        return Math.pow(1 / (sigma * sigma) + 1 / (4 * sigmaCount * sigmaCount), -0.5);
    }

    /**
     * The noise multiplier of several Gaussian queries released together each step on the same lot, each of
     * sensitivity 1 with its own multiplier: their RDP adds like one query with (sum sigma_i^-2)^(-1/2). A
     * multiplier of +Inf is a query that releases nothing; 0 releases without noise (infinite cost).
     */
    public static double combined(double... multipliers) {
        double inverseSquares = 0;
        for (double m : multipliers) {
            if (!(m >= 0)) throw new IllegalArgumentException("a noise multiplier must be >= 0, not " + m);
            inverseSquares += 1 / (m * m);
        }
        return 1 / Math.sqrt(inverseSquares);
    }

    /** log A_alpha for an integer order: log sum_k C(alpha, k) (1-q)^(alpha-k) q^k exp((k^2 - k) / (2 sigma^2)). */
    static double logAInteger(double q, double sigma, int alpha) {
        double logA = Double.NEGATIVE_INFINITY;
        for (int k = 0; k <= alpha; k++) {
            double term = CombinatoricsUtils.binomialCoefficientLog(alpha, k) + k * Math.log(q) + (alpha - k) * Math.log1p(-q)
                    + (k * (double) k - k) / (2 * sigma * sigma);
            logA = logAdd(logA, term);
        }
        return logA;
    }

    /**
     * The most terms the fractional-order series sums. For sigma from 1e-100 to 1e4 and the default orders it
     * needs at most ~6,000 for q up to 0.45 or from 0.55 (scanned), but near q = 1/2 (where z0 = 1/2 whatever
     * sigma) up to ~90,000, and more past sigma 1e4; past this bound logAFractional gives up (NaN) and rdp
     * falls back to an integer order's closed form (an upper bound) instead of looping on.
     */
    static final int MAX_SERIES_TERMS = 100_000;

    /**
     * log A_alpha for a fractional order: the integral split at z0 = sigma^2 log(1/q - 1) + 1/2 into two
     * series whose terms carry the generalised binomial C(alpha, i) (sign included) and erfc tails; summed
     * until both new terms fall below e^-30 of one. NaN when the series cannot be evaluated: a term that is
     * NaN or +Inf (sigma^2 overflowing or underflowing), a partial sum that cancels below zero (rounding, at
     * large sigma), or no convergence within MAX_SERIES_TERMS terms (each of those looped for ever or threw).
     */
    static double logAFractional(double q, double sigma, double alpha) {
        double logA0 = Double.NEGATIVE_INFINITY, logA1 = Double.NEGATIVE_INFINITY;
        double z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
        double coef = 1; // C(alpha, 0)
        for (int i = 0; i < MAX_SERIES_TERMS; i++) {
            double j = alpha - i, logCoef = Math.log(Math.abs(coef));
            double logT0 = logCoef + i * Math.log(q) + j * Math.log1p(-q);
            double logT1 = logCoef + j * Math.log(q) + i * Math.log1p(-q);
            double logE0 = Math.log(0.5) + logErfc((i - z0) / (Math.sqrt(2) * sigma));
            double logE1 = Math.log(0.5) + logErfc((z0 - j) / (Math.sqrt(2) * sigma));
            double logS0 = logT0 + (i * (double) i - i) / (2 * sigma * sigma) + logE0;
            double logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
            if (Double.isNaN(logS0) || Double.isNaN(logS1) || logS0 == Double.POSITIVE_INFINITY || logS1 == Double.POSITIVE_INFINITY) return Double.NaN;
            if (coef > 0) {
                logA0 = logAdd(logA0, logS0);
                logA1 = logAdd(logA1, logS1);
            } else {
                if (logA0 < logS0 || logA1 < logS1) return Double.NaN; // cancelled below zero: rounding, not a result
                logA0 = logSub(logA0, logS0);
                logA1 = logSub(logA1, logS1);
            }
            if (Math.max(logS0, logS1) < -30) return logAdd(logA0, logA1);
            coef *= (alpha - i) / (i + 1);
        }
        return Double.NaN;
    }

    /** log(e^a + e^b) without overflow. */
    static double logAdd(double a, double b) {
        double lo = Math.min(a, b), hi = Math.max(a, b);
        if (lo == Double.NEGATIVE_INFINITY) return hi;
        return Math.log1p(Math.exp(lo - hi)) + hi;
    }

    /** log(e^a - e^b), a >= b; a term can only shrink a sum of positive parts. */
    static double logSub(double a, double b) {
        if (a < b) throw new IllegalStateException("log-space subtraction below zero: the series did not converge");
        if (b == Double.NEGATIVE_INFINITY) return a;
        if (a == b) return Double.NEGATIVE_INFINITY;
        return Math.log(Math.expm1(a - b)) + b;
    }

    /**
     * log erfc(x): from Commons Math while erfc(x) is far from underflow (x < 25, erfc > 1e-273), beyond that
     * the asymptotic series at infinity, erfc(x) ~ exp(-x^2) / (x sqrt(pi)) (1 - 1/(2x^2) + 3/(4x^4) - 15/(8x^6)
     * + 105/(16x^8)), whose next term is below 1e-12 of the sum there.
     */
    static double logErfc(double x) {
        if (x < 25) return Math.log(Erf.erfc(x));
        double x2 = x * x, series = 1 - 1 / (2 * x2) + 3 / (4 * x2 * x2) - 15 / (8 * x2 * x2 * x2) + 105 / (16 * x2 * x2 * x2 * x2);
        return -x2 - Math.log(x) - 0.5 * Math.log(Math.PI) + Math.log(series);
    }

    private static double[] defaultOrders() {
        double[] o = new double[99 + 246];
        for (int i = 0; i < 99; i++) o[i] = (11 + i) / 10.0;
        for (int i = 0; i < 246; i++) o[99 + i] = 11 + i;
        return o;
    }
}
