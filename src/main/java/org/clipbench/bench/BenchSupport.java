package org.clipbench.bench;

import org.clipbench.strategy.Regime;
import org.clipbench.params.ParamSet;

/** Checks shared by the clipping benchmarks: did they time the path they claim to? */
public final class BenchSupport {
    private BenchSupport() {
    }

    /** JVM flags every benchmark fork needs; the runner appends its own (heap, JavaCPP cache). */
    public static final String VECTOR = "--add-modules=jdk.incubator.vector";

    /**
     * Compile each Vector API kernel as its own unit. Inlined at the end of a deep call chain
     * (strategy, backend, kernel), C2 on JDK 17 can run out of inlining depth inside the Vector API and
     * then boxes every vector: the f32 safe norm measured 20x slower that way.
     */
    public static final String KERNELS_NOT_INLINED = "-XX:CompileCommand=dontinline,org.clipbench.kernel.VectorKernels::*";
    public static final String QUIET_COMPILE_COMMANDS = "-XX:CompileCommand=quiet";

    /** Whether the clipped result differs from its source in any element (bit-level), tensor by tensor. */
    static boolean differs(ParamSet clipped, ParamSet source) {
        for (int t = 0; t < clipped.size(); t++) {
            double[] x = clipped.backend().toDoubles(clipped.tensor(t));
            double[] y = source.backend().toDoubles(source.tensor(t));
            for (int i = 0; i < x.length; i++) {
                if (Double.doubleToRawLongBits(x[i]) != Double.doubleToRawLongBits(y[i])) return true;
            }
        }
        return false;
    }

    /**
     * Fails the trial (JMH then reports the benchmark as failed) when the last call did not do what the
     * regime promises: never must leave the data untouched, always/half must change it, spikes must clip
     * some calls and not all.
     */
    static void checkRegime(Regime regime, String what, boolean lastChanged, long calls, long clippedCalls) {
        boolean ok = switch (regime) {
            case NEVER -> !lastChanged && clippedCalls == 0;
            case ALWAYS, HALF -> lastChanged;
            case SPIKES -> clippedCalls > 0 && clippedCalls < calls;
        };
        if (!ok) {
            throw new IllegalStateException(what + ": regime " + regime.label() + " was not what was timed (last call "
                    + (lastChanged ? "changed" : "did not change") + " the gradient; " + clippedCalls + " of " + calls
                    + " calls clipped): the benchmark would report the wrong path");
        }
    }
}
