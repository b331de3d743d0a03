package org.clipbench.tasks;

import java.util.SplittableRandom;
import org.clipbench.models.Batch;
import org.clipbench.models.Loss;

/** A learning problem: how to draw training batches and what a held-out evaluation measures. */
public interface Task {
    String name();

    int inputDim();

    int outputDim();

    /** The loss the task trains with. */
    Loss loss();

    /** A training batch: fresh samples for generated tasks, a seeded minibatch for datasets. */
    Batch trainBatch(SplittableRandom rng, int batchSize);

    /** Examples in the training set a batch is drawn from; 0 for generated tasks (no finite set). */
    default int trainingSetSize() {
        return 0;
    }

    /**
     * A Poisson-sampled lot: each training example joins independently with probability rate (the sampling the
     * RDP accountant of DP-SGD assumes), so the lot's size varies and may be 0. Only tasks with a finite training set.
     */
    default Batch poissonTrainBatch(SplittableRandom rng, double rate) {
        throw new IllegalArgumentException(name() + " generates its data: Poisson sampling needs a dataset (digits, breast-cancer)");
    }

    /** A held-out batch of the given size (fresh sequences, or the test split for datasets). */
    Batch evalBatch(SplittableRandom rng, int size);

    /**
     * Fraction of examples the model gets wrong on outputs (B x outputDim, row-major): misclassified, or
     * (regression tasks) squared error above the task's tolerance.
     */
    double errorRate(double[] outputs, Batch batch);
}
