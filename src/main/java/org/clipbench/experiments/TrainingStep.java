package org.clipbench.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.clipbench.backend.NormKind;
import org.clipbench.optim.Optimizer;
import org.clipbench.params.ParamSet;
import org.clipbench.problems.Problem;
import org.clipbench.strategy.ClipContext;
import org.clipbench.strategy.ClipReport;
import org.clipbench.strategy.ClipStrategy;
import org.clipbench.strategy.GradNorms;
import org.clipbench.strategy.PerExampleClipStrategy;
import org.clipbench.strategy.Strategy;

/**
 * One training step up to (not including) applying the update: the loss and gradient on a batch, the
 * clip where the strategy clips, and the optimizer's update in {@link #update()}. One implementation
 * per place a clip sits: on the gradient, on the update, or per example (DP-SGD).
 */
abstract class TrainingStep {
    /** What a step saw: its loss, what the clip did, the local smoothness (NaN unless logged) and whether the gradient target was met. */
    record Outcome(double loss, ClipReport report, double smoothness, double smoothnessGradNorm, boolean gradTargetMet) {
    }

    final Problem problem;
    final Optimizer optimizer;
    final ParamSet params;
    final ParamSet grads;
    final ParamSet update;
    final SplittableRandom dataRng;
    final ClipContext ctx;

    TrainingStep(Problem problem, Optimizer optimizer, ParamSet params, SplittableRandom dataRng, Trainer.Settings s) {
        this.problem = problem;
        this.optimizer = optimizer;
        this.params = params;
        this.grads = params.zerosLike();
        this.update = params.zerosLike();
        this.dataRng = dataRng;
        this.ctx = ClipContext.training(s.nonFinite(), params).withExpectedBatch(problem.batchSize());
    }

    static TrainingStep of(Problem problem, Strategy clip, Optimizer optimizer, ParamSet params, SplittableRandom dataRng,
                           Trainer.Settings s) {
        if (clip instanceof PerExampleClipStrategy dp) return new PerExample(problem, dp, optimizer, params, dataRng, s);
        ClipStrategy c = (ClipStrategy) clip;
        return c.target() == ClipStrategy.Target.GRADIENT ? new ClipGradient(problem, c, optimizer, params, dataRng, s)
                : new ClipUpdate(problem, c, optimizer, params, dataRng, s);
    }

    /** The update the optimizer computed this step (to be applied unless the clip skipped the step). */
    ParamSet update() {
        return update;
    }

    /**
     * Takes step k at learning rate lr. curvePoint: the step is recorded (smoothness is measured there);
     * checkGradTarget: test the pre-clip gradient norm against the settings' target.
     */
    abstract Outcome take(long k, double lr, boolean curvePoint, boolean checkGradTarget);

    /** DP-SGD: per-example gradients, clipped and aggregated (with noise) by the strategy, then the update. */
    static final class PerExample extends TrainingStep {
        private final PerExampleClipStrategy clip;
        private final List<ParamSet> perExample = new ArrayList<>();

        PerExample(Problem problem, PerExampleClipStrategy clip, Optimizer optimizer, ParamSet params, SplittableRandom dataRng,
                   Trainer.Settings s) {
            super(problem, optimizer, params, dataRng, s);
            if (!problem.supportsPerExample()) {
                throw new IllegalArgumentException(clip.spec() + " needs per-example gradients, which " + problem.name() + " has not");
            }
            this.clip = clip;
            for (int i = 0; i < problem.batchSize(); i++) perExample.add(params.zerosLike());
        }

        @Override
        Outcome take(long k, double lr, boolean curvePoint, boolean checkGradTarget) {
            Problem.Lot lot = problem.perExampleLot(params, dataRng, perExample);
            double loss = lot.meanLoss();
            ClipReport r = clip.clipAndAggregate(perExample.subList(0, lot.size()), grads, ctx);
            if (!r.skipped()) optimizer.update(params, grads, lr, update);
            return new Outcome(loss, r, Double.NaN, Double.NaN, false);
        }
    }

    /**
     * A whole-gradient step: the gradient on one batch, then the clip and the update in the order the
     * subclass says. With smoothness logging the batch comes from its own seed, so that the smoothness
     * estimate can replay it.
     */
    abstract static class WholeGradient extends TrainingStep {
        final ClipStrategy clip;
        private final boolean logSmoothness;
        private final double targetGradNorm;
        private final ParamSet g0, mid, midGrad;

        WholeGradient(Problem problem, ClipStrategy clip, Optimizer optimizer, ParamSet params, SplittableRandom dataRng,
                      Trainer.Settings s) {
            super(problem, optimizer, params, dataRng, s);
            this.clip = clip;
            this.logSmoothness = s.logSmoothness();
            this.targetGradNorm = s.targetGradNorm();
            this.g0 = logSmoothness ? params.zerosLike() : null;
            this.mid = logSmoothness ? params.zerosLike() : null;
            this.midGrad = logSmoothness ? params.zerosLike() : null;
        }

        /** Clips and computes the update, each where this kind of strategy does it. */
        abstract ClipReport clipAndUpdate(double lr);

        @Override
        final Outcome take(long k, double lr, boolean curvePoint, boolean checkGradTarget) {
            long batchSeed = logSmoothness ? dataRng.nextLong() : 0;
            SplittableRandom batchRng = logSmoothness ? new SplittableRandom(batchSeed) : dataRng;
            double loss = problem.lossAndGradient(params, batchRng, grads);
            boolean measureSmoothness = logSmoothness && curvePoint;
            if (measureSmoothness) g0.copyFrom(grads);
            boolean gradTargetMet = checkGradTarget && GradNorms.global(grads, 2, NormKind.SAFE) <= targetGradNorm;
            ClipReport r = clipAndUpdate(lr);
            double smoothness = Double.NaN, smoothnessGradNorm = Double.NaN;
            if (measureSmoothness && !r.skipped()) {
                smoothnessGradNorm = GradNorms.global(g0, 2, NormKind.SAFE);
                smoothness = Trainer.localSmoothness(problem, params, update, g0, new SplittableRandom(batchSeed), mid, midGrad);
            }
            return new Outcome(loss, r, smoothness, smoothnessGradNorm, gradTargetMet);
        }
    }

    /** Gradient clipping: clip the gradient, then the optimizer's update from the clipped gradient. */
    static final class ClipGradient extends WholeGradient {
        ClipGradient(Problem problem, ClipStrategy clip, Optimizer optimizer, ParamSet params, SplittableRandom dataRng, Trainer.Settings s) {
            super(problem, clip, optimizer, params, dataRng, s);
        }

        @Override
        ClipReport clipAndUpdate(double lr) {
            ClipReport r = clip.clip(grads, ctx);
            if (!r.skipped()) optimizer.update(params, grads, lr, update);
            return r;
        }
    }

    /** Update clipping (e.g. Adafactor's RMS rule): the optimizer's update first, then the clip on it. */
    static final class ClipUpdate extends WholeGradient {
        ClipUpdate(Problem problem, ClipStrategy clip, Optimizer optimizer, ParamSet params, SplittableRandom dataRng, Trainer.Settings s) {
            super(problem, clip, optimizer, params, dataRng, s);
        }

        @Override
        ClipReport clipAndUpdate(double lr) {
            optimizer.update(params, grads, lr, update);
            return clip.clip(update, ctx.withLearningRate(lr).withGradientRms(optimizer::gradientRms));
        }
    }
}
