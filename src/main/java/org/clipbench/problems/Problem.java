package org.clipbench.problems;

import java.util.Map;
import java.util.SplittableRandom;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;

/**
 * What a training run minimises (benchopt's "objective + dataset"): parameters, a (stochastic) loss
 * with its gradient, and held-out metrics. The optimizer and the clipping rule are the solver's part.
 */
public interface Problem {
    String name();

    ParamShape shape();

    /** Writes the starting point, drawn from rng where the problem's start is random. */
    void initialize(ParamSet params, SplittableRandom rng);

    /** The training loss at params on a sample drawn from rng; grads receives its gradient. */
    double lossAndGradient(ParamSet params, SplittableRandom rng, ParamSet grads);

    /** Held-out metrics (e.g. "loss", "error_rate", "success"), on samples drawn from rng. */
    Map<String, Double> evaluate(ParamSet params, SplittableRandom rng);

    /** Whether per-example gradients exist (DP-SGD). */
    default boolean supportsPerExample() {
        return false;
    }

    /** One gradient per example of a training batch drawn from rng; returns the batch's mean loss. */
    default double perExampleGradients(ParamSet params, SplittableRandom rng, java.util.List<ParamSet> out) {
        throw new UnsupportedOperationException(name() + " has no per-example gradients");
    }

    /** Examples in a training batch (1 for deterministic problems). */
    default int batchSize() {
        return 1;
    }
}
