package org.clipbench.strategy;

import java.util.Arrays;
import java.util.List;
import org.clipbench.params.ParamSet;

/**
 * AdaGC (Wang et al. 2025, "AdaGC: Enhancing LLM Pretraining Stability via Adaptive Gradient Clipping", arXiv
 * 2502.11034): each tensor is clipped against an exponential moving average of its OWN past clipped norm.
 * <ul>
 * <li>The first `warmup` steps clip the whole gradient at the global norm lambdaAbs (factor min(1, lambdaAbs / ||g||))
 *     and set each tensor's gamma_i to the smallest clipped norm ||g_hat_i|| it has had (gamma starts at +Inf).</li>
 * <li>After, tensor i is clipped at lambdaRel * gamma_i: g_i *= min(1, lambdaRel gamma_i / ||g_i||), and
 *     gamma_i = beta gamma_i + (1 - beta) ||g_hat_i|| with the norm after the clip, so a clipped step moves gamma by at
 *     most the factor beta + (1 - beta) lambdaRel.</li>
 * </ul>
 * Defaults: lambdaRel 1.05, beta 0.98 (the paper's), warmup 100, lambdaAbs 1. The units of the report are tensors.
 * Better than a literal reading: a zero norm (a tensor without gradient that step) says nothing of its scale and never
 * enters gamma (else a gamma of 0 would freeze the tensor for good); a tensor whose gamma is still +Inf after the
 * warm-up takes its first non-zero norm as gamma, unclipped; a NaN or Inf norm never enters the state, and the
 * gradient is clipped as every norm rule here does (NaN propagates, a finite gradient whose norm overflows is clipped
 * exactly to its threshold).
 */
public final class AdaGC extends AbstractClipStrategy {
    private final double lambdaRel;
    private final double beta;
    private final int warmup;
    private final double lambdaAbs;
    private final double eps;

    private double[] gamma;
    private long steps;

    public AdaGC(StrategyParams p) {
        super(p);
        lambdaRel = p.positive("lambdaRel", 1.05, "relative threshold: tensor i is held to lambdaRel x its EMA gamma_i");
        beta = p.openRange("beta", 0.98, 0, 1, "EMA smoothing of each tensor's clipped norm");
        warmup = p.integer("warmup", 100, 0, "first steps clipped at the global norm lambdaAbs; gamma_i = the smallest clipped norm");
        lambdaAbs = p.positive("lambdaAbs", 1.0, "global-norm threshold during the warm-up; inf disables it");
        eps = p.nonNegative("eps", 0.0, "added to the norm in the factor c/(n+eps)");
        reset();
    }

    @Override
    public void reset() {
        gamma = null;
        steps = 0;
    }

    /** Each tensor's gamma (+Inf where none yet); a copy. */
    public double[] gamma() {
        return gamma == null ? new double[0] : gamma.clone();
    }

    public boolean warmingUp() {
        return steps < warmup;
    }

    @Override
    protected double currentThreshold() {
        return warmingUp() ? lambdaAbs : Double.NaN;
    }

    /** never: thresholds no norm reaches; spikes: the EMA from the first step on, so the regime's 10x spikes are clipped. */
    @Override
    public Calibration calibration() {
        return Calibration.stateful("lambdaRel=1e300,lambdaAbs=inf", "warmup=1,lambdaAbs=inf");
    }

    @Override
    public MemoryTraffic traffic(double scaledShare) {
        return MemoryTraffic.normThenScale(scaledShare);
    }

    @Override
    protected ClipReport apply(ParamSet g, ClipContext ctx) {
        if (gamma == null || gamma.length != g.size()) {
            gamma = new double[g.size()];
            Arrays.fill(gamma, Double.POSITIVE_INFINITY);
        }
        double[] norms = GradNorms.tensorNorms(g, 2, ctx.normKind());
        ClipReport r = warmingUp() ? warmUpStep(g, norms) : relativeStep(g, norms);
        steps++;
        return r;
    }

    /** Global-norm clipping at lambdaAbs; gamma_i = min(gamma_i, ||g_hat_i||) over the finite, non-zero clipped norms. */
    private ClipReport warmUpStep(ParamSet g, double[] norms) {
        double n = GradNorms.combine(norms, 2);
        GradNorms.UnitClip u = n <= lambdaAbs ? new GradNorms.UnitClip(1, n) : GradNorms.clipUnit(g, null, n, 2, lambdaAbs, 1, eps);
        double[] scales = new double[norms.length];
        Arrays.fill(scales, u.factor());
        for (int i = 0; i < norms.length; i++) {
            double clipped = norms[i] * u.factor();
            if (Double.isFinite(clipped) && clipped > 0) gamma[i] = Math.min(gamma[i], clipped);
        }
        return ClipReport.perUnit(n, u.postNorm(), lambdaAbs, scales, u.clipped() ? norms.length : 0);
    }

    /** Each tensor at lambdaRel gamma_i, then gamma_i follows the clipped norm. */
    private ClipReport relativeStep(ParamSet g, double[] norms) {
        double[] scales = new double[norms.length], posts = new double[norms.length];
        int clipped = 0;
        for (int i = 0; i < norms.length; i++) {
            if (gamma[i] == Double.POSITIVE_INFINITY) {
                // no non-zero norm seen yet: this one sets the scale, unclipped
                scales[i] = 1;
                posts[i] = norms[i];
                if (Double.isFinite(norms[i]) && norms[i] > 0) gamma[i] = norms[i];
                continue;
            }
            double c = lambdaRel * gamma[i];
            GradNorms.UnitClip u = norms[i] <= c ? new GradNorms.UnitClip(1, norms[i]) : GradNorms.clipUnit(g, List.of(i), norms[i], 2, c, 1, eps);
            scales[i] = u.factor();
            posts[i] = u.postNorm();
            if (u.clipped()) clipped++;
            if (Double.isFinite(posts[i]) && posts[i] > 0) gamma[i] = beta * gamma[i] + (1 - beta) * posts[i];
        }
        return ClipReport.perUnit(GradNorms.combine(norms, 2), GradNorms.combine(posts, 2), Double.NaN, scales, clipped);
    }
}
