package org.clipbench.backend;

/**
 * A 1-D or 2-D tensor held in one backend's own storage. A matrix is rows x cols, row-major; a
 * vector has rows = 1. Rows are the "units" of adaptive clipping (one output unit's fan-in).
 */
public abstract class Tensor {
    private final String name;
    private final int rows;
    private final int cols;
    private final DType dtype;

    protected Tensor(String name, int rows, int cols, DType dtype) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + rows + "x" + cols
                    + ": both dimensions must be positive");
        }
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.dtype = dtype;
    }

    public String name() {
        return name;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public DType dtype() {
        return dtype;
    }

    public long size() {
        return (long) rows * cols;
    }

    public boolean isVector() {
        return rows == 1;
    }

    public boolean sameShape(Tensor other) {
        return rows == other.rows && cols == other.cols;
    }

    @Override
    public String toString() {
        return name + "[" + rows + "x" + cols + " " + dtype + "]";
    }
}
