package org.clipbench.jmhgrid;

import org.clipbench.bench.Benchmarks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.strategy.Strategies;
import org.clipbench.strategy.Regime;
import org.clipbench.params.ParamShapes;

/**
 * Expands a profile into the combinations to run: regimes resolved per strategy and shape, what a
 * backend cannot run left out (and listed, with the reason), filters applied, one restore benchmark
 * added per distinct data set a clipping benchmark restores, sorted by id, and optionally one shard.
 */
public final class Grid {
    private final List<Combo> combos;
    private final Map<String, String> leftOut;

    private Grid(List<Combo> combos, Map<String, String> leftOut) {
        this.combos = combos;
        this.leftOut = leftOut;
    }

    public List<Combo> combos() {
        return combos;
    }

    /** Combinations the profile names that a backend cannot run, with the reason (reported, not run). */
    public Map<String, String> leftOut() {
        return leftOut;
    }

    public static Grid build(Profile profile, Filters filters) {
        Map<String, Combo> kept = new LinkedHashMap<>();
        Map<String, String> leftOut = new LinkedHashMap<>();
        Map<String, Combo> runnable = new LinkedHashMap<>();
        for (Block block : profile.blocks()) {
            for (Combo raw : block.expand()) {
                for (Combo c : resolveRegime(raw)) {
                    String why = unsupported(c);
                    if (why != null) {
                        leftOut.put(c.toString(), why);
                    } else {
                        runnable.putIfAbsent(c.id(), c);
                    }
                }
            }
        }
        for (Combo c : List.copyOf(runnable.values())) {
            Combo restore = restoreFor(c);
            if (restore != null) runnable.putIfAbsent(restore.id(), restore);
        }
        filters.requireEachValueMatches(runnable.values(), profile.name());
        for (Combo c : runnable.values()) {
            // a restore is kept with the clipping runs it belongs to, or alone when RestoreBenchmark is asked for
            boolean keep = c.benchmark().equals(Benchmarks.RESTORE) ? restoresAKeptRun(c, runnable.values(), filters) : filters.keeps(c);
            if (keep) kept.putIfAbsent(c.id(), c);
        }
        keepTheRoofline(kept, runnable.values(), filters);
        List<Combo> sorted = new ArrayList<>(kept.values());
        sorted.sort(Comparator.comparing(Combo::id));
        return new Grid(List.copyOf(sorted), leftOut);
    }

    /** Shard k of n (1-based): every n-th combination of the sorted grid, so shards partition it. */
    public Grid shard(int k, int n) {
        if (n < 1 || k < 1 || k > n) {
            throw new IllegalArgumentException("--shard " + k + "/" + n + ": need 1 <= k <= n");
        }
        List<Combo> mine = new ArrayList<>();
        for (int i = 0; i < combos.size(); i++) {
            if (i % n == k - 1) mine.add(combos.get(i));
        }
        if (mine.isEmpty() && !combos.isEmpty()) {
            throw new IllegalArgumentException("--shard " + k + "/" + n + ": this shard holds no combination (the grid has " + combos.size()
                    + "); use at most " + combos.size() + " shards");
        }
        return new Grid(List.copyOf(mine), leftOut);
    }

    public double estimateSeconds(JmhSettings s) {
        double total = 0;
        for (Combo c : combos) {
            int methods = c.benchmark().equals(Benchmarks.BANDWIDTH) && !c.params().containsKey("method") ? 3 : 1;
            total += methods * s.estimateSeconds(c.benchmark(), c.backend().equals("nd4j"));
        }
        return total;
    }

    private static List<Combo> resolveRegime(Combo c) {
        String regime = c.params().get("regime");
        if (regime == null || !(regime.equals("auto") || regime.equals("all"))) return List.of(c);
        List<Regime> valid = Strategies.regimes(c.params().get("strategy"), ParamShapes.get(c.params().get("data")));
        List<Regime> chosen;
        if (regime.equals("all")) {
            chosen = valid;
        } else {
            Regime best = valid.contains(Regime.ALWAYS) ? Regime.ALWAYS : valid.contains(Regime.SPIKES) ? Regime.SPIKES : valid.get(0);
            chosen = List.of(best);
        }
        List<Combo> out = new ArrayList<>();
        for (Regime r : chosen) {
            Map<String, String> p = new LinkedHashMap<>(c.params());
            p.put("regime", r.label());
            out.add(new Combo(c.benchmark(), p));
        }
        return out;
    }

    /** Why a backend cannot run this combination, or null if it can. */
    static String unsupported(Combo c) {
        Map<String, String> p = c.params();
        String backend = p.get("backend");
        if (backend != null) {
            DType d = DType.parse(p.getOrDefault("dtype", "f64"));
            boolean flat = "flat".equals(p.get("layout"));
            int threads = c.threads();
            if (!Backends.supports(backend, d, flat, threads)) {
                Backends.Capabilities caps = Backends.capabilities(backend);
                if (!caps.holds(d)) return backend + " has no " + d + " storage";
                if (flat && !caps.flatLayout()) return backend + " has no views into a shared buffer (flat layout)";
                return backend + " runs single-threaded";
            }
        }
        if (p.containsKey("regime") && p.containsKey("strategy")) {
            Regime r = Regime.parse(p.get("regime"));
            if (!Strategies.regimes(p.get("strategy"), ParamShapes.get(p.get("data"))).contains(r)) {
                return "regime " + r.label() + " does not apply to " + p.get("strategy") + " on " + p.get("data");
            }
        }
        return null;
    }

    /**
     * The memory-rate rows (copy, read, in-place scale) of every data size and thread count a kept measurement
     * uses stay in the grid whatever the dtype, backend or benchmark filters say: the report's roofline
     * must come from the same run.
     */
    /** The bandwidth methods the report's memory limit is priced with (analysis.MemoryLimit). */
    static final List<String> ROOFLINE_METHODS = List.of("copy", "read", "readFresh", "scaleInPlace");

    private static void keepTheRoofline(Map<String, Combo> kept, java.util.Collection<Combo> runnable, Filters filters) {
        java.util.Set<String> used = new java.util.HashSet<>();
        for (Combo c : kept.values()) {
            if (c.benchmark().equals(Benchmarks.BANDWIDTH)) continue;
            String data = c.params().get("data");
            if (data != null) used.add(data + "|" + c.params().getOrDefault("threads", "1"));
        }
        for (Combo c : runnable) {
            if (!c.benchmark().equals(Benchmarks.BANDWIDTH) || !ROOFLINE_METHODS.contains(c.params().getOrDefault("method", "copy"))) continue;
            if (used.contains(c.params().get("data") + "|" + c.params().get("threads"))) kept.putIfAbsent(c.id(), c);
        }
    }

    private static boolean restoresAKeptRun(Combo restore, java.util.Collection<Combo> all, Filters filters) {
        if (!filters.keepsIgnoringBenchmark(restore)) return false;
        for (Combo c : all) {
            Combo r = restoreFor(c);
            if (r != null && r.id().equals(restore.id())
                    && (filters.keeps(c) || filters.benchmarks() != null && filters.benchmarks().contains(Benchmarks.RESTORE)
                    && filters.keepsIgnoringBenchmark(c))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The restore that a clipping benchmark's timed calls begin with, as its own benchmark (the analysis
     * subtracts it); none where the restore runs untimed (ClipBenchmark.clipFresh, large data).
     */
    private static Combo restoreFor(Combo c) {
        Map<String, String> p = c.params();
        if (!c.benchmark().equals(Benchmarks.CLIP) && !c.benchmark().equals(Benchmarks.DP_CLIP)) return null;
        if (c.benchmark().equals(Benchmarks.CLIP) && BenchRunner.methodOf(c).equals("clipFresh")) return null;
        Map<String, String> r = new LinkedHashMap<>();
        r.put("backend", p.get("backend"));
        r.put("dtype", p.get("dtype"));
        r.put("data", p.get("data"));
        r.put("layout", p.getOrDefault("layout", "separate"));
        r.put("threads", p.get("threads"));
        return new Combo(Benchmarks.RESTORE, r);
    }
}
