package org.clipbench.models;

import org.clipbench.kernel.Activation;

/** The models by name, sized for a task's inputs and outputs. */
public final class Models {
    private Models() {
    }

    public static Mlp linear(int inputs, int outputs) {
        return new Mlp("linear", new int[] {inputs, outputs}, Activation.IDENTITY, Loss.MSE);
    }

    public static Mlp logistic(int inputs) {
        return new Mlp("logistic", new int[] {inputs, 1}, Activation.IDENTITY, Loss.SIGMOID_BINARY_CROSS_ENTROPY);
    }

    public static Mlp softmax(int inputs, int classes) {
        return new Mlp("softmax", new int[] {inputs, classes}, Activation.IDENTITY, Loss.SOFTMAX_CROSS_ENTROPY);
    }

    /** depth hidden layers of the given width. */
    public static Mlp mlp(int inputs, int outputs, int depth, int width, Activation act, Loss loss) {
        int[] sizes = new int[depth + 2];
        sizes[0] = inputs;
        for (int i = 1; i <= depth; i++) sizes[i] = width;
        sizes[depth + 1] = outputs;
        return new Mlp("mlp", sizes, act, loss);
    }
}
