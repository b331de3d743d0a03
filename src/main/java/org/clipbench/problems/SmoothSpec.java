package org.clipbench.problems;

import static org.clipbench.problems.ProblemSpec.or;

/** {"type": "smooth"}: a one-dimensional (L0, L1)-smooth function (function cosh2 or poly4; quadratic and logcosh are controls that are not (L0, L1)-smooth in the growing sense) from x0 (5). */
public record SmoothSpec(String type, String function, Double x0, Double lossScale) implements ProblemSpec {
    @Override
    public Problem buildUnscaled() {
        return new SmoothFunction(SmoothFunction.parseKind(or(function, "cosh2")), or(x0, 5.0));
    }
}
