package org.clipbench.models;

import java.util.Locale;

/**
 * Losses on a model's outputs (B x out), averaged over the batch. They run on the Java side on a copy
 * of the outputs (B x out values, small next to the model), so every backend shares one definition.
 */
public enum Loss {
    /** 0.5 * sum over outputs of (y - t)^2, per example. */
    MSE,
    /** Softmax over the outputs, then cross-entropy with the label (log-sum-exp stabilised). */
    SOFTMAX_CROSS_ENTROPY,
    /** One output: sigmoid then binary cross-entropy with the label 0/1 (logistic regression). */
    SIGMOID_BINARY_CROSS_ENTROPY;

    /** Mean loss; grad (same layout as out) receives d(mean loss)/d(out). */
    public double lossAndGradient(double[] out, int rows, int cols, int[] labels, double[][] targets, double[] grad) {
        double total = 0;
        for (int i = 0; i < rows; i++) {
            int o = i * cols;
            switch (this) {
                case MSE -> {
                    for (int j = 0; j < cols; j++) {
                        double d = out[o + j] - targets[i][j];
                        total += 0.5 * d * d;
                        grad[o + j] = d / rows;
                    }
                }
                case SOFTMAX_CROSS_ENTROPY -> {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < cols; j++) max = Math.max(max, out[o + j]);
                    double sum = 0;
                    for (int j = 0; j < cols; j++) sum += Math.exp(out[o + j] - max);
                    double logSum = max + Math.log(sum);
                    total += logSum - out[o + labels[i]];
                    for (int j = 0; j < cols; j++) {
                        grad[o + j] = (Math.exp(out[o + j] - logSum) - (j == labels[i] ? 1 : 0)) / rows;
                    }
                }
                case SIGMOID_BINARY_CROSS_ENTROPY -> {
                    double z = out[o];
                    // log(1 + e^-|z|) + max(z, 0) - z*y: stable for large |z|
                    total += Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - z * labels[i];
                    grad[o] = (1 / (1 + Math.exp(-z)) - labels[i]) / rows;
                }
            }
        }
        return total / rows;
    }

    /** Predicted class of example i (argmax, or z > 0 for the binary case). */
    public int predictClass(double[] out, int i, int cols) {
        if (this == SIGMOID_BINARY_CROSS_ENTROPY) return out[i * cols] > 0 ? 1 : 0;
        int best = 0;
        for (int j = 1; j < cols; j++) if (out[i * cols + j] > out[i * cols + best]) best = j;
        return best;
    }

    public boolean classification() {
        return this != MSE;
    }

    public static Loss parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "mse" -> MSE;
            case "ce", "softmax", "cross-entropy" -> SOFTMAX_CROSS_ENTROPY;
            case "bce", "logistic" -> SIGMOID_BINARY_CROSS_ENTROPY;
            default -> throw new IllegalArgumentException("unknown loss '" + s + "': use mse, ce or bce");
        };
    }
}
