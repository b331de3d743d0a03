package org.clipbench.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.models.Batch;
import org.clipbench.models.Model;
import org.clipbench.optim.Optimizer;
import org.clipbench.optim.Optimizers;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.clipbench.problems.ModelOnTask;
import org.clipbench.problems.ProblemSpec;
import org.clipbench.strategy.ClipContext;
import org.clipbench.strategy.ClipStrategy;
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
    /** The models, as a sweep's problem would be written: the trainer and this benchmark build them the same way. */
    static final Map<String, ProblemSpec> MODELS = new LinkedHashMap<>();

    static {
        MODELS.put("rnn-T50", ProblemSpec.parse("{\"type\": \"rnn\", \"task\": \"temporal-order\", \"length\": 50, \"hidden\": 50, \"batch\": 20}"));
        MODELS.put("rnn-T100", ProblemSpec.parse("{\"type\": \"rnn\", \"task\": \"temporal-order\", \"length\": 100, \"hidden\": 50, \"batch\": 20}"));
        MODELS.put("mlp-digits", ProblemSpec.parse("{\"type\": \"mlp\", \"dataset\": \"digits\", \"depth\": 2, \"width\": 128, \"activation\": \"relu\", \"batch\": 32}"));
        MODELS.put("logistic-bc", ProblemSpec.parse("{\"type\": \"logistic\", \"dataset\": \"breast-cancer\", \"batch\": 32}"));
    }

    /** A key of {@link #MODELS}: rnn-T50 and rnn-T100 (50 tanh units, batch 20, temporal order), mlp-digits (64-128-128-10, batch 32), logistic-bc. */
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
        ProblemSpec spec = MODELS.get(model);
        if (spec == null) throw new IllegalArgumentException("model must be one of " + MODELS.keySet() + ", not " + model);
        ModelOnTask problem = (ModelOnTask) spec.build();
        m = problem.model();
        batch = problem.task().trainBatch(rng, problem.batchSize());
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
