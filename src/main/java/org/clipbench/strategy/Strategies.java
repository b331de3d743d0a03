package org.clipbench.strategy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The strategy registry. A spec is "name" or "name:key=value,key=value", e.g. "global-norm:c=1,p=2".
 * Adding a strategy is one class (its rule, traffic model and {@link Calibration}) plus one register line
 * here, with example specs that the generic tests pick up.
 */
public final class Strategies {
    private Strategies() {
    }

    /** examples: specs of the rule's distinct paths; the generic tests (cross-backend, non-finite) run every one. */
    private record Entry(Function<StrategyParams, Strategy> factory, String summary, List<String> examples) {
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    private static void register(String name, Function<StrategyParams, Strategy> factory, String summary, String... examples) {
        if (examples.length == 0) throw new IllegalStateException("strategy " + name + " registers no example spec for the generic tests");
        REGISTRY.put(name, new Entry(factory, summary, List.of(examples)));
    }

    static {
        register("none", NoClip::new, "no clipping (baseline)",
                "none");
        register("value", ValueClip::new, "element-wise clamp to [-c, c]",
                "value:c=0.5");
        register("per-tensor", p -> new NormClip(p, NormClip.Scope.TENSOR), "L2 norm of each tensor held to c (TF clip_by_norm)",
                "per-tensor:c=1");
        register("per-layer", p -> new NormClip(p, NormClip.Scope.LAYER), "L2 norm of each layer held to c (DL4J ClipL2PerLayer)",
                "per-layer:c=1");
        register("global-norm", GlobalNormClip::new, "global p-norm held to c (PyTorch clip_grad_norm_)",
                "global-norm:c=1", "global-norm:c=1,p=1", "global-norm:c=1,p=inf");
        register("renorm", RenormClip::new, "always scale each tensor or layer to unit L2 norm (DL4J)",
                "renorm", "renorm:scope=layer");
        register("average-norm", AverageNormClip::new, "||g||/N of each tensor held to c (TF clip_by_average_norm)",
                "average-norm:c=0.01");
        register("rms-update", RmsUpdateClip::new, "RMS of each update tensor held to d (Adafactor); clips updates",
                "rms-update:d=0.5");
        register("normalized", p -> new NormalizedStep(p, 0), "every step scaled to length c: g c/||g|| (normalised GD; AUTO-V)",
                "normalized", "normalized:c=0.5");
        register("auto-s", p -> new NormalizedStep(p, 0.01), "automatic clipping: g c/(||g|| + gamma) (Bu et al. 2023, AUTO-S)",
                "auto-s", "auto-s:gamma=0.1");
        register("u-clip", UClip::new, "global L2 clip of gradient + carry; the clipped-off part is carried (Elesedy & Hutter 2023)",
                "u-clip", "u-clip:c=0.5");
        register("agc", AdaptiveGradClip::new, "adaptive gradient clipping, unit-wise (NFNets)",
                "agc:lambda=0.05", "agc:lambda=0.05,scope=tensor");
        register("autoclip", AutoClip::new, "threshold = p-th percentile of the norm history (AutoClip)",
                "autoclip:p=50", "autoclip:p=50,scope=tensor");
        register("zclip", ZClip::new, "z-score spike clipping with EMA statistics (ZClip)",
                "zclip:warmup=2,z=1");
        register("adagc", AdaGC::new, "each tensor held to lambdaRel x an EMA of its own clipped norm, after a global-norm warm-up (AdaGC)",
                "adagc:warmup=2", "adagc:warmup=0,lambdaRel=1.5,beta=0.5");
        register("dp-flat", p -> new DpSgdClip(p, false), "DP-SGD per-example clipping of the whole gradient + noise",
                "dp-flat:C=1,sigma=0.5,seed=3");
        register("dp-layer", p -> new DpSgdClip(p, true), "DP-SGD per-example clipping per layer + noise",
                "dp-layer:C=1,sigma=0.5,seed=3");
        register("dp-auto-s", p -> new DpAutoClip(p, 0.01), "DP-SGD with each example normalised: C g_i/(||g_i|| + gamma) (Bu et al. 2023, AUTO-S)",
                "dp-auto-s:C=1,sigma=0.5,seed=3");
        register("dp-auto-v", p -> new DpAutoClip(p, 0), "DP-SGD with each example normalised to length C (Bu et al. 2023, AUTO-V)",
                "dp-auto-v:C=1,sigma=0.5,seed=3");
        register("clip21", Clip21::new, "per-worker error feedback: each worker's estimate moves by its clipped change (Khirirat et al. 2023)",
                "clip21", "clip21:c=0.5");
        register("dp-adaptive", DpAdaptiveClip::new, "DP-SGD with the clip bound adapted to a quantile",
                "dp-adaptive:C=1,sigma=0.5,seed=3");
    }

    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /** Example specs of every registered strategy, in registry order (what the generic tests run). */
    public static List<String> examples() {
        return REGISTRY.values().stream().flatMap(e -> e.examples().stream()).toList();
    }

    /** The strategy name in a spec such as "global-norm:p=inf". */
    public static String nameOf(String spec) {
        int colon = spec.indexOf(':');
        return colon < 0 ? spec : spec.substring(0, colon);
    }

    /** Whether a registered strategy clips per example (the DP-SGD family), by its type. */
    public static boolean isPerExample(String name) {
        return create(name) instanceof PerExampleClipStrategy;
    }

    /** The registered strategies that fold into a one-pass optimizer step, as their type and {@link FoldableClip#folds()} say. */
    public static List<String> folding() {
        return names().stream().filter(s -> create(s) instanceof FoldableClip f && f.folds()).toList();
    }

    /** Regimes that mean something for a strategy (base spec) on a shape, as the strategy declares them. */
    public static List<Regime> regimes(String base, org.clipbench.params.ParamShape shape) {
        return create(base).calibration().regimes(shape);
    }

    /** Builds a strategy from its spec; a clear IllegalArgumentException for any mistake in it. */
    public static Strategy create(String spec) {
        var parsed = StrategyParams.parseSpec(spec);
        Entry e = REGISTRY.get(parsed.getKey());
        if (e == null) {
            throw new IllegalArgumentException("unknown strategy '" + parsed.getKey() + "': choose one of " + names());
        }
        StrategyParams params = new StrategyParams(parsed.getKey(), parsed.getValue());
        Strategy s = e.factory().apply(params);
        params.rejectUnknown();
        return s;
    }

    /** A strategy that clips a whole gradient or update (everything but the DP-SGD family). */
    public static ClipStrategy gradient(String spec) {
        Strategy s = create(spec);
        if (s instanceof ClipStrategy c) return c;
        throw new IllegalArgumentException("strategy '" + s.name() + "' clips per example (DP-SGD): "
                + "it needs a batch of per-example gradients, not one gradient");
    }

    /** A per-example (DP-SGD) strategy. */
    public static PerExampleClipStrategy perExample(String spec) {
        Strategy s = create(spec);
        if (s instanceof PerExampleClipStrategy c) return c;
        throw new IllegalArgumentException("strategy '" + s.name() + "' is not a per-example (DP-SGD) strategy");
    }

    /** Parameters of a strategy, declared by the strategy itself. */
    public static List<StrategyParams.Declared> parameters(String name) {
        Entry e = REGISTRY.get(name);
        if (e == null) throw new IllegalArgumentException("unknown strategy '" + name + "': choose one of " + names());
        StrategyParams p = StrategyParams.empty(name);
        e.factory().apply(p);
        return p.declared();
    }

    /** Help text: every strategy, its summary and parameters with defaults. */
    public static String help() {
        StringBuilder sb = new StringBuilder();
        for (var en : REGISTRY.entrySet()) {
            sb.append(String.format("%-13s %s%n", en.getKey(), en.getValue().summary()));
            for (StrategyParams.Declared d : parameters(en.getKey())) {
                sb.append(String.format("    %-18s default %-8s %s%n", d.key(), d.defaultValue(), d.doc()));
            }
        }
        return sb.toString();
    }
}
