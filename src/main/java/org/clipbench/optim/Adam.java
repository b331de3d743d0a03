package org.clipbench.optim;

import org.clipbench.backend.Backend;
import org.clipbench.params.ParamSet;
import org.clipbench.strategy.StrategyParams;

/**
 * Adam (Kingma and Ba) with bias correction; wd > 0 adds decoupled weight decay (AdamW, Loshchilov and
 * Hutter): step = -lr (m_hat / (sqrt(v_hat) + eps) + wd * params).
 */
public final class Adam implements Optimizer {
    private final String spec;
    private final double b1;
    private final double b2;
    private final double eps;
    private final double wd;
    private ParamSet m;
    private ParamSet v;
    private long t;
    private ParamSet lastGrads, scratch; // for gradientRms, computed only when a rule asks

    public Adam(StrategyParams p, double defaultWd) {
        spec = p.spec();
        b1 = p.inRange("b1", 0.9, 0, 0.999999, "first-moment decay");
        b2 = p.inRange("b2", 0.999, 0, 0.999999999, "second-moment decay");
        eps = p.positive("eps", 1e-8, "added to sqrt(v_hat)");
        wd = p.nonNegative("wd", defaultWd, "decoupled weight decay (AdamW); 0 = Adam");
    }

    @Override public String spec() { return spec; }

    @Override
    public void reset() {
        m = null;
        v = null;
        t = 0;
        lastGrads = null;
        scratch = null;
    }

    @Override
    public void update(ParamSet params, ParamSet grads, double lr, ParamSet out) {
        Backend b = params.backend();
        if (m == null) {
            m = grads.zerosLike();
            v = grads.zerosLike();
        }
        t++;
        double c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
        for (int i = 0; i < grads.size(); i++) {
            b.scale(m.tensor(i), b1);
            b.axpy(1 - b1, grads.tensor(i), m.tensor(i));
            b.scale(v.tensor(i), b2);
            b.addSquare(1 - b2, grads.tensor(i), v.tensor(i));
            // m_hat / (sqrt(v_hat) + eps) with m_hat = m / c1, v_hat = v / c2
            b.adamDirection(m.tensor(i), v.tensor(i), -lr / c1, 1 / c2, eps, out.tensor(i));
            if (wd > 0) b.axpy(-lr * wd, params.tensor(i), out.tensor(i));
        }
        lastGrads = grads;
    }

    /** RMS(g / (sqrt(v_hat) + eps)) per tensor, from the gradient of the last update (its buffer, still unchanged). */
    @Override
    public double[] gradientRms() {
        if (lastGrads == null) return null;
        Backend b = lastGrads.backend();
        if (scratch == null) scratch = lastGrads.zerosLike();
        double c2 = 1 - Math.pow(b2, t);
        double[] rms = new double[lastGrads.size()];
        for (int i = 0; i < rms.length; i++) {
            b.adamDirection(lastGrads.tensor(i), v.tensor(i), 1.0, 1 / c2, eps, scratch.tensor(i));
            rms[i] = b.norm2(scratch.tensor(i), org.clipbench.backend.NormKind.SAFE) / Math.sqrt(scratch.tensor(i).size());
        }
        return rms;
    }
}
