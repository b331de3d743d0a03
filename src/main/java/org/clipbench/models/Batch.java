package org.clipbench.models;

/**
 * A minibatch. inputs[t][i] is example i's input vector at step t (feed-forward models have one step).
 * Targets are class labels (classification) or target vectors (regression); for sequence models with
 * outputs at every step, stepLabels[t][i] / stepTargets[t][i].
 */
public record Batch(double[][][] inputs, int[] labels, double[][] targets, int[][] stepLabels, double[][][] stepTargets) {

    public static Batch classification(double[][] x, int[] labels) {
        return new Batch(new double[][][] {x}, labels, null, null, null);
    }

    public static Batch regression(double[][] x, double[][] y) {
        return new Batch(new double[][][] {x}, null, y, null, null);
    }

    public static Batch sequence(double[][][] x, int[] labels, double[][] targets) {
        return new Batch(x, labels, targets, null, null);
    }

    public int size() {
        return inputs[0].length;
    }

    public int steps() {
        return inputs.length;
    }

    public int inputDim() {
        return inputs[0][0].length;
    }

    /** Example i alone, as a batch of one (for per-example gradients). */
    public Batch example(int i) {
        double[][][] x = new double[inputs.length][1][];
        for (int t = 0; t < inputs.length; t++) x[t][0] = inputs[t][i];
        int[][] sl = null;
        double[][][] st = null;
        if (stepLabels != null) {
            sl = new int[stepLabels.length][];
            for (int t = 0; t < sl.length; t++) sl[t] = new int[] {stepLabels[t][i]};
        }
        if (stepTargets != null) {
            st = new double[stepTargets.length][][];
            for (int t = 0; t < st.length; t++) st[t] = new double[][] {stepTargets[t][i]};
        }
        // the per-step labels too: without them an every-step model's example had no targets (its loss threw)
        return new Batch(x, labels == null ? null : new int[] {labels[i]}, targets == null ? null : new double[][] {targets[i]}, sl, st);
    }
}
