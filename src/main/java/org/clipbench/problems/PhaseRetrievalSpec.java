package org.clipbench.problems;

import static org.clipbench.problems.ProblemSpec.or;

/** {"type": "phase-retrieval"}: dim (10) unknowns, measurements (100), batch (1) per step, start norm (3). */
public record PhaseRetrievalSpec(String type, Integer dim, Integer measurements, Integer batch, Double start, Double lossScale) implements ProblemSpec {
    @Override
    public Problem buildUnscaled() {
        return new PhaseRetrieval(or(dim, 10), or(measurements, 100), or(batch, 1), or(start, 3.0));
    }
}
