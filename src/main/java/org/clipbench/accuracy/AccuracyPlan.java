package org.clipbench.accuracy;

import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.clipbench.backend.DType;

/**
 * What an accuracy run measures: gradient sizes (powers of two), value laws, dtypes, the seed of the data, the
 * grouping-invariance gradient (its size and the shard counts 1..maxShards), the entries of the largest-finite-norm
 * search, and the peers. Named plans: {@link #smoke()} (tests), {@link #quick()} (the quick profile's slice),
 * {@link #full()} (1K to 2^30, the full and accuracy profiles).
 */
public record AccuracyPlan(String name, List<Integer> log2Sizes, List<ValueLaw> laws, List<DType> dtypes, long seed, int groupingLog2,
                           int maxShards, int overflowEntries, List<String> peers) {
    public static final List<String> NAMES = List.of("smoke", "quick", "full");

    public AccuracyPlan {
        for (int k : log2Sizes) {
            if (k < 0 || k > 30) throw new IllegalArgumentException("accuracy sizes are 2^0 to 2^30 entries; got 2^" + k);
        }
        if (maxShards < 1 || maxShards > 1024) throw new IllegalArgumentException("shard counts run from 1 to at most 1024; got " + maxShards);
        if (groupingLog2 < 0 || groupingLog2 > 26) throw new IllegalArgumentException("the grouping gradient has 2^0 to 2^26 entries; got 2^" + groupingLog2);
        log2Sizes = List.copyOf(log2Sizes);
        laws = List.copyOf(laws);
        dtypes = List.copyOf(dtypes);
        peers = List.copyOf(peers);
    }

    static final List<DType> ALL_DTYPES = List.of(DType.F32, DType.F64, DType.BF16, DType.F16);

    /** Seconds on 2 cores; for tests and CI. */
    public static AccuracyPlan smoke() {
        return new AccuracyPlan("smoke", List.of(10, 12), List.of(ValueLaw.values()), ALL_DTYPES, 1, 10, 8, 64, List.of());
    }

    /** A few minutes: 1K to 4M entries, every law, dtype and peer; grouping on 64K entries, k = 1..16. */
    public static AccuracyPlan quick() {
        return new AccuracyPlan("quick", List.of(10, 14, 18, 22), List.of(ValueLaw.values()), ALL_DTYPES, 1, 16, 16, 4096,
                List.of("pytorch", "jax"));
    }

    /** Every power of two from 1K to 2^30 entries (2^30 f32 = 4 GiB), every law, dtype and peer; grouping on 1M entries. */
    public static AccuracyPlan full() {
        return new AccuracyPlan("full", IntStream.rangeClosed(10, 30).boxed().toList(), List.of(ValueLaw.values()), ALL_DTYPES, 1, 20, 64, 4096,
                List.of("pytorch", "jax"));
    }

    public static AccuracyPlan named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "smoke" -> smoke();
            case "quick" -> quick();
            case "full" -> full();
            default -> throw new IllegalArgumentException("unknown accuracy plan '" + name + "': choose one of " + NAMES);
        };
    }

    /** The plan with other sizes, laws, dtypes or peers (null: keep the plan's). */
    public AccuracyPlan with(List<Integer> sizes, List<ValueLaw> newLaws, List<DType> newDtypes, List<String> newPeers) {
        return new AccuracyPlan(name, sizes != null ? sizes : log2Sizes, newLaws != null ? newLaws : laws, newDtypes != null ? newDtypes : dtypes,
                seed, groupingLog2, maxShards, overflowEntries, newPeers != null ? newPeers : peers);
    }

    /** The largest gradient, in bytes of its storage. */
    public long largestBytes() {
        long most = 0;
        for (int k : log2Sizes) for (DType d : dtypes) most = Math.max(most, (1L << k) * d.bytes());
        return most;
    }
}
