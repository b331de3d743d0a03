package org.clipbench.perexample;

import org.clipbench.params.ParamSet;
import org.clipbench.strategy.ClipContext;
import org.clipbench.strategy.ClipReport;
import org.clipbench.strategy.PerExampleClipStrategy;

/**
 * Per-example gradients formed, then clipped and summed (Abadi et al. 2016; Opacus's hooks, torch.func's vmap of
 * grad): one backward pass, every example's delta_i^T a_i held at once (B x d_in x d_out), and the strategy's own
 * clipAndAggregate on them. The reference the other methods are checked against; it runs any per-example strategy.
 */
final class Materialised implements ClippingMethod {
    private long peak;

    @Override
    public String name() {
        return ClippingMethods.MATERIALISED;
    }

    @Override
    public ClipReport step(LinearLayers model, PerExampleClipStrategy rule, ParamSet out, ClipContext ctx) {
        ParamSet params = model.params();
        Workspace ws = new Workspace(params.backend(), params.dtype());
        model.forward();
        model.backward(Traces.ones(model.examples()), null);
        ClipReport report = rule.clipAndAggregate(Traces.perExampleGradients(Traces.ordered(model), params, ws), out, ctx);
        peak = ws.peakBytes();
        return report;
    }

    @Override
    public long peakBytes() {
        return peak;
    }
}
