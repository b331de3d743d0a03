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

    Verdict verdict(Table evidence) {
        String numbers = String.join("; ", established);
        String tail = numbers.isEmpty() ? "" : "; " + numbers;
        if (!failures.isEmpty()) return Verdict.notReproduced(String.join("; ", failures) + tail, evidence);
        if (!doubts.isEmpty()) return Verdict.inconclusive(String.join("; ", doubts) + tail, evidence);
        return Verdict.reproduced(numbers, evidence);
    }
}
