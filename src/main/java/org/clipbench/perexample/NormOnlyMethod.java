package org.clipbench.perexample;

import java.util.ArrayList;
import java.util.List;
import org.clipbench.params.ParamSet;
import org.clipbench.strategy.ClipContext;
import org.clipbench.strategy.ClipReport;
import org.clipbench.strategy.DpSgdClip;
import org.clipbench.strategy.PerExampleClipStrategy;
import org.clipbench.strategy.ScaledNorm;

/**
 * The methods that never hold every example's gradient (ghost clipping, book-keeping, mixed): one backward pass
 * for each layer's inputs and output gradients, each example's norm from them, the rule's factors from the norms
 * ({@link DpSgdClip#factorsFromNorms}: the strategy's own rule), then the clipped sum, in a way of each method's own.
 * A batch with a non-finite or overflowing entry is clipped the materialised way (see {@link Traces#screen}).
 */
abstract class NormOnlyMethod implements ClippingMethod {
    private long peak;

    @Override
    public final ClipReport step(LinearLayers model, PerExampleClipStrategy rule, ParamSet out, ClipContext ctx) {
        DpSgdClip normRule = normRule(rule);
        ParamSet params = model.params();
        Workspace ws = new Workspace(params.backend(), params.dtype());
        model.forward();
        model.backward(Traces.ones(model.examples()), null);
        List<LayerTrace> traces = Traces.ordered(model);
        Traces.Screen screen = Traces.screen(traces, params.backend(), params.dtype());
        ClipReport report;
        if (!screen.safe()) {
            report = rule.clipAndAggregate(Traces.perExampleGradients(traces, params, ws), out, ctx);
        } else {
            List<ScaledNorm[]> byLayer = new ArrayList<>();
            for (int l = 0; l < traces.size(); l++) byLayer.add(layerNorms(traces.get(l), screen.maxInput()[l], screen.maxOutputGradient()[l], params, ws));
            DpSgdClip.ExampleFactors factors = normRule.factorsFromNorms(byExample(byLayer));
            clippedSum(model, traces, factors.layerFactors(), out);
            report = normRule.finishSum(out, factors, ctx);
        }
        peak = ws.peakBytes();
        return report;
    }

    @Override
    public long peakBytes() {
        return peak;
    }

    /** Every example's norm in one layer. */
    abstract ScaledNorm[] layerNorms(LayerTrace t, double[] maxInput, double[] maxOutputGradient, ParamSet params, Workspace ws);

    /** sum_i f_il g_il into out for every layer l, from the pass whose traces these are (layerFactors[i][l]). */
    abstract void clippedSum(LinearLayers model, List<LayerTrace> traces, double[][] layerFactors, ParamSet out);

    private DpSgdClip normRule(PerExampleClipStrategy rule) {
        if (rule instanceof DpSgdClip dp) return dp;
        throw new IllegalArgumentException(name() + " clips from per-example norms: it needs a norm rule (dp-flat, dp-layer, dp-auto-s, "
                + "dp-auto-v, dp-adaptive), not " + rule.spec() + "; the materialised method runs any per-example strategy");
    }

    /** [layer][example] to [example][layer]. */
    private static List<ScaledNorm[]> byExample(List<ScaledNorm[]> byLayer) {
        int n = byLayer.get(0).length;
        List<ScaledNorm[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ScaledNorm[] e = new ScaledNorm[byLayer.size()];
            for (int l = 0; l < e.length; l++) e[l] = byLayer.get(l)[i];
            out.add(e);
        }
        return out;
    }
}
