package org.clipbench.kernel;

import static org.clipbench.kernel.ScalarKernels.BLOCK;
import static org.clipbench.kernel.ScalarKernels.FAST_SAFE_LOW_F32;
import static org.clipbench.kernel.ScalarKernels.FAST_SAFE_LOW_F64;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD twins of {@link ScalarKernels} on the Java Vector API (preferred species), same ranges and
 * conventions. Tails shorter than a vector fall back to the scalar loop.
 */
public final class VectorKernels implements ArrayKernels {
    /** The one instance: the kernels keep no state. */
    public static final VectorKernels INSTANCE = new VectorKernels();

    private VectorKernels() {
    }

    @Override
    public String description() {
        return "Java Vector API, " + describeSpecies();
    }

    public static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Floats with as many lanes as {@link #D}, for widening f32 to f64 one vector at a time. */
    private static final VectorSpecies<Float> F_AS_D =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));

    public static String describeSpecies() {
        return D.vectorBitSize() + "-bit (" + D.length() + " x f64, " + F.length() + " x f32)";
    }

    // ---------------------------------------------------------------- L2, f64

    /** sqrt(sum x^2) with four vector accumulators (latency of the fma chain, not precision). */
    @Override
    public double norm2Naive(double[] a, int off, int len) {
        return Math.sqrt(sumSquares(a, off, len));
    }

    private static double sumSquares(double[] a, int off, int len) {
        int step = D.length();
        int end = off + len;
        int i = off;
        DoubleVector s0 = DoubleVector.zero(D), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = off + len - 4 * step; i <= bound; i += 4 * step) {
            DoubleVector v0 = DoubleVector.fromArray(D, a, i);
            DoubleVector v1 = DoubleVector.fromArray(D, a, i + step);
            DoubleVector v2 = DoubleVector.fromArray(D, a, i + 2 * step);
            DoubleVector v3 = DoubleVector.fromArray(D, a, i + 3 * step);
            s0 = v0.fma(v0, s0);
            s1 = v1.fma(v1, s1);
            s2 = v2.fma(v2, s2);
            s3 = v3.fma(v3, s3);
        }
        for (int bound = end - step; i <= bound; i += step) {
            DoubleVector v = DoubleVector.fromArray(D, a, i);
            s0 = v.fma(v, s0);
        }
        double s = Lanes.sum(s0.add(s1).add(s2.add(s3)));
        for (; i < end; i++) {
            s += a[i] * a[i];
        }
        return s;
    }

    /**
     * Safe, at naive speed on ordinary data: per block of {@link ScalarKernels#BLOCK} elements the plain
     * SIMD sum of squares is kept when it lies in [2^-960, 2^900]; a block outside (overflow, an
     * infinite entry, possible underflow) is summed again as (x * 2^-e)^2 with 2^e <= max|x| < 2^(e+1),
     * so every scaled square is below 4. Blocks combine as (sum, power of two) pairs, like LAPACK's
     * dlassq but with exact power-of-two scales. NaN anywhere gives NaN; else an infinite entry gives +Inf.
     * (A max-based version without the first pass was 9x slower on JDK 17: lane-wise MAX is slow there.)
     */
    @Override
    public double norm2Safe(double[] a, int off, int len) {
        int end = off + len;
        double ssq = 0;
        int unitExp = 0;
        boolean infinite = false;
        for (int start = off; start < end; start += BLOCK) {
            int n = Math.min(end, start + BLOCK) - start;
            double block = sumSquares(a, start, n);
            if (Double.isNaN(block)) return Double.NaN;
            int e = 0;
            if (!(block >= FAST_SAFE_LOW_F64 && block <= BLOCK_HIGH)) {
                double m = maxAbsNoNaN(a, start, n);
                if (m == Double.POSITIVE_INFINITY) infinite = true;
                if (m == 0 || infinite) continue; // after an Inf only NaN can change the answer
                e = Math.getExponent(m);
                block = scaledSumSquares(a, start, n, Math.scalb(1.0, -e));
            }
            if (infinite) continue;
            // the block's true sum is block * 4^e
            if (ssq == 0) {
                ssq = block;
                unitExp = e;
            } else if (e > unitExp) {
                ssq = Math.scalb(ssq, 2 * (unitExp - e)) + block;
                unitExp = e;
            } else {
                ssq += Math.scalb(block, 2 * (e - unitExp));
            }
        }
        if (infinite) return Double.POSITIVE_INFINITY;
        return Math.scalb(Math.sqrt(ssq), unitExp);
    }

    /** Unscaled block sums above this are rescaled, so that adding many of them cannot overflow. */
    private static final double BLOCK_HIGH = 0x1p900;

    /** max |x| of a range known to hold no NaN. */
    private static double maxAbsNoNaN(double[] a, int off, int len) {
        double m = 0;
        for (int i = off; i < off + len; i++) {
            double x = Math.abs(a[i]);
            if (x > m) m = x;
        }
        return m;
    }

    /** sum (s * x)^2 over the range. */
    private static double scaledSumSquares(double[] a, int off, int len, double s) {
        int step = D.length();
        int end = off + len;
        int i = off;
        DoubleVector s0 = DoubleVector.zero(D), s1 = s0;
        for (int bound = end - 2 * step; i <= bound; i += 2 * step) {
            DoubleVector v0 = DoubleVector.fromArray(D, a, i).mul(s);
            DoubleVector v1 = DoubleVector.fromArray(D, a, i + step).mul(s);
            s0 = v0.fma(v0, s0);
            s1 = v1.fma(v1, s1);
        }
        double sum = Lanes.sum(s0.add(s1));
        for (; i < end; i++) {
            double y = a[i] * s;
            sum += y * y;
        }
        return sum;
    }

    @Override

    public double norm2FastSafe(double[] a, int off, int len) {
        double s = sumSquares(a, off, len);
        if (ScalarKernels.fastSafeResult(s, FAST_SAFE_LOW_F64)) return Math.sqrt(s);
        return Double.isNaN(s) ? Double.NaN : norm2Safe(a, off, len);
    }

    // ---------------------------------------------------------------- L2, f32

    /** sqrt(sum x^2) accumulated in float lanes, one pass, as a naive SIMD kernel does. */
    @Override
    public double norm2Naive(float[] a, int off, int len) {
        int step = F.length();
        int end = off + len;
        int i = off;
        FloatVector s0 = FloatVector.zero(F), s1 = s0;
        for (int bound = end - 2 * step; i <= bound; i += 2 * step) {
            FloatVector v0 = FloatVector.fromArray(F, a, i);
            FloatVector v1 = FloatVector.fromArray(F, a, i + step);
            s0 = v0.fma(v0, s0);
            s1 = v1.fma(v1, s1);
        }
        float s = Lanes.sum(s0.add(s1));
        for (; i < end; i++) {
            s += a[i] * a[i];
        }
        return Math.sqrt(s);
    }

    /**
     * The default (safe) f32 norm: the blocked float-lane kernel of {@link #norm2FastSafe(float[], int, int)},
     * at naive speed, which is safe for every finite input because a total out of float's safe range is
     * recomputed by {@link #norm2Widened}. (It used to be the widened kernel itself: 1.3-4x naive, and
     * slower than PyTorch's clip on 4M floats in cache.)
     */
    @Override
    public double norm2Safe(float[] a, int off, int len) {
        return norm2FastSafe(a, off, len);
    }

    /** Widened to f64 lanes: every float squared fits a double, so nothing can overflow or underflow. */
    public static double norm2Widened(float[] a, int off, int len) {
        int step = F_AS_D.length();
        int end = off + len;
        int i = off;
        DoubleVector acc = DoubleVector.zero(D);
        for (int bound = end - step; i <= bound; i += step) {
            DoubleVector x = (DoubleVector) FloatVector.fromArray(F_AS_D, a, i)
                    .convertShape(VectorOperators.F2D, D, 0);
            acc = x.fma(x, acc);
        }
        double s = Lanes.sum(acc);
        for (; i < end; i++) {
            double x = a[i];
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /**
     * Float lanes at full SIMD width, their sums moved to a double total every {@link ScalarKernels#BLOCK}
     * elements (so float rounding stays small); reruns the widened kernel on overflow or underflow.
     */
    @Override
    public double norm2FastSafe(float[] a, int off, int len) {
        int step = F.length();
        int end = off + len;
        double total = 0;
        int i = off;
        for (int start = off; start < end; start += BLOCK) {
            int stop = Math.min(end, start + BLOCK);
            FloatVector s0 = FloatVector.zero(F), s1 = s0;
            for (int bound = stop - 2 * step; i <= bound; i += 2 * step) {
                FloatVector v0 = FloatVector.fromArray(F, a, i);
                FloatVector v1 = FloatVector.fromArray(F, a, i + step);
                s0 = v0.fma(v0, s0);
                s1 = v1.fma(v1, s1);
            }
            double block = Lanes.sum(s0.add(s1));
            for (; i < stop; i++) {
                block += a[i] * a[i]; // float product: the same overflow behaviour as the lanes
            }
            total += block;
        }
        if (ScalarKernels.fastSafeResult(total, FAST_SAFE_LOW_F32)) return Math.sqrt(total);
        return Double.isNaN(total) ? Double.NaN : norm2Widened(a, off, len);
    }

    // ---------------------------------------------------------------- 16-bit storage (f32 arithmetic)

    /** sqrt(sum x^2) in float lanes, as {@link #norm2Naive(float[], int, int)}. */
    @Override
    public double norm2Naive(short[] a, int off, int len, Half format) {
        int step = F.length();
        int end = off + len;
        int i = off;
        FloatVector s0 = FloatVector.zero(F);
        for (int bound = end - step; i <= bound; i += step) {
            FloatVector v = HalfLanes.decode(a, i, format);
            s0 = v.fma(v, s0);
        }
        float s = Lanes.sum(s0);
        for (; i < end; i++) {
            float x = format.decode(a[i]);
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /** The default (safe) 16-bit norm, as for f32: the blocked kernel, safe for every finite input through its rerun. */
    @Override
    public double norm2Safe(short[] a, int off, int len, Half format) {
        return norm2FastSafe(a, off, len, format);
    }

    /** Float lanes, their sums moved to a double total every {@link ScalarKernels#BLOCK}; the f64 kernel reruns on overflow or underflow. */
    @Override
    public double norm2FastSafe(short[] a, int off, int len, Half format) {
        int step = F.length();
        int end = off + len;
        double total = 0;
        int i = off;
        for (int start = off; start < end; start += BLOCK) {
            int stop = Math.min(end, start + BLOCK);
            FloatVector s0 = FloatVector.zero(F), s1 = s0;
            for (int bound = stop - 2 * step; i <= bound; i += 2 * step) {
                FloatVector v0 = HalfLanes.decode(a, i, format), v1 = HalfLanes.decode(a, i + step, format);
                s0 = v0.fma(v0, s0);
                s1 = v1.fma(v1, s1);
            }
            double block = Lanes.sum(s0.add(s1));
            for (; i < stop; i++) {
                float x = format.decode(a[i]);
                block += x * x;
            }
            total += block;
        }
        if (ScalarKernels.fastSafeResult(total, FAST_SAFE_LOW_F32)) return Math.sqrt(total);
        return Double.isNaN(total) ? Double.NaN : ScalarKernels.INSTANCE.norm2Safe(a, off, len, format);
    }

    @Override
    public double norm1(short[] a, int off, int len, Half format) {
        return ScalarKernels.INSTANCE.norm1(a, off, len, format);
    }

    @Override
    public double normInf(short[] a, int off, int len, Half format) {
        return ScalarKernels.INSTANCE.normInf(a, off, len, format);
    }

    /** Decoded, multiplied in float lanes, rounded back: bit for bit the scalar twin's result. */
    @Override
    public void scale(short[] a, int off, int len, float alpha, Half format) {
        int step = F.length();
        int end = off + len;
        int i = off;
        for (int bound = end - step; i <= bound; i += step) {
            HalfLanes.encode(HalfLanes.decode(a, i, format).mul(alpha), a, i, format);
        }
        ScalarKernels.INSTANCE.scale(a, i, end - i, alpha, format);
    }

    @Override
    public void clamp(short[] a, int off, int len, float lo, float hi, Half format) {
        ScalarKernels.INSTANCE.clamp(a, off, len, lo, hi, format);
    }

    @Override
    public boolean allFinite(short[] a, int off, int len, Half format) {
        return ScalarKernels.INSTANCE.allFinite(a, off, len, format);
    }

    @Override
    public void zeroNonFinite(short[] a, int off, int len, Half format) {
        ScalarKernels.INSTANCE.zeroNonFinite(a, off, len, format);
    }

    // ---------------------------------------------------------------- L1, Linf

    @Override

    public double norm1(double[] a, int off, int len) {
        int step = D.length();
        int end = off + len;
        int i = off;
        DoubleVector acc = DoubleVector.zero(D);
        for (int bound = end - step; i <= bound; i += step) {
            acc = acc.add(DoubleVector.fromArray(D, a, i).abs());
        }
        double s = Lanes.sum(acc);
        for (; i < end; i++) {
            s += Math.abs(a[i]);
        }
        return s;
    }

    @Override

    public double norm1(float[] a, int off, int len) {
        int step = F_AS_D.length();
        int end = off + len;
        int i = off;
        DoubleVector acc = DoubleVector.zero(D);
        for (int bound = end - step; i <= bound; i += step) {
            acc = acc.add(((DoubleVector) FloatVector.fromArray(F_AS_D, a, i)
                    .convertShape(VectorOperators.F2D, D, 0)).abs());
        }
        double s = Lanes.sum(acc);
        for (; i < end; i++) {
            s += Math.abs(a[i]);
        }
        return s;
    }

    /** Lane-wise MAX follows Math.max, so NaN propagates. */
    @Override
    public double normInf(double[] a, int off, int len) {
        int step = D.length();
        int end = off + len;
        int i = off;
        DoubleVector acc = DoubleVector.zero(D);
        for (int bound = end - step; i <= bound; i += step) {
            acc = acc.max(DoubleVector.fromArray(D, a, i).abs());
        }
        double m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < end; i++) {
            m = Math.max(m, Math.abs(a[i]));
        }
        return m;
    }

    @Override

    public double normInf(float[] a, int off, int len) {
        int step = F.length();
        int end = off + len;
        int i = off;
        FloatVector acc = FloatVector.zero(F);
        for (int bound = end - step; i <= bound; i += step) {
            acc = acc.max(FloatVector.fromArray(F, a, i).abs());
        }
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < end; i++) {
            m = Math.max(m, Math.abs(a[i]));
        }
        return m;
    }

    // ---------------------------------------------------------------- element-wise

    @Override

    public void scale(double[] a, int off, int len, double alpha) {
        int step = D.length();
        int end = off + len;
        int i = off;
        for (int bound = end - step; i <= bound; i += step) {
            DoubleVector.fromArray(D, a, i).mul(alpha).intoArray(a, i);
        }
        for (; i < end; i++) {
            a[i] *= alpha;
        }
    }

    @Override

    public void scale(float[] a, int off, int len, float alpha) {
        int step = F.length();
        int end = off + len;
        int i = off;
        for (int bound = end - step; i <= bound; i += step) {
            FloatVector.fromArray(F, a, i).mul(alpha).intoArray(a, i);
        }
        for (; i < end; i++) {
            a[i] *= alpha;
        }
    }

    @Override

    public void clamp(double[] a, int off, int len, double lo, double hi) {
        int step = D.length();
        int end = off + len;
        int i = off;
        for (int bound = end - step; i <= bound; i += step) {
            DoubleVector.fromArray(D, a, i).max(lo).min(hi).intoArray(a, i);
        }
        for (; i < end; i++) {
            a[i] = Math.min(hi, Math.max(lo, a[i]));
        }
    }

    @Override

    public void clamp(float[] a, int off, int len, float lo, float hi) {
        int step = F.length();
        int end = off + len;
        int i = off;
        for (int bound = end - step; i <= bound; i += step) {
            FloatVector.fromArray(F, a, i).max(lo).min(hi).intoArray(a, i);
        }
        for (; i < end; i++) {
            a[i] = Math.min(hi, Math.max(lo, a[i]));
        }
    }

    @Override

    public boolean allFinite(double[] a, int off, int len) {
        int step = D.length();
        int end = off + len;
        int i = off;
        DoubleVector probe = DoubleVector.zero(D);
        for (int bound = end - step; i <= bound; i += step) {
            probe = probe.add(DoubleVector.fromArray(D, a, i).mul(0.0));
        }
        double p = Lanes.sum(probe);
        for (; i < end; i++) {
            p += a[i] * 0.0;
        }
        return p == 0;
    }

    @Override

    public boolean allFinite(float[] a, int off, int len) {
        int step = F.length();
        int end = off + len;
        int i = off;
        FloatVector probe = FloatVector.zero(F);
        for (int bound = end - step; i <= bound; i += step) {
            probe = probe.add(FloatVector.fromArray(F, a, i).mul(0.0f));
        }
        float p = Lanes.sum(probe);
        for (; i < end; i++) {
            p += a[i] * 0.0f;
        }
        return p == 0;
    }

    @Override

    public void zeroNonFinite(double[] a, int off, int len) {
        int step = D.length();
        int end = off + len;
        int i = off;
        for (int bound = end - step; i <= bound; i += step) {
            DoubleVector v = DoubleVector.fromArray(D, a, i);
            VectorMask<Double> bad = v.mul(0.0).compare(VectorOperators.NE, 0.0);
            if (bad.anyTrue()) v.blend(0.0, bad).intoArray(a, i);
        }
        ScalarKernels.INSTANCE.zeroNonFinite(a, i, end - i);
    }

    @Override

    public void zeroNonFinite(float[] a, int off, int len) {
        int step = F.length();
        int end = off + len;
        int i = off;
        for (int bound = end - step; i <= bound; i += step) {
            FloatVector v = FloatVector.fromArray(F, a, i);
            VectorMask<Float> bad = v.mul(0.0f).compare(VectorOperators.NE, 0.0f);
            if (bad.anyTrue()) v.blend(0.0f, bad).intoArray(a, i);
        }
        ScalarKernels.INSTANCE.zeroNonFinite(a, i, end - i);
    }

    /** Multiply then add (not fma), so results match the scalar kernel bit for bit. */
    @Override
    public void axpy(double alpha, double[] x, int xOff, double[] a, int off, int len) {
        int step = D.length();
        int i = 0;
        for (int bound = len - step; i <= bound; i += step) {
            DoubleVector.fromArray(D, x, xOff + i).mul(alpha).add(DoubleVector.fromArray(D, a, off + i))
                    .intoArray(a, off + i);
        }
        ScalarKernels.INSTANCE.axpy(alpha, x, xOff + i, a, off + i, len - i);
    }

    @Override

    public void axpy(float alpha, float[] x, int xOff, float[] a, int off, int len) {
        int step = F.length();
        int i = 0;
        for (int bound = len - step; i <= bound; i += step) {
            FloatVector.fromArray(F, x, xOff + i).mul(alpha).add(FloatVector.fromArray(F, a, off + i))
                    .intoArray(a, off + i);
        }
        ScalarKernels.INSTANCE.axpy(alpha, x, xOff + i, a, off + i, len - i);
    }

    // ---------------------------------------------------------------- matrices

    /** SIMD twin of {@link ScalarKernels#gemm(boolean, boolean, int, int, int, double, double[], int, int, double[], int, int, double, double[], int, int)}. */
    @Override
    public void gemm(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int aOff, int lda,
                            double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc) {
        if (tb) {
            // dot products reduce across lanes for every element of C; transposing B (k x n, small next to
            // the product) lets the contiguous axpy form below do all the work
            double[] bt = ScalarKernels.transpose(b, bOff, ldb, n, k);
            gemm(ta, false, m, n, k, alpha, a, aOff, lda, bt, 0, n, beta, c, cOff, ldc);
            return;
        }
        int step = D.length();
        double[] arow = new double[k];
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0) java.util.Arrays.fill(c, ci, ci + n, 0.0);
            else if (beta != 1) scale(c, ci, n, beta);
            for (int p = 0; p < k; p++) arow[p] = alpha * (ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
            // vectors of C stay in registers while the k products accumulate into them; four at a time,
            // so four independent fma chains hide the fma latency
            int j = 0;
            for (int bound = n - 4 * step; j <= bound; j += 4 * step) {
                DoubleVector c0 = DoubleVector.fromArray(D, c, ci + j), c1 = DoubleVector.fromArray(D, c, ci + j + step);
                DoubleVector c2 = DoubleVector.fromArray(D, c, ci + j + 2 * step), c3 = DoubleVector.fromArray(D, c, ci + j + 3 * step);
                for (int p = 0; p < k; p++) {
                    DoubleVector av = DoubleVector.broadcast(D, arow[p]);
                    int bp = bOff + p * ldb + j;
                    c0 = DoubleVector.fromArray(D, b, bp).fma(av, c0);
                    c1 = DoubleVector.fromArray(D, b, bp + step).fma(av, c1);
                    c2 = DoubleVector.fromArray(D, b, bp + 2 * step).fma(av, c2);
                    c3 = DoubleVector.fromArray(D, b, bp + 3 * step).fma(av, c3);
                }
                c0.intoArray(c, ci + j);
                c1.intoArray(c, ci + j + step);
                c2.intoArray(c, ci + j + 2 * step);
                c3.intoArray(c, ci + j + 3 * step);
            }
            for (int bound = n - step; j <= bound; j += step) {
                DoubleVector acc = DoubleVector.fromArray(D, c, ci + j);
                for (int p = 0; p < k; p++) {
                    acc = DoubleVector.fromArray(D, b, bOff + p * ldb + j).fma(DoubleVector.broadcast(D, arow[p]), acc);
                }
                acc.intoArray(c, ci + j);
            }
            for (; j < n; j++) {
                double sum = c[ci + j];
                for (int p = 0; p < k; p++) sum += arow[p] * b[bOff + p * ldb + j];
                c[ci + j] = sum;
            }
        }
    }

    @Override

    public void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (tb) {
            float[] bt = ScalarKernels.transpose(b, bOff, ldb, n, k);
            gemm(ta, false, m, n, k, alpha, a, aOff, lda, bt, 0, n, beta, c, cOff, ldc);
            return;
        }
        int step = F.length();
        float[] arow = new float[k];
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0) java.util.Arrays.fill(c, ci, ci + n, 0.0f);
            else if (beta != 1) scale(c, ci, n, beta);
            for (int p = 0; p < k; p++) arow[p] = alpha * (ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
            int j = 0;
            for (int bound = n - 4 * step; j <= bound; j += 4 * step) {
                FloatVector c0 = FloatVector.fromArray(F, c, ci + j), c1 = FloatVector.fromArray(F, c, ci + j + step);
                FloatVector c2 = FloatVector.fromArray(F, c, ci + j + 2 * step), c3 = FloatVector.fromArray(F, c, ci + j + 3 * step);
                for (int p = 0; p < k; p++) {
                    FloatVector av = FloatVector.broadcast(F, arow[p]);
                    int bp = bOff + p * ldb + j;
                    c0 = FloatVector.fromArray(F, b, bp).fma(av, c0);
                    c1 = FloatVector.fromArray(F, b, bp + step).fma(av, c1);
                    c2 = FloatVector.fromArray(F, b, bp + 2 * step).fma(av, c2);
                    c3 = FloatVector.fromArray(F, b, bp + 3 * step).fma(av, c3);
                }
                c0.intoArray(c, ci + j);
                c1.intoArray(c, ci + j + step);
                c2.intoArray(c, ci + j + 2 * step);
                c3.intoArray(c, ci + j + 3 * step);
            }
            for (int bound = n - step; j <= bound; j += step) {
                FloatVector acc = FloatVector.fromArray(F, c, ci + j);
                for (int p = 0; p < k; p++) {
                    acc = FloatVector.fromArray(F, b, bOff + p * ldb + j).fma(FloatVector.broadcast(F, arow[p]), acc);
                }
                acc.intoArray(c, ci + j);
            }
            for (; j < n; j++) {
                float sum = c[ci + j];
                for (int p = 0; p < k; p++) sum += arow[p] * b[bOff + p * ldb + j];
                c[ci + j] = sum;
            }
        }
    }

    /** sum x[i] * y[i]. */
    public static double dot(double[] x, int xOff, double[] y, int yOff, int len) {
        int step = D.length();
        int p = 0;
        DoubleVector acc = DoubleVector.zero(D);
        for (int bound = len - step; p <= bound; p += step) {
            acc = DoubleVector.fromArray(D, x, xOff + p).fma(DoubleVector.fromArray(D, y, yOff + p), acc);
        }
        double s = Lanes.sum(acc);
        for (; p < len; p++) s += x[xOff + p] * y[yOff + p];
        return s;
    }

    /**
     * y = f(x). TANH and SIGMOID use the scalar functions lane by lane: the Vector API's lanewise TANH and
     * EXP run Math's functions until C2 compiles them and Intel SVML after, which differ in the last bits,
     * so results would depend on JIT timing and sweeps would not be bit-identical. RELU and IDENTITY are SIMD.
     */
    @Override
    public void activate(org.clipbench.kernel.Activation f, double[] x, int xOff, double[] y, int yOff, int len) {
        if (f == org.clipbench.kernel.Activation.TANH || f == org.clipbench.kernel.Activation.SIGMOID) {
            ScalarKernels.INSTANCE.activate(f, x, xOff, y, yOff, len);
            return;
        }
        int step = D.length();
        int i = 0;
        for (int bound = len - step; i <= bound; i += step) {
            DoubleVector v = DoubleVector.fromArray(D, x, xOff + i);
            (f == org.clipbench.kernel.Activation.RELU ? v.max(0.0) : v).intoArray(y, yOff + i);
        }
        ScalarKernels.INSTANCE.activate(f, x, xOff + i, y, yOff + i, len - i);
    }

    @Override

    public void activate(org.clipbench.kernel.Activation f, float[] x, int xOff, float[] y, int yOff, int len) {
        if (f == org.clipbench.kernel.Activation.TANH || f == org.clipbench.kernel.Activation.SIGMOID) {
            ScalarKernels.INSTANCE.activate(f, x, xOff, y, yOff, len);
            return;
        }
        int step = F.length();
        int i = 0;
        for (int bound = len - step; i <= bound; i += step) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            (f == org.clipbench.kernel.Activation.RELU ? v.max(0.0f) : v).intoArray(y, yOff + i);
        }
        ScalarKernels.INSTANCE.activate(f, x, xOff + i, y, yOff + i, len - i);
    }

    /** dy *= f'(from y). */
    @Override
    public void activationBackward(org.clipbench.kernel.Activation f, double[] y, int yOff, double[] dy, int dOff, int len) {
        int step = D.length();
        int i = 0;
        for (int bound = len - step; i <= bound; i += step) {
            DoubleVector yv = DoubleVector.fromArray(D, y, yOff + i);
            DoubleVector d = switch (f) {
                case IDENTITY -> DoubleVector.broadcast(D, 1.0);
                case TANH -> yv.mul(yv).neg().add(1.0);
                case SIGMOID -> yv.mul(yv.neg().add(1.0));
                case RELU -> DoubleVector.zero(D).blend(1.0, yv.compare(VectorOperators.GT, 0.0));
            };
            DoubleVector.fromArray(D, dy, dOff + i).mul(d).intoArray(dy, dOff + i);
        }
        ScalarKernels.INSTANCE.activationBackward(f, y, yOff + i, dy, dOff + i, len - i);
    }

    @Override

    public void activationBackward(org.clipbench.kernel.Activation f, float[] y, int yOff, float[] dy, int dOff, int len) {
        int step = F.length();
        int i = 0;
        for (int bound = len - step; i <= bound; i += step) {
            FloatVector yv = FloatVector.fromArray(F, y, yOff + i);
            FloatVector d = switch (f) {
                case IDENTITY -> FloatVector.broadcast(F, 1.0f);
                case TANH -> yv.mul(yv).neg().add(1.0f);
                case SIGMOID -> yv.mul(yv.neg().add(1.0f));
                case RELU -> FloatVector.zero(F).blend(1.0f, yv.compare(VectorOperators.GT, 0.0f));
            };
            FloatVector.fromArray(F, dy, dOff + i).mul(d).intoArray(dy, dOff + i);
        }
        ScalarKernels.INSTANCE.activationBackward(f, y, yOff + i, dy, dOff + i, len - i);
    }

    @Override
    public void sgdStep(double[] p, double[] buf, double[] g, int off, int len, double gScale, double gClip, double lr, double mu) {
        int step = D.length(), end = off + len, i = off;
        double nlr = -lr;
        for (int bound = end - step; i <= bound; i += step) {
            DoubleVector gi = DoubleVector.fromArray(D, g, i).mul(gScale).max(-gClip).min(gClip);
            if (buf != null) {
                gi = DoubleVector.fromArray(D, buf, i).mul(mu).add(gi);
                gi.intoArray(buf, i);
            }
            DoubleVector.fromArray(D, p, i).add(gi.mul(nlr)).intoArray(p, i);
        }
        if (i < end) ScalarKernels.INSTANCE.sgdStep(p, buf, g, i, end - i, gScale, gClip, lr, mu);
    }

    @Override
    public void sgdStep(float[] p, float[] buf, float[] g, int off, int len, double gScale, double gClip, double lr, double mu) {
        int step = F.length(), end = off + len, i = off;
        float nlr = (float) -lr, s = (float) gScale, hi = (float) gClip, mf = (float) mu;
        for (int bound = end - step; i <= bound; i += step) {
            FloatVector gi = FloatVector.fromArray(F, g, i).mul(s).max(-hi).min(hi);
            if (buf != null) {
                gi = FloatVector.fromArray(F, buf, i).mul(mf).add(gi);
                gi.intoArray(buf, i);
            }
            FloatVector.fromArray(F, p, i).add(gi.mul(nlr)).intoArray(p, i);
        }
        if (i < end) ScalarKernels.INSTANCE.sgdStep(p, buf, g, i, end - i, gScale, gClip, lr, mu);
    }

    @Override
    public void adamStep(double[] p, double[] m, double[] v, double[] g, int off, int len, double gScale, double gClip,
                         double stepScale, double b1, double b2, double vScale, double eps, double decay) {
        int step = D.length(), end = off + len, i = off;
        double c1 = 1 - b1, c2 = 1 - b2;
        for (int bound = end - step; i <= bound; i += step) {
            DoubleVector gi = DoubleVector.fromArray(D, g, i).mul(gScale).max(-gClip).min(gClip);
            DoubleVector mi = DoubleVector.fromArray(D, m, i).mul(b1).add(gi.mul(c1));
            DoubleVector vi = DoubleVector.fromArray(D, v, i).mul(b2).add(gi.mul(c2).mul(gi));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            DoubleVector pi = DoubleVector.fromArray(D, p, i);
            DoubleVector dir = mi.mul(stepScale).div(vi.mul(vScale).sqrt().add(eps));
            if (decay != 0) dir = dir.add(pi.mul(decay));
            pi.add(dir).intoArray(p, i);
        }
        if (i < end) ScalarKernels.INSTANCE.adamStep(p, m, v, g, i, end - i, gScale, gClip, stepScale, b1, b2, vScale, eps, decay);
    }

    /** The direction in f32 lanes (the scalar twin forms it in f64 and rounds once): equal within an ulp. */
    @Override
    public void adamStep(float[] p, float[] m, float[] v, float[] g, int off, int len, double gScale, double gClip,
                         double stepScale, double b1, double b2, double vScale, double eps, double decay) {
        int step = F.length(), end = off + len, i = off;
        float s = (float) gScale, hi = (float) gClip, fb1 = (float) b1, fb2 = (float) b2, c1 = (float) (1 - b1), c2 = (float) (1 - b2);
        float fs = (float) stepScale, fv = (float) vScale, fe = (float) eps, fd = (float) decay;
        for (int bound = end - step; i <= bound; i += step) {
            FloatVector gi = FloatVector.fromArray(F, g, i).mul(s).max(-hi).min(hi);
            FloatVector mi = FloatVector.fromArray(F, m, i).mul(fb1).add(gi.mul(c1));
            FloatVector vi = FloatVector.fromArray(F, v, i).mul(fb2).add(gi.mul(c2).mul(gi));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector pi = FloatVector.fromArray(F, p, i);
            FloatVector dir = mi.mul(fs).div(vi.mul(fv).sqrt().add(fe));
            if (decay != 0) dir = dir.add(pi.mul(fd));
            pi.add(dir).intoArray(p, i);
        }
        if (i < end) ScalarKernels.INSTANCE.adamStep(p, m, v, g, i, end - i, gScale, gClip, stepScale, b1, b2, vScale, eps, decay);
    }
}
