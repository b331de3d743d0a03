package org.clipbench.models;

/** Row-major copies between Java arrays and the flat layout tensors use. */
final class Sequences {
    private Sequences() {
    }

    static double[] flatten(double[][] rows) {
        int cols = rows[0].length;
        double[] out = new double[rows.length * cols];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, out, i * cols, cols);
        return out;
    }
}
