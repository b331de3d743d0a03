package org.clipbench.tasks;

import java.util.Locale;
import java.util.SplittableRandom;
import org.clipbench.models.Batch;
import org.clipbench.models.Loss;

/**
 * The synthetic long-range tasks of Pascanu et al. 2013 (after Hochreiter and Schmidhuber 1997), as the
 * authors' trainingRNNs code generates them. Sequence length L; success is under 1% wrong on 10,000
 * fresh sequences.
 * <ul>
 * <li>temporal order: 6 one-hot symbols, 2..5 distractors; symbols 0/1 carry information at random
 * positions in [0.1L, 0.2L) and [0.5L, 0.6L); class v0 + 2 v1 (4 classes), read from the last state.</li>
 * <li>3-bit temporal order: information at [0.1L, 0.2L), [0.3L, 0.4L), [0.6L, 0.7L); 8 classes.</li>
 * <li>addition / multiplication: channel 0 a value ~ U[0, 1), channel 1 a marker at one position in
 * [0, 0.1L) and one in [0.1L, 0.5L); target (v0 + v1) / 2 or v0 v1, linear output, MSE; a sequence is
 * wrong if its squared error exceeds 0.04. Each batch has length L + randint(0.1 L).</li>
 * </ul>
 */
public final class PathologicalTask implements Task {

    public enum Kind { TEMPORAL_ORDER, TEMPORAL_ORDER_3BIT, ADDITION, MULTIPLICATION }

    /** Squared error above which an addition/multiplication sequence counts as wrong. */
    public static final double REGRESSION_TOLERANCE = 0.04;

    private final Kind kind;
    private final int length;

    public PathologicalTask(Kind kind, int length) {
        if (length < 10) throw new IllegalArgumentException(kind + ": sequence length must be at least 10, got " + length);
        this.kind = kind;
        this.length = length;
    }

    public static Kind parseKind(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "temporal-order", "temporal" -> Kind.TEMPORAL_ORDER;
            case "temporal-order-3bit", "3bit-temporal-order", "temporal3" -> Kind.TEMPORAL_ORDER_3BIT;
            case "addition" -> Kind.ADDITION;
            case "multiplication" -> Kind.MULTIPLICATION;
            default -> throw new IllegalArgumentException("unknown pathological task '" + s
                    + "': use temporal-order, temporal-order-3bit, addition or multiplication");
        };
    }

    public Kind kind() {
        return kind;
    }

    public int length() {
        return length;
    }

    @Override
    public String name() {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-" + length;
    }

    private boolean regression() {
        return kind == Kind.ADDITION || kind == Kind.MULTIPLICATION;
    }

    @Override public int inputDim() { return regression() ? 2 : 6; }
    @Override public int outputDim() { return switch (kind) { case TEMPORAL_ORDER -> 4; case TEMPORAL_ORDER_3BIT -> 8; default -> 1; }; }
    @Override public Loss loss() { return regression() ? Loss.MSE : Loss.SOFTMAX_CROSS_ENTROPY; }

    @Override
    public Batch trainBatch(SplittableRandom rng, int batchSize) {
        return generate(rng, batchSize);
    }

    @Override
    public Batch evalBatch(SplittableRandom rng, int size) {
        return generate(rng, size);
    }

    /** Positions in [lo * L, hi * L) (at least one position wide). */
    private int position(SplittableRandom rng, double lo, double hi) {
        int a = (int) Math.floor(lo * length), b = Math.max(a + 1, (int) Math.floor(hi * length));
        return a + rng.nextInt(b - a);
    }

    Batch generate(SplittableRandom rng, int n) {
        if (regression()) {
            int steps = length + rng.nextInt(Math.max(1, length / 10));
            double[][][] x = new double[steps][n][2];
            double[][] targets = new double[n][1];
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < steps; t++) x[t][i][0] = rng.nextDouble();
                int p0 = position(rng, 0.0, 0.1), p1 = position(rng, 0.1, 0.5);
                x[p0][i][1] = 1;
                x[p1][i][1] = 1;
                double v0 = x[p0][i][0], v1 = x[p1][i][0];
                targets[i][0] = kind == Kind.ADDITION ? (v0 + v1) / 2 : v0 * v1;
            }
            return Batch.sequence(x, null, targets);
        }
        double[][] bands = kind == Kind.TEMPORAL_ORDER ? new double[][] {{0.1, 0.2}, {0.5, 0.6}}
                : new double[][] {{0.1, 0.2}, {0.3, 0.4}, {0.6, 0.7}};
        double[][][] x = new double[length][n][6];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < length; t++) x[t][i][2 + rng.nextInt(4)] = 1;
            int label = 0;
            for (int k = 0; k < bands.length; k++) {
                int pos = position(rng, bands[k][0], bands[k][1]);
                int bit = rng.nextInt(2);
                java.util.Arrays.fill(x[pos][i], 0);
                x[pos][i][bit] = 1;
                label += bit << k;
            }
            labels[i] = label;
        }
        return Batch.sequence(x, labels, null);
    }

    @Override
    public double errorRate(double[] out, Batch batch) {
        int wrong = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (regression()) {
                double d = out[i] - batch.targets()[i][0];
                if (d * d > REGRESSION_TOLERANCE) wrong++;
            } else if (Loss.SOFTMAX_CROSS_ENTROPY.predictClass(out, i, outputDim()) != batch.labels()[i]) {
                wrong++;
            }
        }
        return (double) wrong / batch.size();
    }
}
