package org.clipbench.reproductions;

import tech.tablesaw.api.Table;

/**
 * Sanity gates, checked before a verdict: could the experiment show the effect at all? A check names its
 * gates; a failed one makes the verdict inconclusive with the gate named, so no verdict rests on an arm
 * that never clipped (both arms then ran the same experiment) or on a baseline that learned nothing.
 */
final class Gates {
    private Gates() {
    }

    /** Mean share of clipped steps over an arm's runs, diverged runs included (they clipped too); NaN if not recorded. */
    static double clipFraction(Table arm) {
        if (!arm.columnNames().contains("clip_fraction") || arm.rowCount() == 0) return Double.NaN;
        return arm.numberColumn("clip_fraction").asDoubleColumn().removeMissing().mean();
    }

    /** null when the arm clipped at some step; else why the gate failed, naming the arm. */
    static String clipped(String arm, Table runs) {
        double f = clipFraction(runs);
        if (f > 0) return null;
        return arm + " never clipped (clip_fraction " + (Double.isNaN(f) ? "not recorded" : Evidence.num(f)) + "), so it ran the same experiment as no clipping";
    }

    /** null when the 95% bootstrap interval of the arm's mean accuracy lies above chance; else why not. */
    static String learned(String arm, double[] accuracy, double chance) {
        double[] ci = Evidence.bootstrap(accuracy, Evidence::mean);
        if (ci[0] > chance) return null;
        return arm + " did not learn: its mean accuracy's 95% interval " + Evidence.interval(ci) + " reaches chance (" + Evidence.pct(chance) + ")";
    }

    /** The inconclusive verdict of the first failed gate, or null when every gate passed. */
    static Verdict firstFailure(String numbers, Table evidence, String... failures) {
        for (String f : failures) if (f != null) return Verdict.inconclusive(numbers + ". Gate failed: " + f, evidence);
        return null;
    }
}
