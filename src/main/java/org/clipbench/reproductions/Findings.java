package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.Table;

/**
 * What the tests of a claim with several parts found, part by part: a failed statement (a test the other way
 * rejected), an undecided one, and what was established. The verdict follows from them: not reproduced when
 * anything failed, inconclusive when anything is undecided, else reproduced; the reason lists them in that order.
 */
record Findings(List<String> failures, List<String> doubts, List<String> established, List<String> demonstrations) {
    Findings() {
        this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    /**
     * Adds what `part` found as a demonstration: a part of the claim that holds by construction in the setting run
     * (by algebra, or an identity in the regime the runs were in), so its test could not have failed. It is shown,
     * with why, and never decides the verdict.
     */
    void demonstration(Findings part, String why) {
        List<String> lines = new ArrayList<>(part.established);
        lines.addAll(part.doubts);
        lines.addAll(part.failures);
        if (!lines.isEmpty()) demonstrations.add(String.join("; ", lines) + " [demonstration, not a test: " + why + "]");
    }

    /**
     * TOST of mean(d) within [-margin, margin] at level alpha: established when equivalent; when the interval lies
     * wholly outside the margin a failure (outsideFails, with failureTail appended) or else a doubt; otherwise a doubt.
     */
    void equivalence(String what, double[] d, double margin, double alpha, boolean outsideFails, String failureTail) {
        double p = StatisticalTests.tostEquivalence(d, margin);
        double[] ci = StatisticalTests.tostInterval(d, alpha);
        String shown = what + " " + Evidence.num(Evidence.mean(d)) + ", " + Evidence.pct(1 - 2 * alpha) + " interval " + Evidence.interval(ci);
        if (p < alpha) established.add(shown + " within " + Evidence.num(margin) + " (TOST p = " + Evidence.num(p) + ")");
        else if ((ci[0] >= margin || ci[1] <= -margin) && outsideFails) failures.add(shown + " lies beyond " + Evidence.num(margin) + failureTail);
        else doubts.add(shown + " is not shown within " + Evidence.num(margin) + " (TOST p = " + Evidence.num(p) + ")");
    }

    Verdict verdict(Table evidence) {
        List<String> shown = new ArrayList<>(established);
        shown.addAll(demonstrations);
        String numbers = String.join("; ", shown);
        String tail = numbers.isEmpty() ? "" : "; " + numbers;
        if (!failures.isEmpty()) return Verdict.notReproduced(String.join("; ", failures) + tail, evidence);
        if (!doubts.isEmpty()) return Verdict.inconclusive(String.join("; ", doubts) + tail, evidence);
        if (established.isEmpty()) return Verdict.inconclusive("no tested part decided: only demonstrations" + tail, evidence);
        return Verdict.reproduced(numbers, evidence);
    }
}
