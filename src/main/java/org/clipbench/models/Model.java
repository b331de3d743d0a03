package org.clipbench.models;

import java.util.List;
import java.util.SplittableRandom;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;

/** A model with hand-written backprop, on any backend: parameters and gradients are ParamSets. */
public interface Model {
    String name();

    ParamShape shape();

    Loss loss();

    /** Writes the model's initial parameters, drawn from rng. */
    void initialize(ParamSet params, SplittableRandom rng);

    /** Mean loss over the batch; grads receives its gradient with respect to params. */
    double lossAndGradient(ParamSet params, Batch batch, ParamSet grads);

    /** The outputs (B x outputs, row-major) for the batch, from the last step for sequence models. */
    double[] outputs(ParamSet params, Batch batch);

    int outputDim();

    /**
     * One gradient per example (for DP-SGD): each example alone through {@link #lossAndGradient}.
     * Returns the batch's mean loss.
     */
    default double perExampleGradients(ParamSet params, Batch batch, List<ParamSet> out) {
        if (out.size() != batch.size()) {
            throw new IllegalArgumentException("need " + batch.size() + " gradient sets, got " + out.size());
        }
        double total = 0;
        for (int i = 0; i < batch.size(); i++) total += lossAndGradient(params, batch.example(i), out.get(i));
        return total / batch.size();
    }
}
