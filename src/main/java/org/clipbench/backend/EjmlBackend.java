package org.clipbench.backend;

import org.clipbench.kernel.Activation;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.MatrixFeatures_DDRM;
import org.ejml.dense.row.MatrixFeatures_FDRM;
import org.clipbench.kernel.ScalarKernels;
import org.ejml.dense.row.NormOps_DDRM;
import org.ejml.dense.row.NormOps_FDRM;

/**
 * EJML dense row-major matrices ({@code DMatrixRMaj} / {@code FMatrixRMaj}), computed with
 * {@code CommonOps_*}, {@code NormOps_*} and {@code MatrixFeatures_*}. EJML matrices cannot be views
 * into a shared buffer, so the flat layout is unsupported; EJML's dense ops are single-threaded.
 */
public final class EjmlBackend implements Backend {

    /** An EJML matrix of either precision. */
    public static final class EjmlTensor extends Tensor {
        final DMatrixRMaj d;
        final FMatrixRMaj f;

        EjmlTensor(String name, DMatrixRMaj d) {
            super(name, d.numRows, d.numCols, DType.F64);
            this.d = d;
            this.f = null;
        }

        EjmlTensor(String name, FMatrixRMaj f) {
            super(name, f.numRows, f.numCols, DType.F32);
            this.d = null;
            this.f = f;
        }

        public Object matrix() {
            return d != null ? d : f;
        }
    }

    public EjmlBackend(int threads) {
        if (threads != 1) {
            throw new UnsupportedCombinationException("ejml runs single-threaded (its dense norm, scale "
                    + "and add ops have no concurrent variant); use threads=1");
        }
    }

    @Override public String name() { return "ejml"; }
    @Override public String library() { return "EJML " + versionOf(DMatrixRMaj.class, "0.46.1"); }
    @Override public int threads() { return 1; }
    /** What this backend can run (f32 storage, the flat layout, more than one thread); the registry reads it unloaded. */
    public static final Backends.Capabilities CAPABILITIES = new Backends.Capabilities(true, false, false, false);

    @Override public Backends.Capabilities capabilities() { return CAPABILITIES; }

    @Override
    public Tensor zeros(String name, int rows, int cols, DType dtype) {
        requireSupported(dtype);
        return dtype == DType.F64 ? new EjmlTensor(name, new DMatrixRMaj(rows, cols))
                : new EjmlTensor(name, new FMatrixRMaj(rows, cols));
    }

    @Override
    public void assignRange(Tensor tensor, long offset, double[] values, int count) {
        EjmlTensor t = e(tensor);
        ArraysBackend.checkRange(t, offset, values, count);
        if (t.d != null) {
            System.arraycopy(values, 0, t.d.data, (int) offset, count);
        } else {
            for (int i = 0; i < count; i++) t.f.data[(int) offset + i] = (float) values[i];
        }
    }

    @Override
    public void assign(Tensor tensor, double[] values) {
        EjmlTensor t = e(tensor);
        ArraysBackend.checkLength(t, values);
        if (t.d != null) {
            System.arraycopy(values, 0, t.d.data, 0, values.length);
        } else {
            for (int i = 0; i < values.length; i++) t.f.data[i] = (float) values[i];
        }
    }

    @Override
    public double[] toDoubles(Tensor tensor) {
        EjmlTensor t = e(tensor);
        int n = (int) t.size();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = t.d != null ? t.d.data[i] : t.f.data[i];
        return out;
    }

    @Override
    public FlatAllocation allocateFlat(List<TensorSpec> specs, DType dtype) {
        throw new UnsupportedCombinationException("ejml has no matrix views into a shared buffer: "
                + "the flat layout is not supported; use the separate layout");
    }

    @Override
    public double norm2(Tensor tensor, NormKind kind) {
        EjmlTensor t = e(tensor);
        if (kind == NormKind.NAIVE) {
            return t.d != null ? NormOps_DDRM.fastNormF(t.d) : NormOps_FDRM.fastNormF(t.f);
        }
        // normF scales by max|x| first, so it is already safe for finite input. Its scale skips NaN:
        // NaN with only zeros gives 0, and [Inf, 1] gives NaN (Inf/Inf); the safe contract fixes both.
        double n = t.d != null ? NormOps_DDRM.normF(t.d) : NormOps_FDRM.normF(t.f);
        if (kind == NormKind.LIBRARY) return n;
        // f32: normF works in float, so finite entries whose norm exceeds 3.4e38 give Inf; the norm is a double
        if (t.f != null && n == Double.POSITIVE_INFINITY && allFinite(t)) {
            return ScalarKernels.INSTANCE.norm2Safe(t.f.data, 0, t.f.getNumElements());
        }
        if (n != 0 && !Double.isNaN(n)) return n;
        if (hasNaN(t)) return Double.NaN;
        return n == 0 ? 0 : Double.POSITIVE_INFINITY;
    }

    @Override
    public double norm1(Tensor tensor) {
        EjmlTensor t = e(tensor);
        return t.d != null ? CommonOps_DDRM.elementSumAbs(t.d) : CommonOps_FDRM.elementSumAbs(t.f);
    }

    @Override
    public double normInf(Tensor tensor) {
        EjmlTensor t = e(tensor);
        // elementMaxAbs skips NaN (a NaN never compares greater), so NaN is checked separately.
        double m = t.d != null ? CommonOps_DDRM.elementMaxAbs(t.d) : CommonOps_FDRM.elementMaxAbs(t.f);
        return hasNaN(t) ? Double.NaN : m;
    }

    @Override
    public void scale(Tensor tensor, double alpha) {
        EjmlTensor t = e(tensor);
        if (t.d != null) CommonOps_DDRM.scale(alpha, t.d);
        else CommonOps_FDRM.scale((float) alpha, t.f);
    }

    @Override
    public void clamp(Tensor tensor, double lo, double hi) {
        EjmlTensor t = e(tensor);
        // EJML has no element-wise clamp: fallback loop over the matrix's data array.
        if (t.d != null) {
            double[] a = t.d.data;
            for (int i = 0, n = t.d.getNumElements(); i < n; i++) a[i] = Math.min(hi, Math.max(lo, a[i]));
        } else {
            float[] a = t.f.data;
            float l = (float) lo, h = (float) hi;
            for (int i = 0, n = t.f.getNumElements(); i < n; i++) a[i] = Math.min(h, Math.max(l, a[i]));
        }
    }

    @Override
    public void rowNorms2(Tensor tensor, NormKind kind, double[] out) {
        EjmlTensor t = e(tensor);
        if (t.d != null) {
            DMatrixRMaj row = new DMatrixRMaj(1, t.cols());
            for (int r = 0; r < t.rows(); r++) {
                CommonOps_DDRM.extractRow(t.d, r, row);
                out[r] = norm2(new EjmlTensor(t.name(), row), kind);
            }
        } else {
            FMatrixRMaj row = new FMatrixRMaj(1, t.cols());
            for (int r = 0; r < t.rows(); r++) {
                CommonOps_FDRM.extractRow(t.f, r, row);
                out[r] = norm2(new EjmlTensor(t.name(), row), kind);
            }
        }
    }

    @Override
    public void scaleRows(Tensor tensor, double[] factors) {
        EjmlTensor t = e(tensor);
        for (int r = 0; r < t.rows(); r++) {
            if (factors[r] == 1.0) continue;
            if (t.d != null) CommonOps_DDRM.scaleRow(factors[r], t.d, r);
            else CommonOps_FDRM.scaleRow((float) factors[r], t.f, r);
        }
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        EjmlTensor s = e(src);
        EjmlTensor d = e(dst);
        ArraysBackend.requireSameShape(s, d);
        if (s.d != null) d.d.setTo(s.d);
        else d.f.setTo(s.f);
    }

    @Override
    public boolean allFinite(Tensor tensor) {
        EjmlTensor t = e(tensor);
        return t.d != null ? !MatrixFeatures_DDRM.hasUncountable(t.d) : !MatrixFeatures_FDRM.hasUncountable(t.f);
    }

    @Override
    public void zeroNonFinite(Tensor tensor) {
        EjmlTensor t = e(tensor);
        // No EJML op replaces NaN/Inf: fallback loop over the data array.
        if (t.d != null) {
            double[] a = t.d.data;
            for (int i = 0, n = t.d.getNumElements(); i < n; i++) if (!Double.isFinite(a[i])) a[i] = 0;
        } else {
            float[] a = t.f.data;
            for (int i = 0, n = t.f.getNumElements(); i < n; i++) if (!Float.isFinite(a[i])) a[i] = 0;
        }
    }

    @Override
    public void addArray(Tensor tensor, double alpha, double[] values) {
        EjmlTensor t = e(tensor);
        ArraysBackend.checkLength(t, values);
        if (t.d != null) {
            CommonOps_DDRM.addEquals(t.d, alpha, DMatrixRMaj.wrap(t.rows(), t.cols(), values));
        } else {
            float[] a = t.f.data;
            for (int i = 0; i < values.length; i++) a[i] = (float) (a[i] + alpha * values[i]);
        }
    }

    @Override
    public void axpy(double alpha, Tensor x, Tensor y) {
        EjmlTensor tx = e(x);
        EjmlTensor ty = e(y);
        ArraysBackend.requireSameShape(tx, ty);
        if (ty.d != null) CommonOps_DDRM.addEquals(ty.d, alpha, tx.d);
        else CommonOps_FDRM.addEquals(ty.f, (float) alpha, tx.f);
    }

    @Override
    public String describe(Op op) {
        return switch (op) {
            case NORM2_LIBRARY -> "NormOps.normF (scaled by max|x|: safe for finite input; [Inf,1] gives NaN)";
            case NORM2_SAFE, NORM2_FAST_SAFE -> "NormOps.normF; a result of 0 or NaN is checked with MatrixFeatures.hasNaN (NaN -> NaN, Inf/Inf -> Inf); an f32 result of Inf on finite entries (normF works in float) is recomputed in double";
            case NORM2_NAIVE -> "NormOps.fastNormF (naive, overflows)";
            case NORM1 -> "CommonOps.elementSumAbs";
            case NORM_INF -> "CommonOps.elementMaxAbs + MatrixFeatures.hasNaN (elementMaxAbs skips NaN)";
            case SCALE -> "CommonOps.scale";
            case CLAMP -> "fallback: loop over data[] (EJML has no element-wise clamp)";
            case ROW_NORMS2 -> "CommonOps.extractRow + NormOps.normF per row";
            case SCALE_ROWS -> "CommonOps.scaleRow";
            case COPY -> "Matrix.setTo";
            case ALL_FINITE -> "MatrixFeatures.hasUncountable";
            case ZERO_NON_FINITE -> "fallback: loop over data[] (EJML has no replace op)";
            case ADD_ARRAY -> "CommonOps_DDRM.addEquals on a wrapped array (f32: fallback loop)";
            case GEMM -> "CommonOps.mult/multTransA/multTransB/multTransAB, multAdd* when beta != 0";
            case ADD_ROW_VECTOR -> "fallback: loop over data[] (EJML has no broadcast add)";
            case SUM_ROWS -> "CommonOps.sumCols + CommonOps.add";
            case ACTIVATE, ACTIVATION_BACKWARD -> "fallback: loop over data[] (EJML has no element-wise functions)";
            case FILL -> "CommonOps.fill";
            case ADD_SQUARE, ADAM_DIRECTION -> "fallback: loop over data[] (EJML has no element-wise ops)";
            case DOT -> "fallback: loop over data[], f64 accumulation (EJML's innerProd is for vectors)";
            case ROWS -> "not supported: each matrix owns its array (no views)";
        };
    }

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        ArraysBackend.gemmDims(transA, transB, a, b, c);
        EjmlTensor ta = e(a), tb = e(b), tc = e(c);
        if (tc.d != null) {
            if (beta == 0) {
                if (!transA && !transB) CommonOps_DDRM.mult(alpha, ta.d, tb.d, tc.d);
                else if (transA && !transB) CommonOps_DDRM.multTransA(alpha, ta.d, tb.d, tc.d);
                else if (!transA) CommonOps_DDRM.multTransB(alpha, ta.d, tb.d, tc.d);
                else CommonOps_DDRM.multTransAB(alpha, ta.d, tb.d, tc.d);
                return;
            }
            if (beta != 1) CommonOps_DDRM.scale(beta, tc.d);
            if (!transA && !transB) CommonOps_DDRM.multAdd(alpha, ta.d, tb.d, tc.d);
            else if (transA && !transB) CommonOps_DDRM.multAddTransA(alpha, ta.d, tb.d, tc.d);
            else if (!transA) CommonOps_DDRM.multAddTransB(alpha, ta.d, tb.d, tc.d);
            else CommonOps_DDRM.multAddTransAB(alpha, ta.d, tb.d, tc.d);
        } else {
            float al = (float) alpha;
            if (beta == 0) {
                if (!transA && !transB) CommonOps_FDRM.mult(al, ta.f, tb.f, tc.f);
                else if (transA && !transB) CommonOps_FDRM.multTransA(al, ta.f, tb.f, tc.f);
                else if (!transA) CommonOps_FDRM.multTransB(al, ta.f, tb.f, tc.f);
                else CommonOps_FDRM.multTransAB(al, ta.f, tb.f, tc.f);
                return;
            }
            if (beta != 1) CommonOps_FDRM.scale((float) beta, tc.f);
            if (!transA && !transB) CommonOps_FDRM.multAdd(al, ta.f, tb.f, tc.f);
            else if (transA && !transB) CommonOps_FDRM.multAddTransA(al, ta.f, tb.f, tc.f);
            else if (!transA) CommonOps_FDRM.multAddTransB(al, ta.f, tb.f, tc.f);
            else CommonOps_FDRM.multAddTransAB(al, ta.f, tb.f, tc.f);
        }
    }

    @Override
    public void addRowVector(Tensor m, Tensor row) {
        ArraysBackend.requireRow(m, row);
        EjmlTensor tm = e(m), tr = e(row);
        int n = m.cols();
        // EJML has no broadcast add: fallback loop over the data arrays
        for (int r = 0; r < m.rows(); r++) {
            for (int j = 0; j < n; j++) {
                if (tm.d != null) tm.d.data[r * n + j] += tr.d.data[j];
                else tm.f.data[r * n + j] += tr.f.data[j];
            }
        }
    }

    @Override
    public void sumRows(Tensor m, double beta, Tensor out) {
        ArraysBackend.requireRow(m, out);
        EjmlTensor tm = e(m), to = e(out);
        if (to.d != null) {
            DMatrixRMaj sums = CommonOps_DDRM.sumCols(tm.d, null);
            CommonOps_DDRM.add(beta, to.d, 1.0, sums, to.d);
        } else {
            FMatrixRMaj sums = CommonOps_FDRM.sumCols(tm.f, null);
            CommonOps_FDRM.add((float) beta, to.f, 1.0f, sums, to.f);
        }
    }

    @Override
    public void activate(org.clipbench.kernel.Activation f, Tensor x, Tensor y) {
        ArraysBackend.requireSameShape(x, y);
        EjmlTensor tx = e(x), ty = e(y);
        // EJML has no element-wise functions: fallback loop
        for (int i = 0, n = (int) y.size(); i < n; i++) {
            if (ty.d != null) ty.d.data[i] = f.apply(tx.d.data[i]);
            else ty.f.data[i] = (float) f.apply(tx.f.data[i]);
        }
    }

    @Override
    public void activationBackward(org.clipbench.kernel.Activation f, Tensor y, Tensor dy) {
        ArraysBackend.requireSameShape(y, dy);
        EjmlTensor ty = e(y), td = e(dy);
        for (int i = 0, n = (int) y.size(); i < n; i++) {
            if (td.d != null) td.d.data[i] *= f.derivativeFromOutput(ty.d.data[i]);
            else td.f.data[i] *= (float) f.derivativeFromOutput(ty.f.data[i]);
        }
    }

    @Override
    public void fill(Tensor t, double value) {
        EjmlTensor te = e(t);
        if (te.d != null) CommonOps_DDRM.fill(te.d, value);
        else CommonOps_FDRM.fill(te.f, (float) value);
    }

    @Override
    public double dot(Tensor x, Tensor y) {
        ArraysBackend.requireSameShape(x, y);
        EjmlTensor tx = e(x), ty = e(y);
        int n = (int) x.size();
        double s = 0;
        if (tx.d != null) {
            for (int i = 0; i < n; i++) s += tx.d.data[i] * ty.d.data[i];
        } else {
            for (int i = 0; i < n; i++) s += (double) tx.f.data[i] * ty.f.data[i];
        }
        return s;
    }

    @Override
    public void addSquare(double alpha, Tensor x, Tensor y) {
        ArraysBackend.requireSameShape(x, y);
        EjmlTensor tx = e(x), ty = e(y);
        // EJML has no element-wise square-and-add: fallback loop
        for (int i = 0, n = (int) y.size(); i < n; i++) {
            if (ty.d != null) ty.d.data[i] += alpha * tx.d.data[i] * tx.d.data[i];
            else ty.f.data[i] += (float) alpha * tx.f.data[i] * tx.f.data[i];
        }
    }

    @Override
    public void adamDirection(Tensor m, Tensor v, double scale, double vScale, double eps, Tensor out) {
        ArraysBackend.requireSameShape(m, v);
        ArraysBackend.requireSameShape(m, out);
        EjmlTensor tm = e(m), tv = e(v), to = e(out);
        for (int i = 0, n = (int) out.size(); i < n; i++) {
            if (to.d != null) to.d.data[i] = scale * tm.d.data[i] / (Math.sqrt(vScale * tv.d.data[i]) + eps);
            else to.f.data[i] = (float) (scale * tm.f.data[i] / (Math.sqrt(vScale * tv.f.data[i]) + eps));
        }
    }

    private static boolean hasNaN(EjmlTensor t) {
        return t.d != null ? MatrixFeatures_DDRM.hasNaN(t.d) : MatrixFeatures_FDRM.hasNaN(t.f);
    }

    private static EjmlTensor e(Tensor t) {
        if (t instanceof EjmlTensor et) return et;
        throw new IllegalArgumentException("tensor " + t + " does not belong to the ejml backend");
    }

    static String versionOf(Class<?> c, String fallback) {
        String v = c.getPackage().getImplementationVersion();
        return v != null ? v : fallback;
    }
}
