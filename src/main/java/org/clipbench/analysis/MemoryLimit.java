package org.clipbench.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
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
 * <p>Cache: each primitive is measured repeatedly on one data set, so its rate already has the cache state
 * a kernel's pass on that set meets when the set fits in cache (every pass hits) or is far beyond it (every
 * pass misses). In between, a later pass of the same call can find the part of the data an earlier pass
 * left in cache (a kernel that scales in the reverse order of its norm finds the tail of the norm pass).
 * The limit grants later passes that: a fraction capacity / size of their bytes at the cached rate, where
 * capacity is the largest data set of the run (same dtype and threads) whose read rate is still at least
 * {@link #CACHED_SPEEDUP} times that of the largest set. A run without such a knee needs no credit.
 */
public final class MemoryLimit {
    /** A read rate this many times the largest set's marks a set as cache-resident. */
    static final double CACHED_SPEEDUP = 1.5;

    private record Key(String data, String dtype, String threads) {
    }

    /** GB/s of one primitive on one data set, dtype and thread count, with the bytes of one of its passes. */
    private record Rate(double gbps, double passBytes) {
    }

    private final Map<String, Map<Key, Rate>> rates = new HashMap<>();

    private MemoryLimit() {
    }

    /** From a bandwidth table: data, dtype, threads, method, gbps, elements and element_bytes per row. */
    public static MemoryLimit of(Table bandwidth) {
        MemoryLimit m = new MemoryLimit();
        for (int r = 0; r < bandwidth.rowCount(); r++) {
            double gbps = bandwidth.doubleColumn("gbps").getDouble(r);
            if (!(gbps > 0) || !Double.isFinite(gbps)) continue;
            String dtype = bandwidth.stringColumn("dtype").get(r);
            Key k = new Key(bandwidth.stringColumn("data").get(r), dtype.isEmpty() ? "f64" : dtype, bandwidth.stringColumn("threads").get(r));
            double passBytes = bandwidth.doubleColumn("elements").getDouble(r) * bandwidth.doubleColumn("element_bytes").getDouble(r);
            m.rates.computeIfAbsent(bandwidth.stringColumn("method").get(r), x -> new HashMap<>()).put(k, new Rate(gbps, passBytes));
        }
        return m;
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
        if (traffic == null || !(passBytes > 0)) return Double.NaN;
        Key k = new Key(data, dtype, threads);
        Rate read = readRate(k);
        if (read == null) return Double.NaN;
        Rate firstRead = freshData && rate("readFresh", k) != null ? rate("readFresh", k) : read;
        Rate inPlace = rate("scaleInPlace", k);
        double reads = traffic.gradientReads() + traffic.parameterReads();
        double inPlacePasses = Math.min(reads, traffic.gradientWrites());
        double readPasses = reads - inPlacePasses, writePasses = traffic.gradientWrites() - inPlacePasses;
        double readNs = passBytes / read.gbps();
        // without an in-place rate, a read and a write pass: still a limit, only a looser one
        double inPlaceNs = inPlace != null ? 2 * passBytes / inPlace.gbps() : readNs + writeNs(k, passBytes, read);
        double writeNs = writeNs(k, passBytes, read);
        double first = readPasses > 0 ? readNs : inPlacePasses > 0 ? inPlaceNs : writeNs;
        double firstNs = readPasses > 0 ? passBytes / firstRead.gbps() : first; // fresh data: the first read pays the write-backs
        double total = readPasses * readNs + inPlacePasses * inPlaceNs + writePasses * writeNs;
        double later = total - first; // what later passes cost at this set's own rates
        double credit = laterPassCredit(k, passBytes);
        return firstNs + later * (1 - credit) + later * credit * cachedShare(k, read);
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

    /** The read rate of clean data: read; else readFresh (a run that measured only that); else a copy's, lower still. */
    private Rate readRate(Key k) {
        Rate r = rate("read", k);
        if (r == null) r = rate("readFresh", k);
        return r != null ? r : rate("copy", k);
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
