package org.clipbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.clipbench.strategy.MemoryTraffic;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** The limit of a call from the run's read and in-place rates, with exact values. */
class MemoryLimitTest {

    static final double N4M = 4_194_304, N16M = 16_777_216;

    /** Bandwidth rows: data, dtype, threads, method, gbps, elements, element_bytes. */
    static Table bandwidth(Object[]... rows) {
        return bandwidthOn("1", rows);
    }

    /** As {@link #bandwidth}, every row on the given thread count. */
    static Table bandwidthOn(String threads, Object[]... rows) {
        Table t = Table.create("bw", StringColumn.create("data"), StringColumn.create("dtype"), StringColumn.create("threads"),
                StringColumn.create("method"), DoubleColumn.create("gbps"), DoubleColumn.create("elements"), DoubleColumn.create("element_bytes"));
        for (Object[] r : rows) {
            t.stringColumn("data").append((String) r[0]);
            t.stringColumn("dtype").append((String) r[1]);
            t.stringColumn("threads").append(r.length > 5 ? (String) r[5] : threads);
            t.stringColumn("method").append((String) r[2]);
            t.doubleColumn("gbps").append((double) r[3]);
            t.doubleColumn("elements").append((double) r[4]);
            t.doubleColumn("element_bytes").append(((String) r[1]).equals("f32") ? 4.0 : 8.0);
        }
        return t;
    }

    static final MemoryTraffic GLOBAL_NORM = new MemoryTraffic(2, 1, 0), VALUE = new MemoryTraffic(1, 1, 0), NORM = new MemoryTraffic(1, 0, 0);

    @Test
    void aGlobalNormClipIsOneReadPassAndOneInPlacePass() {
        // read 40 GB/s; in place 30 GB/s counting read + write: 64 MiB f32 take 1.678 ms to read, 4.474 ms in place
        MemoryLimit m = MemoryLimit.of(bandwidth(new Object[] {"flat-16M", "f32", "read", 40.0, N16M},
                new Object[] {"flat-16M", "f32", "scaleInPlace", 30.0, N16M}));
        double bytes = N16M * 4;
        assertThat(m.ns("flat-16M", "f32", "1", bytes, GLOBAL_NORM)).isCloseTo(bytes / 40 + 2 * bytes / 30, within(1e-6));
        assertThat(m.ns("flat-16M", "f32", "1", bytes, VALUE)).isCloseTo(2 * bytes / 30, within(1e-6));
        assertThat(m.ns("flat-16M", "f32", "1", bytes, NORM)).isCloseTo(bytes / 40, within(1e-6));
        // no rate for another thread count: no limit, not a guess
        assertThat(m.ns("flat-16M", "f32", "2", bytes, NORM)).isNaN();
    }

    /**
     * Issue 36: a norm row (NormBenchmark has no restore) with no time was flagged "the restore measured alone took as long
     * as the whole call"; only a net time (call minus restore) gets that flag.
     */
    @Test
    void onlyANetTimeIsFlaggedForItsRestore() {
        MemoryLimit m = MemoryLimit.of(bandwidth(new Object[] {"flat-16M", "f64", "read", 50.0, N16M}));
        Table t = Table.create("t", DoubleColumn.create("ns_op", new double[] {Double.NaN, -5}), DoubleColumn.create("pct_achievable", new double[] {Double.NaN, Double.NaN}),
                DoubleColumn.create("elements", new double[] {N16M, N16M}), DoubleColumn.create("element_bytes", new double[] {8, 8}),
                StringColumn.create("dtype", new String[] {"f64", "f64"}), StringColumn.create("threads", new String[] {"1", "1"}));
        Table norm = KernelSummary.withFlags(t, "ns_op", m);
        assertThat(norm.stringColumn("flag").asList()).containsExactly("no time: NaN ns is not a time per call", "no time: -5.0 ns is not a time per call");
        t.addColumns(StringColumn.create("restore", new String[] {"untimed", "subtracted"}));
        Table clip = KernelSummary.withFlags(t, "ns_op", m);
        assertThat(clip.stringColumn("flag").asList()).containsExactly("no time: NaN ns is not a time per call",
                "no time: the restore measured alone took as long as the whole call");
    }

    @Test
    void withoutAnInPlaceRateAWriteCostsWhatACopyAddsToARead() {
        // copy 40 GB/s (STREAM counts read + write), read 60 GB/s: a written byte costs 2/40 - 1/60 ns
        MemoryLimit m = MemoryLimit.of(bandwidth(new Object[] {"flat-16M", "f64", "copy", 40.0, N16M},
                new Object[] {"flat-16M", "f64", "read", 60.0, N16M}));
        double bytes = N16M * 8;
        assertThat(m.ns("flat-16M", "f64", "1", bytes, GLOBAL_NORM)).isCloseTo(2 * bytes / 60 + bytes * (2 / 40.0 - 1 / 60.0), within(1e-6));
    }

    @Test
    void theOtherDtypesRatesServeWhenTheRowsDtypeWasNotMeasured() {
        MemoryLimit m = MemoryLimit.of(bandwidth(new Object[] {"flat-16M", "f64", "read", 50.0, N16M}));
        assertThat(m.ns("flat-16M", "f32", "1", N16M * 4, NORM)).isCloseTo(N16M * 4 / 50, within(1e-6));
    }

    /**
     * Beyond the cache, a later pass can find capacity / size of its bytes cached: 4M f32 (16 MiB) reads at 120
     * GB/s, 3x the 16M set's 40 GB/s, so it is the cache; a 16M clip's in-place pass gets a quarter of its bytes
     * at a third of the cost. A set below the knee gets no credit: its own rates are already cache rates.
     */
    @Test
    void laterPassesBeyondTheCacheAreCreditedWithWhatTheCacheHolds() {
        MemoryLimit m = MemoryLimit.of(bandwidth(new Object[] {"flat-4M", "f32", "read", 120.0, N4M},
                new Object[] {"flat-4M", "f32", "scaleInPlace", 90.0, N4M},
                new Object[] {"flat-16M", "f32", "read", 40.0, N16M},
                new Object[] {"flat-16M", "f32", "scaleInPlace", 30.0, N16M}));
        double bytes = N16M * 4, inPlace = 2 * bytes / 30;
        double expected = bytes / 40 + inPlace * 0.75 + inPlace * 0.25 * (40.0 / 120);
        assertThat(m.ns("flat-16M", "f32", "1", bytes, GLOBAL_NORM)).isCloseTo(expected, within(1e-6));
        assertThat(m.ns("flat-4M", "f32", "1", N4M * 4, GLOBAL_NORM)).isCloseTo(N4M * 4 / 120 + 2 * N4M * 4 / 90, within(1e-6));
        assertThat(m.cachedBytes("f32", "1")).isEqualTo(N4M * 4);
        // a lone pass has no later pass to credit
        assertThat(m.ns("flat-16M", "f32", "1", bytes, NORM)).isCloseTo(bytes / 40, within(1e-6));
    }

    /** A clip timed right after an untimed restore reads freshly written data first: that pass at readFresh's rate, the rest as before. */
    @Test
    void aCallOnFreshlyRestoredDataStartsWithAFreshRead() {
        MemoryLimit m = MemoryLimit.of(bandwidth(new Object[] {"flat-16M", "f32", "read", 40.0, N16M},
                new Object[] {"flat-16M", "f32", "readFresh", 25.0, N16M},
                new Object[] {"flat-16M", "f32", "scaleInPlace", 30.0, N16M}));
        double bytes = N16M * 4;
        assertThat(m.ns("flat-16M", "f32", "1", bytes, GLOBAL_NORM, true)).isCloseTo(bytes / 25 + 2 * bytes / 30, within(1e-6));
        assertThat(m.ns("flat-16M", "f32", "1", bytes, GLOBAL_NORM, false)).isCloseTo(bytes / 40 + 2 * bytes / 30, within(1e-6));
        // a run that measured only the fresh read prices clean rows with it too (the only read it has)
        MemoryLimit onlyFresh = MemoryLimit.of(bandwidth(new Object[] {"flat-16M", "f32", "readFresh", 25.0, N16M}));
        assertThat(onlyFresh.ns("flat-16M", "f32", "1", bytes, NORM)).isCloseTo(bytes / 25, within(1e-6));
    }

    /** Negative control: rates within 1.5x of each other are no knee, so nothing is credited. */
    @Test
    void ratesWithoutAKneeGiveNoCacheCredit() {
        MemoryLimit m = MemoryLimit.of(bandwidth(new Object[] {"flat-4M", "f32", "read", 55.0, N4M},
                new Object[] {"flat-16M", "f32", "read", 40.0, N16M},
                new Object[] {"flat-16M", "f32", "scaleInPlace", 30.0, N16M}));
        double bytes = N16M * 4;
        assertThat(m.ns("flat-16M", "f32", "1", bytes, GLOBAL_NORM)).isCloseTo(bytes / 40 + 2 * bytes / 30, within(1e-6));
        assertThat(m.cachedBytes("f32", "1")).isNaN();
    }

    /** Noise only slows a primitive: a smaller set is never priced slower per byte than a larger one of the same run. */
    @Test
    void aSmallerSetIsNeverSlowerPerByteThanALargerOne() {
        // the 4M read was disturbed (20 GB/s) while the 16M one ran at 35: the 4M limit uses 35
        MemoryLimit m = MemoryLimit.of(bandwidth(new Object[] {"flat-4M", "f32", "read", 20.0, N4M},
                new Object[] {"flat-16M", "f32", "read", 35.0, N16M}));
        assertThat(m.ns("flat-4M", "f32", "1", N4M * 4, NORM)).isCloseTo(N4M * 4 / 35, within(1e-6));
        assertThat(m.ns("flat-16M", "f32", "1", N16M * 4, NORM)).isCloseTo(N16M * 4 / 35, within(1e-6));
    }

    /** 2 threads have at least the bandwidth of 1 (they could leave a core idle); a slower 2-thread rate is raised to it. */
    @Test
    void twoThreadsAreNeverPricedBelowOne() {
        MemoryLimit m = MemoryLimit.of(bandwidth(new Object[] {"flat-16M", "f32", "read", 40.0, N16M, "1"},
                new Object[] {"flat-16M", "f32", "read", 30.0, N16M, "2"}));
        assertThat(m.ns("flat-16M", "f32", "2", N16M * 4, NORM)).isCloseTo(N16M * 4 / 40, within(1e-6));
        // the other way round is no constraint: 2 threads faster than 1 keep their own rate
        MemoryLimit faster = MemoryLimit.of(bandwidth(new Object[] {"flat-16M", "f32", "read", 40.0, N16M, "1"},
                new Object[] {"flat-16M", "f32", "read", 55.0, N16M, "2"}));
        assertThat(faster.ns("flat-16M", "f32", "2", N16M * 4, NORM)).isCloseTo(N16M * 4 / 55, within(1e-6));
        assertThat(faster.ns("flat-16M", "f32", "1", N16M * 4, NORM)).isCloseTo(N16M * 4 / 40, within(1e-6));
    }

    /** A primitive on 2 threads far slower than on 1 collapsed: rows it would price get no limit, and the reason. */
    @Test
    void aCollapsedPrimitiveRefusesTheLimitWithItsReason() {
        MemoryLimit m = MemoryLimit.of(bandwidth(new Object[] {"flat-1M", "f32", "readFresh", 80.0, 1048576.0, "1"},
                new Object[] {"flat-1M", "f32", "readFresh", 10.0, 1048576.0, "2"},
                new Object[] {"flat-1M", "f32", "scaleInPlace", 150.0, 1048576.0, "2"}));
        MemoryLimit.Limit l = m.limit("flat-1M", "f32", "2", 1048576.0 * 4, GLOBAL_NORM, true);
        assertThat(l.ns()).isNaN();
        assertThat(l.refused()).isEqualTo("readFresh on 2 threads ran 8.0x slower than on 1 at its best (its threads were kept from running); "
                + "no limit can be taken from it");
        // negative control: 1.4x slower is within what 2 threads' overhead can cost, and is priced (at the 1-thread rate)
        MemoryLimit ok = MemoryLimit.of(bandwidth(new Object[] {"flat-1M", "f32", "readFresh", 80.0, 1048576.0, "1"},
                new Object[] {"flat-1M", "f32", "readFresh", 57.0, 1048576.0, "2"}));
        MemoryLimit.Limit priced = ok.limit("flat-1M", "f32", "2", 1048576.0 * 4, NORM, true);
        assertThat(priced.refused()).isNull();
        assertThat(priced.ns()).isCloseTo(1048576.0 * 4 / 80, within(1e-6));
    }

    /** A row's best iteration, where the table has one, is its rate: the mean of a disturbed primitive is no limit. */
    @Test
    void theBestIterationIsTheRate() {
        Table t = bandwidth(new Object[] {"flat-16M", "f32", "read", 30.0, N16M});
        t.addColumns(DoubleColumn.create("best_gbps", new double[] {45.0}));
        assertThat(MemoryLimit.of(t).ns("flat-16M", "f32", "1", N16M * 4, NORM)).isCloseTo(N16M * 4 / 45, within(1e-6));
    }

    /** Sets at or below the cache knee have a cache limit, larger ones a memory limit. */
    @Test
    void aSetThatFitsTheCacheHasACacheLimit() {
        MemoryLimit m = MemoryLimit.of(bandwidth(new Object[] {"flat-4M", "f32", "read", 120.0, N4M},
                new Object[] {"flat-16M", "f32", "read", 40.0, N16M}));
        assertThat(m.limit("flat-4M", "f32", "1", N4M * 4, NORM, false).kind()).isEqualTo("cache");
        assertThat(m.limit("flat-16M", "f32", "1", N16M * 4, NORM, false).kind()).isEqualTo("memory");
    }
}
