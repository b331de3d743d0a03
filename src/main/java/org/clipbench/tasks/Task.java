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

    /** A held-out batch of the given size (fresh sequences, or the test split for datasets). */
    Batch evalBatch(SplittableRandom rng, int size);

    /**
     * Fraction of examples the model gets wrong on outputs (B x outputDim, row-major): misclassified, or
     * (regression tasks) squared error above the task's tolerance.
     */
    double errorRate(double[] outputs, Batch batch);
}
