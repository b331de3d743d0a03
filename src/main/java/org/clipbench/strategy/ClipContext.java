package org.clipbench.strategy;

import org.clipbench.backend.NormKind;
import org.clipbench.params.ParamSet;

/**
 * Per-call settings.
 *
 * @param normKind  which L2 norm to use (SAFE by default; benchmarks may pick NAIVE or FAST_SAFE)
 * @param nonFinite what to do with NaN/Inf gradients
 * @param measure   fill the report's post-clip norm with a real extra pass (tests, experiments); when
 *                  false, only what the strategy computes anyway is reported (benchmarks)
 * @param params    the parameters themselves, for rules that need them (AGC); may be null otherwise
 */
public record ClipContext(NormKind normKind, NonFinitePolicy nonFinite, boolean measure, ParamSet params) {

    public static ClipContext defaults() {
        return new ClipContext(NormKind.SAFE, NonFinitePolicy.PROPAGATE, true, null);
    }

    /** What a benchmark uses: no extra passes beyond the strategy's own. */
    public static ClipContext fast(NormKind kind) {
        return new ClipContext(kind, NonFinitePolicy.PROPAGATE, false, null);
    }

    public ClipContext withParams(ParamSet p) {
        return new ClipContext(normKind, nonFinite, measure, p);
    }

    public ClipContext withPolicy(NonFinitePolicy policy) {
        return new ClipContext(normKind, policy, measure, params);
    }

    public ClipContext withNormKind(NormKind kind) {
        return new ClipContext(kind, nonFinite, measure, params);
    }
}
