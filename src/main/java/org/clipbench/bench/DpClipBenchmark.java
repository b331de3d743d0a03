package org.clipbench.bench;

import org.clipbench.strategy.Regime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.backend.NormKind;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.params.ParamShapes;
import org.clipbench.strategy.ClipContext;
import org.clipbench.strategy.ClipReport;
import org.clipbench.strategy.PerExampleClipStrategy;
import org.clipbench.strategy.Strategies;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * One DP-SGD step's clipping: a batch of per-example gradients clipped, summed, noised and averaged.
 * Like {@link ClipBenchmark}, each call restores every example first (clipping is in place); the
 * restore is B copies of the gradient, reported by {@link RestoreBenchmark} per example. The noise
 * generation (one Gaussian per coordinate, on the Java side) is part of what is timed.
 */
// warm-up this benchmark needs (profiles scale it): per-example loops over many small tensors: like the clipping kernels
@Warmup(iterations = 6, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchSupport.VECTOR, BenchSupport.QUIET_COMPILE_COMMANDS, BenchSupport.KERNELS_NOT_INLINED, "-Xmx8g"})
public class DpClipBenchmark {
    @Param("dp-flat") public String strategy;
    @Param("arrays") public String backend;
    @Param("f64") public String dtype;
    @Param("flat-4K") public String data;
    @Param("8") public int batch;
    @Param("always") public String regime;
    @Param("1") public int threads;

    private final List<ParamSet> pristine = new ArrayList<>();
    private final List<ParamSet> examples = new ArrayList<>();
    private ParamSet out;
    private PerExampleClipStrategy dp;
    private ClipContext ctx;
    private Regime reg;
    private long calls;
    private long clippedCalls;

    @Setup(Level.Trial)
    public void setup() {
        Backend b = Backends.create(backend, threads);
        ParamShape shape = ParamShapes.get(data);
        DType d = DType.parse(dtype);
        reg = Regime.parse(regime);
        for (int e = 0; e < batch; e++) {
            // examples differ in scale so that per-example norms differ
            ParamSet p = ParamSet.gaussian(b, shape, d, Layout.SEPARATE, 10 + e, 1.0 + e);
            pristine.add(p);
            examples.add(p.copy());
        }
        out = pristine.get(0).zerosLike();
        dp = Strategies.perExample(Strategies.create(strategy).calibration().specForExamples(strategy, reg, pristine));
        ctx = ClipContext.fast(NormKind.SAFE);
    }

    @Benchmark
    public ClipReport clip() {
        for (int e = 0; e < batch; e++) examples.get(e).copyFrom(pristine.get(e));
        ClipReport r = dp.clipAndAggregate(examples, out, ctx);
        calls++;
        if (r.clipped()) clippedCalls++;
        return r;
    }

    @TearDown(Level.Trial)
    public void check() {
        BenchSupport.checkRegime(reg, dp.spec() + " on " + backend, BenchSupport.differs(examples.get(0), pristine.get(0))
                || BenchSupport.differs(examples.get(batch - 1), pristine.get(batch - 1)), calls, clippedCalls);
    }
}
