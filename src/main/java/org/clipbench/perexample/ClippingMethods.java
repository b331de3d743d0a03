package org.clipbench.perexample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.clipbench.params.ParamSet;

/**
 * The per-example clipping methods by name: adding one is its class and one line here. Each call of
 * {@link #create} gives a fresh instance (methods remember their last step's working set).
 */
public final class ClippingMethods {
    private ClippingMethods() {
    }

    public static final String MATERIALISED = "materialised";
    public static final String GHOST = "ghost";
    public static final String BOOK_KEEPING = "book-keeping";
    public static final String MIXED = "mixed";
    /** Not a clipping method: the step of ordinary training, the baseline the methods are compared with. */
    public static final String NON_PRIVATE = "non-private";

    private record Entry(Supplier<ClippingMethod> factory, String summary) {
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put(MATERIALISED, new Entry(Materialised::new, "every example's gradient formed (B x d_in x d_out), then clipped and summed (Opacus, torch.func)"));
        REGISTRY.put(GHOST, new Entry(Ghost::new, "norms from two T x T Gram matrices per example, then a second backward pass weighted by the factors (Li et al. 2021)"));
        REGISTRY.put(BOOK_KEEPING, new Entry(BookKeeping::new, "ghost norms, then the clipped sum (f . delta)^T a from the same pass (Bu et al. 2023)"));
        REGISTRY.put(MIXED, new Entry(Mixed::new, "book-keeping with each layer's norms by ghost or by its formed gradient, 2T^2 vs d_in d_out (fastDP)"));
    }

    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    public static String summary(String name) {
        return entry(name).summary();
    }

    public static ClippingMethod create(String name) {
        return entry(name).factory().get();
    }

    private static Entry entry(String name) {
        Entry e = REGISTRY.get(name);
        if (e == null) throw new IllegalArgumentException("unknown clipping method '" + name + "': choose one of " + names() + " (or " + NON_PRIVATE + ")");
        return e;
    }

    /**
     * The median of the batch's per-example gradient norms, from one book-keeping step under AUTO-V at C = 1, whose factor
     * for example i is 1 / ||g_i|| (a bound at it clips about half of the examples: what the benchmarks and the cost
     * measurements clip at). For batches of non-zero gradients (AUTO-V leaves a zero gradient with factor 1, read here as norm 1).
     */
    public static double medianExampleNorm(LinearLayers model) {
        org.clipbench.strategy.PerExampleClipStrategy autoV = org.clipbench.strategy.Strategies.perExample("dp-auto-v:C=1,sigma=0");
        double[] inverse = create(BOOK_KEEPING).step(model, autoV, model.params().zerosLike(), org.clipbench.strategy.ClipContext.fast(
                org.clipbench.backend.NormKind.SAFE)).scales();
        double[] norms = new double[inverse.length];
        for (int i = 0; i < norms.length; i++) norms[i] = 1 / inverse[i];
        java.util.Arrays.sort(norms);
        int n = norms.length;
        return n % 2 == 1 ? norms[n / 2] : (norms[n / 2 - 1] + norms[n / 2]) / 2;
    }

    /** A DP rule (a dp-* spec, its own parameters kept) at bound C with no noise: how the cost measurements clip. */
    public static org.clipbench.strategy.PerExampleClipStrategy ruleAt(String rule, double c) {
        String own = rule.contains(":") ? rule.substring(rule.indexOf(':') + 1) + "," : "";
        return org.clipbench.strategy.Strategies.perExample(org.clipbench.strategy.Strategies.nameOf(rule) + ":" + own + "C=" + c + ",sigma=0");
    }

    /** The step of ordinary training on the same model and batch: forward, backward, the batch's mean gradient into out. */
    public static double nonPrivateStep(LinearLayers model, ParamSet out) {
        double loss = model.forward();
        model.backward(null, out);
        return loss;
    }
}
