package org.clipbench.strategy;

import java.util.List;
import org.clipbench.backend.NormKind;
import org.clipbench.params.ParamSet;

/**
 * U-Clip (Elesedy and Hutter 2023, "U-Clip: On-Average Unbiasedness of Stochastic Gradient Clipping"):
 * clip the gradient plus the carried remainder, and carry what was clipped off. With carry D (0 at the
 * start): v = g + D, u = v * min(1, c / ||v||), D = v - u; the step uses u. Over many steps the sum of the
 * u's follows the sum of the g's (the carry is what has not been applied yet), so the bias plain clipping
 * leaves at a plateau averages out. The clip is the global L2 norm, eps 0 (their Algorithm 1 with
 * norm clipping). Non-finite: v is clipped as global-norm clips it, and a NaN or Inf in the gradient stays in
 * the carry until {@link #reset()}, as a non-finite parameter would stay in the parameters.
 */
public final class UClip extends AbstractClipStrategy {
    private final double c;
    private ParamSet carry;

    public UClip(StrategyParams params) {
        super(params);
        c = params.positive("c", 1.0, "max global L2 norm of gradient + carry");
    }

    @Override
    protected double currentThreshold() {
        return c;
    }

    /** Calibrated as global-norm on the gradient (the carry starts at zero): twice its norm (never) or half (always). */
    @Override
    public Calibration calibration() {
        return Calibration.onThreshold("c", (regime, g, w) -> Calibration.pick(regime, GradNorms.global(g, 2, NormKind.SAFE), 0, 0),
                shape -> List.of(Regime.NEVER, Regime.ALWAYS));
    }

    /**
     * g += D (2 reads, 1 write), D := v (1 read, 1 write), the clip (1 + s reads, s writes), then D -= u
     * when clipped (2 reads, 1 write) or D := 0 when not (1 write); the carry counts as gradient traffic.
     */
    @Override
    public MemoryTraffic traffic(double scaledShare) {
        double s = scaledShare;
        return new MemoryTraffic(2 + 1 + (1 + s) + 2 * s, 1 + 1 + s + 1, 0);
    }

    @Override
    public void reset() {
        carry = null;
    }

    @Override
    protected ClipReport apply(ParamSet g, ClipContext ctx) {
        if (carry == null || !carry.shape().equals(g.shape()) || carry.backend() != g.backend() || carry.dtype() != g.dtype()) {
            carry = g.zerosLike();
        }
        for (int i = 0; i < g.size(); i++) g.backend().axpy(1.0, carry.tensor(i), g.tensor(i)); // g := v = g + D
        carry.copyFrom(g);                                                                   // D := v
        double n = GradNorms.global(g, 2, ctx.normKind());
        GradNorms.UnitClip r = GradNorms.clipUnit(g, null, n, 2, c, 1, 0);                   // g := u
        if (r.clipped()) {
            for (int i = 0; i < g.size(); i++) g.backend().axpy(-1.0, g.tensor(i), carry.tensor(i)); // D := v - u
        } else {
            for (int i = 0; i < g.size(); i++) g.backend().fill(carry.tensor(i), 0); // u = v: nothing left over
        }
        return ClipReport.whole(n, r.postNorm(), c, r.factor(), r.clipped());
    }
}
