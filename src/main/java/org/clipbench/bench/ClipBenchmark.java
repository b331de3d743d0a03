package org.clipbench.bench;

import org.clipbench.strategy.Regime;
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
 * be timing the no-clip path. So every call gets a gradient restored from a pristine copy with the
 * backend's own copy. On small data ({@link #clip}) the restore is inside the timed call, because a
 * call of a few microseconds is too short to time alone; {@link RestoreBenchmark} times that restore
 * alone with the same parameters, so the analysis can subtract it. From {@link #UNTIMED_RESTORE_FROM}
 * elements on ({@link #clipFresh}) a call lasts long enough for JMH to time each call alone, and the
 * restore runs untimed just before it: subtracting a restore measured in another JVM left the net
 * time of out-of-cache data off by as much as the restore's own fork-to-fork spread (30%).
 * The trial fails if the regime was not what was timed.
 * The report is returned, so JMH consumes it (no dead code); thresholds come from measured data in
 * {@code @Setup}, so nothing is a compile-time constant; every parameter combination runs in its own
 * fork, so JIT profiles are never shared between backends.
 */
// warm-up this benchmark needs (profiles scale it): measured: global-norm on 64K f32 (vector) fell until about 3.5 s of calls (C2 finishing the kernels)
@Warmup(iterations = 8, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchSupport.VECTOR, BenchSupport.QUIET_COMPILE_COMMANDS, BenchSupport.KERNELS_NOT_INLINED, "-Xmx8g"})
public class ClipBenchmark {
    /** The data, the strategy and the call counts; a state of its own so that FreshGradient restores the same one. */
    @State(Scope.Thread)
    public static class Workload {
        /** Base spec without the threshold, e.g. "global-norm" or "global-norm:p=inf". */
        @Param("global-norm") public String strategy;
        @Param("arrays") public String backend;
        @Param("f64") public String dtype;
        @Param("flat-4K") public String data;
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
            ParamShape shape = ParamShapes.get(data);
            DType d = DType.parse(dtype);
            Layout l = Layout.parse(layout);
            reg = Regime.parse(regime);
            pristine = ParamSet.gaussian(b, shape, d, l, 1, 1.0);
            ParamSet weights = Strategies.create(strategy).readsParameters() ? ParamSet.gaussian(b, shape, d, l, 2, 1.0) : null;
            grads = pristine.copy();
            clip = Strategies.gradient(Strategies.create(strategy).calibration().spec(strategy, reg, pristine, weights));
            clip.validateFor(shape);
            if (reg == Regime.SPIKES) {
                spike = pristine.copy();
                GradNorms.scaleAll(spike, Regime.SPIKE_SCALE);
            }
            ctx = ClipContext.fast(NormKind.parse(norm)).withParams(weights);
        }

        private void restoreForNextCall() {
            lastWasSpike = spike != null && calls % Regime.SPIKE_PERIOD == Regime.SPIKE_PERIOD - 1;
            grads.copyFrom(lastWasSpike ? spike : pristine);
        }

        private ClipReport clipRestored() {
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

    /** Data of this many elements or more is timed by {@link #clipFresh}; less, by {@link #clip}. */
    public static final long UNTIMED_RESTORE_FROM = 1L << 20;

    /** The benchmark method that times a data set: clipFresh from {@link #UNTIMED_RESTORE_FROM} elements on. */
    public static String methodFor(String data) {
        return ParamShapes.get(data).totalSize() >= UNTIMED_RESTORE_FROM ? "clipFresh" : "clip";
    }

    /** The workload of {@link #clipFresh}, its gradient restored untimed before each call. */
    @State(Scope.Thread)
    public static class FreshGradient {
        // JMH gives a state passed to a fixture and the same state passed to the benchmark method as two
        // instances; holding the one the fixtures get keeps restore and clip on one gradient
        private Workload workload;

        @Setup(Level.Trial)
        public void bind(Workload w) {
            workload = w;
        }

        // Level.Invocation timestamps every call: harmless only because clipFresh calls last 100 µs or more
        @Setup(Level.Invocation)
        public void restore() {
            workload.restoreForNextCall();
        }
    }

    /** Restore, then clip: both timed (small data; the analysis subtracts the restore). */
    @Benchmark
    public ClipReport clip(Workload w) {
        w.restoreForNextCall();
        return w.clipRestored();
    }

    /** Clip only: the restore ran untimed in {@link FreshGradient} (large data). */
    @Benchmark
    public ClipReport clipFresh(FreshGradient fresh) {
        return fresh.workload.clipRestored();
    }

}
