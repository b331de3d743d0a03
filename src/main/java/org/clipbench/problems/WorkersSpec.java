package org.clipbench.problems;

import static org.clipbench.problems.ProblemSpec.or;

/** {"type": "workers"}: heterogeneous least squares over workers (10) in dim (10) dimensions, targets spread (10) apart. */
public record WorkersSpec(String type, Integer workers, Integer dim, Double spread, Double lossScale) implements ProblemSpec {
    @Override
    public Problem buildUnscaled() {
        return new HeterogeneousWorkers(or(workers, 10), or(dim, 10), or(spread, 10.0));
    }
}
