package org.clipbench.backend;

/** Name, shape and layer of one parameter tensor. A layer groups tensors for per-layer clipping. */
public record TensorSpec(String name, int rows, int cols, String layer) {
    public TensorSpec {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("tensor '" + name + "' needs positive dimensions, got "
                    + rows + "x" + cols);
        }
    }

    public long size() {
        return (long) rows * cols;
    }
}
