package org.clipbench.optim;

import org.clipbench.backend.Backend;
import org.clipbench.params.ParamSet;
import org.clipbench.strategy.StrategyParams;

/**
 * SGD, with optional momentum as PyTorch defines it: buf = mu buf + g, step = -lr buf; Nesterov:
 * step = -lr (g + mu buf). mu = 0 is plain SGD (no buffer is kept).
 */
public final class Sgd implements Optimizer {
    private final String spec;
    private final double mu;
    private final boolean nesterov;
    private ParamSet buffer;

    public Sgd(StrategyParams p, double defaultMu) {
        spec = p.spec();
        mu = p.inRange("mu", defaultMu, 0.0, 0.999999, "momentum coefficient (0 = plain SGD)");
        nesterov = p.flag("nesterov", false, "Nesterov momentum");
        if (nesterov && mu == 0) throw new IllegalArgumentException(p.strategy() + ": nesterov needs mu > 0");
    }

    @Override public String spec() { return spec; }

    @Override
    public void reset() {
        buffer = null;
    }

    @Override
    public void update(ParamSet params, ParamSet grads, double lr, ParamSet out) {
        Backend b = params.backend();
        if (mu == 0) {
            for (int i = 0; i < grads.size(); i++) {
                b.copy(grads.tensor(i), out.tensor(i));
                b.scale(out.tensor(i), -lr);
            }
            return;
        }
        if (buffer == null) {
            buffer = grads.copy(); // PyTorch: the first buffer is the gradient itself
        } else {
            for (int i = 0; i < grads.size(); i++) {
                b.scale(buffer.tensor(i), mu);
                b.axpy(1.0, grads.tensor(i), buffer.tensor(i));
            }
        }
        for (int i = 0; i < grads.size(); i++) {
            if (nesterov) {
                b.copy(grads.tensor(i), out.tensor(i));
                b.axpy(mu, buffer.tensor(i), out.tensor(i));
            } else {
                b.copy(buffer.tensor(i), out.tensor(i));
            }
            b.scale(out.tensor(i), -lr);
        }
    }
}
