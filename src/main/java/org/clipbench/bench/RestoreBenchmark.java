package org.clipbench.bench;

import java.util.concurrent.TimeUnit;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.params.Layout;
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
 * The restore that every {@link ClipBenchmark} call starts with, alone: copy a pristine gradient over
 * the working one with the backend's own copy. Its time is the part of a clipping number that is not
 * clipping; the analysis reports it next to each clipping result.
 */
// warm-up this benchmark needs (profiles scale it): one copy loop: compiled early
@Warmup(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchSupport.VECTOR, BenchSupport.QUIET_COMPILE_COMMANDS, BenchSupport.KERNELS_NOT_INLINED, "-Xmx8g"})
public class RestoreBenchmark {
    @Param("arrays") public String backend;
    @Param("f64") public String dtype;
    @Param("flat-4K") public String data;
    @Param("separate") public String layout;
    @Param("1") public int threads;

    private ParamSet pristine;
    private ParamSet grads;

    @Setup(Level.Trial)
    public void setup() {
        pristine = ParamSet.gaussian(Backends.create(backend, threads), ParamShapes.get(data), DType.parse(dtype),
                Layout.parse(layout), 1, 1.0);
        grads = pristine.zerosLike();
    }

    /** Returns the target so the copy has an observable result. */
    @Benchmark
    public ParamSet restore() {
        grads.copyFrom(pristine);
        return grads;
    }
}
