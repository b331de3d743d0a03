package org.clipbench.strategy;

import org.clipbench.params.ParamShape;

/** Anything the registry builds: a gradient, update or per-example clipping rule. */
public interface Strategy {
    /** Registry name, e.g. "global-norm". */
    String name();

    /** Name and the parameters as given, e.g. "global-norm:c=1.0,p=2". */
    String spec();

    /**
     * The passes over memory of one call when the given share of the data is scaled (0: the norms only;
     * 1: every unit clipped), for the report's traffic model. Each rule states its own.
     */
    MemoryTraffic traffic(double scaledShare);

    /** How a benchmark sets this rule's threshold on its data for each regime, and which regimes apply. */
    Calibration calibration();

    /** Whether the rule reads the model's parameters (AGC): a benchmark must then supply them. */
    default boolean readsParameters() {
        return false;
    }

    /** Forget all state (history, EMA, adaptive bound, noise stream) as if newly built. */
    default void reset() {
    }

    /**
     * Forget all state at the start of a training run with this seed: a rule with randomness of its own
     * (DP-SGD's noise) draws it from the run's seed, so seeds differ in their noise, not only in data order.
     */
    default void reset(long runSeed) {
        reset();
    }

    /** Checks the rule against a parameter set before use (e.g. names to exempt exist). */
    default void validateFor(ParamShape shape) {
    }
}
