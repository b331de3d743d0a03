package org.clipbench.strategy;

import java.util.List;
import org.clipbench.backend.Backend;
import org.clipbench.backend.NormKind;
import org.clipbench.backend.Tensor;
import org.clipbench.kernel.ScalarKernels;
import org.clipbench.params.ParamSet;

/** Norms and scaling over a whole parameter set, using the flat buffer when there is one (fused path). */
public final class GradNorms {
    private GradNorms() {
    }

    /** Norm of order p of each tensor. */
    public static double[] tensorNorms(ParamSet g, double p, NormKind kind) {
        Backend b = g.backend();
        double[] out = new double[g.size()];
        for (int i = 0; i < out.length; i++) out[i] = b.norm(g.tensor(i), p, kind);
        return out;
    }

    /**
     * The p-norm of a vector of norms: how per-tensor norms make a global one (PyTorch's norm of norms).
     * L2 combines through the safe kernel, so Inf stays Inf and NaN stays NaN.
     */
    public static double combine(double[] norms, double p) {
        if (p == 2) return ScalarKernels.norm2Safe(norms, 0, norms.length);
        if (p == 1) {
            double s = 0;
            for (double n : norms) s += n;
            return s;
        }
        double m = 0;
        for (double n : norms) m = Math.max(m, n);
        return m;
    }

    /** Global norm of order p over every tensor; one call on the buffer in the flat layout. */
    public static double global(ParamSet g, double p, NormKind kind) {
        Tensor flat = g.flatBuffer();
        if (flat != null) return g.backend().norm(flat, p, kind);
        return combine(tensorNorms(g, p, kind), p);
    }

    /** Global L2 norm of a subset of tensors (a layer). */
    public static double subsetNorm(double[] tensorNorms, List<Integer> members) {
        double[] sub = new double[members.size()];
        for (int i = 0; i < sub.length; i++) sub[i] = tensorNorms[members.get(i)];
        return combine(sub, 2);
    }

    /** Every tensor *= factor; one call on the buffer in the flat layout. */
    public static void scaleAll(ParamSet g, double factor) {
        Tensor flat = g.flatBuffer();
        if (flat != null) {
            g.backend().scale(flat, factor);
            return;
        }
        for (Tensor t : g.tensors()) g.backend().scale(t, factor);
    }

    /**
     * The clipping factor min(1, c / (n + eps)). NaN when n is NaN (so NaN propagates), 0 when n is
     * Inf, 1 when n is 0 and eps is 0.
     */
    public static double factor(double c, double n, double eps) {
        return Math.min(1.0, c / (n + eps));
    }

    /** True when scaling by f would change anything: f < 1, or f is NaN. */
    public static boolean changes(double f) {
        return !(f >= 1.0);
    }
}
