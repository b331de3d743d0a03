package org.clipbench.backend;

/** A tensor as a range of a Java array (its own array, or a view into a flat buffer). */
public final class ArrayTensor extends Tensor {
    final double[] f64;
    final float[] f32;
    /** bf16 or f16 bits (see kernel.Half); the dtype says which. */
    final short[] h16;
    final int offset;

    ArrayTensor(String name, int rows, int cols, double[] data, int offset) {
        super(name, rows, cols, DType.F64);
        this.f64 = data;
        this.f32 = null;
        this.h16 = null;
        this.offset = offset;
    }

    ArrayTensor(String name, int rows, int cols, float[] data, int offset) {
        super(name, rows, cols, DType.F32);
        this.f64 = null;
        this.f32 = data;
        this.h16 = null;
        this.offset = offset;
    }

    ArrayTensor(String name, int rows, int cols, short[] bits, int offset, DType dtype) {
        super(name, rows, cols, dtype);
        if (!dtype.isHalf()) throw new IllegalArgumentException("a short[] holds bf16 or f16, not " + dtype);
        this.f64 = null;
        this.f32 = null;
        this.h16 = bits;
        this.offset = offset;
    }

    /** The backing array (double[], float[] or short[]); shared by every view of a flat buffer. */
    public Object array() {
        return f64 != null ? f64 : f32 != null ? f32 : h16;
    }

    public int offset() {
        return offset;
    }
}
