package org.clipbench.problems;

import static org.clipbench.problems.ProblemSpec.or;

/** {"type": "quartic"}: stochastic sum (x_j - xi_j)^4 / 4 in dim (10) dimensions from start (10), xi ~ N(0, noiseScale^2) (1). */
public record QuarticSpec(String type, Integer dim, Double start, Double noiseScale, Double lossScale) implements ProblemSpec {
    @Override
    public Problem buildUnscaled() {
        return new StochasticQuartic(ProblemSpec.sized("dim", or(dim, 10), or(dim, 10)), or(start, 10.0), or(noiseScale, 1.0));
    }
}
