package org.clipbench.jmhgrid;

import java.util.ArrayList;
import org.clipbench.bench.Benchmarks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A benchmark class and a list of values per parameter: a cross product of combinations. */
public record Block(String benchmark, Map<String, List<String>> axes) {
    public Block {
        if (!Benchmarks.names().contains(benchmark)) {
            throw new IllegalArgumentException("block: '" + benchmark + "' is not a registered benchmark (bench/Benchmarks): " + Benchmarks.names());
        }
        axes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(axes));
    }

    /** block("NormBenchmark", "backend", List.of(...), "dtype", List.of(...), ...). */
    @SuppressWarnings("unchecked")
    public static Block of(String benchmark, Object... keysAndValues) {
        Map<String, List<String>> axes = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            axes.put((String) keysAndValues[i], List.copyOf((List<String>) keysAndValues[i + 1]));
        }
        return new Block(benchmark, axes);
    }

    /** Every combination, in axis order (the last axis varies fastest). */
    public List<Combo> expand() {
        List<Map<String, String>> acc = new ArrayList<>();
        acc.add(new LinkedHashMap<>());
        for (var axis : axes.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : acc) {
                for (String v : axis.getValue()) {
                    Map<String, String> m = new LinkedHashMap<>(partial);
                    m.put(axis.getKey(), v);
                    next.add(m);
                }
            }
            acc = next;
        }
        return acc.stream().map(m -> new Combo(benchmark, m)).toList();
    }
}
