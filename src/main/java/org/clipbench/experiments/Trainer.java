package org.clipbench.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.clipbench.backend.Backend;
import org.clipbench.backend.DType;
import org.clipbench.optim.Optimizer;
import org.clipbench.optim.Schedule;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.clipbench.problems.Problem;
import org.clipbench.strategy.ClipContext;
import org.clipbench.strategy.ClipReport;
import org.clipbench.strategy.ClipStrategy;
import org.clipbench.strategy.GradNorms;
import org.clipbench.backend.NormKind;
import org.clipbench.strategy.NonFinitePolicy;
import org.clipbench.strategy.PerExampleClipStrategy;
import org.clipbench.strategy.Strategy;

/**
 * One training run: problem, clipping strategy and optimizer on one backend, from one seed. The clip is
 * applied where it belongs: on the gradient before the optimizer, on the update for update-clipping
 * rules, per example for DP-SGD. A NaN/Inf loss, or a loss above divergenceFactor times the first one,
 * ends the run as diverged (a result, not an error). Randomness comes from the seed alone: parameters,
 * training samples and evaluation samples each from their own stream, so evaluation sets are the same
 * for every strategy run with a seed.
 */
public final class Trainer {

    /** How a run trains and what it records. */
    /**
     * targetLoss / targetGradNorm: the run records the first step whose training loss (or pre-clip gradient
     * L2 norm) is at or below it (NaN: no target); stopAtTarget ends the run there. logSmoothness: at every
     * recorded step, the local smoothness of Zhang et al. 2020 (see {@link #localSmoothness}).
     */
    public record Settings(long steps, double lr, Schedule schedule, int evalEvery, double divergenceFactor, int maxCurvePoints,
                           NonFinitePolicy nonFinite, double targetLoss, double targetGradNorm, boolean stopAtTarget,
                           boolean logSmoothness) {
        public Settings(long steps, double lr, Schedule schedule, int evalEvery, double divergenceFactor, int maxCurvePoints,
                        NonFinitePolicy nonFinite, double targetLoss) {
            this(steps, lr, schedule, evalEvery, divergenceFactor, maxCurvePoints, nonFinite, targetLoss, Double.NaN, false, false);
        }

        public Settings {
            if (steps < 1) throw new IllegalArgumentException("steps must be at least 1");
            if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
            if (evalEvery < 1) throw new IllegalArgumentException("evalEvery must be at least 1");
            if (!(divergenceFactor > 1)) throw new IllegalArgumentException("divergence factor must be > 1");
            if (maxCurvePoints < 2) throw new IllegalArgumentException("maxCurvePoints must be at least 2");
        }
    }

    /** A point of a curve: step, metric name, value. */
    public record Point(long step, String metric, double value) {
    }

    /** What a run ends with. */
    /** lossSpikes: steps whose loss jumped (see {@link SpikeCounter}). */
    public record Result(boolean diverged, long divergedAt, long stepsToTarget, long steps, double firstLoss, double finalLoss, double bestLoss,
                         long clippedSteps, long skippedSteps, long lossSpikes, Map<String, Double> finalEval, List<Point> curve,
                         double wallSeconds) {
        public double clipFraction() {
            return steps == 0 ? 0 : (double) clippedSteps / steps;
        }
    }

    private Trainer() {
    }

    public static Result train(Problem problem, Backend backend, DType dtype, Strategy clip, Optimizer optimizer, long seed,
                               Settings s) {
        long start = System.nanoTime();
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom initRng = root.split(), dataRng = root.split();
        long evalSeed = root.nextLong();
        clip.reset(seed);
        optimizer.reset();
        clip.validateFor(problem.shape());
        ParamSet params = ParamSet.zeros(backend, problem.shape(), dtype, Layout.SEPARATE);
        problem.initialize(params, initRng);
        ParamSet grads = params.zerosLike();
        ParamSet update = params.zerosLike();
        List<ParamSet> perExample = new ArrayList<>();
        if (clip instanceof PerExampleClipStrategy) {
            if (!problem.supportsPerExample()) {
                throw new IllegalArgumentException(clip.spec() + " needs per-example gradients, which " + problem.name() + " has not");
            }
            for (int i = 0; i < problem.batchSize(); i++) perExample.add(params.zerosLike());
        }
        ClipContext ctx = new ClipContext(org.clipbench.backend.NormKind.SAFE, s.nonFinite(), false, params);
        long stride = Math.max(1, (s.steps() + s.maxCurvePoints() - 2) / (s.maxCurvePoints() - 1));
        List<Point> curve = new ArrayList<>();
        double first = Double.NaN, last = Double.NaN, best = Double.POSITIVE_INFINITY;
        long clipped = 0, skipped = 0, done = 0, evals = 0, toTarget = -1;
        boolean diverged = false;
        long divergedAt = -1;
        SpikeCounter spikes = new SpikeCounter();
        boolean gradTarget = !Double.isNaN(s.targetGradNorm());
        boolean smooth = s.logSmoothness() && !(clip instanceof PerExampleClipStrategy);
        ParamSet g0 = smooth ? params.zerosLike() : null, mid = smooth ? params.zerosLike() : null, midGrad = smooth ? params.zerosLike() : null;
        for (long step = 0; step < s.steps(); step++) {
            boolean planned = step % stride == 0 || step == s.steps() - 1;
            // smoothness needs the same batch twice: the step's batch comes from its own seed
            long batchSeed = smooth ? dataRng.nextLong() : 0;
            SplittableRandom batchRng = smooth ? new SplittableRandom(batchSeed) : dataRng;
            double smoothness = Double.NaN, smoothnessGrad = Double.NaN;
            double lr = s.schedule().lr(s.lr(), step, s.steps());
            double loss;
            ClipReport r;
            if (clip instanceof PerExampleClipStrategy dp) {
                loss = problem.perExampleGradients(params, dataRng, perExample);
                r = dp.clipAndAggregate(perExample, grads, ctx);
                if (!r.skipped()) optimizer.update(params, grads, lr, update);
            } else {
                ClipStrategy c = (ClipStrategy) clip;
                loss = problem.lossAndGradient(params, batchRng, grads);
                if (smooth && planned) g0.copyFrom(grads);
                if (gradTarget && toTarget < 0 && GradNorms.global(grads, 2, NormKind.SAFE) <= s.targetGradNorm()) toTarget = step;
                if (c.target() == ClipStrategy.Target.GRADIENT) {
                    r = c.clip(grads, ctx);
                    if (!r.skipped()) optimizer.update(params, grads, lr, update);
                } else {
                    optimizer.update(params, grads, lr, update);
                    r = c.clip(update, ctx);
                }
                if (smooth && planned && !r.skipped()) {
                    smoothnessGrad = GradNorms.global(g0, 2, NormKind.SAFE);
                    smoothness = localSmoothness(problem, params, update, g0, new SplittableRandom(batchSeed), mid, midGrad);
                }
            }
            if (step == 0) first = loss;
            last = loss;
            done = step + 1;
            boolean bad = !Double.isFinite(loss) || (Double.isFinite(first) && Math.abs(loss) > s.divergenceFactor() * Math.max(Math.abs(first), 1e-12));
            boolean record = step % stride == 0 || step == s.steps() - 1 || bad;
            if (record) {
                curve.add(new Point(step, "loss", loss));
                curve.add(new Point(step, "grad_norm_pre", r.preNorm()));
                curve.add(new Point(step, "grad_norm_post", Double.isNaN(r.postNorm()) ? r.preNorm() * r.minScale() : r.postNorm()));
                curve.add(new Point(step, "clipped", r.clipped() ? 1 : 0));
                curve.add(new Point(step, "lr", lr));
                curve.add(new Point(step, "elapsed_s", (System.nanoTime() - start) / 1e9));
                if (!Double.isNaN(smoothness)) {
                    curve.add(new Point(step, "smoothness", smoothness));
                    curve.add(new Point(step, "smoothness_grad_norm", smoothnessGrad));
                }
            }
            if (bad) {
                diverged = true;
                divergedAt = step;
                break;
            }
            best = Math.min(best, loss);
            spikes.add(loss);
            if (toTarget < 0 && loss <= s.targetLoss()) toTarget = step + 1;
            if (s.stopAtTarget() && toTarget >= 0) break; // the gradient target is met at parameters before this step's update
            if (r.clipped()) clipped++;
            if (r.skipped()) {
                skipped++;
                continue;
            }
            optimizer.apply(params, update);
            if ((step + 1) % s.evalEvery() == 0 && step + 1 < s.steps()) {
                evaluate(problem, params, evalSeed, evals++, step + 1, curve);
            }
        }
        Map<String, Double> finalEval = diverged ? Map.of() : evaluate(problem, params, evalSeed, evals, done, curve);
        return new Result(diverged, divergedAt, toTarget, done, first, last, best, clipped, skipped, spikes.count(), finalEval, List.copyOf(curve),
                (System.nanoTime() - start) / 1e9);
    }

    /**
     * Zhang et al. 2020's estimate of the local smoothness along training:
     * ||grad f(x_mid) - grad f(x_k)|| / (||x_{k+1} - x_k|| / 2) with x_mid = x_k + update / 2, both gradients on
     * the step's batch (batchRng replays it). Buffers mid and midGrad are the caller's, reused.
     */
    static double localSmoothness(Problem problem, ParamSet params, ParamSet update, ParamSet g0, SplittableRandom batchRng,
                                  ParamSet mid, ParamSet midGrad) {
        mid.copyFrom(params);
        for (int i = 0; i < mid.size(); i++) mid.backend().axpy(0.5, update.tensor(i), mid.tensor(i));
        problem.lossAndGradient(mid, batchRng, midGrad);
        for (int i = 0; i < midGrad.size(); i++) midGrad.backend().axpy(-1.0, g0.tensor(i), midGrad.tensor(i));
        double step = 0.5 * GradNorms.global(update, 2, NormKind.SAFE);
        return step == 0 ? Double.NaN : GradNorms.global(midGrad, 2, NormKind.SAFE) / step;
    }

    /**
     * Counts loss spikes: after 20 steps, a loss more than 4 standard deviations above the exponential
     * moving average of the losses before it (alpha 0.05), and above 1.5 times that average. Spikes do
     * not enter the average, so a run of them is counted in full.
     */
    static final class SpikeCounter {
        private double mean, var;
        private long seen, count;

        void add(double loss) {
            if (!Double.isFinite(loss)) return;
            if (seen >= 20 && loss > mean + 4 * Math.sqrt(var) && loss > 1.5 * mean) {
                count++;
                return;
            }
            if (seen == 0) mean = loss;
            double d = loss - mean;
            mean += 0.05 * d;
            var = 0.95 * (var + 0.05 * d * d);
            seen++;
        }

        long count() {
            return count;
        }
    }

    private static Map<String, Double> evaluate(Problem problem, ParamSet params, long evalSeed, long index, long step, List<Point> curve) {
        Map<String, Double> m = new LinkedHashMap<>(problem.evaluate(params, new SplittableRandom(evalSeed + 0x9E3779B97F4A7C15L * index)));
        m.forEach((k, v) -> curve.add(new Point(step, "eval_" + k, v)));
        return m;
    }
}
