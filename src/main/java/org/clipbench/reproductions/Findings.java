package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.Table;

/**
 * What the tests of a claim with several parts found, part by part: a failed statement (a test the other way
 * rejected), an undecided one, and what was established. The verdict follows from them: not reproduced when
 * anything failed, inconclusive when anything is undecided, else reproduced; the reason lists them in that order.
 */
record Findings(List<String> failures, List<String> doubts, List<String> established) {
    Findings() {
        this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
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
        String numbers = String.join("; ", established);
        String tail = numbers.isEmpty() ? "" : "; " + numbers;
        if (!failures.isEmpty()) return Verdict.notReproduced(String.join("; ", failures) + tail, evidence);
        if (!doubts.isEmpty()) return Verdict.inconclusive(String.join("; ", doubts) + tail, evidence);
        return Verdict.reproduced(numbers, evidence);
    }
}
