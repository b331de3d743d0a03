package org.clipbench.strategy;

import org.clipbench.backend.Backend;
import org.clipbench.backend.NormKind;
import org.clipbench.backend.Tensor;
import org.clipbench.params.ParamSet;

/**
 * Applies the non-finite policy and the post-clip measurement around a rule's {@link #apply}. Under
 * PROPAGATE nothing extra runs; the other policies cost one finiteness pass per tensor.
 */
public abstract class AbstractClipStrategy implements ClipStrategy {
    private final String name;
    private final String spec;

    protected AbstractClipStrategy(StrategyParams p) {
        this.name = p.strategy();
        this.spec = p.spec();
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String spec() {
        return spec;
    }

    /** Clip in place; report what was done. Stateful rules update their state here. */
    protected abstract ClipReport apply(ParamSet grads, ClipContext ctx);

    /** The threshold in force now (for reports of skipped steps). */
    protected double currentThreshold() {
        return Double.NaN;
    }

    @Override
    public final ClipReport clip(ParamSet grads, ClipContext ctx) {
        boolean sawNonFinite = false;
        if (ctx.nonFinite() != NonFinitePolicy.PROPAGATE) {
            Backend b = grads.backend();
            for (Tensor t : grads.tensors()) {
                if (b.allFinite(t)) continue;
                sawNonFinite = true;
                switch (ctx.nonFinite()) {
                    case ERROR -> throw new NonFiniteGradientException(t.name(), spec);
                    case SKIP -> {
                        return ClipReport.skippedStep(GradNorms.global(grads, 2, NormKind.SAFE),
                                currentThreshold(), grads.size());
                    }
                    case ZERO -> b.zeroNonFinite(t);
                    default -> throw new IllegalStateException();
                }
            }
        }
        ClipReport r = apply(grads, ctx);
        if (ctx.measure()) r = r.withPostNorm(GradNorms.global(grads, 2, NormKind.SAFE));
        if (sawNonFinite) return r.withNonFinite(true);
        // rules flag a +Inf norm as non-finite; finite entries whose norm overflows were clipped exactly
        if (r.nonFinite() && r.preNorm() == Double.POSITIVE_INFINITY && GradNorms.allFinite(grads)) {
            r = r.withNonFinite(false);
        }
        return r;
    }
}
