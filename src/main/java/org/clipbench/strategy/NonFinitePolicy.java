package org.clipbench.strategy;

/** What a strategy does when a gradient holds NaN or +-Inf. Chosen per call in {@link ClipContext}. */
public enum NonFinitePolicy {
    /** Compute as usual and let NaN/Inf flow into the result (PyTorch's default). Costs nothing extra. */
    PROPAGATE,
    /** Throw {@link NonFiniteGradientException} naming the first offending tensor. */
    ERROR,
    /** Leave every gradient unchanged and report the step as skipped (optax apply_if_finite). */
    SKIP,
    /** Set NaN and +-Inf entries to 0, then clip what remains. */
    ZERO;

    public static NonFinitePolicy parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown non-finite policy '" + text
                    + "': use propagate, error, skip or zero");
        }
    }
}
