package org.clipbench.backend;

import org.clipbench.kernel.Activation;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.clip.ClipByValue;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * ND4J (native CPU backend, OpenBLAS) {@code INDArray}s, off-heap. Its OpenMP and BLAS threads follow
 * only the OMP_NUM_THREADS environment variable, read when the native library loads, so an instance
 * for t threads requires OMP_NUM_THREADS=t in this process's environment.
 */
public final class Nd4jBackend implements Backend {

    /** Naive norms below these may have lost accuracy to underflow (sqrt of the fast-safe sum bounds). */
    private static final double LOW_F64 = 0x1p-480;
    private static final double LOW_F32 = 0x1p-45;

    /** An ND4J array (possibly a view into a flat buffer). */
    public static final class Nd4jTensor extends Tensor {
        final INDArray a;

        Nd4jTensor(String name, int rows, int cols, DType dtype, INDArray a) {
            super(name, rows, cols, dtype);
            this.a = a;
        }

        public INDArray array() {
            return a;
        }
    }

    private final int threads;

    public Nd4jBackend(int threads) {
        String omp = System.getenv("OMP_NUM_THREADS");
        if (omp == null || !omp.trim().equals(Integer.toString(threads))) {
            throw new UnsupportedCombinationException("nd4j with threads=" + threads + " needs OMP_NUM_THREADS="
                    + threads + " in the environment before the JVM starts (found "
                    + (omp == null ? "it unset" : "OMP_NUM_THREADS=" + omp)
                    + "); it is the only switch that pins both ND4J's OpenMP and BLAS threads");
        }
        this.threads = threads;
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @Override public String name() { return "nd4j"; }

    @Override
    public String library() {
        return "ND4J " + EjmlBackend.versionOf(Nd4j.class, "1.0.0-M2.1") + " native (OpenMP threads "
                + Nd4j.getEnvironment().maxThreads() + ", BLAS " + Nd4j.factory().blas().getBlasVendor() + ")";
    }

    @Override public int threads() { return threads; }
    /** What this backend can run (f32 storage, the flat layout, more than one thread); the registry reads it unloaded. */
    public static final Backends.Capabilities CAPABILITIES = new Backends.Capabilities(true, true, true, false);

    @Override public Backends.Capabilities capabilities() { return CAPABILITIES; }

    private static DataType dt(DType d) {
        return d == DType.F64 ? DataType.DOUBLE : DataType.FLOAT;
    }

    @Override
    public Tensor zeros(String name, int rows, int cols, DType dtype) {
        requireSupported(dtype);
        return new Nd4jTensor(name, rows, cols, dtype, Nd4j.create(dt(dtype), rows, cols));
    }

    @Override
    public void assignRange(Tensor tensor, long offset, double[] values, int count) {
        Nd4jTensor t = n(tensor);
        ArraysBackend.checkRange(t, offset, values, count);
        // straight into the array's native buffer (an op per block on a view cost ~50 ns per entry): c-ordered and contiguous, as zeros makes them
        if (!t.a.isView() || t.a.elementWiseStride() == 1) {
            long at = t.a.offset() + offset;
            if (t.dtype() == DType.F32) {
                float[] f = new float[count];
                for (int i = 0; i < count; i++) f[i] = (float) values[i];
                new org.bytedeco.javacpp.FloatPointer(t.a.data().pointer()).position(at).put(f, 0, count);
            } else {
                new org.bytedeco.javacpp.DoublePointer(t.a.data().pointer()).position(at).put(values, 0, count);
            }
            return;
        }
        INDArray flat = t.a.reshape(new long[] {t.size()});
        flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, offset + count))
                .assign(Nd4j.createFromArray(java.util.Arrays.copyOf(values, count)).castTo(dt(t.dtype())));
    }

    @Override
    public void assign(Tensor tensor, double[] values) {
        Nd4jTensor t = n(tensor);
        ArraysBackend.checkLength(t, values);
        t.a.assign(Nd4j.createFromArray(values).reshape('c', t.rows(), t.cols()).castTo(dt(t.dtype())));
    }

    @Override
    public double[] toDoubles(Tensor t) {
        return Nd4j.toFlattened('c', n(t).a).castTo(DataType.DOUBLE).toDoubleVector();
    }

    @Override
    public FlatAllocation allocateFlat(List<TensorSpec> specs, DType dtype) {
        requireSupported(dtype);
        long total = specs.stream().mapToLong(TensorSpec::size).sum();
        INDArray flat = Nd4j.create(dt(dtype), total);
        List<Tensor> views = new ArrayList<>(specs.size());
        long off = 0;
        for (TensorSpec s : specs) {
            INDArray view = flat.get(NDArrayIndex.interval(off, off + s.size())).reshape('c', s.rows(), s.cols());
            views.add(new Nd4jTensor(s.name(), s.rows(), s.cols(), dtype, view));
            off += s.size();
        }
        return new FlatAllocation(new Nd4jTensor("flat", 1, (int) Math.min(total, Integer.MAX_VALUE), dtype,
                flat.reshape('c', 1, total)), views);
    }

    @Override
    public double norm2(Tensor tensor, NormKind kind) {
        Nd4jTensor t = n(tensor);
        double norm = t.a.norm2Number().doubleValue();
        if (kind == NormKind.LIBRARY || kind == NormKind.NAIVE) return norm;
        return saferNorm(t.a, t.dtype(), norm);
    }

    /**
     * ND4J's norm2 is naive. Where its result overflowed or may have underflowed, rerun it on the
     * array divided by max|x| (library ops; allocates one temporary).
     */
    private static double saferNorm(INDArray a, DType dtype, double naive) {
        if (Double.isNaN(naive)) return Double.NaN;
        if (naive < Double.POSITIVE_INFINITY && naive >= (dtype == DType.F64 ? LOW_F64 : LOW_F32)) return naive;
        double max = a.amaxNumber().doubleValue();
        if (max == 0) return 0;
        if (!Double.isFinite(max)) {
            return BooleanIndexing.or(a, Conditions.isNan()) ? Double.NaN : Double.POSITIVE_INFINITY;
        }
        return a.div(max).norm2Number().doubleValue() * max;
    }

    @Override
    public double norm1(Tensor t) {
        return n(t).a.norm1Number().doubleValue();
    }

    @Override
    public double normInf(Tensor t) {
        INDArray a = n(t).a;
        double m = a.normmaxNumber().doubleValue();
        return Double.isNaN(m) || !BooleanIndexing.or(a, Conditions.isNan()) ? m : Double.NaN;
    }

    @Override
    public void scale(Tensor t, double alpha) {
        n(t).a.muli(alpha);
    }

    @Override
    public void clamp(Tensor t, double lo, double hi) {
        INDArray a = n(t).a;
        ClipByValue op = new ClipByValue(a, lo, hi);
        op.addOutputArgument(a);
        Nd4j.exec(op);
    }

    @Override
    public void rowNorms2(Tensor tensor, NormKind kind, double[] out) {
        Nd4jTensor t = n(tensor);
        double[] rn = t.a.norm2(1).castTo(DataType.DOUBLE).toDoubleVector();
        System.arraycopy(rn, 0, out, 0, t.rows());
        if (kind == NormKind.LIBRARY || kind == NormKind.NAIVE) return;
        for (int r = 0; r < t.rows(); r++) {
            out[r] = saferNorm(t.a.getRow(r), t.dtype(), out[r]);
        }
    }

    @Override
    public void scaleRows(Tensor tensor, double[] factors) {
        Nd4jTensor t = n(tensor);
        boolean any = false;
        for (int r = 0; r < t.rows(); r++) any |= factors[r] != 1.0;
        if (!any) return;
        // One broadcast multiply; rows with factor 1 are multiplied by 1, which keeps every non-NaN bit.
        INDArray f = Nd4j.createFromArray(java.util.Arrays.copyOf(factors, t.rows()))
                .castTo(dt(t.dtype())).reshape(t.rows(), 1);
        t.a.muliColumnVector(f);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        ArraysBackend.requireSameShape(src, dst);
        n(dst).a.assign(n(src).a);
    }

    @Override
    public boolean allFinite(Tensor t) {
        INDArray a = n(t).a;
        return !BooleanIndexing.or(a, Conditions.isNan()) && !BooleanIndexing.or(a, Conditions.isInfinite());
    }

    @Override
    public void zeroNonFinite(Tensor t) {
        INDArray a = n(t).a;
        BooleanIndexing.replaceWhere(a, 0.0, Conditions.isNan());
        BooleanIndexing.replaceWhere(a, 0.0, Conditions.isInfinite());
    }

    @Override
    public void addArray(Tensor tensor, double alpha, double[] values) {
        Nd4jTensor t = n(tensor);
        ArraysBackend.checkLength(t, values);
        INDArray x = Nd4j.createFromArray(values).reshape('c', t.rows(), t.cols());
        if (alpha != 1.0) x.muli(alpha);
        t.a.addi(x.castTo(dt(t.dtype())));
    }

    @Override
    public void axpy(double alpha, Tensor x, Tensor y) {
        ArraysBackend.requireSameShape(x, y);
        Nd4j.getBlasWrapper().level1().axpy(x.size(), alpha, n(x).a, n(y).a);
    }

    @Override
    public String describe(Op op) {
        return switch (op) {
            case NORM2_LIBRARY, NORM2_NAIVE -> "INDArray.norm2Number (naive, overflows)";
            case NORM2_SAFE, NORM2_FAST_SAFE -> "norm2Number; on overflow/underflow rerun as amaxNumber-scaled norm2 (library ops, one temporary)";
            case NORM1 -> "INDArray.norm1Number";
            case NORM_INF -> "INDArray.normmaxNumber + BooleanIndexing.or(isNan)";
            case SCALE -> "INDArray.muli";
            case CLAMP -> "ClipByValue op, in place";
            case ROW_NORMS2 -> "INDArray.norm2(1) (safe kinds: out-of-range rows rerun scaled)";
            case SCALE_ROWS -> "INDArray.muliColumnVector";
            case COPY -> "INDArray.assign";
            case ALL_FINITE -> "BooleanIndexing.or(isNan) + or(isInfinite)";
            case ZERO_NON_FINITE -> "BooleanIndexing.replaceWhere(isNan, isInfinite)";
            case ADD_ARRAY -> "Nd4j.createFromArray + INDArray.addi (allocates)";
            case GEMM -> "Nd4j.gemm (OpenBLAS)";
            case ADD_ROW_VECTOR -> "INDArray.addiRowVector";
            case SUM_ROWS -> "INDArray.sum(keepDims, 0)";
            case ACTIVATE -> "Transforms.tanh/sigmoid/relu";
            case ACTIVATION_BACKWARD -> "INDArray.mul/rsub/muli, Transforms.step (temporaries)";
            case FILL -> "INDArray.assign";
            case ADD_SQUARE -> "INDArray.mul + addi (temporary)";
            case ADAM_DIRECTION -> "Transforms.sqrt, INDArray.div, muli (temporaries)";
            case DOT -> "INDArray.mul + sumNumber (f32: the products cast to f64 before the sum; temporaries)";
            case ROWS -> "INDArray.get(interval, all): a view";
        };
    }

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        ArraysBackend.gemmDims(transA, transB, a, b, c);
        INDArray cc = n(c).a;
        if (beta == 0) cc.assign(0); // BLAS semantics: C is overwritten, NaN in it does not survive
        Nd4j.gemm(n(a).a, n(b).a, cc, transA, transB, alpha, beta);
    }

    @Override
    public void addRowVector(Tensor m, Tensor row) {
        ArraysBackend.requireRow(m, row);
        n(m).a.addiRowVector(n(row).a);
    }

    @Override
    public void sumRows(Tensor m, double beta, Tensor out) {
        ArraysBackend.requireRow(m, out);
        INDArray o = n(out).a;
        INDArray sums = n(m).a.sum(true, 0);
        if (beta == 0) o.assign(sums);
        else o.muli(beta).addi(sums);
    }

    @Override
    public void activate(org.clipbench.kernel.Activation f, Tensor x, Tensor y) {
        ArraysBackend.requireSameShape(x, y);
        INDArray xa = n(x).a, ya = n(y).a;
        boolean inPlace = xa == ya;
        INDArray r = switch (f) {
            case IDENTITY -> xa;
            case TANH -> Transforms.tanh(xa, !inPlace);
            case SIGMOID -> Transforms.sigmoid(xa, !inPlace);
            case RELU -> Transforms.relu(xa, !inPlace);
        };
        if (r != ya) ya.assign(r);
    }

    @Override
    public void activationBackward(org.clipbench.kernel.Activation f, Tensor y, Tensor dy) {
        ArraysBackend.requireSameShape(y, dy);
        INDArray ya = n(y).a, d = n(dy).a;
        switch (f) {
            case IDENTITY -> { }
            case TANH -> d.muli(ya.mul(ya).rsubi(1.0));
            case SIGMOID -> d.muli(ya.rsub(1.0).muli(ya));
            case RELU -> d.muli(Transforms.step(ya));
        }
    }

    @Override
    public void fill(Tensor t, double value) {
        n(t).a.assign(value);
    }

    @Override
    public double dot(Tensor x, Tensor y) {
        ArraysBackend.requireSameShape(x, y);
        INDArray product = n(x).a.mul(n(y).a);
        return (x.dtype() == DType.F32 ? product.castTo(DataType.DOUBLE) : product).sumNumber().doubleValue();
    }

    @Override
    public Tensor rows(Tensor t, int first, int count) {
        Backend.checkRows(t, first, count);
        INDArray view = n(t).a.get(NDArrayIndex.interval(first, first + count), NDArrayIndex.all());
        return new Nd4jTensor(t.name() + "[" + first + ":" + (first + count) + "]", count, t.cols(), t.dtype(), view);
    }

    @Override
    public void addSquare(double alpha, Tensor x, Tensor y) {
        ArraysBackend.requireSameShape(x, y);
        INDArray xa = n(x).a;
        n(y).a.addi(xa.mul(xa).muli(alpha));
    }

    @Override
    public void adamDirection(Tensor m, Tensor v, double scale, double vScale, double eps, Tensor out) {
        ArraysBackend.requireSameShape(m, v);
        ArraysBackend.requireSameShape(m, out);
        INDArray denominator = Transforms.sqrt(n(v).a.mul(vScale), false).addi(eps);
        n(out).a.assign(n(m).a.div(denominator).muli(scale));
    }

    // ---------------------------------------------------------------- optimizer steps, with ND4J's own ops

    /**
     * SGD (momentum when buf is given) as a JVM library on ND4J writes it: one ND4J op per term, each a
     * pass over memory (and a temporary per non-in-place op), in the order of the one-pass kernel's
     * arithmetic (ScalarKernels.sgdStep), so parameters come out bit-identical to it. The clip's
     * factor and clamp are applied to a copy of the gradient first: ND4J has no op that folds them into
     * the step, so "fused" is a pass here as "separate" is.
     */
    @Override
    public void sgdStep(Tensor p, Tensor buf, Tensor g, double gScale, double gClip, double lr, double mu) {
        sgd(p, buf, clippedCopy(n(g).a, gScale, gClip), lr, mu);
    }

    /** Per-row factors: one broadcast multiply into a copy of the gradient (as scaleRows), then the step's ops. */
    @Override
    public void sgdStepRows(Tensor p, Tensor buf, Tensor g, double[] rowScale, double lr, double mu) {
        sgd(p, buf, rowScaledCopy(n(g), rowScale), lr, mu);
    }

    private static void sgd(Tensor p, Tensor buf, INDArray step, double lr, double mu) {
        if (buf != null) step = n(buf).a.muli(mu).addi(step);
        n(p).a.addi(step.mul(-lr));
    }

    /**
     * Adam(W) as {@link #sgdStep}: ND4J ops in the order of ScalarKernels.adamStep (f64 within 1e-14: ND4J's
     * native division and sqrt round differently in the last bit here and there; f32 forms the step in f32).
     */
    @Override
    public void adamStep(Tensor p, Tensor m, Tensor v, Tensor g, double gScale, double gClip, double stepScale, double b1, double b2,
                         double vScale, double eps, double decay) {
        adam(p, m, v, clippedCopy(n(g).a, gScale, gClip), stepScale, b1, b2, vScale, eps, decay);
    }

    @Override
    public void adamStepRows(Tensor p, Tensor m, Tensor v, Tensor g, double[] rowScale, double stepScale, double b1, double b2,
                             double vScale, double eps, double decay) {
        adam(p, m, v, rowScaledCopy(n(g), rowScale), stepScale, b1, b2, vScale, eps, decay);
    }

    private static void adam(Tensor p, Tensor m, Tensor v, INDArray gi, double stepScale, double b1, double b2, double vScale, double eps,
                             double decay) {
        INDArray pa = n(p).a;
        INDArray ma = n(m).a.muli(b1).addi(gi.mul(1 - b1));
        INDArray va = n(v).a.muli(b2).addi(gi.mul(1 - b2).muli(gi)); // (c2 * g) * g, as the kernel
        INDArray step = ma.mul(stepScale).divi(Transforms.sqrt(va.mul(vScale), false).addi(eps));
        if (decay != 0) step.addi(pa.mul(decay));
        pa.addi(step);
    }

    private static INDArray rowScaledCopy(Nd4jTensor g, double[] rowScale) {
        INDArray f = Nd4j.createFromArray(java.util.Arrays.copyOf(rowScale, g.rows())).castTo(dt(g.dtype())).reshape(g.rows(), 1);
        return g.a.mulColumnVector(f);
    }

    /** g * scale, clamped to [-clip, clip] when clip is finite: a new array (the gradient is left as it is). */
    private static INDArray clippedCopy(INDArray g, double scale, double clip) {
        INDArray out = g.mul(scale);
        if (clip < Double.POSITIVE_INFINITY) {
            ClipByValue op = new ClipByValue(out, -clip, clip);
            op.addOutputArgument(out);
            Nd4j.exec(op);
        }
        return out;
    }

    private static Nd4jTensor n(Tensor t) {
        if (t instanceof Nd4jTensor nt) return nt;
        throw new IllegalArgumentException("tensor " + t + " does not belong to the nd4j backend");
    }
}
