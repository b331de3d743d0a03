package org.clipbench.experiments;

import java.util.TreeMap;
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
import org.clipbench.strategy.GradNorms;
import org.clipbench.backend.NormKind;
import org.clipbench.strategy.NonFinitePolicy;
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

    /**
     * How a run trains and what it records; build with {@link #of} and the with-methods. targetLoss /
     * targetGradNorm: the run records the first step whose training loss (or pre-clip gradient L2 norm) is
     * at or below it (NaN: no target); stopAtTarget ends the run there. logSmoothness: at every recorded
     * step, the local smoothness of Zhang et al. 2020 (see {@link #localSmoothness}).
     */
    public record Settings(long steps, double lr, Schedule schedule, int evalEvery, double divergenceFactor, int maxCurvePoints,
                           NonFinitePolicy nonFinite, double targetLoss, double targetGradNorm, boolean stopAtTarget,
                           boolean logSmoothness) {
        public Settings {
            if (steps < 1) throw new IllegalArgumentException("steps must be at least 1");
            if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
            if (evalEvery < 1) throw new IllegalArgumentException("evalEvery must be at least 1");
            if (!(divergenceFactor > 1)) throw new IllegalArgumentException("divergence factor must be > 1");
            if (maxCurvePoints < 2) throw new IllegalArgumentException("maxCurvePoints must be at least 2");
        }

        /** steps at a constant lr, evaluated at the end only, 200 curve points, divergence at 1e4 x the first loss, no target. */
        public static Settings of(long steps, double lr) {
            return builder(steps, lr).build();
        }

        /** The settings of {@link #of}, to change one by one. */
        public static Builder builder(long steps, double lr) {
            return new Builder(steps, lr);
        }
    }

    /** Builds {@link Settings}; each setter names what it sets, build() validates. */
    public static final class Builder {
        private final long steps;
        private final double lr;
        private Schedule schedule = Schedule.constant();
        private int evalEvery;
        private double divergenceFactor = 1e4, targetLoss = Double.NaN, targetGradNorm = Double.NaN;
        private int maxCurvePoints = 200;
        private NonFinitePolicy nonFinite = NonFinitePolicy.PROPAGATE;
        private boolean stopAtTarget, logSmoothness;

        private Builder(long steps, double lr) {
            this.steps = steps;
            this.lr = lr;
            this.evalEvery = (int) Math.min(Integer.MAX_VALUE, Math.max(1, steps));
        }

        public Builder schedule(Schedule s) { schedule = s; return this; }
        public Builder evalEvery(int n) { evalEvery = n; return this; }
        public Builder divergenceFactor(double f) { divergenceFactor = f; return this; }
        public Builder maxCurvePoints(int n) { maxCurvePoints = n; return this; }
        public Builder nonFinite(NonFinitePolicy p) { nonFinite = p; return this; }
        public Builder targetLoss(double loss) { targetLoss = loss; return this; }
        public Builder targetGradNorm(double norm) { targetGradNorm = norm; return this; }
        /** Ends the run at the first step that meets a target. */
        public Builder stopAtTarget(boolean stop) { stopAtTarget = stop; return this; }
        public Builder logSmoothness(boolean log) { logSmoothness = log; return this; }

        public Settings build() {
            return new Settings(steps, lr, schedule, evalEvery, divergenceFactor, maxCurvePoints, nonFinite, targetLoss, targetGradNorm,
                    stopAtTarget, logSmoothness);
        }
    }

    /** A point of a curve: step, metric name, value. */
    public record Point(long step, String metric, double value) {
    }

    /** What a run ends with. */
    /**
     * lossSpikes: steps whose loss jumped (see {@link SpikeCounter}). clippedSteps counts steps in which any unit was
     * clipped; clippedShareSum adds each step's share of units clipped (examples of a lot, tensors, layers), so
     * {@link #clipShare} tells a DP run that clips one example in 256 from one that clips them all.
     */
    public record Result(boolean diverged, long divergedAt, long stepsToTarget, long steps, double firstLoss, double finalLoss, double bestLoss,
                         long clippedSteps, double clippedShareSum, long skippedSteps, long lossSpikes, Map<String, Double> finalEval, List<Point> curve,
                         double wallSeconds) {
        public double clipFraction() {
            return steps == 0 ? 0 : (double) clippedSteps / steps;
        }

        /** Mean share of units clipped per step (units clipped / units, averaged over the steps taken). */
        public double clipShare() {
            return steps == 0 ? 0 : clippedShareSum / steps;
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
        TrainingStep step = TrainingStep.of(problem, clip, optimizer, params, dataRng, s);
        RunRecorder recorder = new RunRecorder(s, start);
        long evals = 0;
        for (long k = 0; k < s.steps(); k++) {
            double lr = s.schedule().lr(s.lr(), k, s.steps());
            TrainingStep.Outcome outcome = step.take(k, lr, recorder.isCurvePoint(k), recorder.awaitsGradTarget());
            if (!recorder.add(k, lr, outcome)) break; // diverged, or a target met with stopAtTarget
            if (outcome.report().skipped()) continue;
            optimizer.apply(params, step.update());
            if ((k + 1) % s.evalEvery() == 0 && k + 1 < s.steps()) {
                evaluate(problem, params, evalSeed, evals++, k + 1, recorder.curve());
            }
        }
        Map<String, Double> finalEval = recorder.diverged() ? Map.of() : evaluate(problem, params, evalSeed, evals, recorder.done(), recorder.curve());
        return recorder.result(finalEval);
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

    /** The problem's metrics in name order: a problem's own map may iterate in any order (Map.of changes it per JVM). */
    private static Map<String, Double> evaluate(Problem problem, ParamSet params, long evalSeed, long index, long step, List<Point> curve) {
        Map<String, Double> m = new TreeMap<>(problem.evaluate(params, new SplittableRandom(evalSeed + 0x9E3779B97F4A7C15L * index)));
        m.forEach((k, v) -> curve.add(new Point(step, "eval_" + k, v)));
        return m;
    }
}
