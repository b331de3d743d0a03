package org.clipbench.backend;

import org.clipbench.kernel.Activation;
import java.util.List;
import org.apache.commons.math3.analysis.UnivariateFunction;
import org.apache.commons.math3.analysis.function.Sigmoid;
import org.apache.commons.math3.analysis.function.Tanh;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.util.MathArrays;

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
    /** What this backend can run (f32 storage, the flat layout, more than one thread); the registry reads it unloaded. */
    public static final Backends.Capabilities CAPABILITIES = new Backends.Capabilities(false, false, false, false);

    @Override public Backends.Capabilities capabilities() { return CAPABILITIES; }

    @Override
    public Tensor zeros(String name, int rows, int cols, DType dtype) {
        requireSupported(dtype);
        return new CmTensor(name, rows, cols, new ArrayRealVector(Math.multiplyExact(rows, cols)));
    }

    @Override
    public void assignRange(Tensor t, long offset, double[] values, int count) {
        ArraysBackend.checkRange(t, offset, values, count);
        c(t).v.setSubVector((int) offset, count == values.length ? values : java.util.Arrays.copyOf(values, count));
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
            case GEMM -> "copies into Array2DRowRealMatrix (vector storage has no matrix view), RealMatrix.multiply, combineToSelf";
            case ADD_ROW_VECTOR -> "getSubVector + add + setSubVector per row";
            case SUM_ROWS -> "combineToSelf of each row's getSubVector";
            case ACTIVATE -> "ArrayRealVector.map/mapToSelf with analysis.function.Tanh/Sigmoid";
            case ACTIVATION_BACKWARD -> "ArrayRealVector.map + ebeMultiply";
            case FILL -> "ArrayRealVector.set";
            case ADD_SQUARE -> "ebeMultiply + combineToSelf";
            case ADAM_DIRECTION -> "mapMultiply, mapToSelf(sqrt), mapAddToSelf, ebeDivide";
            case DOT -> "ArrayRealVector.dotProduct";
            case ROWS -> "not supported: vector storage has no views";
        };
    }

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        ArraysBackend.gemmDims(transA, transB, a, b, c);
        RealMatrix ma = matrix(c(a)), mb = matrix(c(b));
        RealMatrix prod = (transA ? ma.transpose() : ma).multiply(transB ? mb.transpose() : mb);
        ArrayRealVector flat = new ArrayRealVector(c.rows() * c.cols());
        for (int r = 0; r < c.rows(); r++) flat.setSubVector(r * c.cols(), prod.getRow(r));
        ArrayRealVector vc = c(c).v;
        if (beta == 0) vc.set(0.0); // BLAS semantics: C is overwritten, NaN in it does not survive
        vc.combineToSelf(beta == 0 ? 1.0 : beta, alpha, flat);
    }

    /** The vector storage has no matrix view: a copy into an Array2DRowRealMatrix. */
    private static RealMatrix matrix(CmTensor t) {
        double[][] rows = new double[t.rows()][];
        double[] d = t.v.getDataRef();
        for (int r = 0; r < t.rows(); r++) rows[r] = java.util.Arrays.copyOfRange(d, r * t.cols(), (r + 1) * t.cols());
        return new Array2DRowRealMatrix(rows, false);
    }

    @Override
    public void addRowVector(Tensor m, Tensor row) {
        ArraysBackend.requireRow(m, row);
        ArrayRealVector vm = c(m).v, vr = c(row).v;
        int n = m.cols();
        for (int r = 0; r < m.rows(); r++) {
            vm.setSubVector(r * n, vm.getSubVector(r * n, n).add(vr));
        }
    }

    @Override
    public void sumRows(Tensor m, double beta, Tensor out) {
        ArraysBackend.requireRow(m, out);
        ArrayRealVector vm = c(m).v, vo = c(out).v;
        int n = m.cols();
        if (beta == 0) vo.set(0.0);
        else if (beta != 1) vo.mapMultiplyToSelf(beta);
        for (int r = 0; r < m.rows(); r++) vo.combineToSelf(1.0, 1.0, vm.getSubVector(r * n, n));
    }

    @Override
    public void activate(org.clipbench.kernel.Activation f, Tensor x, Tensor y) {
        ArraysBackend.requireSameShape(x, y);
        UnivariateFunction fn = switch (f) {
            case IDENTITY -> v -> v;
            case TANH -> new Tanh();
            case SIGMOID -> new Sigmoid();
            case RELU -> v -> v > 0 ? v : 0;
        };
        if (x == y) c(y).v.mapToSelf(fn);
        else c(y).v.setSubVector(0, c(x).v.map(fn));
    }

    @Override
    public void activationBackward(org.clipbench.kernel.Activation f, Tensor y, Tensor dy) {
        ArraysBackend.requireSameShape(y, dy);
        ArrayRealVector vy = c(y).v;
        ArrayRealVector derivative = vy.map(f::derivativeFromOutput);
        c(dy).v.setSubVector(0, c(dy).v.ebeMultiply(derivative));
    }

    @Override
    public void fill(Tensor t, double value) {
        c(t).v.set(value);
    }

    @Override
    public double dot(Tensor x, Tensor y) {
        ArraysBackend.requireSameShape(x, y);
        return c(x).v.dotProduct(c(y).v);
    }

    @Override
    public void addSquare(double alpha, Tensor x, Tensor y) {
        ArraysBackend.requireSameShape(x, y);
        ArrayRealVector vx = c(x).v;
        c(y).v.combineToSelf(1.0, alpha, vx.ebeMultiply(vx));
    }

    @Override
    public void adamDirection(Tensor m, Tensor v, double scale, double vScale, double eps, Tensor out) {
        ArraysBackend.requireSameShape(m, v);
        ArraysBackend.requireSameShape(m, out);
        ArrayRealVector denominator = (ArrayRealVector) c(v).v.mapMultiply(vScale).mapToSelf(Math::sqrt).mapAddToSelf(eps);
        c(out).v.setSubVector(0, c(m).v.ebeDivide(denominator).mapMultiplyToSelf(scale));
    }

    private static CmTensor c(Tensor t) {
        if (t instanceof CmTensor ct) return ct;
        throw new IllegalArgumentException("tensor " + t + " does not belong to the commons-math backend");
    }
}
