package org.clipbench.kernel;


/**
 * One family of array kernels, so one backend class can run either: {@link ScalarKernels} (plain
 * loops) and {@link VectorKernels} (the Vector API) implement it as twins with the same ranges and
 * conventions, checked against each other (Lucene's VectorUtilSupport pattern). The SIMD twin is
 * reached through {@link VectorKernels#INSTANCE} so that loading this interface needs no incubator module.
 *
 * <p>The f32 kernels are written out rather than generated from the f64 source (EJML's autocode):
 * they are not textual twins. f32 norms accumulate in f64 (widened a vector at a time), have their own
 * fast-safe underflow bound, and scale with a float factor; generation would hide exactly the lines a
 * reviewer needs to see differ.
 */
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

    /*
     * 16-bit storage (bf16 and f16: the bits in a short[], see Half), as mixed-precision training keeps gradients:
     * every value decoded to float, arithmetic and accumulation in f32 (naive: a float sum; safe and fast-safe as
     * their f32 kernels: blocks of float sums moved to a double total, or f64 accumulation), results rounded back
     * to the format, nearest even. For clipping only: norms, scale, clamp and the finite checks.
     */
    double norm2Naive(short[] a, int off, int len, Half format);
    double norm2Safe(short[] a, int off, int len, Half format);
    double norm2FastSafe(short[] a, int off, int len, Half format);
    double norm1(short[] a, int off, int len, Half format);
    double normInf(short[] a, int off, int len, Half format);
    void scale(short[] a, int off, int len, float alpha, Half format);
    void clamp(short[] a, int off, int len, float lo, float hi, Half format);
    boolean allFinite(short[] a, int off, int len, Half format);
    void zeroNonFinite(short[] a, int off, int len, Half format);

    void gemm(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int aOff, int lda,
              double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc);
    void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc);
    void activate(Activation f, double[] x, int xOff, double[] y, int yOff, int len);
    void activate(Activation f, float[] x, int xOff, float[] y, int yOff, int len);
    void activationBackward(Activation f, double[] y, int yOff, double[] dy, int dOff, int len);
    void activationBackward(Activation f, float[] y, int yOff, float[] dy, int dOff, int len);

    /**
     * One-pass optimizer steps, the gradient read once and transformed as it is read: gi = clamp(g * gScale,
     * -gClip, gClip) (gScale = 1 and gClip = infinity leave it as it is: exact identities). SGD with momentum
     * (buf null: plain SGD): buf = buf * mu + gi, p = p + buf * (-lr); Adam: m = m * b1 + (1 - b1) * gi,
     * v = v * b2 + ((1 - b2) * gi) * gi, p = p + stepScale * m / (sqrt(vScale * v) + eps) + decay * p. Each
     * expression is the one the backend's separate ops evaluate (Sgd, Adam), so a clip folded into the step
     * gives the parameters a clip before it gives, bit for bit. f32: Adam's direction is formed in f64, as
     * the separate adamDirection op does; the SIMD twin forms it in f32 (within an ulp).
     */
    void sgdStep(double[] p, double[] buf, double[] g, int off, int len, double gScale, double gClip, double lr, double mu);
    void sgdStep(float[] p, float[] buf, float[] g, int off, int len, double gScale, double gClip, double lr, double mu);
    void adamStep(double[] p, double[] m, double[] v, double[] g, int off, int len, double gScale, double gClip,
                  double stepScale, double b1, double b2, double vScale, double eps, double decay);
    void adamStep(float[] p, float[] m, float[] v, float[] g, int off, int len, double gScale, double gClip,
                  double stepScale, double b1, double b2, double vScale, double eps, double decay);

    /** The scalar twin: plain Java loops, no module needed. */
    ArrayKernels SCALAR = ScalarKernels.INSTANCE;
}
