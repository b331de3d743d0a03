package org.clipbench.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JMH benchmark classes a grid can run: adding one is its class plus one line in {@link #ALL}.
 * Grids, filters, the summary tables and the peer refer to a benchmark through these names (a class
 * renamed is a compile error, not a silently empty table); {@code BenchmarksTest} fails when a class
 * with {@code @Benchmark} methods is not registered here.
 */
public final class Benchmarks {
    private Benchmarks() {
    }

    public static final String BANDWIDTH = BandwidthBenchmark.class.getSimpleName();
    public static final String NORM = NormBenchmark.class.getSimpleName();
    public static final String CLIP = ClipBenchmark.class.getSimpleName();
    public static final String DP_CLIP = DpClipBenchmark.class.getSimpleName();
    public static final String RESTORE = RestoreBenchmark.class.getSimpleName();
    public static final String TRAINING_STEP = TrainingStepBenchmark.class.getSimpleName();
    public static final String OPTIMIZER_STEP = OptimizerStepBenchmark.class.getSimpleName();
    public static final String PER_EXAMPLE_CLIP = PerExampleClipBenchmark.class.getSimpleName();

    /** Every benchmark class, in the order the grid runs and the report lists them. */
    static final List<Class<?>> ALL = List.of(BandwidthBenchmark.class, NormBenchmark.class, ClipBenchmark.class,
            DpClipBenchmark.class, RestoreBenchmark.class, TrainingStepBenchmark.class, OptimizerStepBenchmark.class,
            PerExampleClipBenchmark.class);

    /** The names a grid and --benchmarks accept (the classes' simple names, as JMH reports them). */
    public static List<String> names() {
        return ALL.stream().map(Class::getSimpleName).toList();
    }

    /**
     * A benchmark's parameters as this version names them. Results and grids written before December 2026
     * named the data set "params" (ClipBenchmark, DpClipBenchmark, RestoreBenchmark) or "size"
     * (NormBenchmark, BandwidthBenchmark, where NormBenchmark's ordinary/huge switch was "data"); they are
     * read as "data" (and "values"), in their places, so committed results, A/B comparisons with older runs
     * and resumed older folders keep working. No benchmark of this version has a parameter "params" or "size".
     */
    public static Map<String, String> withCurrentNames(Map<String, String> params) {
        if (!params.containsKey("params") && !params.containsKey("size")) return params;
        boolean legacyNorm = params.containsKey("size");
        Map<String, String> out = new LinkedHashMap<>();
        params.forEach((name, value) -> out.put(switch (name) {
            case "params", "size" -> "data";
            case "data" -> legacyNorm ? "values" : name;
            default -> name;
        }, value));
        return out;
    }
}
