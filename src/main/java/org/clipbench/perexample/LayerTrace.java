package org.clipbench.perexample;

import org.clipbench.backend.Tensor;

/**
 * One linear layer z = a W^T + b of a batch's pass, as the per-example clipping methods read it. The batch is stored
 * example by example: rows i·T .. i·T + T - 1 of both tensors belong to example i, one row per position.
 *
 * @param input          a, (B·T) x d_in: the layer's input at every position of every example
 * @param outputGradient delta, (B·T) x d_out: the gradient of the loss (example i's weighted as the pass was asked)
 *                       with respect to the layer's output z; example i's weight gradient is delta_i^T a_i, its bias
 *                       gradient the sum of delta_i's rows
 * @param positions      T, the positions (rows) per example
 * @param weight         index of the layer's weight (d_out x d_in) in the parameter set
 * @param bias           index of its bias (1 x d_out)
 */
public record LayerTrace(Tensor input, Tensor outputGradient, int positions, int weight, int bias) {
    public LayerTrace {
        if (positions < 1 || input.rows() != outputGradient.rows() || input.rows() % positions != 0) {
            throw new IllegalArgumentException("layer trace: " + input + " and " + outputGradient + " are not " + positions
                    + " rows per example");
        }
    }

    public int examples() {
        return input.rows() / positions;
    }

    public int inputs() {
        return input.cols();
    }

    public int outputs() {
        return outputGradient.cols();
    }
}
