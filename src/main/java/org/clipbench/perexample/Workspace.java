package org.clipbench.perexample;

import org.clipbench.backend.Backend;
import org.clipbench.backend.DType;
import org.clipbench.backend.Tensor;
import org.clipbench.params.ParamSet;

/**
 * The tensors a clipping method allocates for one step, counted as they are allocated and released: the most
 * bytes it held at once is the method's peak working set beyond the model's own tensors and the gradient it
 * writes (what the memory comparison of the methods is about: per-example gradients, B x d_in x d_out, against
 * two T x T Gram matrices). A released tensor is no longer counted; the JVM frees it once nothing refers to it.
 */
final class Workspace {
    private final Backend backend;
    private final DType dtype;
    private long live;
    private long peak;

    Workspace(Backend backend, DType dtype) {
        this.backend = backend;
        this.dtype = dtype;
    }

    Tensor zeros(String name, int rows, int cols) {
        hold((long) rows * cols);
        return backend.zeros(name, rows, cols, dtype);
    }

    ParamSet zerosLike(ParamSet like) {
        hold(like.elementCount());
        return like.zerosLike();
    }

    void release(Tensor t) {
        live -= t.size() * dtype.bytes();
    }

    private void hold(long elements) {
        live += elements * dtype.bytes();
        peak = Math.max(peak, live);
    }

    long peakBytes() {
        return peak;
    }
}
