package org.clipbench.optim;

import org.clipbench.params.ParamSet;

/**
 * Turns a gradient into a parameter update. The update is written out before it is applied, so an
 * update-clipping rule (Adafactor's RMS clipping) can act between the two; {@link #apply} then adds it.
 */
public interface Optimizer {
    String spec();

    /** out = the step to add to params for this gradient and learning rate; advances the optimizer's state. */
    void update(ParamSet params, ParamSet grads, double lr, ParamSet out);

    /** params += update. */
    default void apply(ParamSet params, ParamSet update) {
        for (int i = 0; i < params.size(); i++) params.backend().axpy(1.0, update.tensor(i), params.tensor(i));
    }

    /** Forget all state (momentum buffers, moments, step count). */
    void reset();

    /**
     * Per tensor, the RMS of the last update's gradient over the square root of the second moment that includes it,
     * RMS(g / (sqrt(v_hat) + eps)): the statistic StableAdamW (Wortsman et al. 2023) clips the step by. null for an
     * optimizer without a second moment, or before its first update.
     */
    default double[] gradientRms() {
        return null;
    }
}
