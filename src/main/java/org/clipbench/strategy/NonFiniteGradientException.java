package org.clipbench.strategy;

/** A gradient held NaN or Inf under {@link NonFinitePolicy#ERROR}. */
public class NonFiniteGradientException extends RuntimeException {
    private final String tensor;

    public NonFiniteGradientException(String tensor, String strategy) {
        super("gradient tensor '" + tensor + "' contains NaN or Inf (strategy " + strategy
                + "); fix the model or loss, or choose another non-finite policy: skip drops the step, "
                + "zero replaces the bad entries, propagate lets them through");
        this.tensor = tensor;
    }

    public String tensor() {
        return tensor;
    }
}
