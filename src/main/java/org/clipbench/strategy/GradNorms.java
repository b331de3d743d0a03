package org.clipbench.strategy;

import java.util.List;
import org.clipbench.backend.Backend;
import org.clipbench.backend.DType;
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
        if (p == 2) return ScalarKernels.INSTANCE.norm2Safe(norms, 0, norms.length);
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

    /** Each tensor's L2 norm divided by its size (rms = false) or by the root of its size (rms = true, the RMS). */
    public static double[] perElementNorms(ParamSet g, boolean rms) {
        double[] norms = tensorNorms(g, 2, NormKind.SAFE);
        for (int i = 0; i < norms.length; i++) {
            long n = g.tensor(i).size();
            norms[i] = rms ? norms[i] / Math.sqrt(n) : norms[i] / n;
        }
        return norms;
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
     * The p-norm of some tensors (null = all of them) as a {@link ScaledNorm}: the plain norm n, or,
     * when n overflowed to +Inf although every entry is finite, the norm of the entries scaled by 2^-k
     * (k the exponent of the largest entry) with exponent k. Only that rare case costs extra passes (and
     * a copy of each tensor); non-finite entries keep the plain +Inf.
     */
    public static ScaledNorm rescued(ParamSet g, List<Integer> members, double p, double n) {
        if (n != Double.POSITIVE_INFINITY) return ScaledNorm.of(n);
        Backend b = g.backend();
        List<Tensor> unit = unit(g, members);
        double max = 0;
        for (Tensor t : unit) {
            if (!b.allFinite(t)) return ScaledNorm.of(n);
            max = Math.max(max, b.normInf(t));
        }
        int k = Math.getExponent(max);
        double[] norms = new double[unit.size()];
        for (int i = 0; i < norms.length; i++) norms[i] = scaledNorm(b.toDoubles(unit.get(i)), p, k);
        return new ScaledNorm(combine(norms, p), k);
    }

    /** True when every entry of the set is finite (one pass per tensor). */
    public static boolean allFinite(ParamSet g) {
        for (Tensor t : g.tensors()) if (!g.backend().allFinite(t)) return false;
        return true;
    }

    /** p-norm of values · 2^-k (values are a copy, scaled in place). */
    private static double scaledNorm(double[] values, double p, int k) {
        for (int i = 0; i < values.length; i++) values[i] = Math.scalb(values[i], -k);
        if (p == 2) return ScalarKernels.INSTANCE.norm2Safe(values, 0, values.length);
        if (p == 1) return ScalarKernels.INSTANCE.norm1(values, 0, values.length);
        return ScalarKernels.INSTANCE.normInf(values, 0, values.length);
    }

    /** What {@link #clipUnit} did: the factor applied (1 if none; as a double it may round to 0) and the norm after it. */
    public record UnitClip(double factor, double postNorm) {
        public boolean clipped() {
            return factor != 1;
        }
    }

    /**
     * The step every norm rule shares: scale some tensors (null = all) by min(1, c / (n / divisor + eps))
     * when that changes anything. n is their plain p-norm; when it overflowed on finite entries the
     * factor is applied as r · 2^-k (see {@link #rescued}), r first when it shrinks and 2^-k first when r
     * grows, so that no entry overflows and none underflows before its final value.
     */
    public static UnitClip clipUnit(ParamSet g, List<Integer> members, double n, double p, double c, double divisor,
                                    double eps) {
        ScaledNorm norm = rescued(g, members, p, n);
        double r = norm.unitFactor(c, divisor, eps);
        if (!norm.changes(r)) return new UnitClip(1, norm.toDouble());
        return applyUnitFactor(g, members, norm, r);
    }

    /**
     * The factor {@link #clipUnit} would apply as one plain multiply (1 when it changes nothing), or NaN
     * when it would not be one (an overflowed norm rescued by powers of two, a factor below the dtype's
     * smallest normal, a NaN): what a fused optimizer step may fold into its read of the gradient.
     */
    public static double plainUnitFactor(ParamSet g, List<Integer> members, double n, double p, double c, double eps) {
        ScaledNorm norm = rescued(g, members, p, n);
        double r = norm.unitFactor(c, 1, eps);
        if (!norm.changes(r)) return 1;
        if (Double.isNaN(r) || norm.exponent() + normalizingShift(r, g.dtype()) != 0) return Double.NaN;
        return r;
    }

    /** Renormalisation's step: scale some tensors by 1 / n, up or down, with the overflow rescue of {@link #clipUnit}. */
    public static UnitClip renormUnit(ParamSet g, List<Integer> members, double n) {
        return normalizeUnit(g, members, n, 1, 0);
    }

    /** Normalisation's step: scale some tensors by c / (n + gamma), up or down, with the overflow rescue of {@link #clipUnit}. */
    public static UnitClip normalizeUnit(ParamSet g, List<Integer> members, double n, double c, double gamma) {
        ScaledNorm norm = rescued(g, members, 2, n);
        return applyUnitFactor(g, members, norm, norm.unitFactor(c, 1, gamma));
    }

    /**
     * Applies the factor r · 2^-exponent. A factor a double holds at full precision in the tensor's dtype
     * is one pass, bit-identical to a plain scale. Otherwise (an overflowed norm, or a factor below the
     * smallest normal float or double, which would lose its precision when cast) r is normalised and the
     * power of two applied in exact steps: r first when it shrinks, the powers first when r grows, so that
     * no entry overflows and none underflows before its final value.
     */
    static UnitClip applyUnitFactor(ParamSet g, List<Integer> members, ScaledNorm norm, double r) {
        double post = norm.value() * r; // n * f = (value * 2^k) * (r * 2^-k)
        int j = normalizingShift(r, g.dtype());
        r = Math.scalb(r, j);
        int shift = norm.exponent() + j;
        if (shift == 0) {
            scaleUnit(g, members, r);
        } else if (r <= 1) {
            scaleUnit(g, members, r);
            scaleByPowerOfTwo(g, members, -shift);
        } else {
            scaleByPowerOfTwo(g, members, -shift);
            scaleUnit(g, members, r);
        }
        return new UnitClip(Math.scalb(r, -shift), post);
    }

    /**
     * j such that r · 2^j is in [1, 2) when r is a positive factor below the smallest normal number of
     * the dtype (which would lose precision when cast or multiplied), else 0.
     */
    static int normalizingShift(double r, DType dtype) {
        double minNormal = dtype.computesInFloat() ? Float.MIN_NORMAL : Double.MIN_NORMAL; // the factor is a float for f32, bf16, f16
        // a factor above the dtype's largest number (c / ||g|| for an f32 gradient of norm below ~3e-39) would be cast
        // to +Inf: brought to [1, 2) too, its power of two applied in steps
        double max = dtype.computesInFloat() ? Float.MAX_VALUE : Double.MAX_VALUE;
        return (r > 0 && r < minNormal) || (r > max && Double.isFinite(r)) ? -Math.getExponent(r) : 0;
    }

    /** Scales by 2^e in steps that are normal numbers of the dtype, so each step is exact. */
    private static void scaleByPowerOfTwo(ParamSet g, List<Integer> members, int e) {
        int step = g.dtype().computesInFloat() ? 120 : 1000;
        while (e != 0) {
            int s = e < 0 ? Math.max(e, -step) : Math.min(e, step);
            scaleUnit(g, members, Math.scalb(1.0, s));
            e -= s;
        }
    }

    private static void scaleUnit(ParamSet g, List<Integer> members, double factor) {
        if (members == null) {
            scaleAll(g, factor);
            return;
        }
        for (int i : members) g.backend().scale(g.tensor(i), factor);
    }

    private static List<Tensor> unit(ParamSet g, List<Integer> members) {
        if (members == null) return g.tensors();
        return members.stream().map(g::tensor).toList();
    }

    /** True when scaling by f would change anything: f < 1, or f is NaN. */
    public static boolean changes(double f) {
        return !(f >= 1.0);
    }
}
