package org.clipbench.kernel;

import java.util.Locale;

/** Element-wise activations; derivatives are taken from the output y = f(x), as backprop has it at hand. */
public enum Activation {
    IDENTITY, TANH, SIGMOID, RELU;

    public double apply(double x) {
        return switch (this) {
            case IDENTITY -> x;
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case RELU -> x > 0 ? x : 0;
        };
    }

    /** f'(x) written in terms of y = f(x). */
    public double derivativeFromOutput(double y) {
        return switch (this) {
            case IDENTITY -> 1;
            case TANH -> 1 - y * y;
            case SIGMOID -> y * (1 - y);
            case RELU -> y > 0 ? 1 : 0;
        };
    }

    public static Activation parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown activation '" + s + "': use identity, tanh, sigmoid or relu");
        }
    }
}
