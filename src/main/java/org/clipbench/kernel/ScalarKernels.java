package org.clipbench.kernel;

/**
 * Plain-loop kernels on Java arrays, each on the range [off, off + len). The scalar twin of
 * {@link VectorKernels}; tests check the two against each other and against a BigDecimal reference.
 *
 * <p>Norm conventions (safe and fast-safe): NaN anywhere gives NaN; otherwise an infinite entry gives
 * +Inf. The naive kernels overflow to Inf for |x| above ~1.3e154 (f64) or ~1.8e19 (f32) and lose
 * everything below ~1e-154 (f64) or ~1e-19 (f32).
 */
public final class ScalarKernels implements ArrayKernels {
    /** The one instance: the kernels keep no state. */
    public static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public String description() {
        return "scalar Java loops";
    }

    // Blue's constants for IEEE double (Anderson 2017, LAPACK 3.10 dnrm2): squares of values between
    // TSML and TBIG neither overflow nor underflow; outside, values are scaled by SSML or SBIG first.
    public static final double TSML = 0x1p-511;
    public static final double TBIG = 0x1p486;
    public static final double SSML = 0x1p537;
    public static final double SBIG = 0x1p-538;

    /** Elements summed in one block before the block's sum joins the total (keeps rounding error ~sqrt(block)). */
    public static final int BLOCK = 1024;

    /**
     * Below this a naive f64 sum of squares may have lost relative accuracy to underflow (subnormal
     * squares), so fast-safe reruns the safe kernel. Above it, n * 2^-1074 absolute error is negligible.
     */
    public static final double FAST_SAFE_LOW_F64 = 0x1p-960;
    /** The same bound for sums accumulated in float: n * 2^-149 must stay negligible. */
    public static final double FAST_SAFE_LOW_F32 = 0x1p-90;

    // ---------------------------------------------------------------- L2, f64

    /** sqrt(sum x^2), one accumulator, as a plain Java loop is usually written. */
    @Override
    public double norm2Naive(double[] a, int off, int len) {
        double s = 0;
        for (int i = off, end = off + len; i < end; i++) {
            s += a[i] * a[i];
        }
        return Math.sqrt(s);
    }

    /** Blue's three-accumulator algorithm: one pass, no division, correct for every finite input. */
    @Override
    public double norm2Safe(double[] a, int off, int len) {
        double abig = 0, amed = 0, asml = 0;
        int end = off + len;
        for (int start = off; start < end; start += BLOCK) {
            int stop = Math.min(end, start + BLOCK);
            double blockMed = 0;
            for (int i = start; i < stop; i++) {
                double ax = Math.abs(a[i]);
                if (ax > TBIG) {
                    double y = ax * SBIG;
                    abig += y * y;
                } else if (ax < TSML) {
                    double y = ax * SSML;
                    asml += y * y;
                } else {
                    blockMed += ax * ax; // also catches NaN: no comparison above holds for it
                }
            }
            amed += blockMed;
        }
        return combineBlue(abig, amed, asml);
    }

    /** The final step of Blue's algorithm, shared by the scalar and SIMD kernels. */
    public static double combineBlue(double abig, double amed, double asml) {
        if (abig > 0) {
            if (amed > 0 || Double.isNaN(amed)) {
                abig += (amed * SBIG) * SBIG;
            }
            return Math.sqrt(abig) / SBIG;
        }
        if (asml > 0) {
            if (amed > 0 || Double.isNaN(amed)) {
                double med = Math.sqrt(amed);
                double sml = Math.sqrt(asml) / SSML;
                double ymin = Math.min(med, sml);
                double ymax = Math.max(med, sml);
                double r = ymin / ymax;
                return ymax * Math.sqrt(1 + r * r);
            }
            return Math.sqrt(asml) / SSML;
        }
        return Math.sqrt(amed);
    }

    /** Naive loop; reruns {@link #norm2Safe} only if the sum overflowed or may have underflowed. */
    @Override
    public double norm2FastSafe(double[] a, int off, int len) {
        double s = 0;
        for (int i = off, end = off + len; i < end; i++) {
            s += a[i] * a[i];
        }
        return fastSafeResult(s, FAST_SAFE_LOW_F64) ? Math.sqrt(s) : norm2SafeOrNaN(s, a, off, len);
    }

    /** True when a naive sum of squares can be trusted: finite and far from underflow. */
    public static boolean fastSafeResult(double sumSquares, double low) {
        return sumSquares >= low && sumSquares < Double.POSITIVE_INFINITY;
    }

    private double norm2SafeOrNaN(double s, double[] a, int off, int len) {
        return Double.isNaN(s) ? Double.NaN : norm2Safe(a, off, len);
    }

    // ---------------------------------------------------------------- L2, f32

    /** sqrt(sum x^2) accumulated in float: what a plain float loop computes. */
    @Override
    public double norm2Naive(float[] a, int off, int len) {
        float s = 0;
        for (int i = off, end = off + len; i < end; i++) {
            s += a[i] * a[i];
        }
        return Math.sqrt(s);
    }

    /**
     * Accumulated in double, in blocks. Every float squared fits a double (3.4e38^2 and 1.4e-45^2 are
     * in range), so no scaling is needed: this is exact up to rounding for every finite float input.
     */
    @Override
    public double norm2Safe(float[] a, int off, int len) {
        double total = 0;
        int end = off + len;
        for (int start = off; start < end; start += BLOCK) {
            int stop = Math.min(end, start + BLOCK);
            double s = 0;
            for (int i = start; i < stop; i++) {
                double x = a[i];
                s += x * x;
            }
            total += s;
        }
        return Math.sqrt(total);
    }

    /**
     * Float accumulation (four independent sums, so the add latency does not serialise the loop), moved
     * into a double total every {@link #BLOCK} elements; reruns {@link #norm2Safe} on overflow or underflow.
     */
    @Override
    public double norm2FastSafe(float[] a, int off, int len) {
        double total = 0;
        int end = off + len;
        for (int start = off; start < end; start += BLOCK) {
            int stop = Math.min(end, start + BLOCK);
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = start;
            for (; i + 3 < stop; i += 4) {
                s0 += a[i] * a[i];
                s1 += a[i + 1] * a[i + 1];
                s2 += a[i + 2] * a[i + 2];
                s3 += a[i + 3] * a[i + 3];
            }
            for (; i < stop; i++) s0 += a[i] * a[i];
            total += (double) (s0 + s1) + (double) (s2 + s3);
        }
        if (fastSafeResult(total, FAST_SAFE_LOW_F32)) return Math.sqrt(total);
        return Double.isNaN(total) ? Double.NaN : norm2Safe(a, off, len);
    }

    // ---------------------------------------------------------------- 16-bit storage (f32 arithmetic)

    /** sqrt(sum x^2) accumulated in one float, as {@link #norm2Naive(float[], int, int)}. */
    @Override
    public double norm2Naive(short[] a, int off, int len, Half format) {
        float s = 0;
        for (int i = off, end = off + len; i < end; i++) {
            float x = format.decode(a[i]);
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /** Accumulated in double, in blocks: exact up to rounding (every float squared fits a double). */
    @Override
    public double norm2Safe(short[] a, int off, int len, Half format) {
        double total = 0;
        int end = off + len;
        for (int start = off; start < end; start += BLOCK) {
            int stop = Math.min(end, start + BLOCK);
            double s = 0;
            for (int i = start; i < stop; i++) {
                double x = format.decode(a[i]);
                s += x * x;
            }
            total += s;
        }
        return Math.sqrt(total);
    }

    /** Float sums per {@link #BLOCK} moved into a double total, as the f32 kernel; the safe kernel reruns on overflow or underflow. */
    @Override
    public double norm2FastSafe(short[] a, int off, int len, Half format) {
        double total = 0;
        int end = off + len;
        for (int start = off; start < end; start += BLOCK) {
            int stop = Math.min(end, start + BLOCK);
            float s0 = 0, s1 = 0;
            int i = start;
            for (; i + 1 < stop; i += 2) {
                float x0 = format.decode(a[i]), x1 = format.decode(a[i + 1]);
                s0 += x0 * x0;
                s1 += x1 * x1;
            }
            for (; i < stop; i++) {
                float x = format.decode(a[i]);
                s0 += x * x;
            }
            total += (double) s0 + s1;
        }
        if (fastSafeResult(total, FAST_SAFE_LOW_F32)) return Math.sqrt(total);
        return Double.isNaN(total) ? Double.NaN : norm2Safe(a, off, len, format);
    }

    @Override
    public double norm1(short[] a, int off, int len, Half format) {
        double s = 0;
        for (int i = off, end = off + len; i < end; i++) s += Math.abs(format.decode(a[i]));
        return s;
    }

    /**
     * max |x| from the bits: in both formats the magnitude bits (sign cleared) order finite values and infinity as
     * their values, and every NaN pattern lies above infinity's, so the largest pattern decodes to max |x| or NaN.
     */
    @Override
    public double normInf(short[] a, int off, int len, Half format) {
        int m = 0;
        for (int i = off, end = off + len; i < end; i++) m = Math.max(m, a[i] & 0x7fff);
        return format.decode((short) m);
    }

    /** x = round(x * alpha) in float, then to the format (nearest even). */
    @Override
    public void scale(short[] a, int off, int len, float alpha, Half format) {
        for (int i = off, end = off + len; i < end; i++) a[i] = format.encode(format.decode(a[i]) * alpha);
    }

    /** Values inside [lo, hi] keep their bits (decoding and encoding a 16-bit value is exact); NaN stays NaN. */
    @Override
    public void clamp(short[] a, int off, int len, float lo, float hi, Half format) {
        for (int i = off, end = off + len; i < end; i++) {
            float x = format.decode(a[i]);
            float c = Math.min(hi, Math.max(lo, x));
            if (Float.floatToRawIntBits(c) != Float.floatToRawIntBits(x)) a[i] = format.encode(c);
        }
    }

    /** From the bits: an all-ones exponent field is infinity or NaN. */
    @Override
    public boolean allFinite(short[] a, int off, int len, Half format) {
        int exponent = exponentMask(format);
        for (int i = off, end = off + len; i < end; i++) {
            if ((a[i] & exponent) == exponent) return false;
        }
        return true;
    }

    @Override
    public void zeroNonFinite(short[] a, int off, int len, Half format) {
        int exponent = exponentMask(format);
        for (int i = off, end = off + len; i < end; i++) {
            if ((a[i] & exponent) == exponent) a[i] = 0;
        }
    }

    /** The exponent field's bits of a 16-bit pattern. */
    static int exponentMask(Half format) {
        return format == Half.BF16 ? 0x7f80 : 0x7c00;
    }

    // ---------------------------------------------------------------- L1, Linf

    @Override

    public double norm1(double[] a, int off, int len) {
        double s = 0;
        for (int i = off, end = off + len; i < end; i++) {
            s += Math.abs(a[i]);
        }
        return s;
    }

    @Override

    public double norm1(float[] a, int off, int len) {
        double s = 0;
        for (int i = off, end = off + len; i < end; i++) {
            s += Math.abs(a[i]);
        }
        return s;
    }

    /** max |x|; Math.max propagates NaN. */
    @Override
    public double normInf(double[] a, int off, int len) {
        double m = 0;
        for (int i = off, end = off + len; i < end; i++) {
            m = Math.max(m, Math.abs(a[i]));
        }
        return m;
    }

    @Override

    public double normInf(float[] a, int off, int len) {
        float m = 0;
        for (int i = off, end = off + len; i < end; i++) {
            m = Math.max(m, Math.abs(a[i]));
        }
        return m;
    }

    // ---------------------------------------------------------------- element-wise

    @Override

    public void scale(double[] a, int off, int len, double alpha) {
        for (int i = off, end = off + len; i < end; i++) {
            a[i] *= alpha;
        }
    }

    @Override

    public void scale(float[] a, int off, int len, float alpha) {
        for (int i = off, end = off + len; i < end; i++) {
            a[i] *= alpha;
        }
    }

    /** Math.min/max keep NaN and keep the bits of values inside the range (including -0.0). */
    @Override
    public void clamp(double[] a, int off, int len, double lo, double hi) {
        for (int i = off, end = off + len; i < end; i++) {
            a[i] = Math.min(hi, Math.max(lo, a[i]));
        }
    }

    @Override

    public void clamp(float[] a, int off, int len, float lo, float hi) {
        for (int i = off, end = off + len; i < end; i++) {
            a[i] = Math.min(hi, Math.max(lo, a[i]));
        }
    }

    /** x * 0 is 0 for finite x and NaN for NaN or Inf, so one branch-free sum answers the question. */
    @Override
    public boolean allFinite(double[] a, int off, int len) {
        double probe = 0;
        for (int i = off, end = off + len; i < end; i++) {
            probe += a[i] * 0.0;
        }
        return probe == 0;
    }

    @Override

    public boolean allFinite(float[] a, int off, int len) {
        float probe = 0;
        for (int i = off, end = off + len; i < end; i++) {
            probe += a[i] * 0.0f;
        }
        return probe == 0;
    }

    @Override

    public void zeroNonFinite(double[] a, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            if (!Double.isFinite(a[i])) a[i] = 0;
        }
    }

    @Override

    public void zeroNonFinite(float[] a, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            if (!Float.isFinite(a[i])) a[i] = 0;
        }
    }

    /** a[off + i] += alpha * x[xOff + i]. */
    @Override
    public void axpy(double alpha, double[] x, int xOff, double[] a, int off, int len) {
        for (int i = 0; i < len; i++) {
            a[off + i] += alpha * x[xOff + i];
        }
    }

    @Override

    public void axpy(float alpha, float[] x, int xOff, float[] a, int off, int len) {
        for (int i = 0; i < len; i++) {
            a[off + i] += alpha * x[xOff + i];
        }
    }

    /** Adds a double[] (e.g. noise) into float storage, rounding once per element. */
    public static void addDoubles(double alpha, double[] x, float[] a, int off, int len) {
        for (int i = 0; i < len; i++) {
            a[off + i] = (float) (a[off + i] + alpha * x[i]);
        }
    }

    // ---------------------------------------------------------------- matrices (row-major, leading dimensions)

    /**
     * C = alpha op(A) op(B) + beta C with C m x n and inner dimension k. beta = 0 overwrites C (as BLAS
     * does, so NaN in C does not survive). Untransposed B runs row by row (axpy form); transposed B as
     * dot products, so both walk memory contiguously.
     */
    @Override
    public void gemm(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int aOff, int lda,
                            double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc) {
        if (tb && m > 1) {
            // the axpy form has no reduction, so C2 vectorises it; the dot form cannot be
            gemm(ta, false, m, n, k, alpha, a, aOff, lda, transpose(b, bOff, ldb, n, k), 0, n, beta, c, cOff, ldc);
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0) java.util.Arrays.fill(c, ci, ci + n, 0.0);
            else if (beta != 1) for (int j = 0; j < n; j++) c[ci + j] *= beta;
            if (!tb) {
                for (int p = 0; p < k; p++) {
                    double aip = alpha * (ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
                }
            } else {
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * ldb;
                    double s = 0;
                    for (int p = 0; p < k; p++) s += (ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p]) * b[bj + p];
                    c[ci + j] += alpha * s;
                }
            }
        }
    }

    @Override

    public void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (tb && m > 1) {
            gemm(ta, false, m, n, k, alpha, a, aOff, lda, transpose(b, bOff, ldb, n, k), 0, n, beta, c, cOff, ldc);
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0) java.util.Arrays.fill(c, ci, ci + n, 0.0f);
            else if (beta != 1) for (int j = 0; j < n; j++) c[ci + j] *= beta;
            if (!tb) {
                for (int p = 0; p < k; p++) {
                    float aip = alpha * (ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
                }
            } else {
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * ldb;
                    float s = 0;
                    for (int p = 0; p < k; p++) s += (ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p]) * b[bj + p];
                    c[ci + j] += alpha * s;
                }
            }
        }
    }

    /** The rows x cols matrix at off (leading dimension ld), transposed into a new cols x rows array. */
    public static double[] transpose(double[] b, int off, int ld, int rows, int cols) {
        double[] t = new double[rows * cols];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = b[off + r * ld + c];
        return t;
    }

    public static float[] transpose(float[] b, int off, int ld, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = b[off + r * ld + c];
        return t;
    }

    /** y = f(x) over a range (x and y may be the same array). */
    @Override
    public void activate(org.clipbench.kernel.Activation f, double[] x, int xOff, double[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) y[yOff + i] = f.apply(x[xOff + i]);
    }

    @Override

    public void activate(org.clipbench.kernel.Activation f, float[] x, int xOff, float[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) y[yOff + i] = (float) f.apply(x[xOff + i]);
    }

    /** dy *= f'(from y). */
    @Override
    public void activationBackward(org.clipbench.kernel.Activation f, double[] y, int yOff, double[] dy, int dOff, int len) {
        for (int i = 0; i < len; i++) dy[dOff + i] *= f.derivativeFromOutput(y[yOff + i]);
    }

    @Override

    public void activationBackward(org.clipbench.kernel.Activation f, float[] y, int yOff, float[] dy, int dOff, int len) {
        for (int i = 0; i < len; i++) dy[dOff + i] *= (float) f.derivativeFromOutput(y[yOff + i]);
    }

    @Override
    public void sgdStep(double[] p, double[] buf, double[] g, int off, int len, double gScale, double gClip, double lr, double mu) {
        double nlr = -lr, lo = -gClip;
        for (int i = off, end = off + len; i < end; i++) {
            double gi = Math.min(gClip, Math.max(lo, g[i] * gScale));
            if (buf != null) gi = buf[i] = buf[i] * mu + gi;
            p[i] = p[i] + gi * nlr;
        }
    }

    @Override
    public void sgdStep(float[] p, float[] buf, float[] g, int off, int len, double gScale, double gClip, double lr, double mu) {
        float nlr = (float) -lr, s = (float) gScale, hi = (float) gClip, lo = -hi, mf = (float) mu;
        for (int i = off, end = off + len; i < end; i++) {
            float gi = Math.min(hi, Math.max(lo, g[i] * s));
            if (buf != null) gi = buf[i] = buf[i] * mf + gi;
            p[i] = p[i] + gi * nlr;
        }
    }

    @Override
    public void adamStep(double[] p, double[] m, double[] v, double[] g, int off, int len, double gScale, double gClip,
                         double stepScale, double b1, double b2, double vScale, double eps, double decay) {
        double c1 = 1 - b1, c2 = 1 - b2, lo = -gClip;
        for (int i = off, end = off + len; i < end; i++) {
            double gi = Math.min(gClip, Math.max(lo, g[i] * gScale));
            double mi = m[i] = m[i] * b1 + c1 * gi;
            double vi = v[i] = v[i] * b2 + c2 * gi * gi;
            double step = stepScale * mi / (Math.sqrt(vScale * vi) + eps);
            if (decay != 0) step = step + decay * p[i];
            p[i] = p[i] + step;
        }
    }

    @Override
    public void adamStep(float[] p, float[] m, float[] v, float[] g, int off, int len, double gScale, double gClip,
                         double stepScale, double b1, double b2, double vScale, double eps, double decay) {
        float s = (float) gScale, hi = (float) gClip, lo = -hi, fb1 = (float) b1, fb2 = (float) b2, c1 = (float) (1 - b1), c2 = (float) (1 - b2);
        float fdecay = (float) decay;
        for (int i = off, end = off + len; i < end; i++) {
            float gi = Math.min(hi, Math.max(lo, g[i] * s));
            float mi = m[i] = m[i] * fb1 + c1 * gi;
            float vi = v[i] = v[i] * fb2 + c2 * gi * gi;
            float step = (float) (stepScale * mi / (Math.sqrt(vScale * vi) + eps));
            if (decay != 0) step = step + fdecay * p[i];
            p[i] = p[i] + step;
        }
    }
}
