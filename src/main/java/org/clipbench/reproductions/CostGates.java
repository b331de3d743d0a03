package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The sanity gates of the checks of cost measurements, with their own log of gates passed (the report lists them
 * beside those of {@link Gates}): the methods compared clipped, and enough repetitions were measured.
 */
final class CostGates {
    private CostGates() {
    }

    private static final ThreadLocal<List<String>> PASSED = ThreadLocal.withInitial(ArrayList::new);

    static void startLog() {
        PASSED.get().clear();
    }

    static List<String> passedSinceStart() {
        return List.copyOf(new LinkedHashSet<>(PASSED.get()));
    }

    private static String pass(String what) {
        PASSED.get().add(what);
        return null;
    }

    /** null when every measured step of the method clipped at least one example in every cell (else its factors were never applied). */
    static String clipped(String method, List<CostTable.Cell> cells) {
        int steps = 0;
        for (CostTable.Cell c : cells) {
            int n = c.steps(method), clipping = c.clippingSteps(method);
            if (n == 0 || clipping < n) {
                return method + " clipped in " + clipping + " of its " + n + " steps at " + c.label() + ", so it did not run the clip it is measured for";
            }
            steps += n;
        }
        return pass(method + " clipped in each of its " + steps + " steps");
    }

    /** null when every cell has at least min repetitions of each method. */
    static String repeated(List<CostTable.Cell> cells, List<String> methods, int min) {
        for (CostTable.Cell c : cells) {
            for (String m : methods) {
                if (c.steps(m) < min) return c.label() + " has " + c.steps(m) + " repetitions of " + m + ", fewer than the " + min + " an interval needs";
            }
        }
        return pass(cells.size() + (cells.size() == 1 ? " cell" : " cells") + ", each with at least " + min + " repetitions of " + String.join(", ", methods));
    }
}
