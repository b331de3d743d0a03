package org.clipbench.perexample;

import org.clipbench.backend.Backend;
import org.clipbench.backend.DType;
import org.clipbench.backend.NormKind;
import org.clipbench.backend.Tensor;
import org.clipbench.kernel.ScalarKernels;
import org.clipbench.strategy.ScaledNorm;

/**
 * Each example's gradient norm in one linear layer (weight and bias together), without or with forming its gradient.
 * Norms are {@link ScaledNorm}s: where a norm leaves a double's range (entries of 1e200), it is held with an exponent,
 * as the strategies' overflow rescue holds it, and the rule's factor stays exact.
 */
final class LayerNorms {
    private LayerNorms() {
    }

    /**
     * Ghost norms (Goodfellow 2015; Li et al. 2021): ||a_i^T delta_i||_F^2 = sum_{t,t'} (a_i a_i^T)_{tt'} (delta_i delta_i^T)_{tt'},
     * two T x T Gram matrices per example instead of its d_out x d_in gradient. At T = 1 the Gram matrices are 1 x 1:
     * the norm is ||a_i|| ||delta_i||, from two row norms of the whole batch. The bias's norm is ||sum_t delta_it||.
     */
    static ScaledNorm[] ghost(LayerTrace t, double[] maxA, double[] maxD, Backend b, DType dtype, Workspace ws) {
        return t.positions() == 1 ? ghostOfRows(t, maxA, maxD, b, dtype, ws) : ghostOfSequences(t, maxA, maxD, b, dtype, ws);
    }

    /**
     * Norms from each example's gradient, formed one example at a time in one d_out x d_in buffer and dropped (fastDP's
     * choice for layers where 2T^2 > d_in d_out): T d_in d_out products per example, but no T x T matrices.
     */
    static ScaledNorm[] instantiated(LayerTrace t, Backend b, Workspace ws) {
        int n = t.examples(), T = t.positions();
        Tensor g = ws.zeros("g_i", t.outputs(), t.inputs()), bias = ws.zeros("bias_i", 1, t.outputs());
        ScaledNorm[] out = new ScaledNorm[n];
        for (int i = 0; i < n; i++) {
            Tensor a = b.rows(t.input(), i * T, T), delta = b.rows(t.outputGradient(), i * T, T);
            b.gemm(true, false, 1.0, delta, a, 0.0, g);
            b.sumRows(delta, 0.0, bias);
            out[i] = ScaledNorm.combine(normOf(b, g), normOf(b, bias));
        }
        ws.release(g);
        ws.release(bias);
        return out;
    }

    private static ScaledNorm[] ghostOfRows(LayerTrace t, double[] maxA, double[] maxD, Backend b, DType dtype, Workspace ws) {
        int n = t.examples();
        double[] normA = new double[n], normD = new double[n];
        b.rowNorms2(t.input(), NormKind.SAFE, normA);
        b.rowNorms2(t.outputGradient(), NormKind.SAFE, normD);
        ScaledNorm[] out = new ScaledNorm[n];
        for (int i = 0; i < n; i++) {
            if (normA[i] == Double.POSITIVE_INFINITY || normD[i] == Double.POSITIVE_INFINITY) {
                // finite rows (the batch was screened) whose norm leaves a double's range: held with an exponent
                out[i] = ScaledNorm.combine(rescuedWeightNorm(t, i, maxA[i], maxD[i], b), normOf(b, b.rows(t.outputGradient(), i, 1)));
            } else {
                out[i] = ScaledNorm.combine(ScaledNorm.product(normA[i], normD[i]), ScaledNorm.of(normD[i]));
            }
        }
        return out;
    }

    private static ScaledNorm[] ghostOfSequences(LayerTrace t, double[] maxA, double[] maxD, Backend b, DType dtype, Workspace ws) {
        int n = t.examples(), T = t.positions();
        Tensor gramA = ws.zeros("aa^T", T, T), gramD = ws.zeros("dd^T", T, T), bias = ws.zeros("bias_i", 1, t.outputs());
        ScaledNorm[] out = new ScaledNorm[n];
        for (int i = 0; i < n; i++) {
            Tensor a = b.rows(t.input(), i * T, T), delta = b.rows(t.outputGradient(), i * T, T);
            ScaledNorm weight;
            if (maxA[i] == 0 || maxD[i] == 0) {
                weight = ScaledNorm.of(0);
            } else if (gramsInRange(maxA[i], maxD[i], t, dtype)) {
                b.gemm(false, true, 1.0, a, a, 0.0, gramA);
                b.gemm(false, true, 1.0, delta, delta, 0.0, gramD);
                weight = ScaledNorm.of(Math.sqrt(Math.max(0, b.dot(gramA, gramD)))); // >= 0 but for rounding
            } else {
                weight = rescuedWeightNorm(t, i, maxA[i], maxD[i], b);
            }
            b.sumRows(delta, 0.0, bias);
            out[i] = ScaledNorm.combine(weight, normOf(b, bias));
        }
        ws.release(gramA);
        ws.release(gramD);
        ws.release(bias);
        return out;
    }

    /**
     * Whether the Gram matrices and their products stay in the dtype's normal range, with room: entries of a a^T are at
     * most d_in max|a|^2, of delta delta^T d_out max|delta|^2, and the product of two entries must neither overflow nor
     * lose its precision to underflow (the f64 sum of T^2 of them must not overflow either).
     */
    static boolean gramsInRange(double maxA, double maxD, LayerTrace t, DType dtype) {
        int maxExp = dtype == DType.F32 ? Float.MAX_EXPONENT : Double.MAX_EXPONENT;
        int lowest = dtype == DType.F32 ? Float.MIN_EXPONENT + 24 : Double.MIN_EXPONENT + 53;
        int ea = Math.getExponent(maxA), ed = Math.getExponent(maxD);
        // upper bounds of the exponents of a Gram entry, of a product of two, and of the f64 sum of T^2 products
        int gramA = 2 * ea + 2 + log2(t.inputs()), gramD = 2 * ed + 2 + log2(t.outputs());
        int product = gramA + gramD, sum = product + 2 * log2(t.positions());
        boolean noOverflow = gramA < maxExp - 2 && gramD < maxExp - 2 && product < maxExp - 2 && sum < Double.MAX_EXPONENT - 2;
        // the largest entries of each Gram matrix are at least max^2 (a diagonal entry): they and their product stay normal
        boolean noUnderflow = 2 * ea > lowest && 2 * ed > lowest && 2 * (ea + ed) > lowest;
        return noOverflow && noUnderflow;
    }

    private static int log2(int n) {
        return 32 - Integer.numberOfLeadingZeros(Math.max(1, n - 1));
    }

    /**
     * The weight norm of example i from copies in f64 scaled by powers of two (max|a| and max|delta| brought to [1, 2)):
     * the rare path of entries whose squares leave the dtype's range (1e200 in f64, 1e20 in f32) or underflow it.
     */
    static ScaledNorm rescuedWeightNorm(LayerTrace t, int i, double maxA, double maxD, Backend b) {
        if (maxA == 0 || maxD == 0) return ScaledNorm.of(0);
        int T = t.positions(), ea = Math.getExponent(maxA), ed = Math.getExponent(maxD);
        double[] a = scaled(b.toDoubles(b.rows(t.input(), i * T, T)), ea), d = scaled(b.toDoubles(b.rows(t.outputGradient(), i * T, T)), ed);
        double sum = 0;
        for (int s = 0; s < T; s++) {
            for (int u = 0; u < T; u++) {
                sum += dot(a, s, u, t.inputs()) * dot(d, s, u, t.outputs());
            }
        }
        return new ScaledNorm(Math.sqrt(Math.max(0, sum)), ea + ed).normalised();
    }

    private static double[] scaled(double[] x, int exponent) {
        for (int k = 0; k < x.length; k++) x[k] = Math.scalb(x[k], -exponent);
        return x;
    }

    /** Row s of x dotted with row u, rows of the given length. */
    private static double dot(double[] x, int s, int u, int cols) {
        double sum = 0;
        for (int k = 0; k < cols; k++) sum += x[s * cols + k] * x[u * cols + k];
        return sum;
    }

    /** The L2 norm of a tensor of finite entries, held with an exponent where it is beyond the largest double. */
    static ScaledNorm normOf(Backend b, Tensor t) {
        double n = b.norm2(t, NormKind.SAFE);
        if (n != Double.POSITIVE_INFINITY) return ScaledNorm.of(n);
        double[] x = b.toDoubles(t);
        int k = Math.getExponent(b.normInf(t));
        return new ScaledNorm(ScalarKernels.INSTANCE.norm2Safe(scaled(x, k), 0, x.length), k).normalised();
    }
}
