package org.clipbench.bench;

import java.util.concurrent.TimeUnit;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.backend.NormKind;
import org.clipbench.backend.Tensor;
import org.clipbench.params.ParamSet;
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
 * The L2 norm of one tensor by each implementation: the library's own, naive, safe and fast-safe, on
 * ordinary N(0,1) data and on data whose squares overflow (x 1e200 in f64, 1e25 in f32), so the cost of
 * safety is a measured number. Read-only, so no restore is needed; the norm is returned (no dead code),
 * and the data come from a seeded generator at setup (no constant folding).
 */
// warm-up this benchmark needs (profiles scale it): the same kernels as a clip's norm pass, without the scale
@Warmup(iterations = 6, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchSupport.VECTOR, BenchSupport.QUIET_COMPILE_COMMANDS, BenchSupport.KERNELS_NOT_INLINED, "-Xmx8g"})
public class NormBenchmark {
    @Param("arrays") public String backend;
    @Param("f64") public String dtype;
    /** The data set: a flat size or a parameter set (ParamShapes). */
    @Param("flat-4K") public String data;
    @Param("safe") public String kind;
    /** ordinary: N(0, 1); huge: N(0, 1) scaled so that x^2 overflows. */
    @Param("ordinary") public String values;
    @Param("1") public int threads;
    /**
     * Norms of this many separate copies of the data per call: a known extra cost, for testing regression
     * detection (copies, because the JIT may merge repeated norms of the same unchanged array).
     */
    @Param("1") public int repeat;
    /**
     * Extra work as a fraction of the data: the norm reads (1 + extra) x n elements (a set that much larger), so a
     * slowdown of about that fraction can be injected into one side of an A/B (ab --candidate-jmh "-p extra=0.1")
     * to measure the gate's power (docs/regression-tracking.md). 0 in every profile.
     */
    @Param("0") public double extra;

    private Backend b;
    private Tensor[] tensors;
    private NormKind k;

    @Setup(Level.Trial)
    public void setup() {
        b = Backends.create(backend, threads);
        DType d = DType.parse(dtype);
        double scale = switch (values) {
            case "ordinary" -> 1.0;
            case "huge" -> d == DType.F64 ? 1e200 : 1e25;
            default -> throw new IllegalArgumentException("values must be ordinary or huge, not " + values);
        };
        if (repeat < 1) throw new IllegalArgumentException("repeat must be at least 1");
        if (!(extra >= 0 && extra <= 10)) throw new IllegalArgumentException("extra must lie in [0, 10], not " + extra);
        var shape = ParamShapes.get(data);
        long n = shape.tensors().get(0).size(); // the norm is of the set's first tensor
        if (extra > 0) shape = ParamShapes.flat(data + "+" + extra, Math.toIntExact(n + Math.round(extra * n)));
        tensors = new Tensor[repeat];
        for (int r = 0; r < repeat; r++) {
            tensors[r] = ParamSet.gaussian(b, shape, d, org.clipbench.params.Layout.SEPARATE, 3, scale).tensor(0);
        }
        k = NormKind.parse(kind);
    }

    @Benchmark
    public double norm() {
        double s = 0;
        for (Tensor t : tensors) s += b.norm2(t, k);
        return s;
    }
}
