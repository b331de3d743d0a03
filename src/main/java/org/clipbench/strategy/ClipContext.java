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
 * @param expectedBatch the expected number of examples of a lot (per-example rules divide their noised sum by it:
 *                  under Poisson sampling the actual lot varies and may be empty); 0 = the actual number
 */
public record ClipContext(NormKind normKind, NonFinitePolicy nonFinite, boolean measure, ParamSet params, int expectedBatch) {

    public static ClipContext defaults() {
        return new ClipContext(NormKind.SAFE, NonFinitePolicy.PROPAGATE, true, null, 0);
    }

    /** What a benchmark uses: no extra passes beyond the strategy's own. */
    public static ClipContext fast(NormKind kind) {
        return new ClipContext(kind, NonFinitePolicy.PROPAGATE, false, null, 0);
    }

    /**
     * What training uses: the run's policy and parameters, measuring. A run's report must say what was clipped: without
     * measuring, value clipping clamps every tensor without counting, and its runs recorded a clipped share of 0 (a
     * gate then called a clipping arm unclipped). The extra pass is one norm of the gradient, small beside a step.
     */
    public static ClipContext training(NonFinitePolicy policy, ParamSet params) {
        return new ClipContext(NormKind.SAFE, policy, true, params, 0);
    }

    public ClipContext withParams(ParamSet p) {
        return new ClipContext(normKind, nonFinite, measure, p, expectedBatch);
    }

    public ClipContext withPolicy(NonFinitePolicy policy) {
        return new ClipContext(normKind, policy, measure, params, expectedBatch);
    }

    public ClipContext withNormKind(NormKind kind) {
        return new ClipContext(kind, nonFinite, measure, params, expectedBatch);
    }

    public ClipContext withExpectedBatch(int examples) {
        return new ClipContext(normKind, nonFinite, measure, params, examples);
    }
}
