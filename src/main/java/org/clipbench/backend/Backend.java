package org.clipbench.backend;

import org.clipbench.kernel.Activation;
import java.util.List;

/**
 * A linear-algebra library seen through the primitives gradient clipping needs. Tensors live in the
 * backend's own storage; {@link #fromDoubles} and {@link #toDoubles} are the only copies across the
 * edge. Operations are in place. Implementations use the library's own operations where it has them
 * and say so, or name the fallback, in {@link #describe}.
 */
public interface Backend {

    /** Registry name, e.g. "arrays". */
    String name();

    /** Library and version, e.g. "EJML 0.46.1". */
    String library();

    /** Worker threads this instance uses for one operation. */
    int threads();

    /** What this backend can run, declared once in the backend class. */
    Backends.Capabilities capabilities();

    default boolean supports(DType dtype) {
        return capabilities().holds(dtype);
    }

    default boolean supportsFlatLayout() {
        return capabilities().flatLayout();
    }

    /** A zero-filled tensor. */
    Tensor zeros(String name, int rows, int cols, DType dtype);

    /** Copies row-major values into a new tensor (rounded to f32 if dtype is F32). */
    default Tensor fromDoubles(String name, int rows, int cols, DType dtype, double[] values) {
        Tensor t = zeros(name, rows, cols, dtype);
        assign(t, values);
        return t;
    }

    /** t = values (row-major, values.length == size), rounded to f32 if needed; bits of -0.0 and NaN kept in f64. */
    void assign(Tensor t, double[] values);

    /**
     * t[offset, offset + count) = values[0, count), row-major, rounded as {@link #assign} rounds: fills a tensor too large
     * for one double[] copy of it (a 2^30-entry f32 gradient) block by block.
     */
    void assignRange(Tensor t, long offset, double[] values, int count);

    /** Row-major copy of the tensor's values. */
    double[] toDoubles(Tensor t);

    /**
     * One contiguous buffer holding all the tensors, and a view per spec into it. Only when
     * {@link #supportsFlatLayout()}.
     */
    FlatAllocation allocateFlat(List<TensorSpec> specs, DType dtype);

    /** L2 norm by the given implementation. */
    double norm2(Tensor t, NormKind kind);

    /** Sum of |x|. NaN anywhere gives NaN. */
    double norm1(Tensor t);

    /** max |x|. NaN anywhere gives NaN. */
    double normInf(Tensor t);

    /** t *= alpha. */
    void scale(Tensor t, double alpha);

    /** t = min(hi, max(lo, t)) element-wise; NaN stays NaN, values inside [lo, hi] keep their bits. */
    void clamp(Tensor t, double lo, double hi);

    /** out[i] = L2 norm of row i. */
    void rowNorms2(Tensor t, NormKind kind, double[] out);

    /** Row i *= factors[i]; rows whose factor is exactly 1 are not touched. */
    void scaleRows(Tensor t, double[] factors);

    /** dst = src (same shape and dtype). */
    void copy(Tensor src, Tensor dst);

    /** No NaN or Inf anywhere. */
    boolean allFinite(Tensor t);

    /** NaN and +-Inf entries become 0; finite entries keep their bits. */
    void zeroNonFinite(Tensor t);

    /** t += alpha * values (row-major, values.length == size). For noise and sums made on the Java side. */
    void addArray(Tensor t, double alpha, double[] values);

    /** t += alpha * x (same shape). */
    void axpy(double alpha, Tensor x, Tensor t);

    /**
     * One-pass SGD step (momentum buffer buf, or null for plain SGD) with the gradient transformed as it is
     * read: clamp(g * gScale, -gClip, gClip); see {@link org.clipbench.kernel.ArrayKernels#sgdStep}. Backends
     * without such a kernel refuse: their step is the separate ops of {@code optim.Sgd}.
     */
    default void sgdStep(Tensor p, Tensor buf, Tensor g, double gScale, double gClip, double lr, double mu) {
        throw new UnsupportedCombinationException(name() + ": no one-pass optimizer step kernel (arrays and vector have one)");
    }

    /** One-pass Adam(W) step, as {@link #sgdStep}; see {@link org.clipbench.kernel.ArrayKernels#adamStep}. */
    default void adamStep(Tensor p, Tensor m, Tensor v, Tensor g, double gScale, double gClip, double stepScale, double b1, double b2,
                          double vScale, double eps, double decay) {
        throw new UnsupportedCombinationException(name() + ": no one-pass optimizer step kernel (arrays and vector have one)");
    }

    /** {@link #sgdStep} with one gradient factor per row (a per-unit clip folded in, AGC), no clamp. */
    default void sgdStepRows(Tensor p, Tensor buf, Tensor g, double[] rowScale, double lr, double mu) {
        throw new UnsupportedCombinationException(name() + ": no one-pass optimizer step with per-row factors (arrays and vector have one)");
    }

    /** {@link #adamStep} with one gradient factor per row, no clamp. */
    default void adamStepRows(Tensor p, Tensor m, Tensor v, Tensor g, double[] rowScale, double stepScale, double b1, double b2,
                              double vScale, double eps, double decay) {
        throw new UnsupportedCombinationException(name() + ": no one-pass optimizer step with per-row factors (arrays and vector have one)");
    }

    // ---------------------------------------------------------------- for models (matrices are rows x cols)

    /** c = alpha * op(a) * op(b) + beta * c, op = transpose when the flag is set. */
    void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c);

    /** Every row of m += row (a 1 x cols tensor): adding a bias. */
    void addRowVector(Tensor m, Tensor row);

    /** out = beta * out + (sum of the rows of m), out 1 x cols: a bias gradient. */
    void sumRows(Tensor m, double beta, Tensor out);

    /** y = f(x), element-wise; x and y may be the same tensor. */
    void activate(Activation f, Tensor x, Tensor y);

    /** dy *= f'(x), with f' computed from the output y = f(x). */
    void activationBackward(Activation f, Tensor y, Tensor dy);

    /** Every element = value. */
    void fill(Tensor t, double value);

    /**
     * Sum of x[i] * y[i] over every element (same shape), accumulated in f64: the Frobenius inner product of two
     * matrices (ghost clipping's per-example norm is one, of two Gram matrices). NaN anywhere gives NaN.
     */
    double dot(Tensor x, Tensor y);

    /**
     * Rows first .. first + count - 1 of t as a tensor that shares t's storage (a view: writes to either are seen
     * in both), for per-example work on a batch stored example by example. Only backends with views into shared
     * storage have it ({@link #supportsFlatLayout()}); the others refuse.
     */
    default Tensor rows(Tensor t, int first, int count) {
        throw new UnsupportedCombinationException(name() + " has no views into a tensor's rows (" + library()
                + " stores each matrix on its own); per-example clipping methods run on the backends with views: arrays, vector, nd4j");
    }

    /** The row range a {@link #rows} view may take: IllegalArgumentException naming the tensor when it is out of range. */
    static void checkRows(Tensor t, int first, int count) {
        if (first < 0 || count < 1 || first + (long) count > t.rows()) {
            throw new IllegalArgumentException("rows " + first + ".." + (first + (long) count - 1) + " are not rows of " + t);
        }
    }

    /** y += alpha * x * x, element-wise (Adam's second moment). */
    void addSquare(double alpha, Tensor x, Tensor y);

    /** out = scale * m / (sqrt(vScale * v) + eps), element-wise (Adam's step direction). */
    void adamDirection(Tensor m, Tensor v, double scale, double vScale, double eps, Tensor out);

    /** How the operation is computed: the library call, or "fallback: ..." where the library has none. */
    String describe(Op op);

    /** Norm of order p: 1, 2 or Double.POSITIVE_INFINITY. */
    default double norm(Tensor t, double p, NormKind kind) {
        if (p == 2) return norm2(t, kind);
        if (p == 1) return norm1(t);
        if (p == Double.POSITIVE_INFINITY) return normInf(t);
        throw new IllegalArgumentException("norm order p=" + p + " is not supported: use 1, 2 or inf");
    }

    default void requireSupported(DType dtype) {
        if (!supports(dtype)) {
            throw new UnsupportedCombinationException(name() + " does not support " + dtype
                    + " (" + library() + " has no " + dtype + " storage" + (dtype.isHalf() ? "; arrays and vector hold bf16 and f16" : "") + ")");
        }
    }

    /** The flat buffer and its per-tensor views. */
    record FlatAllocation(Tensor buffer, List<Tensor> views) {
    }
}
