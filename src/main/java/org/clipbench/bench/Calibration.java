package org.clipbench.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.clipbench.backend.Backend;
import org.clipbench.backend.NormKind;
import org.clipbench.backend.Tensor;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.params.TensorSpec;
import org.clipbench.strategy.GradNorms;

/**
 * Turns a strategy and a {@link Regime} into a full spec whose threshold, measured on the actual
 * benchmark data, produces that regime. Also says which regimes make sense for a strategy and shape.
 */
public final class Calibration {
    private Calibration() {
    }

    /** In the spikes regime, every SPIKE_PERIOD-th call restores a gradient scaled by SPIKE_SCALE. */
    public static final int SPIKE_PERIOD = 8;
    public static final double SPIKE_SCALE = 10;
    /** Median of |x| for x ~ N(0, 1): half the entries of the benchmark data lie above it. */
    static final double MEDIAN_ABS_STD_NORMAL = 0.6744897501960817;

    /** The strategy name in a base spec such as "global-norm:p=inf". */
    public static String nameOf(String base) {
        int colon = base.indexOf(':');
        return colon < 0 ? base : base.substring(0, colon);
    }

    /** Regimes that mean something for this strategy on this shape. */
    public static List<Regime> regimes(String base, ParamShape shape) {
        String name = nameOf(base);
        boolean manyUnits = switch (name) {
            case "per-tensor", "average-norm", "rms-update" -> shape.tensorCount() > 1;
            case "per-layer" -> shape.layers().size() > 1;
            case "agc" -> shape.tensors().stream().mapToInt(t -> t.rows() > 1 ? t.rows() : 1).sum() > 1;
            case "value" -> true;
            default -> false;
        };
        return switch (name) {
            case "none" -> List.of(Regime.NEVER);
            case "renorm" -> List.of(Regime.ALWAYS);
            case "autoclip", "zclip" -> List.of(Regime.NEVER, Regime.SPIKES);
            case "dp-flat", "dp-layer", "dp-adaptive" -> List.of(Regime.NEVER, Regime.ALWAYS);
            default -> manyUnits ? List.of(Regime.NEVER, Regime.ALWAYS, Regime.HALF) : List.of(Regime.NEVER, Regime.ALWAYS);
        };
    }

    /**
     * The full spec for a gradient strategy: base spec plus the threshold for the regime, measured on
     * g (and w for AGC). Data are N(0, 1) entries, as {@link ParamSet#gaussian} makes them.
     */
    public static String spec(String base, Regime regime, ParamSet g, ParamSet w) {
        String name = nameOf(base);
        if (!regimes(base, g.shape()).contains(regime)) {
            throw new IllegalArgumentException("regime " + regime.label() + " does not apply to " + base + " on "
                    + g.shape().name() + "; valid: " + regimes(base, g.shape()));
        }
        String sep = base.contains(":") ? "," : ":";
        return switch (name) {
            case "none", "renorm" -> base;
            case "value" -> base + sep + "c=" + pick(regime, unitMax(g), unitMax(g), MEDIAN_ABS_STD_NORMAL);
            case "global-norm" -> base + sep + "c=" + pick(regime, GradNorms.global(g, pOf(base), NormKind.SAFE), 0, 0);
            case "per-tensor" -> base + sep + "c=" + fromUnits(regime, GradNorms.tensorNorms(g, 2, NormKind.SAFE));
            case "per-layer" -> base + sep + "c=" + fromUnits(regime, layerNorms(g));
            case "average-norm" -> base + sep + "c=" + fromUnits(regime, perElement(g, false));
            case "rms-update" -> base + sep + "d=" + fromUnits(regime, perElement(g, true));
            case "agc" -> base + sep + "lambda=" + fromUnits(regime, agcRatios(g, w));
            case "autoclip" -> base + sep + (regime == Regime.NEVER ? "p=100" : "p=50,window=100");
            case "zclip" -> base + sep + (regime == Regime.NEVER ? "maxNorm=inf,z=1e9" : "maxNorm=inf");
            default -> throw new IllegalArgumentException("no calibration for " + base);
        };
    }

    /** Spec for a DP strategy: the bound C from the per-example norms. */
    public static String dpSpec(String base, Regime regime, List<ParamSet> examples) {
        double[] norms = new double[examples.size()];
        for (int i = 0; i < norms.length; i++) norms[i] = GradNorms.global(examples.get(i), 2, NormKind.SAFE);
        String sep = base.contains(":") ? "," : ":";
        return base + sep + "C=" + fromUnits(regime, norms);
    }

    private static double pOf(String base) {
        if (base.contains("p=inf")) return Double.POSITIVE_INFINITY;
        if (base.contains("p=1")) return 1;
        return 2;
    }

    /** never: twice the largest; always: half the smallest; half: the median. */
    private static double fromUnits(Regime regime, double[] units) {
        double[] s = units.clone();
        Arrays.sort(s);
        double median = s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
        return pick(regime, s[s.length - 1], s[0], median);
    }

    private static double pick(Regime regime, double max, double min, double median) {
        return switch (regime) {
            case NEVER -> 2 * max;
            case ALWAYS -> 0.5 * (min > 0 ? min : max);
            case HALF -> median;
            case SPIKES -> throw new IllegalArgumentException("spikes is for stateful strategies");
        };
    }

    private static double unitMax(ParamSet g) {
        double m = 0;
        for (Tensor t : g.tensors()) m = Math.max(m, g.backend().normInf(t));
        return m;
    }

    private static double[] layerNorms(ParamSet g) {
        double[] tn = GradNorms.tensorNorms(g, 2, NormKind.SAFE);
        List<Double> out = new ArrayList<>();
        for (List<Integer> members : g.layers().values()) out.add(GradNorms.subsetNorm(tn, members));
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] perElement(ParamSet g, boolean rms) {
        double[] tn = GradNorms.tensorNorms(g, 2, NormKind.SAFE);
        for (int i = 0; i < tn.length; i++) {
            long n = g.tensor(i).size();
            tn[i] = rms ? tn[i] / Math.sqrt(n) : tn[i] / n;
        }
        return tn;
    }

    private static double[] agcRatios(ParamSet g, ParamSet w) {
        Backend b = g.backend();
        List<Double> out = new ArrayList<>();
        for (int t = 0; t < g.size(); t++) {
            TensorSpec s = g.shape().tensors().get(t);
            int units = s.rows() > 1 ? s.rows() : 1;
            double[] gn = new double[units], wn = new double[units];
            if (units > 1) {
                b.rowNorms2(g.tensor(t), NormKind.SAFE, gn);
                b.rowNorms2(w.tensor(t), NormKind.SAFE, wn);
            } else {
                gn[0] = b.norm2(g.tensor(t), NormKind.SAFE);
                wn[0] = b.norm2(w.tensor(t), NormKind.SAFE);
            }
            for (int i = 0; i < units; i++) out.add(gn[i] / Math.max(wn[i], 1e-3));
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
