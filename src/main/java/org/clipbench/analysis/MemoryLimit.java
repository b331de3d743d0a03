package org.clipbench.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.clipbench.strategy.MemoryTraffic;
import tech.tablesaw.api.Table;

/**
 * The memory limit of a call: the fastest its passes over memory can run on this machine, priced with
 * the primitives an in-place kernel is made of, measured in the same run on the same data set, dtype and
 * thread count (BandwidthBenchmark): a read pass at the rate of {@code read} (a reduction), a pass that
 * reads and writes the same elements at the rate of {@code scaleInPlace} (no write-allocate: every line it
 * writes was just read), and a write-only pass at what {@code copy} spends beyond its read. A call timed
 * right after an untimed restore of its data (ClipBenchmark.clipFresh) makes its first read over freshly
 * written lines and pays for writing them back as they are evicted: that pass is priced at {@code readFresh},
 * the read measured the same way, where the run has it.
 *
 * <p>A limit on a busy machine (issue 34). A primitive is timed while other processes may take its core or its
 * memory bandwidth, and noise only ever makes it slower: so each rate is the primitive's best iteration (column
 * {@code best_gbps}; the mean where a table has no iterations), and two things the hardware cannot do are
 * taken out: a pass over a smaller set is never slower per byte than over a larger one (caches only help), and
 * 2 threads never have less bandwidth than 1 (they could leave a core idle). Each rate is therefore the best of
 * every measurement of that primitive, dtype and method on as large or larger sets with as many or fewer threads.
 * Where a primitive on several threads ran much slower than on one ({@link #COLLAPSE}; its team was descheduled),
 * no rate of that primitive at that thread count is believable, and the limit of a row that needs it is refused
 * with the reason instead of computed from it.
 *
 * <p>Cache: each primitive is measured repeatedly on one data set, so its rate already has the cache state
 * a kernel's pass on that set meets when the set fits in cache (every pass hits) or is far beyond it (every
 * pass misses). In between, a later pass of the same call can find the part of the data an earlier pass
 * left in cache (a kernel that scales in the reverse order of its norm finds the tail of the norm pass).
 * The limit grants later passes that: a fraction capacity / size of their bytes at the cached rate, where
 * capacity is the largest data set of the run (same dtype and threads) whose read rate is still at least
 * {@link #CACHED_SPEEDUP} times that of the largest set. A run without such a knee needs no credit. A set at or
 * below the knee is priced at cache rates: its limit is a cache limit ({@link Limit#kind}).
 */
public final class MemoryLimit {
    /** A read rate this many times the largest set's marks a set as cache-resident. */
    static final double CACHED_SPEEDUP = 1.5;
    /** A primitive on several threads this many times slower than on one has collapsed: its rate is not a limit. */
    static final double COLLAPSE = 1.5;

    private record Key(String data, String dtype, String threads) {
        int threadCount() {
            try {
                return Integer.parseInt(threads);
            } catch (NumberFormatException e) {
                return 1;
            }
        }
    }

    /** GB/s of one primitive on one data set, dtype and thread count, with the bytes of one of its passes. */
    private record Rate(double gbps, double passBytes) {
    }

    /** The limit of one row: ns (NaN when refused), "memory" or "cache", and why it was refused (null when it was not). */
    public record Limit(double ns, String kind, String refused) {
    }

    /** Rates as measured (best iteration), and after the physical envelope. */
    private final Map<String, Map<Key, Rate>> measured = new HashMap<>(), rates = new HashMap<>();
    /** Why a primitive's rate at a key is not believable, per method and key. */
    private final Map<String, Map<Key, String>> collapsed = new HashMap<>();

    private MemoryLimit() {
    }

    /**
     * From a bandwidth table: data, dtype, threads, method, gbps (mean), best_gbps (best iteration, optional),
     * elements and element_bytes per row.
     */
    public static MemoryLimit of(Table bandwidth) {
        MemoryLimit m = new MemoryLimit();
        boolean hasBest = bandwidth.columnNames().contains("best_gbps");
        for (int r = 0; r < bandwidth.rowCount(); r++) {
            double gbps = bandwidth.doubleColumn("gbps").getDouble(r);
            double best = hasBest ? bandwidth.doubleColumn("best_gbps").getDouble(r) : Double.NaN;
            if (best > 0 && Double.isFinite(best)) gbps = Math.max(gbps > 0 && Double.isFinite(gbps) ? gbps : 0, best);
            if (!(gbps > 0) || !Double.isFinite(gbps)) continue;
            String dtype = bandwidth.stringColumn("dtype").get(r);
            Key k = new Key(bandwidth.stringColumn("data").get(r), dtype.isEmpty() ? "f64" : dtype, bandwidth.stringColumn("threads").get(r));
            double passBytes = bandwidth.doubleColumn("elements").getDouble(r) * bandwidth.doubleColumn("element_bytes").getDouble(r);
            m.measured.computeIfAbsent(bandwidth.stringColumn("method").get(r), x -> new HashMap<>()).merge(k, new Rate(gbps, passBytes),
                    (a, b) -> a.gbps() >= b.gbps() ? a : b); // repeated runs of one primitive: the best
        }
        m.measured.forEach((method, byKey) -> {
            Map<Key, Rate> env = new HashMap<>();
            byKey.forEach((k, rate) -> env.put(k, envelope(byKey, k, rate)));
            m.rates.put(method, env);
            m.collapsed.put(method, collapses(method, byKey));
        });
        return m;
    }

    /** The best rate of the primitive on this key's dtype over sets at least as large, with at most as many threads. */
    private static Rate envelope(Map<Key, Rate> byKey, Key k, Rate own) {
        double best = own.gbps();
        for (var e : byKey.entrySet()) {
            Key o = e.getKey();
            if (o.dtype().equals(k.dtype()) && e.getValue().passBytes() >= own.passBytes() && o.threadCount() <= k.threadCount()) {
                best = Math.max(best, e.getValue().gbps());
            }
        }
        return new Rate(best, own.passBytes());
    }

    /** Keys (threads > 1) whose rate is {@link #COLLAPSE} times below the same set's on 1 thread, with the reason. */
    private static Map<Key, String> collapses(String method, Map<Key, Rate> byKey) {
        Map<Key, String> out = new HashMap<>();
        byKey.forEach((k, rate) -> {
            if (k.threadCount() <= 1) return;
            Rate one = byKey.get(new Key(k.data(), k.dtype(), "1"));
            if (one != null && rate.gbps() * COLLAPSE < one.gbps()) {
                out.put(k, String.format(Locale.ROOT, "%s on %s threads ran %.1fx slower than on 1 at its best (its threads were kept "
                        + "from running); no limit can be taken from it", method, k.threads(), one.gbps() / rate.gbps()));
            }
        });
        return out;
    }

    /**
     * The limit in ns of a call that makes the passes of {@code traffic} over {@code passBytes} bytes of this data
     * set, dtype and thread count; NaN when the run has no read rate for it. Passes that read and write pair up
     * as in-place passes; reads left over are read passes, writes left over are write passes.
     */
    public double ns(String data, String dtype, String threads, double passBytes, MemoryTraffic traffic) {
        return ns(data, dtype, threads, passBytes, traffic, false);
    }

    /** As {@link #ns(String, String, String, double, MemoryTraffic)}, for a call whose data was restored just before it when freshData. */
    public double ns(String data, String dtype, String threads, double passBytes, MemoryTraffic traffic, boolean freshData) {
        return limit(data, dtype, threads, passBytes, traffic, freshData).ns();
    }

    /** The limit of a call, its kind, or why the run cannot give one. */
    public Limit limit(String data, String dtype, String threads, double passBytes, MemoryTraffic traffic, boolean freshData) {
        if (traffic == null || !(passBytes > 0)) return new Limit(Double.NaN, "", null);
        Key k = new Key(data, dtype, threads);
        String readMethod = readMethod(k);
        if (readMethod == null) return new Limit(Double.NaN, "", null);
        Rate read = rate(readMethod, k);
        String firstMethod = freshData && rate("readFresh", k) != null ? "readFresh" : readMethod;
        Rate firstRead = rate(firstMethod, k);
        Rate inPlace = rate("scaleInPlace", k);
        double reads = traffic.gradientReads() + traffic.parameterReads();
        double inPlacePasses = Math.min(reads, traffic.gradientWrites());
        double readPasses = reads - inPlacePasses, writePasses = traffic.gradientWrites() - inPlacePasses;
        List<String> used = new ArrayList<>(List.of(readMethod));
        if (readPasses > 0) used.add(firstMethod);
        if (inPlacePasses > 0 && inPlace != null) used.add("scaleInPlace");
        if (writePasses > 0 || (inPlacePasses > 0 && inPlace == null)) used.add("copy");
        for (String method : used) {
            String why = collapse(method, k);
            if (why != null) return new Limit(Double.NaN, kind(k, passBytes), why);
        }
        double readNs = passBytes / read.gbps();
        // without an in-place rate, a read and a write pass: still a limit, only a looser one
        double inPlaceNs = inPlace != null ? 2 * passBytes / inPlace.gbps() : readNs + writeNs(k, passBytes, read);
        double writeNs = writeNs(k, passBytes, read);
        double first = readPasses > 0 ? readNs : inPlacePasses > 0 ? inPlaceNs : writeNs;
        double firstNs = readPasses > 0 ? passBytes / firstRead.gbps() : first; // fresh data: the first read pays the write-backs
        double total = readPasses * readNs + inPlacePasses * inPlaceNs + writePasses * writeNs;
        double later = total - first; // what later passes cost at this set's own rates
        double credit = laterPassCredit(k, passBytes);
        return new Limit(firstNs + later * (1 - credit) + later * credit * cachedShare(k, read), kind(k, passBytes), null);
    }

    /** "cache" for a set at or below the run's cache knee (its limit is the cache's), else "memory". */
    private String kind(Key k, double passBytes) {
        double cached = cachedBytes(k.dtype(), k.threads());
        return !Double.isNaN(cached) && passBytes <= cached ? "cache" : "memory";
    }

    /** Why a primitive cannot price this key (its own key, or the other dtype's it falls back to), or null. */
    private String collapse(String method, Key k) {
        Map<Key, String> m = collapsed.getOrDefault(method, Map.of());
        if (m.containsKey(k)) return m.get(k);
        if (rates.getOrDefault(method, Map.of()).containsKey(k)) return null;
        for (var e : m.entrySet()) {
            if (e.getKey().data().equals(k.data()) && e.getKey().threads().equals(k.threads())) return e.getValue();
        }
        return null;
    }

    /** The ns a write-only pass takes: what a copy spends beyond reading (2/copy - 1/read per byte), else a read's. */
    private double writeNs(Key k, double passBytes, Rate read) {
        Rate copy = rate("copy", k);
        double perByte = copy == null ? Double.NaN : 2 / copy.gbps() - 1 / read.gbps();
        return passBytes * (perByte > 0 ? perByte : 1 / read.gbps());
    }

    /**
     * The bytes the limit takes the cache to hold for this dtype and thread count: those of the largest set read at
     * least {@link #CACHED_SPEEDUP} times as fast as the largest; NaN without such a knee.
     */
    public double cachedBytes(String dtype, String threads) {
        Rate cached = cachedSet(new Key("", dtype, threads));
        return cached == null ? Double.NaN : cached.passBytes();
    }

    /** The fraction of a later pass's bytes that can still be in cache: capacity / size beyond the knee, else 0. */
    private double laterPassCredit(Key k, double passBytes) {
        Rate cached = cachedSet(k);
        if (cached == null || passBytes <= cached.passBytes()) return 0;
        return Math.min(1, cached.passBytes() / passBytes);
    }

    /**
     * A later pass's cached cost relative to its cost at this set's rates (below 1: the cache is faster): the
     * ratio of the two sets' read rates, applied to every kind of pass.
     */
    private double cachedShare(Key k, Rate read) {
        Rate cached = cachedSet(k);
        if (cached == null) return 1;
        return Math.min(1, read.gbps() / cached.gbps());
    }

    /** The largest set of this dtype and thread count whose read rate marks it cache-resident; null without a knee. */
    private Rate cachedSet(Key k) {
        Map<Key, Rate> read = new HashMap<>(rates.getOrDefault("readFresh", Map.of()));
        read.putAll(rates.getOrDefault("read", Map.of())); // clean reads where the run has them
        List<Rate> same = new ArrayList<>();
        read.forEach((key, r) -> {
            if (key.dtype().equals(k.dtype()) && key.threads().equals(k.threads())) same.add(r);
        });
        if (same.size() < 2) return null;
        same.sort(Comparator.comparingDouble(Rate::passBytes));
        double largestRate = same.get(same.size() - 1).gbps();
        Rate cached = null;
        for (Rate r : same.subList(0, same.size() - 1)) {
            if (r.gbps() >= CACHED_SPEEDUP * largestRate) cached = r;
        }
        return cached;
    }

    /** The primitive that prices a clean read: read; else readFresh (a run that measured only that); else copy, lower still. */
    private String readMethod(Key k) {
        for (String method : List.of("read", "readFresh", "copy")) {
            if (rate(method, k) != null) return method;
        }
        return null;
    }

    /** The rate of a primitive for this data set, dtype and threads; else the same set and threads in another dtype. */
    private Rate rate(String method, Key k) {
        Map<Key, Rate> m = rates.getOrDefault(method, Map.of());
        Rate exact = m.get(k);
        if (exact != null) return exact;
        for (var e : m.entrySet()) {
            if (e.getKey().data().equals(k.data()) && e.getKey().threads().equals(k.threads())) return e.getValue();
        }
        return null;
    }
}
