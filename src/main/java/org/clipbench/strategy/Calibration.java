package org.clipbench.strategy;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;
import org.clipbench.backend.NormKind;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;

/**
 * How a benchmark sets a strategy's threshold, measured on the benchmark's own data, so that its calls
 * clip in a chosen {@link Regime}; and which regimes mean something for the strategy on a shape. Every
 * strategy declares its own ({@link Strategy#calibration()}), so the benchmarks need no list of names.
 */
public interface Calibration {

    /** Regimes that mean something for this strategy on this shape. */
    List<Regime> regimes(ParamShape shape);

    /** The spec that makes base clip in the regime on g (w: the parameters, for rules that read them). */
    String spec(String base, Regime regime, ParamSet g, ParamSet w);

    /** The spec for a per-example rule, calibrated on a batch of per-example gradients. */
    default String specForExamples(String base, Regime regime, List<ParamSet> examples) {
        throw new IllegalArgumentException(base + " clips one gradient, not a batch of examples");
    }

    /** The units a threshold is compared with, e.g. the norms of the tensors for per-tensor clipping. */
    @FunctionalInterface
    interface Units {
        double[] of(ParamSet g, ParamSet w);
    }

    /** A threshold measured on the data for a regime, for rules whose units are not a list of norms. */
    @FunctionalInterface
    interface Threshold {
        double of(Regime regime, ParamSet g, ParamSet w);
    }

    /** Rules without a threshold that always take one path: none (never clips), renorm (always scales). */
    static Calibration fixed(Regime only) {
        return new Calibration() {
            public List<Regime> regimes(ParamShape shape) {
                return List.of(only);
            }

            public String spec(String base, Regime regime, ParamSet g, ParamSet w) {
                requireValid(this, base, regime, g.shape());
                return base;
            }
        };
    }

    /**
     * key = twice the largest unit (never), half the smallest (always) or the median unit (half, offered
     * where the shape has more than one unit).
     */
    static Calibration onUnits(String key, Units units, ToIntFunction<ParamShape> unitCount) {
        return onThreshold(key, (regime, g, w) -> fromUnits(regime, units.of(g, w)),
                shape -> unitCount.applyAsInt(shape) > 1 ? List.of(Regime.NEVER, Regime.ALWAYS, Regime.HALF)
                        : List.of(Regime.NEVER, Regime.ALWAYS));
    }

    /** key = the threshold measured for the regime; regimes as the function says. */
    static Calibration onThreshold(String key, Threshold threshold, java.util.function.Function<ParamShape, List<Regime>> regimes) {
        return new Calibration() {
            public List<Regime> regimes(ParamShape shape) {
                return regimes.apply(shape);
            }

            public String spec(String base, Regime regime, ParamSet g, ParamSet w) {
                requireValid(this, base, regime, g.shape());
                return with(base, key + "=" + threshold.of(regime, g, w));
            }
        };
    }

    /**
     * Stateful rules whose threshold follows the norms they have seen: never (parameters that keep every
     * norm under the threshold) and spikes (parameters with which the regime's 10x spikes are clipped).
     */
    static Calibration stateful(String neverParams, String spikesParams) {
        return new Calibration() {
            public List<Regime> regimes(ParamShape shape) {
                return List.of(Regime.NEVER, Regime.SPIKES);
            }

            public String spec(String base, Regime regime, ParamSet g, ParamSet w) {
                requireValid(this, base, regime, g.shape());
                return with(base, regime == Regime.NEVER ? neverParams : spikesParams);
            }
        };
    }

    /** Per-example rules: key = the bound, from the norms of the batch's examples. */
    static Calibration perExampleBound(String key) {
        return perExampleBound(key, List.of(Regime.NEVER, Regime.ALWAYS));
    }

    /** The same, in the given regimes only. */
    static Calibration perExampleBound(String key, List<Regime> regimes) {
        return new Calibration() {
            public List<Regime> regimes(ParamShape shape) {
                return regimes;
            }

            public String spec(String base, Regime regime, ParamSet g, ParamSet w) {
                throw new IllegalArgumentException(base + " clips per example: calibrate it on a batch of examples");
            }

            @Override
            public String specForExamples(String base, Regime regime, List<ParamSet> examples) {
                requireValid(this, base, regime, examples.get(0).shape());
                double[] norms = new double[examples.size()];
                for (int i = 0; i < norms.length; i++) norms[i] = GradNorms.global(examples.get(i), 2, NormKind.SAFE);
                return with(base, key + "=" + fromUnits(regime, norms));
            }
        };
    }

    /** never: twice the largest unit; always: half the smallest (the largest if that is 0); half: the median. */
    static double fromUnits(Regime regime, double[] units) {
        double[] s = units.clone();
        Arrays.sort(s);
        double median = s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
        return pick(regime, s[s.length - 1], s[0], median);
    }

    /** The threshold of a regime from the largest, smallest and median unit. */
    static double pick(Regime regime, double max, double min, double median) {
        return switch (regime) {
            case NEVER -> 2 * max;
            case ALWAYS -> 0.5 * (min > 0 ? min : max);
            case HALF -> median;
            case SPIKES -> throw new IllegalArgumentException("spikes is for stateful strategies");
        };
    }

    /** base with one more key=value. */
    static String with(String base, String keyValue) {
        return base + (base.contains(":") ? "," : ":") + keyValue;
    }

    private static void requireValid(Calibration c, String base, Regime regime, ParamShape shape) {
        if (!c.regimes(shape).contains(regime)) {
            throw new IllegalArgumentException("regime " + regime.label() + " does not apply to " + base + " on "
                    + shape.name() + "; valid: " + c.regimes(shape));
        }
    }
}
