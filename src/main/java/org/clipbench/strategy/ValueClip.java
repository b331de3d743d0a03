package org.clipbench.strategy;

import java.util.List;

import org.clipbench.backend.Backend;
import org.clipbench.backend.Tensor;
import org.clipbench.params.ParamSet;

/**
 * Element-wise clamp to [-c, c] (PyTorch clip_grad_value_, TF clip_by_value, Keras clipvalue, optax
 * clip). Changes direction. NaN stays NaN; +-Inf becomes +-c. Values inside the range keep their
 * bits. When measuring, tensors whose max |g| is within c are not touched and the count of tensors
 * with a clamped entry is reported; otherwise every tensor (or the flat buffer) is clamped in one pass.
 */
public final class ValueClip extends AbstractClipStrategy implements FoldableClip {
    private final double c;

    public ValueClip(StrategyParams p) {
        super(p);
        c = p.positive("c", 1.0, "clamp bound: every entry ends in [-c, c]");
    }

    @Override
    protected double currentThreshold() {
        return c;
    }

    /** Median of |x| for x ~ N(0, 1), the benchmark data: half the entries lie above it. */
    static final double MEDIAN_ABS_STD_NORMAL = 0.6744897501960817;

    /** c: twice the largest |entry| (never), half of it (always), the median |entry| of N(0, 1) data (half). */
    @Override
    public Calibration calibration() {
        return Calibration.onThreshold("c", (regime, g, w) -> Calibration.pick(regime, largestEntry(g), largestEntry(g),
                MEDIAN_ABS_STD_NORMAL), shape -> List.of(Regime.NEVER, Regime.ALWAYS, Regime.HALF));
    }

    private static double largestEntry(ParamSet g) {
        double m = 0;
        for (Tensor t : g.tensors()) m = Math.max(m, g.backend().normInf(t));
        return m;
    }

    @Override
    public MemoryTraffic traffic(double scaledShare) {
        return MemoryTraffic.readWrite(); // the clamp loads and stores every element, clipped or not
    }

    @Override
    public Fold fold(ParamSet g, ClipContext ctx) {
        if (ctx.nonFinite() != NonFinitePolicy.PROPAGATE) return null;
        return new Fold(Fold.identity(g.size()).scale(), c);
    }

    @Override
    protected ClipReport apply(ParamSet g, ClipContext ctx) {
        Backend b = g.backend();
        if (!ctx.measure()) {
            if (g.flatBuffer() != null) b.clamp(g.flatBuffer(), -c, c);
            else for (Tensor t : g.tensors()) b.clamp(t, -c, c);
            return ClipReport.unmeasured(c, g.size());
        }
        double pre = GradNorms.global(g, 2, ctx.normKind());
        int touched = 0;
        for (Tensor t : g.tensors()) {
            if (b.normInf(t) <= c) continue;
            b.clamp(t, -c, c);
            touched++;
        }
        return ClipReport.elementwise(pre, c, touched, g.size());
    }
}
