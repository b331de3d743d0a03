package org.clipbench.perexample;

import org.clipbench.params.ParamSet;
import org.clipbench.strategy.ClipContext;
import org.clipbench.strategy.ClipReport;
import org.clipbench.strategy.PerExampleClipStrategy;

/**
 * One way to compute a private step's gradient: the per-example gradients clipped by a DP rule (the suite's
 * dp-* strategies, whose rules are used as they are), summed, noised and divided by the rule. Every method gives
 * the same gradient; they differ in what they form on the way (per-example gradients, Gram matrices, a second
 * backward pass), which is what their time and memory measure. Registered in {@link ClippingMethods}.
 */
public interface ClippingMethod {

    String name();

    /**
     * One step on the model's batch: its forward pass, the backward pass(es) the method needs, and the rule's clipped,
     * noised and divided sum into out (out's previous contents are overwritten). Returns the rule's report.
     */
    ClipReport step(LinearLayers model, PerExampleClipStrategy rule, ParamSet out, ClipContext ctx);

    /** Bytes of the tensors the last step held at once beyond the model's and out: the method's own working set. */
    long peakBytes();
}
