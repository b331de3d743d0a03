package org.clipbench.backend;

import java.util.List;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.util.MathArrays;
import org.clipbench.params.TensorSpec;

/**
 * Apache Commons Math 3 {@code ArrayRealVector} (f64 only), each tensor one vector in row-major
 * order. Commons Math has no f32 storage, no views into a shared buffer and no parallel vector ops,
 * so F32, the flat layout and threads > 1 are unsupported.
 */
public final class CommonsMathBackend implements Backend {

    /** A Commons Math vector with a 2-D shape on top. */
    public static final class CmTensor extends Tensor {
        final ArrayRealVector v;

        CmTensor(String name, int rows, int cols, ArrayRealVector v) {
            super(name, rows, cols, DType.F64);
            this.v = v;
        }

        public ArrayRealVector vector() {
            return v;
        }
    }

    public CommonsMathBackend(int threads) {
        if (threads != 1) {
            throw new UnsupportedCombinationException("commons-math runs single-threaded (RealVector ops "
                    + "have no parallel variant); use threads=1");
        }
    }

    @Override public String name() { return "commons-math"; }
    @Override public String library() { return "Apache Commons Math " + EjmlBackend.versionOf(ArrayRealVector.class, "3.6.1"); }
    @Override public int threads() { return 1; }
    @Override public boolean supports(DType dtype) { return dtype == DType.F64; }
    @Override public boolean supportsFlatLayout() { return false; }

    @Override
    public Tensor zeros(String name, int rows, int cols, DType dtype) {
        requireSupported(dtype);
        return new CmTensor(name, rows, cols, new ArrayRealVector(Math.multiplyExact(rows, cols)));
    }

    @Override
    public void assign(Tensor t, double[] values) {
        ArraysBackend.checkLength(t, values);
        c(t).v.setSubVector(0, values);
    }

    @Override
    public double[] toDoubles(Tensor t) {
        return c(t).v.toArray();
    }

    @Override
    public FlatAllocation allocateFlat(List<TensorSpec> specs, DType dtype) {
        throw new UnsupportedCombinationException("commons-math vectors cannot be views into a shared "
                + "buffer: the flat layout is not supported; use the separate layout");
    }

    @Override
    public double norm2(Tensor tensor, NormKind kind) {
        return norm2(c(tensor).v, kind);
    }

    private static double norm2(ArrayRealVector v, NormKind kind) {
        if (kind == NormKind.LIBRARY || kind == NormKind.NAIVE) {
            return v.getNorm(); // naive sqrt(sum x^2)
        }
        double n = MathArrays.safeNorm(v.getDataRef()); // MINPACK enorm: scaled, one pass
        if (Double.isNaN(n) || !v.isNaN()) return n;
        return Double.NaN;
    }

    @Override
    public double norm1(Tensor t) {
        return c(t).v.getL1Norm();
    }

    @Override
    public double normInf(Tensor t) {
        ArrayRealVector v = c(t).v;
        double m = v.getLInfNorm();
        return Double.isNaN(m) || !v.isNaN() ? m : Double.NaN;
    }

    @Override
    public void scale(Tensor t, double alpha) {
        c(t).v.mapMultiplyToSelf(alpha);
    }

    @Override
    public void clamp(Tensor t, double lo, double hi) {
        c(t).v.mapToSelf(x -> Math.min(hi, Math.max(lo, x)));
    }

    @Override
    public void rowNorms2(Tensor tensor, NormKind kind, double[] out) {
        CmTensor t = c(tensor);
        int cols = t.cols();
        for (int r = 0; r < t.rows(); r++) {
            out[r] = norm2((ArrayRealVector) t.v.getSubVector(r * cols, cols), kind);
        }
    }

    @Override
    public void scaleRows(Tensor tensor, double[] factors) {
        CmTensor t = c(tensor);
        int cols = t.cols();
        for (int r = 0; r < t.rows(); r++) {
            if (factors[r] == 1.0) continue;
            t.v.setSubVector(r * cols, t.v.getSubVector(r * cols, cols).mapMultiplyToSelf(factors[r]));
        }
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        ArraysBackend.requireSameShape(src, dst);
        c(dst).v.setSubVector(0, c(src).v);
    }

    @Override
    public boolean allFinite(Tensor t) {
        ArrayRealVector v = c(t).v;
        return !v.isNaN() && !v.isInfinite();
    }

    @Override
    public void zeroNonFinite(Tensor t) {
        c(t).v.mapToSelf(x -> Double.isFinite(x) ? x : 0.0);
    }

    @Override
    public void addArray(Tensor t, double alpha, double[] values) {
        ArraysBackend.checkLength(t, values);
        c(t).v.combineToSelf(1.0, alpha, new ArrayRealVector(values, false));
    }

    @Override
    public void axpy(double alpha, Tensor x, Tensor y) {
        ArraysBackend.requireSameShape(x, y);
        c(y).v.combineToSelf(1.0, alpha, c(x).v);
    }

    @Override
    public String describe(Op op) {
        return switch (op) {
            case NORM2_LIBRARY, NORM2_NAIVE -> "ArrayRealVector.getNorm (naive, overflows)";
            case NORM2_SAFE, NORM2_FAST_SAFE -> "MathArrays.safeNorm (MINPACK enorm, scaled)";
            case NORM1 -> "ArrayRealVector.getL1Norm";
            case NORM_INF -> "ArrayRealVector.getLInfNorm + isNaN";
            case SCALE -> "ArrayRealVector.mapMultiplyToSelf";
            case CLAMP -> "ArrayRealVector.mapToSelf(clamp function)";
            case ROW_NORMS2 -> "getSubVector (copies) + getNorm/safeNorm per row";
            case SCALE_ROWS -> "getSubVector + mapMultiplyToSelf + setSubVector per row (copies)";
            case COPY -> "ArrayRealVector.setSubVector";
            case ALL_FINITE -> "ArrayRealVector.isNaN + isInfinite";
            case ZERO_NON_FINITE -> "ArrayRealVector.mapToSelf(replace function)";
            case ADD_ARRAY -> "ArrayRealVector.combineToSelf";
        };
    }

    private static CmTensor c(Tensor t) {
        if (t instanceof CmTensor ct) return ct;
        throw new IllegalArgumentException("tensor " + t + " does not belong to the commons-math backend");
    }
}
