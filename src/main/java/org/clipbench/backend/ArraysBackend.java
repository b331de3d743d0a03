package org.clipbench.backend;

import org.clipbench.kernel.Activation;
import java.util.ArrayList;
import java.util.List;
import org.clipbench.kernel.ArrayKernels;
import org.clipbench.kernel.ScalarKernels;

/**
 * Tensors as Java arrays, computed by one {@link ArrayKernels} family: scalar loops ("arrays") or the
 * Vector API ("vector"). With threads > 1, ranges of at least {@link #PARALLEL_MIN} elements are
 * split into chunks that a {@link WorkerTeam} of that many threads claims (the caller among them).
 */
public class ArraysBackend implements Backend {
    /**
     * Below this many elements a range runs on the calling thread: handing a chunk to the worker team
     * costs about 1.5 us per call (measured on a 2-core EPYC, vector f32 norm and scale), more than it
     * saves under ~100K elements (64K: 1.9 us alone, 2.4 us split); from 256K up the split gives 2-2.8x.
     */
    public static final int PARALLEL_MIN = 1 << 17;

    private final String name;
    private final ArrayKernels k;
    private final int threads;
    private final WorkerTeam team;

    public ArraysBackend(String name, ArrayKernels kernels, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.name = name;
        this.k = kernels;
        this.threads = threads;
        this.team = threads > 1 ? new WorkerTeam(threads) : null;
    }

    public static ArraysBackend scalar(int threads) {
        return new ArraysBackend("arrays", ArrayKernels.SCALAR, threads);
    }

    public static ArraysBackend vector(int threads) {
        return new ArraysBackend("vector", org.clipbench.kernel.VectorKernels.INSTANCE, threads);
    }

    @Override public String name() { return name; }
    @Override public String library() { return "Java " + Runtime.version().feature() + " (" + k.description() + ")"; }
    @Override public int threads() { return threads; }
    /** What this backend can run (f32 storage, the flat layout, more than one thread); the registry reads it unloaded. */
    public static final Backends.Capabilities CAPABILITIES = new Backends.Capabilities(true, true, true, true);

    @Override public Backends.Capabilities capabilities() { return CAPABILITIES; }

    @Override
    public Tensor zeros(String tensorName, int rows, int cols, DType dtype) {
        int n = Math.multiplyExact(rows, cols);
        return switch (dtype) {
            case F64 -> new ArrayTensor(tensorName, rows, cols, new double[n], 0);
            case F32 -> new ArrayTensor(tensorName, rows, cols, new float[n], 0);
            case BF16, F16 -> new ArrayTensor(tensorName, rows, cols, new short[n], 0, dtype);
        };
    }

    @Override
    public void assign(Tensor tensor, double[] values) {
        ArrayTensor t = a(tensor);
        checkLength(t, values);
        if (t.f64 != null) {
            System.arraycopy(values, 0, t.f64, t.offset, values.length);
        } else if (t.f32 != null) {
            for (int i = 0; i < values.length; i++) t.f32[t.offset + i] = (float) values[i];
        } else {
            // through float, as a 16-bit tensor is filled from f32 values (one rounding to the format when the double is a float)
            for (int i = 0; i < values.length; i++) t.h16[t.offset + i] = t.dtype().half().encode((float) values[i]);
        }
    }

    @Override
    public void assignRange(Tensor tensor, long offset, double[] values, int count) {
        ArrayTensor t = a(tensor);
        checkRange(t, offset, values, count);
        int o = t.offset + (int) offset;
        if (t.f64 != null) {
            System.arraycopy(values, 0, t.f64, o, count);
        } else if (t.f32 != null) {
            for (int i = 0; i < count; i++) t.f32[o + i] = (float) values[i];
        } else {
            for (int i = 0; i < count; i++) t.h16[o + i] = t.dtype().half().encode((float) values[i]);
        }
    }

    /** out[0, count) = t[offset, offset + count) as doubles (exact): reads a tensor too large for one double[] copy, block by block. */
    public void readRange(Tensor tensor, long offset, double[] out, int count) {
        ArrayTensor t = a(tensor);
        checkRange(t, offset, out, count);
        int o = t.offset + (int) offset;
        if (t.f64 != null) {
            System.arraycopy(t.f64, o, out, 0, count);
        } else if (t.f32 != null) {
            for (int i = 0; i < count; i++) out[i] = t.f32[o + i];
        } else {
            for (int i = 0; i < count; i++) out[i] = t.dtype().half().decode(t.h16[o + i]);
        }
    }

    /** [offset, offset + count) must lie in the tensor and count in values. */
    static void checkRange(Tensor t, long offset, double[] values, int count) {
        if (offset < 0 || count < 0 || count > values.length || offset + count > t.size()) {
            throw new IllegalArgumentException("tensor " + t + " has " + t.size() + " elements: cannot assign " + count
                    + " values at offset " + offset + " (from an array of " + values.length + ")");
        }
    }

    @Override
    public double[] toDoubles(Tensor tensor) {
        ArrayTensor t = a(tensor);
        int n = (int) t.size();
        double[] out = new double[n];
        if (t.f64 != null) {
            System.arraycopy(t.f64, t.offset, out, 0, n);
        } else if (t.f32 != null) {
            for (int i = 0; i < n; i++) out[i] = t.f32[t.offset + i];
        } else {
            for (int i = 0; i < n; i++) out[i] = t.dtype().half().decode(t.h16[t.offset + i]);
        }
        return out;
    }

    @Override
    public FlatAllocation allocateFlat(List<TensorSpec> specs, DType dtype) {
        long total = specs.stream().mapToLong(TensorSpec::size).sum();
        if (total > Integer.MAX_VALUE - 8) {
            throw new UnsupportedCombinationException("a flat buffer of " + total
                    + " elements exceeds a Java array's limit; use the separate layout");
        }
        int n = (int) total;
        double[] d = dtype == DType.F64 ? new double[n] : null;
        float[] f = dtype == DType.F32 ? new float[n] : null;
        short[] h = dtype.isHalf() ? new short[n] : null;
        List<Tensor> views = new ArrayList<>(specs.size());
        int off = 0;
        for (TensorSpec s : specs) {
            views.add(view(s.name(), s.rows(), s.cols(), d, f, h, off, dtype));
            off += (int) s.size();
        }
        return new FlatAllocation(view("flat", 1, n, d, f, h, 0, dtype), views);
    }

    private static ArrayTensor view(String name, int rows, int cols, double[] d, float[] f, short[] h, int off, DType dtype) {
        if (d != null) return new ArrayTensor(name, rows, cols, d, off);
        return f != null ? new ArrayTensor(name, rows, cols, f, off) : new ArrayTensor(name, rows, cols, h, off, dtype);
    }

    // ---------------------------------------------------------------- norms

    @Override
    public double norm2(Tensor tensor, NormKind kind) {
        ArrayTensor t = a(tensor);
        double[] parts = reduce(t, (off, len) -> norm2Range(t, kind, off, len));
        // Partial norms combine through the safe kernel, which keeps Inf, NaN and 0 as they are.
        return parts.length == 1 ? parts[0] : ScalarKernels.INSTANCE.norm2Safe(parts, 0, parts.length);
    }

    private double norm2Range(ArrayTensor t, NormKind kind, int off, int len) {
        if (t.f64 != null) {
            return switch (kind) {
                case NAIVE, LIBRARY -> k.norm2Naive(t.f64, off, len);
                case SAFE -> k.norm2Safe(t.f64, off, len);
                case FAST_SAFE -> k.norm2FastSafe(t.f64, off, len);
            };
        }
        if (t.f32 != null) {
            return switch (kind) {
                case NAIVE, LIBRARY -> k.norm2Naive(t.f32, off, len);
                case SAFE -> k.norm2Safe(t.f32, off, len);
                case FAST_SAFE -> k.norm2FastSafe(t.f32, off, len);
            };
        }
        return switch (kind) {
            case NAIVE, LIBRARY -> k.norm2Naive(t.h16, off, len, t.dtype().half());
            case SAFE -> k.norm2Safe(t.h16, off, len, t.dtype().half());
            case FAST_SAFE -> k.norm2FastSafe(t.h16, off, len, t.dtype().half());
        };
    }

    @Override
    public double norm1(Tensor tensor) {
        ArrayTensor t = a(tensor);
        double s = 0;
        for (double p : reduce(t, (off, len) -> t.f64 != null ? k.norm1(t.f64, off, len) : t.f32 != null ? k.norm1(t.f32, off, len)
                : k.norm1(t.h16, off, len, t.dtype().half()))) {
            s += p;
        }
        return s;
    }

    @Override
    public double normInf(Tensor tensor) {
        ArrayTensor t = a(tensor);
        double m = 0;
        for (double p : reduce(t, (off, len) -> t.f64 != null ? k.normInf(t.f64, off, len) : t.f32 != null ? k.normInf(t.f32, off, len)
                : k.normInf(t.h16, off, len, t.dtype().half()))) {
            m = Math.max(m, p);
        }
        return m;
    }

    @Override
    public void rowNorms2(Tensor tensor, NormKind kind, double[] out) {
        ArrayTensor t = a(tensor);
        int cols = t.cols();
        forRows(t, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                out[r] = norm2Range(t, kind, t.offset + r * cols, cols);
            }
        });
    }

    // ---------------------------------------------------------------- element-wise

    @Override
    public void scale(Tensor tensor, double alpha) {
        ArrayTensor t = a(tensor);
        each(t, (off, len) -> {
            if (t.f64 != null) k.scale(t.f64, off, len, alpha);
            else if (t.f32 != null) k.scale(t.f32, off, len, (float) alpha);
            else k.scale(t.h16, off, len, (float) alpha, t.dtype().half());
        });
    }

    @Override
    public void clamp(Tensor tensor, double lo, double hi) {
        ArrayTensor t = a(tensor);
        each(t, (off, len) -> {
            if (t.f64 != null) k.clamp(t.f64, off, len, lo, hi);
            else if (t.f32 != null) k.clamp(t.f32, off, len, (float) lo, (float) hi);
            else k.clamp(t.h16, off, len, (float) lo, (float) hi, t.dtype().half());
        });
    }

    @Override
    public void scaleRows(Tensor tensor, double[] factors) {
        ArrayTensor t = a(tensor);
        int cols = t.cols();
        forRows(t, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                if (factors[r] == 1.0) continue;
                int off = t.offset + r * cols;
                if (t.f64 != null) k.scale(t.f64, off, cols, factors[r]);
                else if (t.f32 != null) k.scale(t.f32, off, cols, (float) factors[r]);
                else k.scale(t.h16, off, cols, (float) factors[r], t.dtype().half());
            }
        });
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        ArrayTensor s = a(src);
        ArrayTensor d = a(dst);
        requireSameShape(s, d);
        System.arraycopy(s.array(), s.offset, d.array(), d.offset, (int) s.size());
    }

    @Override
    public boolean allFinite(Tensor tensor) {
        ArrayTensor t = a(tensor);
        for (double p : reduce(t, (off, len) -> (t.f64 != null ? k.allFinite(t.f64, off, len) : t.f32 != null ? k.allFinite(t.f32, off, len)
                : k.allFinite(t.h16, off, len, t.dtype().half())) ? 1 : 0)) {
            if (p == 0) return false;
        }
        return true;
    }

    @Override
    public void zeroNonFinite(Tensor tensor) {
        ArrayTensor t = a(tensor);
        each(t, (off, len) -> {
            if (t.f64 != null) k.zeroNonFinite(t.f64, off, len);
            else if (t.f32 != null) k.zeroNonFinite(t.f32, off, len);
            else k.zeroNonFinite(t.h16, off, len, t.dtype().half());
        });
    }

    @Override
    public void addArray(Tensor tensor, double alpha, double[] values) {
        ArrayTensor t = a(tensor);
        checkLength(t, values);
        if (t.f64 != null) {
            k.axpy(alpha, values, 0, t.f64, t.offset, values.length);
        } else if (t.f32 != null) {
            ScalarKernels.addDoubles(alpha, values, t.f32, t.offset, values.length);
        } else {
            org.clipbench.kernel.Half h = t.dtype().half();
            for (int i = 0; i < values.length; i++) t.h16[t.offset + i] = h.encode((float) (h.decode(t.h16[t.offset + i]) + alpha * values[i]));
        }
    }

    @Override
    public void axpy(double alpha, Tensor x, Tensor y) {
        ArrayTensor tx = a(x);
        ArrayTensor ty = a(y);
        requireWide(x, "axpy");
        requireSameShape(tx, ty);
        each(ty, (off, len) -> {
            int xOff = tx.offset + (off - ty.offset);
            if (ty.f64 != null) k.axpy(alpha, tx.f64, xOff, ty.f64, off, len);
            else k.axpy((float) alpha, tx.f32, xOff, ty.f32, off, len);
        });
    }

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        ArrayTensor ta = a(a), tb = a(b), tc = a(c);
        requireWide(a, "gemm");
        int[] mnk = gemmDims(transA, transB, a, b, c);
        if (tc.f64 != null) {
            k.gemm(transA, transB, mnk[0], mnk[1], mnk[2], alpha, ta.f64, ta.offset, a.cols(), tb.f64, tb.offset, b.cols(),
                    beta, tc.f64, tc.offset, c.cols());
        } else {
            k.gemm(transA, transB, mnk[0], mnk[1], mnk[2], (float) alpha, ta.f32, ta.offset, a.cols(), tb.f32, tb.offset, b.cols(),
                    (float) beta, tc.f32, tc.offset, c.cols());
        }
    }

    /** m, n, k of c = op(a) op(b); IllegalArgumentException naming the shapes when they do not fit. */
    static int[] gemmDims(boolean transA, boolean transB, Tensor a, Tensor b, Tensor c) {
        int m = transA ? a.cols() : a.rows(), ka = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows(), n = transB ? b.rows() : b.cols();
        if (ka != kb || c.rows() != m || c.cols() != n || a.dtype() != c.dtype() || b.dtype() != c.dtype()) {
            throw new IllegalArgumentException("gemm shapes do not fit: op(" + a + ") x op(" + b + ") -> " + c
                    + " (transA=" + transA + ", transB=" + transB + ")");
        }
        return new int[] {m, n, ka};
    }

    static void requireRow(Tensor m, Tensor row) {
        if (row.rows() != 1 || row.cols() != m.cols() || row.dtype() != m.dtype()) {
            throw new IllegalArgumentException("need a 1 x " + m.cols() + " " + m.dtype() + " row for " + m + ", got " + row);
        }
    }

    @Override
    public void addRowVector(Tensor m, Tensor row) {
        ArrayTensor tm = a(m), tr = a(row);
        requireWide(m, "addRowVector");
        requireRow(m, row);
        for (int r = 0; r < m.rows(); r++) {
            int off = tm.offset + r * m.cols();
            if (tm.f64 != null) k.axpy(1.0, tr.f64, tr.offset, tm.f64, off, m.cols());
            else k.axpy(1.0f, tr.f32, tr.offset, tm.f32, off, m.cols());
        }
    }

    @Override
    public void sumRows(Tensor m, double beta, Tensor out) {
        ArrayTensor tm = a(m), to = a(out);
        requireWide(m, "sumRows");
        requireRow(m, out);
        int n = m.cols();
        if (to.f64 != null) {
            if (beta == 0) java.util.Arrays.fill(to.f64, to.offset, to.offset + n, 0.0);
            else if (beta != 1) k.scale(to.f64, to.offset, n, beta);
            for (int r = 0; r < m.rows(); r++) k.axpy(1.0, tm.f64, tm.offset + r * n, to.f64, to.offset, n);
        } else {
            if (beta == 0) java.util.Arrays.fill(to.f32, to.offset, to.offset + n, 0.0f);
            else if (beta != 1) k.scale(to.f32, to.offset, n, (float) beta);
            for (int r = 0; r < m.rows(); r++) k.axpy(1.0f, tm.f32, tm.offset + r * n, to.f32, to.offset, n);
        }
    }

    @Override
    public void activate(Activation f, Tensor x, Tensor y) {
        ArrayTensor tx = a(x), ty = a(y);
        requireWide(x, "activate");
        requireSameShape(tx, ty);
        if (ty.f64 != null) k.activate(f, tx.f64, tx.offset, ty.f64, ty.offset, (int) y.size());
        else k.activate(f, tx.f32, tx.offset, ty.f32, ty.offset, (int) y.size());
    }

    @Override
    public void activationBackward(Activation f, Tensor y, Tensor dy) {
        ArrayTensor ty = a(y), td = a(dy);
        requireWide(y, "activationBackward");
        requireSameShape(ty, td);
        if (td.f64 != null) k.activationBackward(f, ty.f64, ty.offset, td.f64, td.offset, (int) y.size());
        else k.activationBackward(f, ty.f32, ty.offset, td.f32, td.offset, (int) y.size());
    }

    @Override
    public void fill(Tensor tensor, double value) {
        ArrayTensor t = a(tensor);
        int n = (int) t.size();
        if (t.f64 != null) java.util.Arrays.fill(t.f64, t.offset, t.offset + n, value);
        else if (t.f32 != null) java.util.Arrays.fill(t.f32, t.offset, t.offset + n, (float) value);
        else java.util.Arrays.fill(t.h16, t.offset, t.offset + n, t.dtype().half().encode((float) value));
    }

    @Override
    public double dot(Tensor x, Tensor y) {
        ArrayTensor tx = a(x), ty = a(y);
        requireSameShape(tx, ty);
        int n = (int) x.size();
        double s = 0;
        if (tx.f64 != null) {
            for (int i = 0; i < n; i++) s += tx.f64[tx.offset + i] * ty.f64[ty.offset + i];
        } else {
            for (int i = 0; i < n; i++) s += (double) tx.f32[tx.offset + i] * ty.f32[ty.offset + i];
        }
        return s;
    }

    @Override
    public Tensor rows(Tensor tensor, int first, int count) {
        ArrayTensor t = a(tensor);
        Backend.checkRows(t, first, count);
        int off = t.offset + first * t.cols();
        String name = t.name() + "[" + first + ":" + (first + count) + "]";
        return t.f64 != null ? new ArrayTensor(name, count, t.cols(), t.f64, off) : new ArrayTensor(name, count, t.cols(), t.f32, off);
    }

    @Override
    public void addSquare(double alpha, Tensor x, Tensor y) {
        ArrayTensor tx = a(x), ty = a(y);
        requireWide(x, "addSquare");
        requireSameShape(tx, ty);
        int n = (int) y.size();
        if (ty.f64 != null) {
            for (int i = 0; i < n; i++) {
                double v = tx.f64[tx.offset + i];
                ty.f64[ty.offset + i] += alpha * v * v;
            }
        } else {
            float al = (float) alpha;
            for (int i = 0; i < n; i++) {
                float v = tx.f32[tx.offset + i];
                ty.f32[ty.offset + i] += al * v * v;
            }
        }
    }

    @Override
    public void adamDirection(Tensor m, Tensor v, double scale, double vScale, double eps, Tensor out) {
        ArrayTensor tm = a(m), tv = a(v), to = a(out);
        requireWide(m, "adamDirection");
        requireSameShape(tm, tv);
        requireSameShape(tm, to);
        int n = (int) out.size();
        if (to.f64 != null) {
            for (int i = 0; i < n; i++) {
                to.f64[to.offset + i] = scale * tm.f64[tm.offset + i] / (Math.sqrt(vScale * tv.f64[tv.offset + i]) + eps);
            }
        } else {
            for (int i = 0; i < n; i++) {
                to.f32[to.offset + i] = (float) (scale * tm.f32[tm.offset + i] / (Math.sqrt(vScale * tv.f32[tv.offset + i]) + eps));
            }
        }
    }

    @Override
    public String describe(Op op) {
        String how = k.description();
        return switch (op) {
            case NORM2_LIBRARY, NORM2_NAIVE -> "naive sqrt(sum x^2), " + how + " (overflows: plain Java has no library norm)";
            case NORM2_SAFE -> (k instanceof ScalarKernels ? "Blue's three-accumulator algorithm (f64) / f64 accumulation (f32, bf16, f16), "
                    : "block-scaled by powers of two (f64) / float lanes in blocks of 1,024 moved to an f64 total, widened rerun on "
                    + "overflow or underflow (f32, bf16, f16), ") + how;
            case NORM2_FAST_SAFE -> "naive sum, safe rerun on overflow/underflow, " + how;
            case GEMM -> "row-major gemm (axpy form; dot form for transposed B), " + how;
            case ADD_SQUARE, ADAM_DIRECTION -> "scalar loop (both array backends)";
            case DOT -> "scalar loop, f64 accumulation (both array backends)";
            case ROWS -> "a view: the same array at the rows' offset";
            default -> op.name().toLowerCase(java.util.Locale.ROOT) + ", " + how;
        };
    }

    // ---------------------------------------------------------------- helpers

    @FunctionalInterface
    private interface RangeReduce {
        double apply(int off, int len);
    }

    @FunctionalInterface
    private interface RangeAction {
        void apply(int from, int to);
    }

    /** Partial results over the team's chunks, in chunk order (one chunk when single-threaded or small). */
    private double[] reduce(ArrayTensor t, RangeReduce fn) {
        int n = (int) t.size();
        if (!split(n)) {
            return new double[] {fn.apply(t.offset, n)};
        }
        return team.run(team.chunksFor(n), (c, k) -> {
            int from = WorkerTeam.start(n, c, k);
            int to = WorkerTeam.start(n, c + 1, k);
            return fn.apply(t.offset + from, to - from);
        });
    }

    private void each(ArrayTensor t, RangeAction fn) {
        int n = (int) t.size();
        if (!split(n)) {
            fn.apply(t.offset, n);
            return;
        }
        reduce(t, (off, len) -> {
            fn.apply(off, len);
            return 0;
        });
    }

    /** Splits by whole rows so a row is never shared between threads. */
    private void forRows(ArrayTensor t, RangeAction fn) {
        int rows = t.rows();
        int chunks = split((int) t.size()) ? Math.min(team.chunksFor(t.size()), rows) : 1;
        if (chunks <= 1) {
            fn.apply(0, rows);
            return;
        }
        team.run(chunks, (c, k) -> {
            fn.apply(rows * c / k, rows * (c + 1) / k);
            return 0;
        });
    }

    @Override
    public void sgdStep(Tensor p, Tensor buf, Tensor g, double gScale, double gClip, double lr, double mu) {
        requireWide(p, "sgdStep");
        ArrayTensor tp = a(p), tg = a(g), tb = buf == null ? null : a(buf);
        sameLayout(tp, tg);
        if (tb != null) sameLayout(tp, tb);
        // element-wise: each thread steps its own range of every operand (one offset, checked above)
        if (tp.f64 != null) each(tp, (off, len) -> k.sgdStep(tp.f64, tb == null ? null : tb.f64, tg.f64, off, len, gScale, gClip, lr, mu));
        else each(tp, (off, len) -> k.sgdStep(tp.f32, tb == null ? null : tb.f32, tg.f32, off, len, gScale, gClip, lr, mu));
    }

    @Override
    public void adamStep(Tensor p, Tensor m, Tensor v, Tensor g, double gScale, double gClip, double stepScale, double b1, double b2,
                         double vScale, double eps, double decay) {
        requireWide(p, "adamStep");
        ArrayTensor tp = a(p), tm = a(m), tv = a(v), tg = a(g);
        sameLayout(tp, tg);
        sameLayout(tp, tm);
        sameLayout(tp, tv);
        if (tp.f64 != null) each(tp, (off, len) -> k.adamStep(tp.f64, tm.f64, tv.f64, tg.f64, off, len, gScale, gClip, stepScale, b1, b2, vScale, eps, decay));
        else each(tp, (off, len) -> k.adamStep(tp.f32, tm.f32, tv.f32, tg.f32, off, len, gScale, gClip, stepScale, b1, b2, vScale, eps, decay));
    }

    /** Row by row, each row's range stepped by the kernel with that row's factor (bit-identical to scaling the rows first). */
    @Override
    public void sgdStepRows(Tensor p, Tensor buf, Tensor g, double[] rowScale, double lr, double mu) {
        requireWide(p, "sgdStepRows");
        ArrayTensor tp = a(p), tg = a(g), tb = buf == null ? null : a(buf);
        sameLayout(tp, tg);
        if (tb != null) sameLayout(tp, tb);
        int cols = tp.cols();
        for (int r = 0; r < tp.rows(); r++) {
            int off = tp.offset + r * cols;
            if (tp.f64 != null) k.sgdStep(tp.f64, tb == null ? null : tb.f64, tg.f64, off, cols, rowScale[r], Double.POSITIVE_INFINITY, lr, mu);
            else k.sgdStep(tp.f32, tb == null ? null : tb.f32, tg.f32, off, cols, rowScale[r], Double.POSITIVE_INFINITY, lr, mu);
        }
    }

    @Override
    public void adamStepRows(Tensor p, Tensor m, Tensor v, Tensor g, double[] rowScale, double stepScale, double b1, double b2,
                             double vScale, double eps, double decay) {
        requireWide(p, "adamStepRows");
        ArrayTensor tp = a(p), tm = a(m), tv = a(v), tg = a(g);
        sameLayout(tp, tg);
        sameLayout(tp, tm);
        sameLayout(tp, tv);
        int cols = tp.cols();
        for (int r = 0; r < tp.rows(); r++) {
            int off = tp.offset + r * cols;
            if (tp.f64 != null) k.adamStep(tp.f64, tm.f64, tv.f64, tg.f64, off, cols, rowScale[r], Double.POSITIVE_INFINITY, stepScale, b1, b2, vScale, eps, decay);
            else k.adamStep(tp.f32, tm.f32, tv.f32, tg.f32, off, cols, rowScale[r], Double.POSITIVE_INFINITY, stepScale, b1, b2, vScale, eps, decay);
        }
    }

    /** The step kernels index every operand with one offset: the tensors must sit at the same place of same-layout storage. */
    private static void sameLayout(ArrayTensor a, ArrayTensor b) {
        requireSameShape(a, b);
        if (a.offset != b.offset) throw new IllegalArgumentException("step operands " + a + " and " + b + " sit at different offsets; give them one layout");
    }

    /**
     * 16-bit tensors hold gradients for clipping (norms, scale, clamp, copy, finite checks); model and optimizer
     * arithmetic on them is refused, never silently done in another precision.
     */
    private void requireWide(Tensor t, String op) {
        if (t.dtype().isHalf()) {
            throw new UnsupportedCombinationException(name + ": " + op + " on " + t.dtype() + " storage is not implemented (16-bit tensors "
                    + "hold gradients for clipping: norms, scale, clamp, copy); use f32");
        }
    }

    /** Whether a range of n elements is split over the team (chunks of WorkerTeam.GRAIN, claimed by whoever is free). */
    private boolean split(int n) {
        return team != null && n >= PARALLEL_MIN;
    }

    private static ArrayTensor a(Tensor t) {
        if (t instanceof ArrayTensor at) return at;
        throw new IllegalArgumentException("tensor " + t + " does not belong to a Java-array backend");
    }

    static void checkLength(Tensor t, double[] values) {
        if (values.length != t.size()) {
            throw new IllegalArgumentException("tensor " + t + " has " + t.size() + " elements but "
                    + values.length + " values were given");
        }
    }

    static void requireSameShape(Tensor a, Tensor b) {
        if (!a.sameShape(b) || a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("shape mismatch: " + a + " vs " + b);
        }
    }
}
