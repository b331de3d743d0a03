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

    /** Examples in a training batch (1 for deterministic problems); under Poisson sampling, the expected lot size. */
    default int batchSize() {
        return 1;
    }

    /** A lot of per-example gradients: how many examples it held (the first size entries of out) and their mean loss. */
    record Lot(int size, double meanLoss) {
    }

    /**
     * Per-example gradients of one training lot into out, which the problem may grow (a Poisson-sampled lot's size
     * varies); by default a batch of {@link #batchSize()} through {@link #perExampleGradients}.
     */
    default Lot perExampleLot(ParamSet params, SplittableRandom rng, java.util.List<ParamSet> out) {
        return new Lot(batchSize(), perExampleGradients(params, rng, out));
    }

    /** Examples in the finite training set lots are drawn from; 0 when the data are generated or fixed. */
    default int trainingSetSize() {
        return 0;
    }

    /**
     * This problem with Poisson-sampled lots (each training example joins with probability batchSize /
     * trainingSetSize, what the RDP accountant assumes); IllegalArgumentException where there is no finite training set.
     */
    default Problem withPoissonSampling() {
        throw new IllegalArgumentException("problem " + name() + " has no finite training set: Poisson sampling needs a dataset problem "
                + "(mlp, logistic or softmax on digits or breast-cancer)");
    }
}
