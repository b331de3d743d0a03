package org.clipbench.sweep;

/** How long JMH measures each combination. */
public record JmhSettings(int forks, int warmupIterations, int warmupMillis, int measurementIterations,
                          int measurementMillis, boolean gcProfiler) {

    /** Rough wall time of one combination: JVM start and setup, plus warm-up and measurement, per fork. */
    public double estimateSeconds(boolean native_) {
        double startup = native_ ? 4.0 : 1.5;
        return forks * (startup + (warmupIterations * warmupMillis + measurementIterations * measurementMillis) / 1000.0);
    }
}
