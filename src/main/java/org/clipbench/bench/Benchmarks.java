package org.clipbench.bench;

import java.util.List;

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

    /** Every benchmark class, in the order the grid runs and the report lists them. */
    static final List<Class<?>> ALL = List.of(BandwidthBenchmark.class, NormBenchmark.class, ClipBenchmark.class,
            DpClipBenchmark.class, RestoreBenchmark.class, TrainingStepBenchmark.class);

    /** The names a grid and --benchmarks accept (the classes' simple names, as JMH reports them). */
    public static List<String> names() {
        return ALL.stream().map(Class::getSimpleName).toList();
    }
}
