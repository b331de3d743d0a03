package org.clipbench.strategy;

import java.util.ArrayList;
import java.util.List;
import org.clipbench.params.ParamSet;

/**
 * ZClip (Kumar et al. 2025), following the reference implementation: for the first warmup steps the
 * global norms are collected and only the fixed ceiling applies; then mean and (population) variance
 * of those norms seed an EMA. Each later step computes z = (n - mu) / (sigma + eps). If z > zThresh:
 * mode=zscore clips to mu + zThresh^2 * sigma / z times clipFactor ("adaptive", the reciprocal rule:
 * the bigger the spike the lower the threshold) or to mu (clipOption=mean); mode=percentile clips to
 * mu + zThresh * sigma. The ceiling (maxNorm; inf disables it) caps the threshold; the factor is
 * threshold / (n + 1e-6) as in the reference. The EMA is updated with the clipped norm (mean first,
 * then the variance around the new mean), unless skipUpdateOnSpike and this step was a spike.
 * Better than the reference: a NaN or Inf norm never enters the statistics or the warm-up buffer; a
 * norm beyond the largest double (finite entries) is clipped exactly to the ceiling.
 */
public final class ZClip extends AbstractClipStrategy implements FoldableClip {
    private static final double APPLY_EPS = 1e-6;

    private final double alpha;
    private final double zThresh;
    private final int warmup;
    private final double maxNorm;
    private final double eps;
    private final boolean percentileMode;
    private final boolean clipToMean;
    private final double clipFactor;
    private final boolean skipUpdateOnSpike;

    private final List<Double> buffer = new ArrayList<>();
    private boolean initialized;
    private double mean;
    private double var;
    private double lastThreshold;

    public ZClip(StrategyParams p) {
        super(p);
        alpha = p.openRange("alpha", 0.97, 0, 1, "EMA smoothing of mean and variance");
        zThresh = p.positive("z", 2.5, "z-score above which a norm is a spike");
        warmup = p.integer("warmup", 25, 1, "steps collected before the EMA starts");
        maxNorm = p.positive("maxNorm", 1.0, "fixed ceiling on the norm, also during warm-up; inf disables");
        eps = p.nonNegative("eps", 1e-6, "added to sigma in the z-score");
        percentileMode = p.choice("mode", "spike rule", "zscore", "percentile").equals("percentile");
        clipToMean = p.choice("clipOption", "threshold on a spike in zscore mode", "adaptive", "mean").equals("mean");
        clipFactor = p.positive("clipFactor", 1.0, "multiplier on the adaptive threshold");
        skipUpdateOnSpike = p.flag("skipUpdateOnSpike", false, "leave the EMA unchanged on a spike");
        reset();
    }

    @Override
    public void reset() {
        buffer.clear();
        initialized = false;
        mean = Double.NaN;
        var = Double.NaN;
        lastThreshold = maxNorm;
    }

    public double mean() { return mean; }
    public double variance() { return var; }
    public boolean initialized() { return initialized; }

    @Override
    protected double currentThreshold() {
        return lastThreshold;
    }

    /** The adaptive threshold for a norm, or NaN when it is no spike. */
    private double spikeThreshold(double n) {
        double std = Math.sqrt(var);
        if (percentileMode) {
            double thr = mean + zThresh * std;
            return n > thr ? thr : Double.NaN;
        }
        double z = (n - mean) / (std + eps);
        if (!(z > zThresh)) return Double.NaN;
        return clipToMean ? mean : (mean + zThresh * zThresh * std / z) * clipFactor;
    }

    /** never: a z threshold no norm reaches; spikes: the default z, no fixed ceiling. */
    @Override
    public Calibration calibration() {
        return Calibration.stateful("maxNorm=inf,z=1e9", "maxNorm=inf");
    }

    @Override
    public MemoryTraffic traffic(double scaledShare) {
        return MemoryTraffic.normThenScale(scaledShare);
    }

    @Override
    protected ClipReport apply(ParamSet g, ClipContext ctx) {
        double n = GradNorms.global(g, 2, ctx.normKind());
        // a norm beyond the largest double on finite entries is a spike like any other (z = +Inf)
        boolean finite = Double.isFinite(n) || n == Double.POSITIVE_INFINITY && initialized && GradNorms.allFinite(g);
        double effective = threshold(n, finite);
        // NaN norm: NaN > effective is false, so the NaN factor below is forced to propagate
        GradNorms.UnitClip r = n <= effective ? new GradNorms.UnitClip(1, n)
                : GradNorms.clipUnit(g, null, n, 2, effective, 1, APPLY_EPS);
        // an overflowing norm of a finite gradient is not a non-finite gradient
        return ClipReport.whole(n, r.postNorm(), effective, r.factor(), r.clipped()).withNonFinite(!finite);
    }

    /** A finite norm folds into the step: the same state update and factor as {@link #apply}. */
    @Override
    public Fold fold(ParamSet g, ClipContext ctx) {
        if (ctx.nonFinite() != NonFinitePolicy.PROPAGATE) return null;
        double n = GradNorms.global(g, 2, ctx.normKind());
        if (!Double.isFinite(n)) return null; // NaN, Inf, an overflowing norm: apply decides, with its state
        State before = new State(new ArrayList<>(buffer), initialized, mean, var, lastThreshold);
        double effective = threshold(n, true);
        double f = n <= effective ? 1 : GradNorms.plainUnitFactor(g, null, n, 2, effective, APPLY_EPS);
        if (Double.isNaN(f)) {
            restore(before);
            return null;
        }
        return Fold.uniform(g.size(), f);
    }

    private record State(List<Double> buffer, boolean initialized, double mean, double var, double lastThreshold) {
    }

    private void restore(State s) {
        buffer.clear();
        buffer.addAll(s.buffer());
        initialized = s.initialized();
        mean = s.mean();
        var = s.var();
        lastThreshold = s.lastThreshold();
    }

    /** This step's threshold for norm n, updating the warm-up buffer or the EMA (a non-finite norm updates nothing). */
    private double threshold(double n, boolean finite) {
        double effective = maxNorm;
        if (finite && !initialized) {
            buffer.add(n);
            if (buffer.size() >= warmup) {
                double m = 0;
                for (double x : buffer) m += x;
                m /= buffer.size();
                double v = 0;
                for (double x : buffer) v += (x - m) * (x - m);
                mean = m;
                var = v / buffer.size();
                initialized = true;
                buffer.clear();
            }
        } else if (finite) {
            double spike = spikeThreshold(n);
            effective = Math.min(Double.isNaN(spike) ? n : spike, maxNorm);
            if (Double.isNaN(spike) || !skipUpdateOnSpike) {
                double x = Double.isNaN(spike) ? n : spike;
                mean = alpha * mean + (1 - alpha) * x;
                var = alpha * var + (1 - alpha) * (x - mean) * (x - mean);
            }
        }
        lastThreshold = effective;
        return effective;
    }
}
