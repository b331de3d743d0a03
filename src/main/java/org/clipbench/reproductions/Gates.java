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

    /**
     * The gates that passed while one verdict was judged, in order, so the report can name every arm a verdict rests on
     * with its gate (a failed gate is in the verdict's reason). Confined to the judging thread: {@link #startLog} before
     * a check judges, {@link #passedSinceStart} after.
     */
    private static final ThreadLocal<java.util.List<String>> PASSED = ThreadLocal.withInitial(java.util.ArrayList::new);

    static void startLog() {
        PASSED.get().clear();
    }

    static java.util.List<String> passedSinceStart() {
        return java.util.List.copyOf(new java.util.LinkedHashSet<>(PASSED.get()));
    }

    /** Records a gate that passed (null: nothing failed), for checks whose gates are their own. */
    static String pass(String what) {
        PASSED.get().add(what);
        return null;
    }

    /**
     * The least clipped share an arm must reach to count as clipping: one unit (example, tensor, layer) in a thousand
     * of those it saw. A step in which one example of a lot of 256 was clipped is not "clipping active".
     */
    static final double MIN_CLIPPED_SHARE = 1e-3;

    /** Mean share of clipped steps over an arm's runs, diverged runs included (they clipped too); NaN if not recorded. */
    static double clipFraction(Table arm) {
        return meanOf(arm, "clip_fraction");
    }

    /** Mean share of units clipped per step over an arm's runs (clip_share); NaN when the runs predate it. */
    static double clipShare(Table arm) {
        return meanOf(arm, "clip_share");
    }

    private static double meanOf(Table arm, String column) {
        if (!arm.columnNames().contains(column) || arm.rowCount() == 0) return Double.NaN;
        var v = arm.numberColumn(column).asDoubleColumn().removeMissing();
        return v.isEmpty() ? Double.NaN : v.mean();
    }

    /**
     * null when the arm clipped: a mean clipped share of at least {@link #MIN_CLIPPED_SHARE} of its units (runs that
     * predate clip_share: any step clipped); else why the gate failed, naming the arm.
     */
    static String clipped(String arm, Table runs) {
        double share = clipShare(runs);
        if (!Double.isNaN(share)) {
            if (share >= MIN_CLIPPED_SHARE) return pass(arm + " clipped (share " + Evidence.num(share) + ")");
            return arm + " barely clipped (clipped share " + Evidence.num(share) + " of its units, below " + Evidence.num(MIN_CLIPPED_SHARE)
                    + "), so it ran nearly the same experiment as no clipping";
        }
        double f = clipFraction(runs);
        if (f > 0) return pass(arm + " clipped (clip_fraction " + Evidence.num(f) + ")");
        return arm + " never clipped (clip_fraction " + (Double.isNaN(f) ? "not recorded" : Evidence.num(f)) + "), so it ran the same experiment as no clipping";
    }

    /**
     * null when every run of the arm that diverged had clipped before it diverged; else why not. A run that diverged
     * before its rule clipped at all (say, inside an adaptive rule's warm-up) ran no clipping: its divergence says
     * nothing of the rule, and a verdict must not rest on it.
     */
    static String clippedBeforeDiverging(String arm, Table runs) {
        int diverged = 0, unclipped = 0;
        for (int i = 0; i < runs.rowCount(); i++) {
            if (!Evidence.diverged(runs, i)) continue;
            diverged++;
            if (!(runs.numberColumn("clip_fraction").getDouble(i) > 0)) unclipped++;
        }
        if (unclipped == 0) return pass(arm + (diverged == 0 ? " never diverged" : ": each of its " + diverged + " diverged runs clipped first"));
        return unclipped + " of the " + diverged + " diverged runs of " + arm + " diverged before it clipped at all, so they tested no clipping";
    }

    /** null when the 95% bootstrap interval of the arm's mean accuracy lies above chance; else why not. */
    static String learned(String arm, double[] accuracy, double chance) {
        double[] ci = Evidence.bootstrap(accuracy, Evidence::mean);
        if (ci[0] > chance) return pass(arm + " learned (mean accuracy interval " + Evidence.interval(ci) + " above chance)");
        return arm + " did not learn: its mean accuracy's 95% interval " + Evidence.interval(ci) + " reaches chance (" + Evidence.pct(chance) + ")";
    }

    /** The inconclusive verdict of the first failed gate, or null when every gate passed. */
    static Verdict firstFailure(String numbers, Table evidence, String... failures) {
        for (String f : failures) if (f != null) return Verdict.inconclusive(numbers + ". Gate failed: " + f, evidence);
        return null;
    }
}
