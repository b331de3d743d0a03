package org.clipbench.bench;

import java.util.concurrent.TimeUnit;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.backend.NormKind;
import org.clipbench.optim.OptimizerStep;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.params.ParamShapes;
import org.clipbench.strategy.ClipContext;
import org.clipbench.strategy.GradNorms;
import org.clipbench.strategy.MemoryTraffic;
import org.clipbench.strategy.Regime;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What clipping costs inside a training step: one clip plus one optimizer step (one pass over the
 * parameters, the backend's step kernel), with the clip SEPARATE (it rewrites the gradient first) or
 * FUSED (its factor or clamp applied as the step reads the gradient). strategy none is the step alone;
 * the report divides each step time by it.
 *
 * <p>Pitfall avoided: the clip rewrites the gradient (separate mode), so the gradient is restored from a
 * pristine copy before every call, untimed (Level.Invocation: only large data, where a call lasts
 * milliseconds). The thresholds are measured from the data in @Setup (always clipping), the trial fails
 * if a call did not clip, and every combination runs in its own fork. Stateful rules (autoclip, zclip)
 * adapt to a gradient that comes back every call and stop clipping it, so they run in the spikes regime
 * (every 8th call restores a 10x gradient, which they clip), and the trial fails unless some calls and
 * not all clipped. AGC reads the weights the step moves, so for it the parameters are restored too, untimed.
 */
// warm-up: the step kernels are simple streaming loops; a few calls of 1M+ elements reach steady state (as ClipBenchmark's clipFresh)
@Warmup(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchSupport.VECTOR, BenchSupport.QUIET_COMPILE_COMMANDS, BenchSupport.KERNELS_NOT_INLINED, "-Xmx8g"})
public class OptimizerStepBenchmark {
    /** The smallest data set: below it a call is too short for an untimed restore per call. */
    public static final long MIN_ELEMENTS = 1L << 20;

    @State(Scope.Thread)
    public static class Workload {
        @Param("adamw") public String optimizer;
        @Param("global-norm") public String strategy;
        @Param("separate") public String fusion;
        @Param("arrays") public String backend;
        @Param("f32") public String dtype;
        @Param("flat-1M") public String data;
        @Param("1") public int threads;

        private ParamSet pristine;
        private ParamSet spike;
        private ParamSet pristineParams;
        private Regime regime;
        private boolean lastWasSpike;
        private ParamSet grads;
        private OptimizerStep step;
        private boolean clips;
        private long calls;
        private long clippedCalls;

        @Setup(Level.Trial)
        public void setup() {
            Backend b = Backends.create(backend, threads);
            ParamShape shape = ParamShapes.get(data);
            if (shape.totalSize() < MIN_ELEMENTS) {
                throw new IllegalArgumentException("OptimizerStepBenchmark: data " + data + " has fewer than " + MIN_ELEMENTS
                        + " elements, too few to restore the gradient untimed before each call; use flat-1M or larger, resnet18 or gpt2-small");
            }
            DType d = DType.parse(dtype);
            pristine = ParamSet.gaussian(b, shape, d, Layout.SEPARATE, 1, 1.0);
            grads = pristine.copy();
            clips = !strategy.equals("none");
            regime = regimeOf(strategy);
            if (regime == Regime.SPIKES) {
                spike = pristine.copy();
                GradNorms.scaleAll(spike, Regime.SPIKE_SCALE);
            }
            ParamSet params = ParamSet.gaussian(b, shape, d, Layout.SEPARATE, 2, 0.02);
            boolean readsParameters = Strategies.create(strategy).readsParameters();
            // AGC's threshold follows the weights, which the step moves: they are restored with the gradient, untimed
            pristineParams = readsParameters ? params.copy() : null;
            String spec = Strategies.create(strategy).calibration().spec(strategy, clips ? regime : Regime.NEVER, pristine,
                    readsParameters ? params : null);
            step = OptimizerStep.of(OptimizerStep.Rule.named(optimizer), spec, OptimizerStep.Mode.valueOf(fusion.toUpperCase(java.util.Locale.ROOT)),
                    params, ClipContext.fast(NormKind.FAST_SAFE));
        }

        /**
         * Every call must have clipped: fused, the fold said so each call; separate, the last call changed the
         * gradient (the fast clip context reports no counts, as in ClipBenchmark).
         */
        @TearDown(Level.Trial)
        public void check() {
            if (!clips) return;
            boolean ok = regime == Regime.SPIKES ? clippedCalls > 0 && clippedCalls < calls
                    : fusion.equals("fused") ? clippedCalls == calls : BenchSupport.differs(grads, pristine);
            if (!ok) {
                throw new IllegalStateException(strategy + " (" + fusion + ", regime " + regime.label() + ") did not clip as its regime asks ("
                        + clippedCalls + " of " + calls + " calls clipped); the benchmark would time the wrong path");
            }
        }
    }

    @State(Scope.Thread)
    public static class FreshGradient {
        private Workload workload;

        @Setup(Level.Trial)
        public void bind(Workload w) {
            workload = w;
        }

        // Level.Invocation timestamps every call: harmless because a call of 1M+ elements lasts 100 µs or more
        @Setup(Level.Invocation)
        public void restore() {
            Workload w = workload;
            w.lastWasSpike = w.spike != null && w.calls % Regime.SPIKE_PERIOD == Regime.SPIKE_PERIOD - 1;
            w.grads.copyFrom(w.lastWasSpike ? w.spike : w.pristine);
            if (w.pristineParams != null) w.step.params().copyFrom(w.pristineParams);
        }
    }

    /**
     * The regime a strategy is timed in: never for none, spikes for stateful rules (the strategies whose
     * calibration has no always regime), always for the rest.
     */
    public static Regime regimeOf(String strategy) {
        if (strategy.equals("none")) return Regime.NEVER;
        return Strategies.create(strategy).calibration().regimes(ParamShapes.get("flat-1M")).contains(Regime.ALWAYS) ? Regime.ALWAYS : Regime.SPIKES;
    }

    /**
     * The traffic model: passes over the gradient a clip adds to the step, on average per call in its
     * regime. Separate, all of the clip's traffic; fused, all but its read-and-write passes (they become
     * the step's own read of the gradient): global-norm adds 3 separate and 1 fused, value 2 and 0.
     */
    public static double extraPasses(String strategy, String fusion) {
        MemoryTraffic t = Strategies.create(strategy).traffic(regimeOf(strategy).scaledShare());
        return fusion.equals("fused") ? t.passes() - 2 * t.gradientWrites() : t.passes();
    }

    /** The clip and the step (the gradient restored untimed before). Returns the parameters so that JMH consumes them. */
    @Benchmark
    public ParamSet step(FreshGradient fresh) {
        Workload w = fresh.workload;
        if (w.step.step(w.grads, 1e-3)) w.clippedCalls++;
        w.calls++;
        return w.step.params();
    }
}
