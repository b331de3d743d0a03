package org.clipbench.perexample;

import java.util.List;
import org.clipbench.params.ParamSet;
import org.clipbench.strategy.ScaledNorm;

/**
 * Book-keeping (Bu, Wang, Zha, Karypis 2023, "Differentially private optimization on large model at small cost"):
 * ghost norms from the one backward pass, whose inputs and output gradients are kept, then per layer the clipped sum
 * as (f . delta)^T a: one matrix product of the batch, no second backward pass, no per-example gradient.
 */
final class BookKeeping extends NormOnlyMethod {

    @Override
    public String name() {
        return ClippingMethods.BOOK_KEEPING;
    }

    @Override
    ScaledNorm[] layerNorms(LayerTrace t, double[] maxInput, double[] maxOutputGradient, ParamSet params, Workspace ws) {
        return LayerNorms.ghost(t, maxInput, maxOutputGradient, params.backend(), params.dtype(), ws);
    }

    @Override
    void clippedSum(LinearLayers model, List<LayerTrace> traces, double[][] layerFactors, ParamSet out) {
        Traces.clippedSum(traces, layerFactors, out);
    }
}
