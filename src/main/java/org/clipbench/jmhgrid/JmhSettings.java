package org.clipbench.jmhgrid;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long JMH measures each combination. Warm-up is declared by each benchmark class with JMH's own
 * {@code @Warmup} (the warm-up it needs, measured: iterations until the score stops falling) and a
 * profile scales it by warmupScale; warmupIterations x warmupMillis serve a class that declares none.
 * rerunWarmupFactor &gt; 0 reruns a combination whose result is not at steady state once, with that many
 * times the warm-up (0: no rerun).
 */
public record JmhSettings(int forks, int warmupIterations, int warmupMillis, int measurementIterations,
                          int measurementMillis, boolean gcProfiler, double warmupScale, int rerunWarmupFactor) {

    /** Warm-up iterations and milliseconds per iteration for a benchmark class: its own, scaled by the profile. */
    public int[] warmupFor(String benchmark) {
        Warmup w = declaredWarmup(benchmark);
        if (w == null) return new int[] {warmupIterations, warmupMillis};
        int millis = (int) TimeUnit.MILLISECONDS.convert(w.time(), w.timeUnit());
        return new int[] {Math.max(1, (int) Math.round(w.iterations() * warmupScale)), millis};
    }

    static Warmup declaredWarmup(String benchmark) {
        try {
            return Class.forName(BenchRunner.BENCH_PACKAGE + benchmark).getAnnotation(Warmup.class);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** Rough wall time of one combination: JVM start and setup, plus warm-up and measurement, per fork. */
    public double estimateSeconds(String benchmark, boolean native_) {
        double startup = native_ ? 4.0 : 1.5;
        int[] w = warmupFor(benchmark);
        return forks * (startup + (w[0] * w[1] + measurementIterations * measurementMillis) / 1000.0);
    }
}
