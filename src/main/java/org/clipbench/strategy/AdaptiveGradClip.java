package org.clipbench.strategy;

import org.clipbench.backend.NormKind;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Tensor;
import org.clipbench.kernel.ScalarKernels;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.backend.TensorSpec;

/**
 * Adaptive gradient clipping (Brock et al. 2021, NFNets; optax adaptive_grad_clip, timm
 * adaptive_clip_grad). Per unit i (a row: one output unit's fan-in; a vector is one unit):
 * max_i = lambda * max(||W_i||, eps); if ||G_i|| > max_i then G_i *= max_i / max(||G_i||, floor).
 * scope=tensor is the layer-wise ablation (one norm per tensor). Tensors named in exempt (e.g. the
 * final classifier) are not clipped. Needs the parameters in {@link ClipContext#params()}.
 * Non-finite: a NaN unit norm makes that unit NaN; an Inf unit norm zeroes its finite entries. A unit
 * of finite entries whose norm overflows a double is clipped exactly.
 */
public final class AdaptiveGradClip extends AbstractClipStrategy implements FoldableClip {
    private final double lambda;
    private final double eps;
    private final double floor;
    private final boolean unitWise;
    private final Set<String> exempt;

    public AdaptiveGradClip(StrategyParams p) {
        super(p);
        lambda = p.positive("lambda", 0.01, "max ratio ||G_i|| / max(||W_i||, eps) (0.01 at batch 4096)");
        eps = p.positive("eps", 1e-3, "floor on the parameter norm");
        floor = p.positive("floor", 1e-6, "floor on the gradient norm in the factor");
        unitWise = p.choice("scope", "norm per output unit (row) or per whole tensor", "unit", "tensor").equals("unit");
        exempt = new HashSet<>(p.names("exempt", "tensor names left unclipped, e.g. fc.weight|fc.bias"));
    }

    @Override
    public void validateFor(ParamShape shape) {
        Set<String> known = new HashSet<>();
        for (TensorSpec t : shape.tensors()) known.add(t.name());
        for (String e : exempt) {
            if (!known.contains(e)) {
                throw new IllegalArgumentException(spec() + ": exempt names tensor '" + e + "', which parameter set '"
                        + shape.name() + "' does not have; its tensors include "
                        + shape.tensors().stream().limit(8).map(TensorSpec::name).toList());
            }
        }
    }

    @Override
    protected double currentThreshold() {
        return lambda;
    }

    /**
     * The norm of each unit as a {@link ScaledNorm}: the plain one, or for a unit whose norm overflowed
     * on finite entries, its norm measured on the entries scaled by 2^-k (only that case copies the tensor).
     */
    private static ScaledNorm[] scaledUnitNorms(Backend b, Tensor gt, boolean rows, double[] norms) {
        ScaledNorm[] out = new ScaledNorm[norms.length];
        // every unit gets its plain norm first: a tensor holding a real Inf returns early, and its units must not be null
        for (int i = 0; i < norms.length; i++) out[i] = ScaledNorm.of(norms[i]);
        double[] values = null;
        for (int i = 0; i < norms.length; i++) {
            if (norms[i] != Double.POSITIVE_INFINITY) continue;
            if (values == null) {
                if (!b.allFinite(gt)) return out;
                values = b.toDoubles(gt);
            }
            int len = rows ? gt.cols() : values.length;
            double[] unit = java.util.Arrays.copyOfRange(values, i * len, i * len + len);
            int k = Math.getExponent(ScalarKernels.INSTANCE.normInf(unit, 0, len));
            for (int j = 0; j < len; j++) unit[j] = Math.scalb(unit[j], -k);
            out[i] = new ScaledNorm(ScalarKernels.INSTANCE.norm2Safe(unit, 0, len), k);
        }
        return out;
    }

    @Override
    public boolean readsParameters() {
        return true;
    }

    /** lambda from each unit's ratio ||G_i|| / max(||W_i||, eps): the quantity this rule holds to lambda. */
    @Override
    public Calibration calibration() {
        return Calibration.onUnits("lambda", this::unitRatios,
                shape -> shape.tensors().stream().mapToInt(t -> t.rows() > 1 ? t.rows() : 1).sum());
    }

    private double[] unitRatios(ParamSet g, ParamSet w) {
        Backend b = g.backend();
        List<Double> out = new ArrayList<>();
        for (int t = 0; t < g.size(); t++) {
            TensorSpec s = g.shape().tensors().get(t);
            int units = s.rows() > 1 ? s.rows() : 1;
            double[] gn = unitNorms(b, g.tensor(t), units > 1, NormKind.SAFE), wn = unitNorms(b, w.tensor(t), units > 1, NormKind.SAFE);
            for (int i = 0; i < units; i++) out.add(gn[i] / Math.max(wn[i], eps));
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Override
    public MemoryTraffic traffic(double scaledShare) {
        return MemoryTraffic.normThenScale(scaledShare).plusParameterReads(1); // the weight norms read the parameters
    }

    /** The L2 norm of each unit of a tensor: its rows, or the whole tensor as one unit. */
    private static double[] unitNorms(Backend b, Tensor t, boolean rows, NormKind kind) {
        double[] n = new double[rows ? t.rows() : 1];
        if (rows) b.rowNorms2(t, kind, n);
        else n[0] = b.norm2(t, kind);
        return n;
    }

    /** The parameter tensor wt, after checking that it has the gradient tensor's shape. */
    private Tensor sameShape(Tensor gt, Tensor wt) {
        if (!gt.sameShape(wt)) {
            throw new IllegalArgumentException(spec() + ": gradient " + gt + " and parameter " + wt + " differ in shape");
        }
        return wt;
    }

    /** The parameters of the context, checked against the gradient. */
    private ParamSet parametersFor(ParamSet g, ClipContext ctx) {
        ParamSet w = ctx.params();
        if (w == null) {
            throw new IllegalArgumentException(spec() + " needs the parameters: pass them with ClipContext.withParams");
        }
        if (w.size() != g.size()) {
            throw new IllegalArgumentException(spec() + ": " + g.size() + " gradient tensors but " + w.size() + " parameter tensors");
        }
        validateFor(g.shape());
        return w;
    }

    /**
     * Finite unit norms fold into the step: per tensor one factor per row (scope unit) or one factor
     * (scope tensor), the same r = lambda max(||W_i||, eps) / max(||G_i||, floor) as {@link #apply} where
     * it changes the unit; null when a norm is not finite or a factor is below the smallest normal (apply
     * then scales in exact steps).
     */
    @Override
    public Fold fold(ParamSet g, ClipContext ctx) {
        if (ctx.nonFinite() != NonFinitePolicy.PROPAGATE) return null;
        ParamSet w = parametersFor(g, ctx);
        Backend b = g.backend();
        double[] scale = new double[g.size()];
        double[][] rowScale = new double[g.size()][];
        for (int t = 0; t < g.size(); t++) {
            Tensor gt = g.tensor(t);
            boolean rows = unitWise && gt.rows() > 1;
            int units = rows ? gt.rows() : 1;
            double[] gn = unitNorms(b, gt, rows, ctx.normKind()), wn = unitNorms(b, sameShape(gt, w.tensor(t)), rows, ctx.normKind());
            double[] f = new double[units];
            for (int i = 0; i < units; i++) {
                if (!Double.isFinite(gn[i])) return null;
                double r = lambda * Math.max(wn[i], eps) / Math.max(gn[i], floor);
                f[i] = 1;
                if (exempt.contains(gt.name()) || !ScaledNorm.of(gn[i]).changes(r)) continue;
                if (GradNorms.normalizingShift(r, g.dtype()) != 0) return null;
                f[i] = r;
            }
            if (rows) rowScale[t] = f;
            scale[t] = rows ? 1 : f[0];
        }
        return new Fold(scale, Double.POSITIVE_INFINITY, rowScale);
    }

    @Override
    protected ClipReport apply(ParamSet g, ClipContext ctx) {
        ParamSet w = parametersFor(g, ctx);
        Backend b = g.backend();
        List<Double> scales = new ArrayList<>();
        int clipped = 0;
        double[] tensorNorms = new double[g.size()];
        for (int t = 0; t < g.size(); t++) {
            Tensor gt = g.tensor(t);
            boolean rows = unitWise && gt.rows() > 1;
            int units = rows ? gt.rows() : 1;
            double[] gn = unitNorms(b, gt, rows, ctx.normKind()), wn = unitNorms(b, sameShape(gt, w.tensor(t)), rows, ctx.normKind());
            tensorNorms[t] = GradNorms.combine(gn, 2);
            if (exempt.contains(gt.name())) continue;
            ScaledNorm[] gs = scaledUnitNorms(b, gt, rows, gn);
            double[] f = new double[units];
            double[] powers = new double[units]; // 2^-k of a unit whose norm overflowed, else 1
            boolean any = false;
            for (int i = 0; i < units; i++) {
                double max = lambda * Math.max(wn[i], eps);
                double r = max / Math.max(gs[i].value(), Math.scalb(floor, -gs[i].exponent()));
                f[i] = 1;
                powers[i] = 1;
                if (gs[i].changes(r)) {
                    any = true;
                    clipped++;
                    int j = GradNorms.normalizingShift(r, g.dtype());
                    f[i] = Math.scalb(r, j);
                    powers[i] = Math.scalb(1.0, -gs[i].exponent() - j);
                }
                scales.add(f[i] * powers[i]);
            }
            if (!any) continue;
            // a factor beyond what one multiply holds exactly is applied as r and 2^-k, the shrinking one first
            double[] first = new double[units], second = new double[units];
            for (int i = 0; i < units; i++) {
                first[i] = f[i] <= 1 ? f[i] : powers[i];
                second[i] = f[i] <= 1 ? powers[i] : f[i];
            }
            if (rows) {
                b.scaleRows(gt, first);
                b.scaleRows(gt, second);
            } else {
                b.scale(gt, first[0]);
                if (second[0] != 1) b.scale(gt, second[0]);
            }
        }
        double pre = GradNorms.combine(tensorNorms, 2);
        return ClipReport.perUnit(pre, Double.NaN, lambda, scales.stream().mapToDouble(Double::doubleValue).toArray(), clipped);
    }
}
