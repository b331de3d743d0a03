package org.clipbench.kernel;


/** One family of array kernels (scalar or SIMD), so one backend class can run either. */
public interface ArrayKernels {
    String description();

    double norm2Naive(double[] a, int off, int len);
    double norm2Safe(double[] a, int off, int len);
    double norm2FastSafe(double[] a, int off, int len);
    double norm1(double[] a, int off, int len);
    double normInf(double[] a, int off, int len);
    void scale(double[] a, int off, int len, double alpha);
    void clamp(double[] a, int off, int len, double lo, double hi);
    boolean allFinite(double[] a, int off, int len);
    void zeroNonFinite(double[] a, int off, int len);
    void axpy(double alpha, double[] x, int xOff, double[] a, int off, int len);

    double norm2Naive(float[] a, int off, int len);
    double norm2Safe(float[] a, int off, int len);
    double norm2FastSafe(float[] a, int off, int len);
    double norm1(float[] a, int off, int len);
    double normInf(float[] a, int off, int len);
    void scale(float[] a, int off, int len, float alpha);
    void clamp(float[] a, int off, int len, float lo, float hi);
    boolean allFinite(float[] a, int off, int len);
    void zeroNonFinite(float[] a, int off, int len);
    void axpy(float alpha, float[] x, int xOff, float[] a, int off, int len);

    void gemm(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int aOff, int lda,
              double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc);
    void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc);
    void activate(Activation f, double[] x, int xOff, double[] y, int yOff, int len);
    void activate(Activation f, float[] x, int xOff, float[] y, int yOff, int len);
    void activationBackward(Activation f, double[] y, int yOff, double[] dy, int dOff, int len);
    void activationBackward(Activation f, float[] y, int yOff, float[] dy, int dOff, int len);

    ArrayKernels SCALAR = new ArrayKernels() {
        public String description() { return "scalar Java loops"; }
        public double norm2Naive(double[] a, int o, int n) { return ScalarKernels.norm2Naive(a, o, n); }
        public double norm2Safe(double[] a, int o, int n) { return ScalarKernels.norm2Safe(a, o, n); }
        public double norm2FastSafe(double[] a, int o, int n) { return ScalarKernels.norm2FastSafe(a, o, n); }
        public double norm1(double[] a, int o, int n) { return ScalarKernels.norm1(a, o, n); }
        public double normInf(double[] a, int o, int n) { return ScalarKernels.normInf(a, o, n); }
        public void scale(double[] a, int o, int n, double s) { ScalarKernels.scale(a, o, n, s); }
        public void clamp(double[] a, int o, int n, double lo, double hi) { ScalarKernels.clamp(a, o, n, lo, hi); }
        public boolean allFinite(double[] a, int o, int n) { return ScalarKernels.allFinite(a, o, n); }
        public void zeroNonFinite(double[] a, int o, int n) { ScalarKernels.zeroNonFinite(a, o, n); }
        public void axpy(double s, double[] x, int xo, double[] a, int o, int n) { ScalarKernels.axpy(s, x, xo, a, o, n); }
        public double norm2Naive(float[] a, int o, int n) { return ScalarKernels.norm2Naive(a, o, n); }
        public double norm2Safe(float[] a, int o, int n) { return ScalarKernels.norm2Safe(a, o, n); }
        public double norm2FastSafe(float[] a, int o, int n) { return ScalarKernels.norm2FastSafe(a, o, n); }
        public double norm1(float[] a, int o, int n) { return ScalarKernels.norm1(a, o, n); }
        public double normInf(float[] a, int o, int n) { return ScalarKernels.normInf(a, o, n); }
        public void scale(float[] a, int o, int n, float s) { ScalarKernels.scale(a, o, n, s); }
        public void clamp(float[] a, int o, int n, float lo, float hi) { ScalarKernels.clamp(a, o, n, lo, hi); }
        public boolean allFinite(float[] a, int o, int n) { return ScalarKernels.allFinite(a, o, n); }
        public void zeroNonFinite(float[] a, int o, int n) { ScalarKernels.zeroNonFinite(a, o, n); }
        public void axpy(float s, float[] x, int xo, float[] a, int o, int n) { ScalarKernels.axpy(s, x, xo, a, o, n); }
        public void gemm(boolean ta, boolean tb, int m, int n, int k, double al, double[] a, int ao, int lda, double[] b, int bo, int ldb, double be, double[] c, int co, int ldc) { ScalarKernels.gemm(ta, tb, m, n, k, al, a, ao, lda, b, bo, ldb, be, c, co, ldc); }
        public void gemm(boolean ta, boolean tb, int m, int n, int k, float al, float[] a, int ao, int lda, float[] b, int bo, int ldb, float be, float[] c, int co, int ldc) { ScalarKernels.gemm(ta, tb, m, n, k, al, a, ao, lda, b, bo, ldb, be, c, co, ldc); }
        public void activate(Activation f, double[] x, int xo, double[] y, int yo, int n) { ScalarKernels.activate(f, x, xo, y, yo, n); }
        public void activate(Activation f, float[] x, int xo, float[] y, int yo, int n) { ScalarKernels.activate(f, x, xo, y, yo, n); }
        public void activationBackward(Activation f, double[] y, int yo, double[] d, int dO, int n) { ScalarKernels.activationBackward(f, y, yo, d, dO, n); }
        public void activationBackward(Activation f, float[] y, int yo, float[] d, int dO, int n) { ScalarKernels.activationBackward(f, y, yo, d, dO, n); }
    };

    ArrayKernels SIMD = new ArrayKernels() {
        public String description() { return "Java Vector API, " + VectorKernels.describeSpecies(); }
        public double norm2Naive(double[] a, int o, int n) { return VectorKernels.norm2Naive(a, o, n); }
        public double norm2Safe(double[] a, int o, int n) { return VectorKernels.norm2Safe(a, o, n); }
        public double norm2FastSafe(double[] a, int o, int n) { return VectorKernels.norm2FastSafe(a, o, n); }
        public double norm1(double[] a, int o, int n) { return VectorKernels.norm1(a, o, n); }
        public double normInf(double[] a, int o, int n) { return VectorKernels.normInf(a, o, n); }
        public void scale(double[] a, int o, int n, double s) { VectorKernels.scale(a, o, n, s); }
        public void clamp(double[] a, int o, int n, double lo, double hi) { VectorKernels.clamp(a, o, n, lo, hi); }
        public boolean allFinite(double[] a, int o, int n) { return VectorKernels.allFinite(a, o, n); }
        public void zeroNonFinite(double[] a, int o, int n) { VectorKernels.zeroNonFinite(a, o, n); }
        public void axpy(double s, double[] x, int xo, double[] a, int o, int n) { VectorKernels.axpy(s, x, xo, a, o, n); }
        public double norm2Naive(float[] a, int o, int n) { return VectorKernels.norm2Naive(a, o, n); }
        public double norm2Safe(float[] a, int o, int n) { return VectorKernels.norm2Safe(a, o, n); }
        public double norm2FastSafe(float[] a, int o, int n) { return VectorKernels.norm2FastSafe(a, o, n); }
        public double norm1(float[] a, int o, int n) { return VectorKernels.norm1(a, o, n); }
        public double normInf(float[] a, int o, int n) { return VectorKernels.normInf(a, o, n); }
        public void scale(float[] a, int o, int n, float s) { VectorKernels.scale(a, o, n, s); }
        public void clamp(float[] a, int o, int n, float lo, float hi) { VectorKernels.clamp(a, o, n, lo, hi); }
        public boolean allFinite(float[] a, int o, int n) { return VectorKernels.allFinite(a, o, n); }
        public void zeroNonFinite(float[] a, int o, int n) { VectorKernels.zeroNonFinite(a, o, n); }
        public void axpy(float s, float[] x, int xo, float[] a, int o, int n) { VectorKernels.axpy(s, x, xo, a, o, n); }
        public void gemm(boolean ta, boolean tb, int m, int n, int k, double al, double[] a, int ao, int lda, double[] b, int bo, int ldb, double be, double[] c, int co, int ldc) { VectorKernels.gemm(ta, tb, m, n, k, al, a, ao, lda, b, bo, ldb, be, c, co, ldc); }
        public void gemm(boolean ta, boolean tb, int m, int n, int k, float al, float[] a, int ao, int lda, float[] b, int bo, int ldb, float be, float[] c, int co, int ldc) { VectorKernels.gemm(ta, tb, m, n, k, al, a, ao, lda, b, bo, ldb, be, c, co, ldc); }
        public void activate(Activation f, double[] x, int xo, double[] y, int yo, int n) { VectorKernels.activate(f, x, xo, y, yo, n); }
        public void activate(Activation f, float[] x, int xo, float[] y, int yo, int n) { VectorKernels.activate(f, x, xo, y, yo, n); }
        public void activationBackward(Activation f, double[] y, int yo, double[] d, int dO, int n) { VectorKernels.activationBackward(f, y, yo, d, dO, n); }
        public void activationBackward(Activation f, float[] y, int yo, float[] d, int dO, int n) { VectorKernels.activationBackward(f, y, yo, d, dO, n); }
    };
}
