package org.clipbench.bench;

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
import org.clipbench.strategy.ClipStrategy;
import org.clipbench.strategy.GradNorms;
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
 * One call of a clipping strategy on a whole gradient, in place.
 *
 * <p>Pitfall avoided: clipping mutates its input, so after one call an "always clips" benchmark would
 * be timing the no-clip path. Each call first restores the gradient from a pristine copy with the
 * backend's own copy; {@link RestoreBenchmark} times that restore alone with the same parameters, so
 * the analysis can state it and subtract it. The trial fails if the regime was not what was timed.
 * The report is returned, so JMH consumes it (no dead code); thresholds come from measured data in
 * {@code @Setup}, so nothing is a compile-time constant; every parameter combination runs in its own
 * fork, so JIT profiles are never shared between backends.
 */
// warm-up this benchmark needs (profiles scale it): measured: global-norm on 64K f32 (vector) fell until about 3.5 s of calls (C2 finishing the kernels)
@Warmup(iterations = 8, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchSupport.VECTOR, BenchSupport.QUIET_COMPILE_COMMANDS, BenchSupport.KERNELS_NOT_INLINED, "-Xmx8g"})
public class ClipBenchmark {
    /** Base spec without the threshold, e.g. "global-norm" or "global-norm:p=inf". */
    @Param("global-norm") public String strategy;
    @Param("arrays") public String backend;
    @Param("f64") public String dtype;
    @Param("flat-4K") public String params;
    @Param("separate") public String layout;
    @Param("always") public String regime;
    @Param("1") public int threads;
    @Param("safe") public String norm;

    private ParamSet pristine;
    private ParamSet spike;
    private ParamSet grads;
    private ClipStrategy clip;
    private ClipContext ctx;
    private Regime reg;
    private long calls;
    private long clippedCalls;
    private boolean lastWasSpike;

    @Setup(Level.Trial)
    public void setup() {
        Backend b = Backends.create(backend, threads);
        ParamShape shape = ParamShapes.get(params);
        DType d = DType.parse(dtype);
        Layout l = Layout.parse(layout);
        reg = Regime.parse(regime);
        pristine = ParamSet.gaussian(b, shape, d, l, 1, 1.0);
        ParamSet weights = Calibration.nameOf(strategy).equals("agc") ? ParamSet.gaussian(b, shape, d, l, 2, 1.0) : null;
        grads = pristine.copy();
        clip = Strategies.gradient(Calibration.spec(strategy, reg, pristine, weights));
        clip.validateFor(shape);
        if (reg == Regime.SPIKES) {
            spike = pristine.copy();
            GradNorms.scaleAll(spike, Calibration.SPIKE_SCALE);
        }
        ctx = ClipContext.fast(NormKind.parse(norm)).withParams(weights);
    }

    @Benchmark
    public ClipReport clip() {
        lastWasSpike = spike != null && calls % Calibration.SPIKE_PERIOD == Calibration.SPIKE_PERIOD - 1;
        grads.copyFrom(lastWasSpike ? spike : pristine);
        ClipReport r = clip.clip(grads, ctx);
        calls++;
        if (r.clipped()) clippedCalls++;
        return r;
    }

    @TearDown(Level.Trial)
    public void check() {
        boolean changed = BenchSupport.differs(grads, lastWasSpike ? spike : pristine);
        BenchSupport.checkRegime(reg, clip.spec() + " on " + backend, changed, calls, clippedCalls);
    }
}
