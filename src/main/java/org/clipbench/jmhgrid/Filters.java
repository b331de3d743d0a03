package org.clipbench.jmhgrid;

import org.clipbench.bench.Benchmarks;
import java.util.List;
import java.util.Map;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.params.ParamShapes;
import org.clipbench.strategy.Strategies;

/**
 * Narrows a grid: a combination is kept when each of its parameters that a filter names is in that
 * filter's list (null = no filter). Strategies filter by name ("global-norm" keeps "global-norm:p=inf").
 */
public record Filters(List<String> backends, List<String> strategies, List<String> dataSets, List<String> dtypes,
                      List<String> threads, List<String> benchmarks) {


    public Filters(List<String> backends, List<String> strategies, List<String> dataSets, List<String> dtypes, List<String> threads) {
        this(backends, strategies, dataSets, dtypes, threads, null);
    }

    public static Filters none() {
        return new Filters(null, null, null, null, null, null);
    }

    /** True when no filter narrows the grid: the whole profile runs (and with it the profile's accuracy table). */
    public boolean isEmpty() {
        return backends == null && strategies == null && dataSets == null && dtypes == null && threads == null && benchmarks == null;
    }

    /** Throws IllegalArgumentException naming the bad value and the valid choices. */
    public Filters validate() {
        if (backends != null) for (String b : backends) {
            if (!Backends.names().contains(b)) {
                throw new IllegalArgumentException("--backends: unknown backend '" + b + "'; valid: " + String.join(",", Backends.names()));
            }
        }
        if (strategies != null) for (String s : strategies) {
            if (!Strategies.names().contains(s)) {
                throw new IllegalArgumentException("--strategies: unknown strategy '" + s + "'; valid: " + String.join(",", Strategies.names()));
            }
        }
        if (dataSets != null) for (String s : dataSets) {
            try {
                ParamShapes.get(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--data: " + e.getMessage());
            }
        }
        if (dtypes != null) for (String d : dtypes) {
            try {
                DType.parse(d);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--dtypes: " + e.getMessage());
            }
        }
        if (benchmarks != null) for (String b : benchmarks) {
            if (!Benchmarks.names().contains(b)) {
                throw new IllegalArgumentException("--benchmarks: unknown benchmark '" + b + "'; valid: " + String.join(",", Benchmarks.names()));
            }
        }
        if (threads != null) for (String t : threads) {
            if (!t.matches("[1-9][0-9]*")) {
                throw new IllegalArgumentException("--threads: '" + t + "' is not a positive whole number; valid: 1,2");
            }
        }
        return this;
    }

    public boolean keeps(Combo c) {
        return matches(benchmarks, c.benchmark()) && keepsIgnoringBenchmark(c);
    }

    /** keeps() without the benchmark filter: which clipping runs a selected RestoreBenchmark restores for. */
    public boolean keepsIgnoringBenchmark(Combo c) {
        Map<String, String> p = c.params();
        return matches(backends, p.get("backend"))
                && matches(strategies, p.containsKey("strategy") ? Strategies.nameOf(p.get("strategy")) : null)
                && matches(dataSets, p.get("data"))
                && matches(dtypes, p.get("dtype"))
                && matches(threads, p.get("threads"));
    }

    /**
     * A filter value that no combination of the grid has would silently select less than asked (e.g.
     * --threads 3 where every benchmark runs with 1 or 2): IllegalArgumentException naming it and what
     * the profile has.
     */
    public void requireEachValueMatches(java.util.Collection<Combo> all, String profile) {
        requireMatches("--benchmarks", benchmarks, all, Combo::benchmark, profile);
        requireMatches("--backends", backends, all, c -> c.params().get("backend"), profile);
        requireMatches("--strategies", strategies, all,
                c -> c.params().containsKey("strategy") ? Strategies.nameOf(c.params().get("strategy")) : null, profile);
        requireMatches("--data", dataSets, all, c -> c.params().get("data"), profile);
        requireMatches("--dtypes", dtypes, all, c -> c.params().get("dtype"), profile);
        requireMatches("--threads", threads, all, c -> c.params().get("threads"), profile);
    }

    private static void requireMatches(String option, List<String> filter, java.util.Collection<Combo> all,
                                       java.util.function.Function<Combo, String> value, String profile) {
        if (filter == null) return;
        java.util.TreeSet<String> has = new java.util.TreeSet<>();
        for (Combo c : all) {
            String v = value.apply(c);
            if (v != null) has.add(v);
        }
        for (String f : filter) {
            if (!has.contains(f)) {
                throw new IllegalArgumentException(option + " " + f + ": no benchmark of profile " + profile + " has that; it has "
                        + String.join(",", has));
            }
        }
    }

    private static boolean matches(List<String> filter, String value) {
        return filter == null || value == null || filter.contains(value);
    }
}
