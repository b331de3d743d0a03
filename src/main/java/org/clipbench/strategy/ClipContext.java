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
 * @param learningRate the step's learning rate, for update rules whose threshold is per unit of it (rms-update with
 *                  perLr); NaN where no step is taken (benchmarks, tests of the rule alone)
 * @param gradientRms per tensor, the RMS of the step's gradient over the square root of the optimizer's second moment
 *                  (StableAdamW's statistic, for rms-update with of=gradient), computed when asked; null where the
 *                  optimizer keeps no second moment or no step is taken
 */
public record ClipContext(NormKind normKind, NonFinitePolicy nonFinite, boolean measure, ParamSet params, int expectedBatch,
                          double learningRate, java.util.function.Supplier<double[]> gradientRms) {

    public static ClipContext defaults() {
        return new ClipContext(NormKind.SAFE, NonFinitePolicy.PROPAGATE, true, null, 0, Double.NaN, null);
    }

    /** What a benchmark uses: no extra passes beyond the strategy's own. */
    public static ClipContext fast(NormKind kind) {
        return new ClipContext(kind, NonFinitePolicy.PROPAGATE, false, null, 0, Double.NaN, null);
    }

    /**
     * What training uses: the run's policy and parameters, measuring. A run's report must say what was clipped: without
     * measuring, value clipping clamps every tensor without counting, and its runs recorded a clipped share of 0 (a
     * gate then called a clipping arm unclipped). The extra pass is one norm of the gradient, small beside a step.
     */
    public static ClipContext training(NonFinitePolicy policy, ParamSet params) {
        return new ClipContext(NormKind.SAFE, policy, true, params, 0, Double.NaN, null);
    }

    public ClipContext withParams(ParamSet p) {
        return new ClipContext(normKind, nonFinite, measure, p, expectedBatch, learningRate, gradientRms);
    }

    public ClipContext withPolicy(NonFinitePolicy policy) {
        return new ClipContext(normKind, policy, measure, params, expectedBatch, learningRate, gradientRms);
    }

    public ClipContext withNormKind(NormKind kind) {
        return new ClipContext(kind, nonFinite, measure, params, expectedBatch, learningRate, gradientRms);
    }

    public ClipContext withExpectedBatch(int examples) {
        return new ClipContext(normKind, nonFinite, measure, params, examples, learningRate, gradientRms);
    }

    public ClipContext withLearningRate(double lr) {
        return new ClipContext(normKind, nonFinite, measure, params, expectedBatch, lr, gradientRms);
    }

    public ClipContext withGradientRms(java.util.function.Supplier<double[]> rms) {
        return new ClipContext(normKind, nonFinite, measure, params, expectedBatch, learningRate, rms);
    }
}
