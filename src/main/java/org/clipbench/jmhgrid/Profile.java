package org.clipbench.jmhgrid;

import org.clipbench.bench.Benchmarks;
import java.util.List;
import java.util.Locale;
import org.clipbench.strategy.Strategies;

/**
 * A named benchmark grid with its JMH settings: which combinations run, and how long JMH measures each (regime
 * "auto" picks the most telling regime a strategy has: always, else spikes, else never; "all" runs every valid
 * one). Peers are the non-JVM libraries measured beside it in the same run when they are installed (see
 * org.clipbench.peer); accuracyPlan names the accuracy plan the run measures after its kernels (see
 * org.clipbench.accuracy.AccuracyPlan), or is null.
 */
public record Profile(String name, String description, JmhSettings settings, List<Block> blocks, List<String> peers, String accuracyPlan) {

    public static final List<String> NAMES = List.of("smoke", "quick", "full", "accuracy");

    /** The speed peers of the quick and full profiles. */
    static final List<String> PEERS = List.of("pytorch", "jax");

    /*
     * The registered backends and strategies, read from the registries each time a profile is built (never copied
     * into a list here), so that a registered one is in every grid that runs all of its kind.
     */
    static List<String> backends() {
        return org.clipbench.backend.Backends.names();
    }

    static List<String> gradientStrategies() {
        return Strategies.names().stream().filter(s -> !Strategies.isPerExample(s)).toList();
    }

    static List<String> dpStrategies() {
        return Strategies.names().stream().filter(Strategies::isPerExample).toList();
    }

    public static Profile named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "smoke" -> smoke();
            case "quick" -> quick();
            case "full" -> full();
            case "accuracy" -> accuracy();
            default -> throw new IllegalArgumentException("unknown profile '" + name + "': choose one of " + NAMES);
        };
    }

    /** The optimizers of the quick profile's steps (OptimizerStepBenchmark). */
    static final List<String> STEP_OPTIMIZERS = List.of("sgd", "adamw");

    /**
     * The clips that fold into a one-pass step, as each strategy declares it ({@link Strategies#folding()}), without
     * none: the step alone is its own row, the baseline every fold is compared with.
     */
    static List<String> foldingStrategies() {
        return Strategies.folding().stream().filter(s -> !s.equals("none")).toList();
    }

    /**
     * Every benchmark class, every backend and every strategy once, at minimal settings: checks that
     * everything runs (CI); its numbers are not measurements.
     */
    public static Profile smoke() {
        return new Profile("smoke", "every benchmark class, backend and strategy once; minimal settings, numbers not meaningful",
                new JmhSettings(1, 1, 300, 2, 200, false, 0.25, 0), List.of(
                Block.of(Benchmarks.BANDWIDTH, "data", List.of("flat-256K"), "dtype", List.of("f64"), "threads", List.of("1")),
                Block.of(Benchmarks.NORM, "backend", backends(), "dtype", List.of("f64"), "data", List.of("flat-4K"),
                        "kind", List.of("library", "fast-safe"), "values", List.of("ordinary"), "threads", List.of("1")),
                clip(gradientStrategies(), List.of("arrays"), List.of("f64"), List.of("many-small"), List.of("separate"), "auto", List.of("1")),
                clip(List.of("global-norm"), backends(), List.of("f64"), List.of("flat-256K"),
                        List.of("separate"), "always", List.of("1")),
                dp(dpStrategies(), List.of("arrays"), List.of("many-small"), List.of("8"), "auto"),
                Block.of(Benchmarks.TRAINING_STEP, "model", List.of("logistic-bc"), "backend", List.of("arrays"), "dtype", List.of("f64"),
                        "strategy", List.of("global-norm:c=1")),
                step(List.of("adamw"), List.of("none"), List.of("separate"), List.of("arrays"), List.of("f32"), List.of("flat-1M")),
                step(List.of("adamw"), List.of("global-norm", "zclip"), List.of("separate", "fused"), List.of("arrays"), List.of("f32"), List.of("flat-1M")),
                perExample(List.of("arrays"), List.of("32x64"), List.of("4"), List.of("8")),
                clip(List.of("global-norm"), List.of("vector"), List.of("bf16", "f16"), List.of("flat-4K"), List.of("separate"), "always", List.of("1"))),
                List.of(), "smoke");
    }

    /**
     * The accuracy table alone (no JMH grid, no sweep): every power of two from 1K to 2^30 entries, every value law,
     * dtype, backend, kernel and peer (org.clipbench.accuracy.AccuracyPlan#full). Hours on 2 cores; its own JVM gets
     * the heap the largest gradient needs (2^30 f32: 4 GiB, 2^30 f64: 8 GiB).
     */
    public static Profile accuracy() {
        return new Profile("accuracy", "the accuracy table only: relative error of the global L2 norm from 1K to 2^30 entries, grouping invariance, "
                + "largest finite norm; every backend, kernel, dtype and peer", new JmhSettings(1, 1, 300, 1, 300, false, 1.0, 0), List.of(),
                PEERS, "full");
    }

    /**
     * The default, about 10 minutes on 2 cores, with every benchmark's own warm-up (its @Warmup; never a
     * shorter one): what a first run must show and no more. The headline kernel (global-norm on the vector
     * backend, f32) from L1 to DRAM (4K to 16M elements) and on resnet18 and gpt2-small, 1 and 2 threads
     * (2 threads only where the backends split the work: 128K elements and more), with PyTorch beside it;
     * every backend once (16M, f64); every strategy once (resnet18); both layouts (gpt2-small); the cost of a
     * safe norm; every DP rule; the clip inside the SGD and AdamW steps, separate and fused; one private step per
     * per-example clipping method against the non-private step (one width, three sequence lengths); and the memory
     * limit of every size shown, from the read and in-place primitives of the same run. The rest (more sizes,
     * dtypes and layouts per backend, library norms, every folding rule, steps on 2 threads and gpt2-small,
     * ND4J's step, training steps) is in the full profile.
     */
    public static Profile quick() {
        List<String> ladder = List.of("flat-4K", "flat-64K", "flat-1M", "flat-4M", "flat-16M");
        List<String> split = List.of("flat-1M", "flat-4M", "flat-16M"); // 2 threads: below 128K the backends run on one
        // the memory limit's primitives: a clean read where the clip is timed with its restore (below 1M), a read of data
        // restored untimed before each call where it is not (clipFresh), and the in-place pass
        List<String> cleanLimit = List.of("read", "scaleInPlace"), freshLimit = List.of("readFresh", "scaleInPlace");
        return new Profile("quick", "the headline kernel from 4K to 16M and on two models, 1 and 2 threads, PyTorch and JAX beside; every backend and strategy "
                + "once; bf16 and f16 at 4M; the accuracy table from 1K to 4M entries",
                new JmhSettings(1, 3, 400, 5, 200, false, 1.0, 3), List.of(
                Block.of(Benchmarks.BANDWIDTH, "data", List.of("flat-4K", "flat-64K"), "dtype", List.of("f32"), "threads", List.of("1"), "method", cleanLimit),
                Block.of(Benchmarks.BANDWIDTH, "data", concat(split, List.of("resnet18", "gpt2-small")), "dtype", List.of("f32"),
                        "threads", List.of("1", "2"), "method", freshLimit),
                Block.of(Benchmarks.BANDWIDTH, "data", List.of("flat-16M", "resnet18"), "dtype", List.of("f64"),
                        "threads", List.of("1"), "method", freshLimit),
                Block.of(Benchmarks.BANDWIDTH, "data", List.of("flat-16M"), "dtype", List.of("f64"), "threads", List.of("1"),
                        "method", List.of("copy", "triad")),
                Block.of(Benchmarks.NORM, "backend", List.of("vector"), "dtype", List.of("f32"), "data", List.of("flat-4K"),
                        "kind", List.of("naive", "safe", "fast-safe"), "values", List.of("ordinary"), "threads", List.of("1")),
                clip(gradientStrategies(), List.of("vector"), List.of("f64"), List.of("resnet18"), List.of("separate"), "auto", List.of("1")),
                clip(List.of("global-norm"), backends(), List.of("f64"), List.of("flat-16M"), List.of("separate"), "always", List.of("1")),
                clip(List.of("global-norm"), List.of("vector"), List.of("f32"), concat(ladder, List.of("resnet18", "gpt2-small")),
                        List.of("separate"), "always", List.of("1")),
                clip(List.of("global-norm"), List.of("vector"), List.of("f32"), concat(split, List.of("resnet18", "gpt2-small")),
                        List.of("separate"), "always", List.of("2")),
                clip(List.of("global-norm"), List.of("vector"), List.of("f32"), List.of("gpt2-small"), List.of("flat"), "always", List.of("1")),
                // 16-bit gradients: the default kernel and its scalar twin at 4M (f32 at 4M is in the ladder above)
                clip(List.of("global-norm"), List.of("vector", "arrays"), List.of("bf16", "f16"), List.of("flat-4M"), List.of("separate"), "always", List.of("1")),
                dp(dpStrategies(), List.of("arrays"), List.of("many-small"), List.of("8"), "auto"),
                step(STEP_OPTIMIZERS, List.of("none"), List.of("separate"), List.of("vector"), List.of("f32"), List.of("resnet18")),
                // the rule that bounds the model and the cheapest fold; every other folding rule is in the full profile
                step(STEP_OPTIMIZERS, List.of("global-norm"), List.of("separate", "fused"), List.of("vector"), List.of("f32"), List.of("resnet18")),
                step(List.of("adamw"), List.of("value"), List.of("separate", "fused"), List.of("vector"), List.of("f32"), List.of("resnet18")),
                // one width (GPT-2's MLP at a quarter of its width), three sequence lengths; mixed is book-keeping at these
                // shapes (2T^2 <= d_in d_out), so it runs in the full profile only
                Block.of(Benchmarks.PER_EXAMPLE_CLIP, "clipping", List.of("non-private", "materialised", "ghost", "book-keeping"), "rule", List.of("dp-flat"),
                        "backend", List.of("vector"), "dtype", List.of("f32"), "layer", List.of("192x768"), "batch", List.of("4"),
                        "positions", List.of("1", "16", "128"), "threads", List.of("1"))),
                PEERS, "quick");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    /** The whole grid; hours on 2 cores. Allocation per op recorded with the GC profiler. */
    public static Profile full() {
        List<String> sizes = List.of("flat-4K", "flat-256K", "flat-4M", "flat-16M", "resnet18", "gpt2-small", "many-small");
        return new Profile("full", "the whole grid: every strategy, backend, dtype, size, layout, regime and thread count; the accuracy table to 2^30",
                new JmhSettings(2, 3, 1000, 5, 1000, true, 1.5, 3), List.of(
                Block.of(Benchmarks.BANDWIDTH, "data", List.of("flat-4K", "flat-256K", "flat-4M", "flat-16M", "flat-64M", "resnet18",
                        "gpt2-small", "many-small"),
                        "dtype", List.of("f64", "f32"), "threads", List.of("1", "2")),
                Block.of(Benchmarks.NORM, "backend", backends(), "dtype", List.of("f64", "f32"),
                        "data", List.of("flat-4K", "flat-256K", "flat-4M", "flat-16M"), "kind", List.of("library", "naive", "safe", "fast-safe"),
                        "values", List.of("ordinary", "huge"), "threads", List.of("1", "2")),
                clip(gradientStrategies(), backends(), List.of("f64", "f32"), sizes, List.of("separate", "flat"), "all", List.of("1", "2")),
                clip(List.of("global-norm", "value"), List.of("arrays", "vector"), List.of("bf16", "f16"), sizes, List.of("separate", "flat"), "all",
                        List.of("1", "2")),
                dp(dpStrategies(), backends(), List.of("flat-4K", "flat-256K", "many-small"), List.of("8", "32"), "all"),
                Block.of(Benchmarks.TRAINING_STEP, "model", List.of("rnn-T50", "rnn-T100", "mlp-digits", "logistic-bc"), "backend", backends(),
                        "dtype", List.of("f64", "f32"), "strategy", List.of("none", "value:c=0.1", "global-norm:c=1", "agc:lambda=0.05",
                                "autoclip:p=10", "zclip")),
                step(List.of("sgd", "momentum", "adamw"), List.of("none"), List.of("separate"), List.of("arrays", "vector", "nd4j"), List.of("f64", "f32"),
                        List.of("flat-16M", "resnet18", "gpt2-small"), List.of("1", "2")),
                step(List.of("sgd", "momentum", "adamw"), foldingStrategies(), List.of("separate", "fused"), List.of("arrays", "vector", "nd4j"),
                        List.of("f64", "f32"), List.of("flat-16M", "resnet18", "gpt2-small"), List.of("1", "2")),
                // the crossover map: ND4J (OpenBLAS products) at GPT-2's MLP width and a quarter of it, the vector backend at the
                // quarter width (its products take minutes a step at 768 x 3072 and T = 1024) and a slice of the full width
                perExample(List.of("nd4j"), List.of("192x768", "768x3072"), List.of("1", "4", "16"), SEQUENCE_LENGTHS),
                perExample(List.of("vector"), List.of("192x768"), List.of("1", "4", "16"), SEQUENCE_LENGTHS),
                perExample(List.of("vector"), List.of("768x3072"), List.of("4"), List.of("1", "16", "64"))), PEERS, "full");
    }

    private static Block clip(List<String> strategies, List<String> backends, List<String> dtypes, List<String> data,
                              List<String> layouts, String regime, List<String> threads) {
        return Block.of(Benchmarks.CLIP, "strategy", strategies, "backend", backends, "dtype", dtypes, "data", data,
                "layout", layouts, "regime", List.of(regime), "threads", threads, "norm", List.of("safe"));
    }

    /** The optimizer-step rows: the clip separate or folded into the step (strategy none: the step alone). */
    private static Block step(List<String> optimizers, List<String> strategies, List<String> modes, List<String> backends, List<String> dtypes,
                              List<String> data) {
        return step(optimizers, strategies, modes, backends, dtypes, data, List.of("1"));
    }

    private static Block step(List<String> optimizers, List<String> strategies, List<String> modes, List<String> backends, List<String> dtypes,
                              List<String> data, List<String> threads) {
        return Block.of(Benchmarks.OPTIMIZER_STEP, "optimizer", optimizers, "strategy", strategies, "fusion", modes, "backend", backends,
                "dtype", dtypes, "data", data, "threads", threads);
    }

    /** T of the crossover map: 1 (an MLP) to 1,024 (GPT-2's context). */
    static final List<String> SEQUENCE_LENGTHS = List.of("1", "4", "16", "64", "256", "1024");

    /** One private step per clipping method and the non-private step (PerExampleClipBenchmark), dp-flat, f32. */
    private static Block perExample(List<String> backends, List<String> layers, List<String> batches, List<String> positions) {
        return Block.of(Benchmarks.PER_EXAMPLE_CLIP, "clipping", org.clipbench.bench.PerExampleClipBenchmark.methods(), "rule", List.of("dp-flat"),
                "backend", backends, "dtype", List.of("f32"), "layer", layers, "batch", batches, "positions", positions, "threads", List.of("1"));
    }

    private static Block dp(List<String> strategies, List<String> backends, List<String> data, List<String> batch, String regime) {
        return Block.of(Benchmarks.DP_CLIP, "strategy", strategies, "backend", backends, "dtype", List.of("f64"), "data", data,
                "batch", batch, "regime", List.of(regime), "threads", List.of("1"));
    }
}
