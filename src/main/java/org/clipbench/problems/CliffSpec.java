package org.clipbench.problems;

import static org.clipbench.problems.ProblemSpec.or;

/** {"type": "cliff"}: Pascanu et al.'s one-neuron RNN with a cliff in its loss, from (w0, b0) = (5, -2.6). */
public record CliffSpec(String type, Double w0, Double b0, Double lossScale) implements ProblemSpec {
    @Override
    public Problem buildUnscaled() {
        return CliffNeuron.paper(or(w0, 5.0), or(b0, -2.6));
    }
}
