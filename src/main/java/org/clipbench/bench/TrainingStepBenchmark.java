package org.clipbench.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.clipbench.kernel.Activation;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.models.Batch;
import org.clipbench.models.ElmanRnn;
import org.clipbench.models.Loss;
import org.clipbench.models.Model;
import org.clipbench.models.Models;
import org.clipbench.optim.Optimizer;
import org.clipbench.optim.Optimizers;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.clipbench.strategy.ClipContext;
import org.clipbench.strategy.ClipStrategy;
import org.clipbench.strategy.Strategies;
import org.clipbench.tasks.DatasetTask;
import org.clipbench.tasks.PathologicalTask;
import org.clipbench.tasks.Task;
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
 * One full training step: forward, backward, clip, optimizer update and apply, on a fixed batch drawn
 * at set-up (so the data generator is not timed). The parameters keep training across calls, which is
 * what a step costs in a real run; the learning rate is small so they stay finite. The loss is
 * returned (no dead code). Compare strategies on the same model and backend to read the share of a
 * step that clipping takes.
 */
// warm-up this benchmark needs (profiles scale it): measured: rnn-T50 fell 12.4 -> 6.2 -> 5.4 ms over the first 2 s and reached 1.46 ms with 3 s
@Warmup(iterations = 8, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchSupport.VECTOR, BenchSupport.QUIET_COMPILE_COMMANDS, BenchSupport.KERNELS_NOT_INLINED, "-Xmx4g"})
public class TrainingStepBenchmark {
    /** rnn-T50 and rnn-T100 (50 tanh units, batch 20, temporal order), mlp-digits (64-128-128-10, batch 32), logistic-bc. */
    @Param("rnn-T50") public String model;
    @Param("vector") public String backend;
    @Param("f64") public String dtype;
    @Param("global-norm:c=1") public String strategy;

    private Model m;
    private Batch batch;
    private ParamSet params;
    private ParamSet grads;
    private ParamSet update;
    private ClipStrategy clip;
    private Optimizer optimizer;
    private ClipContext ctx;

    @Setup(Level.Trial)
    public void setup() {
        Backend b = Backends.create(backend, 1);
        SplittableRandom rng = new SplittableRandom(1);
        Task task;
        switch (model) {
            case "rnn-T50", "rnn-T100" -> {
                task = new PathologicalTask(PathologicalTask.Kind.TEMPORAL_ORDER, model.equals("rnn-T50") ? 50 : 100);
                m = new ElmanRnn(6, 50, 4, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY, false, ElmanRnn.Init.SMART);
                batch = task.trainBatch(rng, 20);
            }
            case "mlp-digits" -> {
                task = DatasetTask.load("digits", Loss.SOFTMAX_CROSS_ENTROPY);
                m = Models.mlp(64, 10, 2, 128, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY);
                batch = task.trainBatch(rng, 32);
            }
            case "logistic-bc" -> {
                task = DatasetTask.load("breast-cancer", Loss.SIGMOID_BINARY_CROSS_ENTROPY);
                m = Models.logistic(30);
                batch = task.trainBatch(rng, 32);
            }
            default -> throw new IllegalArgumentException("model must be rnn-T50, rnn-T100, mlp-digits or logistic-bc, not " + model);
        }
        params = ParamSet.zeros(b, m.shape(), DType.parse(dtype), Layout.SEPARATE);
        m.initialize(params, rng);
        grads = params.zerosLike();
        update = params.zerosLike();
        clip = Strategies.gradient(strategy);
        clip.validateFor(m.shape());
        optimizer = Optimizers.create("sgd");
        ctx = ClipContext.fast(org.clipbench.backend.NormKind.SAFE).withParams(params);
    }

    @Benchmark
    public double step() {
        double loss = m.lossAndGradient(params, batch, grads);
        clip.clip(grads, ctx);
        optimizer.update(params, grads, 1e-4, update);
        optimizer.apply(params, update);
        return loss;
    }
}
