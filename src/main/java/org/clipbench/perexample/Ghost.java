package org.clipbench.perexample;

import java.util.List;
import org.clipbench.params.ParamSet;
import org.clipbench.strategy.ScaledNorm;

/**
 * Ghost clipping (Goodfellow 2015; Li, Tramèr, Liang, Hashimoto 2021; Opacus since 2024): each example's norm from two
 * T x T Gram matrices per layer, then a second backward pass with example i's loss weighted by its factor, which forms
 * sum_i f_i g_i as an ordinary gradient. Under per-layer clipping each layer has its own factor, which one weighted pass
 * cannot apply: the second pass recomputes the output gradients and each layer's sum is formed from its rows scaled
 * by that layer's factors.
 */
final class Ghost extends NormOnlyMethod {

    @Override
    public String name() {
        return ClippingMethods.GHOST;
    }

    @Override
    ScaledNorm[] layerNorms(LayerTrace t, double[] maxInput, double[] maxOutputGradient, ParamSet params, Workspace ws) {
        return LayerNorms.ghost(t, maxInput, maxOutputGradient, params.backend(), params.dtype(), ws);
    }

    @Override
    void clippedSum(LinearLayers model, List<LayerTrace> traces, double[][] layerFactors, ParamSet out) {
        double[] weights = new double[layerFactors.length];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = layerFactors[i].length == 0 ? 1 : layerFactors[i][0];
            for (double f : layerFactors[i]) {
                if (Double.compare(f, weights[i]) != 0) {
                    model.backward(Traces.ones(model.examples()), null);
                    Traces.clippedSum(Traces.ordered(model), layerFactors, out);
                    return;
                }
            }
        }
        model.backward(weights, out);
    }
}
