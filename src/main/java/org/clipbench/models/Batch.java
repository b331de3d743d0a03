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

    /** A sequence with a target vector at every step: stepTargets[t][i] is example i's target at step t. */
    public static Batch everyStep(double[][][] x, double[][][] stepTargets) {
        return new Batch(x, null, null, null, stepTargets);
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

    /** Example i alone, as a batch of one (for per-example gradients), with its targets at every step where it has them. */
    public Batch example(int i) {
        return new Batch(oneOf(inputs, i), labels == null ? null : new int[] {labels[i]}, targets == null ? null : new double[][] {targets[i]},
                stepLabels == null ? null : oneLabelOf(stepLabels, i), stepTargets == null ? null : oneOf(stepTargets, i));
    }

    private static double[][][] oneOf(double[][][] perStep, int i) {
        double[][][] x = new double[perStep.length][1][];
        for (int t = 0; t < perStep.length; t++) x[t][0] = perStep[t][i];
        return x;
    }

    private static int[][] oneLabelOf(int[][] perStep, int i) {
        int[][] x = new int[perStep.length][];
        for (int t = 0; t < perStep.length; t++) x[t] = new int[] {perStep[t][i]};
        return x;
    }
}
