package org.clipbench.experiments;

import org.clipbench.problems.ProblemSpec;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.optim.Optimizers;
import org.clipbench.optim.Schedule;
import org.clipbench.strategy.NonFinitePolicy;
import org.clipbench.strategy.Strategies;

/**
 * A sweep, as a JSON file: the problem, and the grid strategy x learning rate x seed with the training
 * settings. Validated as a whole before anything runs. sampling "poisson" draws Poisson lots (each training
 * example joins with probability batch / training set size, as the privacy accountant assumes) and makes every
 * DP run record the epsilon it spent at delta (default 1e-5); "fixed" (the default) draws batches of the
 * problem's size. Both are left out of sweep.json when not given, so older sweeps keep their bytes and run ids.
 */
public record SweepConfig(String name, ProblemSpec problem, String backend, String dtype, String optimizer, List<Double> lrs,
                          List<String> strategies, List<Long> seeds, Long steps, Integer evalEvery, String schedule,
                          Integer warmup, Double divergenceFactor, Integer curvePoints, String nonFinite, Double targetLoss,
                          Double targetGradNorm, Boolean stopAtTarget, Boolean logSmoothness,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String sampling,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Double delta) {

    // strict: a key given twice (which one counts?) and text after the document are errors, not silently dropped
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT); // seeds: [1.5] is an error, not seed 1

    /** A sweep name is part of a folder name: letters, digits, '.', '_' and '-', not starting with a dot. */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_=+-][A-Za-z0-9._=+-]{0,99}");

    public static SweepConfig read(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("sweep file " + file + " does not exist");
        try {
            return org.clipbench.io.StrictJson.read(JSON, file, SweepConfig.class).validated();
        } catch (IOException e) {
            throw new IllegalArgumentException("sweep file " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** A preset shipped in the jar (src/main/resources/sweeps/NAME.json). */
    public static SweepConfig preset(String name) {
        try (InputStream in = SweepConfig.class.getResourceAsStream("/sweeps/" + name + ".json")) {
            if (in == null) throw new IllegalArgumentException("unknown sweep preset '" + name + "': choose one of " + presets());
            return org.clipbench.io.StrictJson.read(JSON, in, SweepConfig.class).validated();
        } catch (IOException e) {
            throw new IllegalStateException("preset " + name + " is broken: " + e.getMessage(), e);
        }
    }

    public static List<String> presets() {
        return List.of("addition-quick", "digits-quick", "digits-threshold-lr", "smoke", "addition", "digits");
    }

    public String backendOrDefault() { return backend != null ? backend : "vector"; }
    public DType dtypeOrDefault() { return DType.parse(dtype != null ? dtype : "f64"); }
    public String optimizerOrDefault() { return optimizer != null ? optimizer : "sgd"; }
    public long stepsOrDefault() { return steps != null ? steps : 1000; }
    public int evalEveryOrDefault() { return evalEvery != null ? evalEvery : (int) Math.max(1, stepsOrDefault() / 10); }

    /** Whether lots are Poisson-sampled (and DP runs accounted). */
    public boolean poissonSampling() {
        return "poisson".equals(sampling);
    }

    public double deltaOrDefault() {
        return delta != null ? delta : 1e-5;
    }

    public Trainer.Settings settings(double lr) {
        return Trainer.Settings.builder(stepsOrDefault(), lr)
                .schedule(new Schedule(schedule != null ? schedule : "constant", warmup != null ? warmup : 0))
                .evalEvery(evalEveryOrDefault())
                .divergenceFactor(divergenceFactor != null ? divergenceFactor : 1e4)
                .maxCurvePoints(curvePoints != null ? curvePoints : 200)
                .nonFinite(NonFinitePolicy.parse(nonFinite != null ? nonFinite : "propagate"))
                .targetLoss(targetLoss != null ? targetLoss : Double.NaN)
                .targetGradNorm(targetGradNorm != null ? targetGradNorm : Double.NaN)
                .stopAtTarget(stopAtTarget != null && stopAtTarget)
                .logSmoothness(logSmoothness != null && logSmoothness).build();
    }

    /** Every problem with the config: IllegalArgumentException naming the first thing wrong. */
    public SweepConfig validated() {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("sweep: 'name' " + (name == null ? "is missing" : "'" + name + "' cannot name a folder")
                    + ": use letters, digits and . _ = + - (e.g. \"digits-lr-scan\")");
        }
        if (problem == null) throw new IllegalArgumentException("sweep: 'problem' is missing");
        problem.build();
        if (!Backends.names().contains(backendOrDefault())) {
            throw new IllegalArgumentException("sweep: unknown backend '" + backend + "'; valid: " + Backends.names());
        }
        dtypeOrDefault();
        Optimizers.create(optimizerOrDefault());
        if (lrs == null || lrs.isEmpty()) throw new IllegalArgumentException("sweep: 'lrs' is empty: give at least one learning rate");
        requireNoNull("lrs", lrs);
        requireNoNull("strategies", strategies);
        requireNoNull("seeds", seeds);
        for (double lr : lrs) {
            if (!(lr > 0 && Double.isFinite(lr))) throw new IllegalArgumentException("sweep: learning rate " + lr + " must be finite and > 0");
        }
        requireDistinct("lrs", lrs);
        requireDistinct("strategies", strategies);
        requireDistinct("seeds", seeds);
        if (strategies == null || strategies.isEmpty()) throw new IllegalArgumentException("sweep: 'strategies' is empty: give at least one, e.g. none");
        for (String s : strategies) Strategies.create(s);
        if (seeds == null || seeds.isEmpty()) throw new IllegalArgumentException("sweep: 'seeds' is empty: give at least one seed");
        settings(lrs.get(0));
        if (sampling != null && !sampling.equals("poisson") && !sampling.equals("fixed")) {
            throw new IllegalArgumentException("sweep: sampling '" + sampling + "' is unknown: use fixed (batches of the problem's size) or poisson");
        }
        if (delta != null && !poissonSampling()) throw new IllegalArgumentException("sweep: delta is for accounting Poisson-sampled runs: add \"sampling\": \"poisson\" or drop delta");
        if (poissonSampling()) {
            problem.build().withPoissonSampling();
            if (!(deltaOrDefault() > 0 && deltaOrDefault() < 1)) throw new IllegalArgumentException("sweep: delta " + delta + " must be in (0, 1), e.g. 1e-5");
        }
        for (String s : strategies) {
            if (Strategies.create(s) instanceof org.clipbench.strategy.PerExampleClipStrategy dp && !Double.isNaN(dp.targetEpsilon()) && !poissonSampling()) {
                throw new IllegalArgumentException("sweep: " + s + " targets an epsilon, which is accounted only under Poisson sampling: add \"sampling\": \"poisson\"");
            }
        }
        return this;
    }

    private static void requireNoNull(String field, List<?> values) {
        if (values != null && values.contains(null)) {
            throw new IllegalArgumentException("sweep: '" + field + "' holds null; give only values");
        }
    }

    /** A repeated value would train the same run twice and write one row. */
    private static void requireDistinct(String field, List<?> values) {
        if (values == null) return;
        java.util.Set<Object> seen = new java.util.HashSet<>();
        for (Object v : values) {
            if (!seen.add(v)) throw new IllegalArgumentException("sweep: '" + field + "' lists " + v + " twice; give each value once");
        }
    }

    /** The same sweep with the grid axes or step budget replaced where the arguments are not null (command-line options). */
    public SweepConfig with(List<Double> newLrs, List<String> newStrategies, List<Long> newSeeds, Long newSteps) {
        return new SweepConfig(name, problem, backend, dtype, optimizer, newLrs != null ? newLrs : lrs,
                newStrategies != null ? newStrategies : strategies, newSeeds != null ? newSeeds : seeds, newSteps != null ? newSteps : steps,
                evalEvery, schedule, warmup, divergenceFactor, curvePoints, nonFinite, targetLoss, targetGradNorm, stopAtTarget, logSmoothness,
                sampling, delta).validated();
    }

    /** The grid, one run per strategy x learning rate x seed, in a fixed order. */
    public List<RunSpec> runs() {
        List<RunSpec> out = new ArrayList<>();
        for (String s : strategies) for (double lr : lrs) for (long seed : seeds) out.add(new RunSpec(this, s, lr, seed));
        return out;
    }
}
