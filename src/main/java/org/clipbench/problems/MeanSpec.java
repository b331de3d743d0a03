package org.clipbench.problems;

import static org.clipbench.problems.ProblemSpec.or;

import org.clipbench.tasks.NoiseDistribution;

/**
 * {"type": "mean"}: estimating a mean from noisy samples, from x0 (1): noise a law with noiseScale (1) and
 * batch (1), or "two-point" (the default; batch 2), the counterexample of Chen, Wu and Hong 2020.
 */
public record MeanSpec(String type, String noise, Double noiseScale, Double x0, Integer batch, Double lossScale) implements ProblemSpec {
    @Override
    public Problem buildUnscaled() {
        String law = or(noise, "two-point");
        boolean twoPoint = law.equalsIgnoreCase("two-point");
        return new ScalarMean(twoPoint ? null : NoiseDistribution.parse(law, or(noiseScale, 1.0)), or(x0, 1.0), or(batch, twoPoint ? 2 : 1));
    }
}
