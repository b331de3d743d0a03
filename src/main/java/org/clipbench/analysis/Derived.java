package org.clipbench.analysis;

import java.util.Locale;

/**
 * A figure derived from measured times (a speed-up, a ratio, an overhead), with its interval, or refused with the
 * reason. Issue 29: the report printed a PyTorch net time of -7.9 ms and "x PyTorch -1215", an overhead of -98%
 * from a step whose "without clip" took 1.3 s against 22 ms with it. A figure is shown only when both times are
 * above 0, both measured at steady state, and its interval (from each time's JMH error) is bounded and spans at most
 * {@link #MAX_SPAN} times its lower end; otherwise the cell says "—" and why.
 *
 * @param value   the point value, NaN when refused
 * @param lower   lower end of the interval
 * @param upper   upper end of the interval
 * @param refusal why the figure is not shown, or null
 */
public record Derived(double value, double lower, double upper, String refusal) {
    /**
     * A measured time per call as the derived figures take it: ns, the half-width of its 95% interval (from JMH's
     * 99.9% error over its samples, {@link #halfWidth95}) and whether it was measured at steady state.
     */
    public record Time(double ns, double halfWidth95, boolean steady) {
        /** Row r of a table, its time, JMH error, sample count and steady label ("yes") in the columns named. */
        public static Time of(tech.tablesaw.api.Table t, int r, String nsColumn, String errorColumn, String samplesColumn, String steadyColumn) {
            return new Time(t.doubleColumn(nsColumn).getDouble(r), Derived.halfWidth95(t.doubleColumn(errorColumn).getDouble(r), t.intColumn(samplesColumn).get(r)),
                    t.stringColumn(steadyColumn).get(r).equals("yes"));
        }
    }

    /** numerator / denominator of two measured times; see {@link #ratio(double, double, boolean, double, double, boolean)}. */
    public static Derived ratio(Time numerator, Time denominator) {
        return ratio(numerator.ns(), numerator.halfWidth95(), numerator.steady(), denominator.ns(), denominator.halfWidth95(), denominator.steady());
    }

    /** The overhead in percent of with over without; see {@link #overheadPercent(double, double, boolean, double, double, boolean)}. */
    public static Derived overheadPercent(Time with, Time without) {
        return overheadPercent(with.ns(), with.halfWidth95(), with.steady(), without.ns(), without.halfWidth95(), without.steady());
    }

    /** The widest interval a shown figure may have: upper / lower at most this. */
    public static final double MAX_SPAN = 2.0;

    /**
     * numerator / denominator of two times (ns) with their error half-widths: the interval runs from
     * (num - numErr) / (den + denErr) to (num + numErr) / (den - denErr).
     */
    public static Derived ratio(double num, double numErr, boolean numSteady, double den, double denErr, boolean denSteady) {
        if (!(num > 0) || !(den > 0)) {
            return refused("a time at or below 0 (" + time(num) + ", " + time(den) + "): its restore or baseline took longer than the whole call");
        }
        if (!numSteady || !denSteady) return refused("not at steady state");
        // no error estimate (a single measurement) is no interval: a figure without one would look exact
        if (!Double.isFinite(numErr) || !Double.isFinite(denErr)) return refused("no error estimate for a time (one measurement)");
        double en = Math.abs(numErr), ed = Math.abs(denErr);
        double lo = (num - en) / (den + ed), hi = den - ed > 0 ? (num + en) / (den - ed) : Double.POSITIVE_INFINITY;
        double value = num / den;
        if (!(lo > 0) || !Double.isFinite(hi)) return new Derived(Double.NaN, lo, hi, "its interval reaches 0 or has no upper end: the times are too noisy");
        if (hi / lo > MAX_SPAN) {
            return new Derived(Double.NaN, lo, hi, String.format(Locale.ROOT, "its interval [%.3g, %.3g] spans more than %.0fx", lo, hi, MAX_SPAN));
        }
        return new Derived(value, lo, hi, null);
    }

    /** An overhead in percent, with + b - a over a: (with / without - 1) x 100, from the ratio's interval. */
    public static Derived overheadPercent(double with, double withErr, boolean withSteady, double without, double withoutErr, boolean withoutSteady) {
        Derived r = ratio(with, withErr, withSteady, without, withoutErr, withoutSteady);
        Derived pct = new Derived(100 * (r.value - 1), 100 * (r.lower - 1), 100 * (r.upper - 1), r.refusal);
        if (pct.refusal == null && pct.upper < 0) {
            // a clip cannot make a step cheaper: with its whole interval below 0, the measurement is wrong, not a finding
            return new Derived(Double.NaN, pct.lower, pct.upper, String.format(Locale.ROOT,
                    "impossible: the step with the clip is faster than without it beyond noise (%.0f%% to %.0f%%)", pct.lower, pct.upper));
        }
        return pct;
    }

    /**
     * JMH's score error is the half-width of a 99.9% Student-t interval of the mean over its n iterations; the same
     * interval at 95%, which the derived figures use (99.9% intervals of a short quick-profile run refuse almost all).
     */
    public static double halfWidth95(double error999, int samples) {
        if (!(samples > 1) || !Double.isFinite(error999)) return error999;
        var t = new org.apache.commons.math3.distribution.TDistribution(null, samples - 1);
        return error999 * t.inverseCumulativeProbability(0.975) / t.inverseCumulativeProbability(0.9995);
    }

    static Derived refused(String why) {
        return new Derived(Double.NaN, Double.NaN, Double.NaN, why);
    }

    public boolean shown() {
        return refusal == null;
    }

    /** The cell: "1.23 [1.10, 1.37]", or "— (why)". */
    public String cell(String format) {
        if (!shown()) return "— (" + refusal + ")";
        return String.format(Locale.ROOT, format + " [" + format + ", " + format + "]", value, lower, upper);
    }

    private static String time(double ns) {
        return Double.isNaN(ns) ? "none" : String.format(Locale.ROOT, "%.3g ns", ns);
    }
}
