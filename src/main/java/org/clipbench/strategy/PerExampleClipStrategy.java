package org.clipbench.strategy;

import java.util.List;
import org.clipbench.params.ParamSet;

/** DP-SGD style: clips each example's gradient, sums, adds noise and averages into one gradient. */
public interface PerExampleClipStrategy extends Strategy {

    /**
     * out = (sum_i clip(g_i) + noise) / expected batch size. The examples are clipped in place.
     * Report: preNorm = largest per-example norm, threshold = the clip bound C used, scales = one
     * factor per example, clippedUnits = examples clipped, units = batch size.
     */
    ClipReport clipAndAggregate(List<ParamSet> perExample, ParamSet out, ClipContext ctx);
}
