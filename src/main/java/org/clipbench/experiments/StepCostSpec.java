package org.clipbench.experiments;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.models.SequenceLinear;
import org.clipbench.perexample.ClippingMethods;
import org.clipbench.strategy.DpSgdClip;
import org.clipbench.strategy.Strategies;

/**
 * A cost measurement of private training steps, as a reproduction runs it (JSON, part of a preset): a linear layer over
 * a sequence ({@link SequenceLinear}) at each batch size x positions T, one step after another by each method
 * (non-private, or a clipping method of {@link ClippingMethods}), clipped by the rule at the batch's median per-example
 * norm with no noise. measure "time": every repetition runs each method once, in an order shuffled per repetition
 * (paired, interleaved: a slow second of the machine hits every method of that repetition), after warm-up steps of
 * each. measure "memory": the same, and what the verdict reads is each step's memory: the tensors the model and the
 * gradient hold, counted, plus the bytes the step allocates, measured by the JVM (ThreadMXBean).
 *
 * @param name        the folder and the name a check refers to
 * @param measure     "time" or "memory" (both record time and bytes; the name says which the design serves)
 * @param backend     a backend with row views (arrays, vector, nd4j)
 * @param layer       "d_in x d_out", e.g. "768x3072"
 * @param batches     batch sizes B
 * @param positions   sequence lengths T
 * @param methods     "non-private" and/or clipping methods
 * @param rule        the DP rule without C or sigma (C: the batch's median norm; sigma = 0)
 * @param repetitions steps measured per method and cell (at least 3)
 * @param warmup      unmeasured steps per method and cell before (JIT compilation); at least 0.3 s of them per method
 * @param seed        seed of the data, the parameters and the shuffled orders (confirmation seeds, kept apart from the
 *                    exploration seeds the presets were designed with)
 */
public record StepCostSpec(String name, String measure, String backend, String dtype, String layer, List<Integer> batches,
                           List<Integer> positions, List<String> methods, String rule, Integer repetitions, Integer warmup, Long seed) {

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_=+-][A-Za-z0-9._=+-]{0,99}");

    public StepCostSpec validated() {
        String what = "measurement " + name;
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("measurement: 'name' " + (name == null ? "is missing" : "'" + name + "' cannot name a folder"));
        }
        if (!"time".equals(measure) && !"memory".equals(measure)) throw new IllegalArgumentException(what + ": measure must be time or memory, not " + measure);
        if (backend == null || !Backends.names().contains(backend)) throw new IllegalArgumentException(what + ": unknown backend '" + backend + "'; valid: " + Backends.names());
        if (!Backends.capabilities(backend).flatLayout()) {
            throw new IllegalArgumentException(what + ": " + backend + " has no row views; per-example clipping methods run on arrays, vector and nd4j");
        }
        DType d = dtypeOrDefault();
        if (d == DType.F32 && !Backends.capabilities(backend).f32()) throw new IllegalArgumentException(what + ": " + backend + " has no f32 storage");
        SequenceLinear.of(layer == null ? "" : layer);
        requirePositive(what, "batches", batches);
        requirePositive(what, "positions", positions);
        if (methods == null || methods.isEmpty()) throw new IllegalArgumentException(what + ": 'methods' is empty: name non-private and/or " + ClippingMethods.names());
        for (String m : methods) if (!m.equals(ClippingMethods.NON_PRIVATE)) ClippingMethods.create(m);
        if (methods.stream().distinct().count() != methods.size()) throw new IllegalArgumentException(what + ": 'methods' names one twice");
        if (rule == null || !(Strategies.create(rule) instanceof DpSgdClip)) {
            throw new IllegalArgumentException(what + ": rule '" + rule + "' is not a DP rule (dp-flat, dp-layer, dp-auto-s, dp-auto-v, dp-adaptive)");
        }
        if (rule.contains("C=") || rule.contains("sigma=")) throw new IllegalArgumentException(what + ": rule '" + rule + "' sets C or sigma: C is the batch's median norm, sigma 0");
        if (repetitions == null || repetitions < 3) throw new IllegalArgumentException(what + ": 'repetitions' must be at least 3 (an interval needs several)");
        if (warmup != null && warmup < 0) throw new IllegalArgumentException(what + ": 'warmup' must be >= 0");
        return this;
    }

    private static void requirePositive(String what, String field, List<Integer> values) {
        if (values == null || values.isEmpty()) throw new IllegalArgumentException(what + ": '" + field + "' is empty");
        for (Integer v : values) if (v == null || v < 1) throw new IllegalArgumentException(what + ": '" + field + "' holds " + v + "; give sizes >= 1");
        if (values.stream().distinct().count() != values.size()) throw new IllegalArgumentException(what + ": '" + field + "' lists a size twice");
    }

    @JsonIgnore
    public DType dtypeOrDefault() {
        return DType.parse(dtype != null ? dtype : "f32");
    }

    @JsonIgnore
    public int warmupOrDefault() {
        return warmup != null ? warmup : 3;
    }

    @JsonIgnore
    public long seedOrDefault() {
        return seed != null ? seed : 1;
    }

    /** Steps measured: every cell, method and repetition. */
    @JsonIgnore
    public long steps() {
        return (long) batches.size() * positions.size() * methods.size() * repetitions;
    }
}
