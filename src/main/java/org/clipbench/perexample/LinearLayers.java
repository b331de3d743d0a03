package org.clipbench.perexample;

import java.util.List;
import org.clipbench.params.ParamSet;

/**
 * A model on one batch, seen by the per-example clipping methods: every parameter belongs to a linear layer
 * z = a W^T + b applied at T positions of each example (an MLP: T = 1; a projection over a sequence: T > 1), each
 * example's loss depends on its own rows only, and a backward pass can weight each example's loss. Models give one
 * for their parameters and a batch (Mlp.on, SequenceLinear.on); its tensors are the model's and are reused by
 * the next pass.
 */
public interface LinearLayers {

    /** The parameters the pass runs with; gradients have their shape, backend, dtype and layout. */
    ParamSet params();

    int examples();

    /** Forward pass over the batch; returns the batch's mean loss. */
    double forward();

    /**
     * Backward pass from the last forward pass, example i's loss weighted by weights[i] in a sum (weight 1: each example's
     * own gradient), or by 1/B (the batch mean) when weights is null. grads receives sum_i w_i grad L_i; when grads is
     * null no weight gradient is formed, only the output gradient of every layer (the norm pass of ghost clipping).
     */
    void backward(double[] weights, ParamSet grads);

    /** Every layer of the last pass, first to last. */
    List<LayerTrace> traces();

    /** Bytes of the tensors the model holds for this batch (activations, outputs, output gradients): its working set. */
    long workingBytes();
}
