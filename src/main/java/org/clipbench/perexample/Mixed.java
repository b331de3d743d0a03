package org.clipbench.perexample;

import java.util.List;
import org.clipbench.params.ParamSet;
import org.clipbench.strategy.ScaledNorm;

/**
 * Mixed (Bu et al. 2023's fastDP, after Li et al. 2021's memory argument): book-keeping, with each layer's norms taken
 * the cheaper way for its shape: ghost norms where 2 T^2 <= d_in d_out (two T x T matrices are smaller than one
 * gradient), else each example's gradient formed in one reused d_out x d_in buffer for its norm.
 */
final class Mixed extends NormOnlyMethod {

    @Override
    public String name() {
        return ClippingMethods.MIXED;
    }

    /** fastDP's rule: ghost norms where two T x T Gram matrices hold no more than one d_out x d_in gradient. */
    static boolean ghostFits(LayerTrace t) {
        return 2L * t.positions() * t.positions() <= (long) t.inputs() * t.outputs();
    }

    @Override
    ScaledNorm[] layerNorms(LayerTrace t, double[] maxInput, double[] maxOutputGradient, ParamSet params, Workspace ws) {
        if (ghostFits(t)) return LayerNorms.ghost(t, maxInput, maxOutputGradient, params.backend(), params.dtype(), ws);
        return LayerNorms.instantiated(t, params.backend(), ws);
    }

    @Override
    void clippedSum(LinearLayers model, List<LayerTrace> traces, double[][] layerFactors, ParamSet out) {
        Traces.clippedSum(traces, layerFactors, out);
    }
}
