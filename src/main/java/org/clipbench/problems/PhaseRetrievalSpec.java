package org.clipbench.problems;

import static org.clipbench.problems.ProblemSpec.or;

/** {"type": "phase-retrieval"}: dim (10) unknowns, measurements (100), batch (1) per step, start norm (3). */
public record PhaseRetrievalSpec(String type, Integer dim, Integer measurements, Integer batch, Double start, Double lossScale) implements ProblemSpec {
    @Override
    public Problem buildUnscaled() {
        return new PhaseRetrieval(ProblemSpec.sized("dim", or(dim, 10), (long) or(dim, 10) * or(measurements, 100)),
                ProblemSpec.sized("measurements", or(measurements, 100), (long) or(dim, 10) * or(measurements, 100)),
                ProblemSpec.sized("batch", or(batch, 1), (long) or(batch, 1) * or(dim, 10)), or(start, 3.0));
    }
}
