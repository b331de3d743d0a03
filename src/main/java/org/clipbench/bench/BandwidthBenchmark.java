package org.clipbench.bench;

import java.util.concurrent.TimeUnit;
import org.clipbench.backend.WorkerTeam;
import org.clipbench.params.ParamShapes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The memory-system reference, measured in the same run as the kernels: STREAM's copy (b = a), scale
 * (b = s a) and triad (a = b + s c) on Java arrays of the same sizes, 1 or 2 threads. Bytes moved per
 * op are 2N, 2N and 3N elements (STREAM's convention: write-allocate traffic not counted). The loops
 * have no reductions, so C2 vectorises them: this is the best a JVM kernel can stream. Besides them, the
 * two passes an in-place clip is made of: {@link #read} (a reduction) and {@link #scaleInPlace} (a = s a,
 * 2N elements, with no write-allocate since every written line was just read); the report's limit for a
 * clip is built from these two.
 */
// warm-up this benchmark needs (profiles scale it): STREAM loops: compiled within the first iteration
@Warmup(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchSupport.VECTOR, BenchSupport.QUIET_COMPILE_COMMANDS, BenchSupport.KERNELS_NOT_INLINED, "-Xmx8g"})
public class BandwidthBenchmark {
    /** The data set: its total size sets the array length. */
    @Param("flat-4K") public String data;
    @Param("f64") public String dtype;
    @Param("1") public int threads;

    private double[] a, b, c;
    private float[] fa, fb, fc;
    private double s = 0.5;
    private WorkerTeam team;
    private int n;

    @Setup(Level.Trial)
    public void setup() {
        n = (int) ParamShapes.get(data).totalSize();
        if (dtype.equals("f64")) {
            a = new double[n];
            b = new double[n];
            c = new double[n];
            java.util.Arrays.fill(a, 1.0);
            java.util.Arrays.fill(c, 2.0);
        } else {
            fa = new float[n];
            fb = new float[n];
            fc = new float[n];
            java.util.Arrays.fill(fa, 1.0f);
            java.util.Arrays.fill(fc, 2.0f);
        }
        // the same team the Java backends split their kernels over, so the roofline is measured the same way
        team = threads > 1 ? new WorkerTeam(threads) : null;
    }

    private interface Range {
        void run(int from, int to);
    }

    private void split(Range r) {
        if (team == null || n < org.clipbench.backend.ArraysBackend.PARALLEL_MIN) {
            r.run(0, n); // the backends' own split policy: below it, what 2 threads achieve is what 1 does
            return;
        }
        team.run(team.chunksFor(n), (k, chunks) -> {
            r.run(WorkerTeam.start(n, k, chunks), WorkerTeam.start(n, k + 1, chunks));
            return 0;
        });
    }

    @Benchmark
    public Object copy() {
        if (a != null) split((f, t) -> System.arraycopy(a, f, b, f, t - f));
        else split((f, t) -> System.arraycopy(fa, f, fb, f, t - f));
        return a != null ? b : fb;
    }

    /**
     * a = s a in place, alternating s = 0.5 and 2 so that the values stay exact and never reach the subnormal
     * range (a slow path on x86), and the factor is not a constant C2 could fold.
     */
    @Benchmark
    public Object scaleInPlace() {
        double q = (halve = !halve) ? 0.5 : 2.0;
        if (a != null) split((f, t) -> { for (int i = f; i < t; i++) a[i] *= q; });
        else split((f, t) -> { float fq = (float) q; for (int i = f; i < t; i++) fa[i] *= fq; });
        return a != null ? a : fa;
    }

    private boolean halve;

    /**
     * The state a large clip meets (ClipBenchmark.clipFresh): its data restored, untimed, just before each call, so
     * that the call pays for writing back the restore's dirty lines as they are evicted. A read of clean data does not.
     */
    @State(Scope.Thread)
    public static class Fresh {
        // as in ClipBenchmark.FreshGradient: the instance the fixtures get is held, so restore and read share arrays
        private BandwidthBenchmark bench;

        @Setup(Level.Trial)
        public void bind(BandwidthBenchmark b) {
            bench = b;
        }

        // Level.Invocation timestamps every call: harmless for the 1M elements and more it serves (100 µs or more a call)
        @Setup(Level.Invocation)
        public void restore() {
            if (bench.a != null) System.arraycopy(bench.c, 0, bench.a, 0, bench.n);
            else System.arraycopy(bench.fc, 0, bench.fa, 0, bench.n);
        }
    }

    /** {@link #read} of data restored untimed before each call: the first pass of a clipFresh call. */
    @Benchmark
    public double readFresh(Fresh fresh) {
        return fresh.bench.read();
    }

    @Benchmark
    public Object scale() {
        double q = s;
        if (a != null) split((f, t) -> { for (int i = f; i < t; i++) b[i] = q * a[i]; });
        else split((f, t) -> { float fq = (float) q; for (int i = f; i < t; i++) fb[i] = fq * fa[i]; });
        return a != null ? b : fb;
    }

    /**
     * STREAM-style read: the sum of a, with four vector accumulators so that it streams instead of
     * waiting on the add latency (a scalar sum in one accumulator would measure the adder, not memory).
     * The report costs a kernel's reads at this rate and its writes at what copy adds to a read.
     */
    @Benchmark
    public double read() {
        if (team == null || n < org.clipbench.backend.ArraysBackend.PARALLEL_MIN) return sumRange(0, n);
        double total = 0;
        for (double part : team.run(team.chunksFor(n), (k, chunks) -> sumRange(WorkerTeam.start(n, k, chunks), WorkerTeam.start(n, k + 1, chunks)))) {
            total += part;
        }
        return total;
    }

    private double sumRange(int from, int to) {
        if (a != null) {
            var sp = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED;
            int step = sp.length(), i = from;
            var s0 = jdk.incubator.vector.DoubleVector.zero(sp);
            var s1 = s0; var s2 = s0; var s3 = s0;
            for (int bound = to - 4 * step; i <= bound; i += 4 * step) {
                s0 = s0.add(jdk.incubator.vector.DoubleVector.fromArray(sp, a, i));
                s1 = s1.add(jdk.incubator.vector.DoubleVector.fromArray(sp, a, i + step));
                s2 = s2.add(jdk.incubator.vector.DoubleVector.fromArray(sp, a, i + 2 * step));
                s3 = s3.add(jdk.incubator.vector.DoubleVector.fromArray(sp, a, i + 3 * step));
            }
            double sum = s0.add(s1).add(s2.add(s3)).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
            for (; i < to; i++) sum += a[i];
            return sum;
        }
        var sp = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
        int step = sp.length(), i = from;
        var s0 = jdk.incubator.vector.FloatVector.zero(sp);
        var s1 = s0; var s2 = s0; var s3 = s0;
        for (int bound = to - 4 * step; i <= bound; i += 4 * step) {
            s0 = s0.add(jdk.incubator.vector.FloatVector.fromArray(sp, fa, i));
            s1 = s1.add(jdk.incubator.vector.FloatVector.fromArray(sp, fa, i + step));
            s2 = s2.add(jdk.incubator.vector.FloatVector.fromArray(sp, fa, i + 2 * step));
            s3 = s3.add(jdk.incubator.vector.FloatVector.fromArray(sp, fa, i + 3 * step));
        }
        double sum = s0.add(s1).add(s2.add(s3)).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        for (; i < to; i++) sum += fa[i];
        return sum;
    }

    @Benchmark
    public Object triad() {
        double q = s;
        if (a != null) split((f, t) -> { for (int i = f; i < t; i++) a[i] = b[i] + q * c[i]; });
        else split((f, t) -> { float fq = (float) q; for (int i = f; i < t; i++) fa[i] = fb[i] + fq * fc[i]; });
        return a != null ? a : fa;
    }
}
