package org.clipbench.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clipbench.strategy.ClipReport;

/**
 * What a training run records as it goes: the curve (at most maxCurvePoints evenly spaced steps, plus
 * the last one and a diverging one), the first, last and best loss, clip and skip counts, loss spikes,
 * the step a target was met, and divergence: a NaN/Inf loss or one above divergenceFactor times the first.
 */
final class RunRecorder {
    private final Trainer.Settings settings;
    private final long startNanos;
    private final long stride;
    private final List<Trainer.Point> curve = new ArrayList<>();
    private final Trainer.SpikeCounter spikes = new Trainer.SpikeCounter();
    private double first = Double.NaN, last = Double.NaN, best = Double.POSITIVE_INFINITY;
    private long clipped, skipped, done, toTarget = -1, divergedAt = -1;
    private double clippedShare; // sum over steps of clipped units / units: a gate reads its mean, not 'any unit clipped'
    private boolean diverged;

    RunRecorder(Trainer.Settings settings, long startNanos) {
        this.settings = settings;
        this.startNanos = startNanos;
        this.stride = Math.max(1, (settings.steps() + settings.maxCurvePoints() - 2) / (settings.maxCurvePoints() - 1));
    }

    /** Step k is one of the curve's evenly spaced points (or the last step). */
    boolean isCurvePoint(long k) {
        return k % stride == 0 || k == settings.steps() - 1;
    }

    /** The run has a gradient-norm target it has not met yet. */
    boolean awaitsGradTarget() {
        return !Double.isNaN(settings.targetGradNorm()) && toTarget < 0;
    }

    /** Records step k; false when the run ends here (diverged, or a target met with stopAtTarget). */
    boolean add(long k, double lr, TrainingStep.Outcome o) {
        if (o.gradTargetMet() && toTarget < 0) toTarget = k; // met at the parameters before this step's update
        double loss = o.loss();
        if (k == 0) first = loss;
        last = loss;
        done = k + 1;
        boolean bad = !Double.isFinite(loss)
                || (Double.isFinite(first) && Math.abs(loss) > settings.divergenceFactor() * Math.max(Math.abs(first), 1e-12));
        if (isCurvePoint(k) || bad) addCurvePoints(k, lr, o);
        if (bad) {
            diverged = true;
            divergedAt = k;
            return false;
        }
        best = Math.min(best, loss);
        spikes.add(loss);
        if (toTarget < 0 && loss <= settings.targetLoss()) toTarget = k + 1;
        if (settings.stopAtTarget() && toTarget >= 0) return false;
        if (o.report().clipped()) clipped++;
        if (o.report().units() > 0) clippedShare += (double) o.report().clippedUnits() / o.report().units();
        if (o.report().skipped()) skipped++;
        return true;
    }

    private void addCurvePoints(long k, double lr, TrainingStep.Outcome o) {
        ClipReport r = o.report();
        curve.add(new Trainer.Point(k, "loss", o.loss()));
        curve.add(new Trainer.Point(k, "grad_norm_pre", r.preNorm()));
        curve.add(new Trainer.Point(k, "grad_norm_post", Double.isNaN(r.postNorm()) ? r.preNorm() * r.minScale() : r.postNorm()));
        curve.add(new Trainer.Point(k, "clipped", r.clipped() ? 1 : 0));
        curve.add(new Trainer.Point(k, "lr", lr));
        if (Double.isFinite(r.threshold())) curve.add(new Trainer.Point(k, "clip_threshold", r.threshold())); // C_t of adaptive rules
        curve.add(new Trainer.Point(k, "elapsed_s", (System.nanoTime() - startNanos) / 1e9));
        if (!Double.isNaN(o.smoothness())) {
            curve.add(new Trainer.Point(k, "smoothness", o.smoothness()));
            curve.add(new Trainer.Point(k, "smoothness_grad_norm", o.smoothnessGradNorm()));
        }
    }

    /** The curve so far, for evaluation points. */
    List<Trainer.Point> curve() {
        return curve;
    }

    boolean diverged() {
        return diverged;
    }

    /** Steps taken (the diverging one included). */
    long done() {
        return done;
    }

    Trainer.Result result(Map<String, Double> finalEval) {
        return new Trainer.Result(diverged, divergedAt, toTarget, done, first, last, best, clipped, clippedShare, skipped, spikes.count(), finalEval,
                List.copyOf(curve), (System.nanoTime() - startNanos) / 1e9);
    }
}
