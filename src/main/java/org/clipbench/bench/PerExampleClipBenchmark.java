package org.clipbench.bench;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.backend.NormKind;
import org.clipbench.models.SequenceLinear;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.clipbench.perexample.ClippingMethod;
import org.clipbench.perexample.ClippingMethods;
import org.clipbench.perexample.LinearLayers;
import org.clipbench.strategy.ClipContext;
import org.clipbench.strategy.ClipReport;
import org.clipbench.strategy.PerExampleClipStrategy;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * One private training step of a linear layer over a sequence (GPT-2's MLP projection is 768 -> 3072) by each
 * per-example clipping method, against the non-private step on the same batch: forward pass, backward pass(es),
 * per-example norms, the clipped sum (org.clipbench.perexample). What differs between the methods is what they form
 * on the way, so besides the time each reports its working set, the bytes of the tensors the step holds (the model's
 * activations and output gradients, the gradient, and the method's own: B per-example gradients, or two T x T Gram
 * matrices), as the secondary metric workingSetBytes; -prof gc adds the bytes allocated per step. The noise is off
 * (sigma = 0): it is the same Gaussian draw for every method (DpClipBenchmark times it). The bound C is the median
 * per-example norm of the batch, measured at set-up, so about half of the examples are clipped (AUTO rules scale
 * every one); a trial fails if a step of a batch of several examples scaled none (its factors would not have been
 * applied).
 */
// warm-up this benchmark needs: the steps are long (milliseconds to seconds), so a few iterations reach the compiled code
@Warmup(iterations = 2, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchSupport.VECTOR, BenchSupport.QUIET_COMPILE_COMMANDS, BenchSupport.KERNELS_NOT_INLINED, "-Xmx8g"})
public class PerExampleClipBenchmark {
    /** non-private, or a clipping method of {@link ClippingMethods} ("method" names JMH's benchmark method in results). */
    @Param("ghost") public String clipping;
    /** The DP rule (a dp-* strategy) without its bound: C is set from the data. */
    @Param("dp-flat") public String rule;
    @Param("vector") public String backend;
    @Param("f32") public String dtype;
    /** d_in x d_out of the layer. */
    @Param("768x3072") public String layer;
    @Param("4") public int batch;
    /** T, positions per example. */
    @Param("16") public int positions;
    @Param("1") public int threads;

    private LinearLayers model;
    private ParamSet out;
    private ClippingMethod method;
    private PerExampleClipStrategy dp;
    private ClipContext ctx;
    private long steps;
    private long stepsScalingNone;

    /** The bytes the step holds, as a secondary metric (the same every call: it is set, not added up). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Memory {
        public long workingSetBytes;
    }

    @Setup(Level.Trial)
    public void setup() {
        Backend b = Backends.create(backend, threads);
        SequenceLinear layerModel = SequenceLinear.of(layer);
        ParamSet params = ParamSet.zeros(b, layerModel.shape(), DType.parse(dtype), Layout.SEPARATE);
        layerModel.initialize(params, new SplittableRandom(1));
        model = layerModel.on(params, layerModel.gaussianBatch(batch, positions, 2));
        out = params.zerosLike();
        ctx = ClipContext.fast(NormKind.SAFE);
        if (!clipping.equals(ClippingMethods.NON_PRIVATE)) {
            method = ClippingMethods.create(clipping);
            dp = ClippingMethods.ruleAt(rule, ClippingMethods.medianExampleNorm(model));
        }
    }

    @Benchmark
    public Object step(Memory memory) {
        if (method == null) {
            ClippingMethods.nonPrivateStep(model, out);
            memory.workingSetBytes = model.workingBytes() + out.elementCount() * out.dtype().bytes();
            return out;
        }
        ClipReport r = method.step(model, dp, out, ctx);
        steps++;
        if (r.clippedUnits() == 0) stepsScalingNone++;
        memory.workingSetBytes = model.workingBytes() + out.elementCount() * out.dtype().bytes() + method.peakBytes();
        return r;
    }

    @TearDown(Level.Trial)
    public void check() {
        if (method != null) requireScaled(clipping + " " + dp.spec(), steps, stepsScalingNone, batch);
    }

    /** Fails the trial when a step of a batch of several examples scaled none of them: the clip was not what was timed. */
    static void requireScaled(String what, long steps, long scalingNone, int batch) {
        if (batch > 1 && scalingNone > 0) {
            throw new IllegalStateException(what + ": " + scalingNone + " of " + steps + " steps scaled none of the " + batch
                    + " examples: the bound is not the batch's median norm, the clip was not timed");
        }
    }

    /** The methods a grid runs: the non-private step and every clipping method. */
    public static List<String> methods() {
        List<String> m = new java.util.ArrayList<>(List.of(ClippingMethods.NON_PRIVATE));
        m.addAll(ClippingMethods.names());
        return List.copyOf(m);
    }
}
