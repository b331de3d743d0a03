package org.clipbench.problems;

import static org.clipbench.problems.ProblemSpec.or;

import org.clipbench.tasks.NoiseDistribution;

/** {"type": "quadratic"}: a dim-dimensional (100) quadratic from start (0.01) with gradient noise (noise gaussian, noiseScale 1). */
public record QuadraticSpec(String type, Integer dim, Double start, String noise, Double noiseScale, Double lossScale) implements ProblemSpec {
    @Override
    public Problem buildUnscaled() {
        return new NoisyQuadratic(ProblemSpec.sized("dim", or(dim, 100), or(dim, 100)), or(start, 0.01), NoiseDistribution.parse(or(noise, "gaussian"), or(noiseScale, 1.0)));
    }
}
