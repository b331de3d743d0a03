package org.clipbench.strategy;

import org.clipbench.params.ParamSet;

/** A rule applied in place to a whole gradient (or, for {@link Target#UPDATE}, to an optimizer update). */
public interface ClipStrategy extends Strategy {

    /** Where a trainer applies the rule. */
    enum Target {
        /** The raw gradient, before the optimizer. */
        GRADIENT,
        /** The optimizer's update, after it is computed (Adafactor's RMS clipping). */
        UPDATE
    }

    ClipReport clip(ParamSet grads, ClipContext ctx);

    default Target target() {
        return Target.GRADIENT;
    }
}
