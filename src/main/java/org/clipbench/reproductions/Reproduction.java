package org.clipbench.reproductions;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.clipbench.experiments.StepCostSpec;
import org.clipbench.experiments.SweepConfig;

/**
 * A published claim and how ClipBench tests it: the paper, the claim in one sentence, the testable
 * statement, the budget compared with the paper's, the sweeps that produce the evidence (ordinary sweep
 * configs, run by the sweep runner) and the check that turns their results into a verdict. Presets live
 * in src/main/resources/reproductions/ID.json; version changes whenever a preset's setup changes. rule names the
 * check's decision rule as this build has it ("check vN sha", see {@link Checks#rule}); a preset read from the jar
 * gets it, and a results folder records it, so the content hash covers how the verdict is decided, not only the JSON.
 */
public record Reproduction(String id, int version, String paper, String claim, String statement, String budget,
                           List<SweepConfig> sweeps, String check, JsonNode checkParams,
                           @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String rule,
                           @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                           List<StepCostSpec> measurements) {

    /** A preset whose evidence is training sweeps only (measurements: cost measurements of private steps, see {@link StepCostSpec}). */
    public Reproduction(String id, int version, String paper, String claim, String statement, String budget, List<SweepConfig> sweeps,
                        String check, JsonNode checkParams, String rule) {
        this(id, version, paper, claim, statement, budget, sweeps, check, checkParams, rule, null);
    }

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Every preset, in the order the paper profile runs them (cheapest first). */
    public static final List<String> PRESETS = List.of("pascanu-cliff", "zhang-smoothness", "clipping-bias", "u-clip-bias", "clip21-workers", "heavy-tailed-noise", "heavy-tail-high-probability", "clipped-sgd-stability",
            "dp-sgd", "dp-adaptive-quantile", "dp-automatic-clipping", "zclip-stability", "agc-batch-size", "zhang-smoothness-rnn", "autoclip-percentile",
            "zclip-adamw-transformer", "update-clipping-transformer", "adagc-transformer", "pascanu-rnn", "ghost-clipping-memory", "book-keeping-time",
            "ghost-crossover");

    public static Reproduction preset(String id) {
        try (InputStream in = Reproduction.class.getResourceAsStream("/reproductions/" + id + ".json")) {
            if (in == null) throw new IllegalArgumentException("unknown reproduction '" + id + "': choose from " + PRESETS);
            return JSON.readValue(in, Reproduction.class).withRule().validated();
        } catch (IOException e) {
            throw new IllegalStateException("reproduction preset " + id + " is broken: " + e.getMessage(), e);
        }
    }

    public static Reproduction read(Path file) {
        try {
            return org.clipbench.io.StrictJson.read(JSON, file, Reproduction.class).validated();
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a reproduction file: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** This preset with its check's decision rule as this build has it. */
    Reproduction withRule() {
        return new Reproduction(id, version, paper, claim, statement, budget, sweeps, check, checkParams, Checks.rule(check), measurements);
    }

    /** The presets named in a comma-separated list ("all" or empty: every one). */
    public static List<Reproduction> select(String names) {
        if (names == null || names.equals("all")) return PRESETS.stream().map(Reproduction::preset).toList();
        if (names.isBlank()) throw new IllegalArgumentException("--only is empty: name reproductions (see --list), or leave --only out for all");
        List<String> ids = java.util.Arrays.stream(names.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        if (ids.isEmpty()) throw new IllegalArgumentException("--only '" + names + "' names no reproduction: name some (see --list), or leave --only out for all");
        return ids.stream().map(Reproduction::preset).toList();
    }

    /** Checks the whole preset: every sweep valid, sweep names unique, the check known and happy with its parameters. */
    public Reproduction validated() {
        if (id == null || paper == null || claim == null || statement == null || budget == null) {
            throw new IllegalArgumentException("reproduction " + id + ": id, paper, claim, statement and budget are all required");
        }
        if ((sweeps == null || sweeps.isEmpty()) && measurementsOrEmpty().isEmpty()) {
            throw new IllegalArgumentException("reproduction " + id + ": no sweeps and no measurements");
        }
        Set<String> names = new HashSet<>();
        for (SweepConfig s : sweepsOrEmpty()) {
            s.validated();
            if (s.name() == null || !names.add(s.name())) throw new IllegalArgumentException("reproduction " + id + ": sweep names must be set and unique");
        }
        for (StepCostSpec m : measurementsOrEmpty()) {
            m.validated();
            if (!names.add(m.name())) throw new IllegalArgumentException("reproduction " + id + ": measurement " + m.name() + " has the name of another sweep or measurement");
        }
        Check c = Checks.create(check, checkParams);
        if (measurementsOrEmpty().isEmpty() == c instanceof MeasuredCheck) {
            throw new IllegalArgumentException("reproduction " + id + ": check " + check + " reads " + (c instanceof MeasuredCheck
                    ? "cost measurements, and the preset has none: add \"measurements\"" : "training sweeps, not cost measurements: use a check of measurements"));
        }
        return this;
    }

    /** The training sweeps (none for a preset of cost measurements). */
    public List<SweepConfig> sweepsOrEmpty() {
        return sweeps == null ? List.of() : sweeps;
    }

    /** The cost measurements of private steps (none for a preset of training sweeps). */
    public List<StepCostSpec> measurementsOrEmpty() {
        return measurements == null ? List.of() : measurements;
    }

    public SweepConfig sweep(String name) {
        return sweepsOrEmpty().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("reproduction " + id + " has no sweep '" + name + "'"));
    }

    /**
     * The preset's fingerprint for pre-registration: SHA-256 (first 12 hex digits) of its canonical JSON, so
     * a reader can check that results answer exactly the statement, seeds and thresholds shown, and that a
     * preset was not edited after its results came in without a version bump.
     */
    public String contentHash() {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(JSON.valueToTree(this)));
            return java.util.HexFormat.of().formatHex(d).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This build's preset of the same id, or null when the build has none. */
    Reproduction shipped() {
        return PRESETS.contains(id) ? preset(id) : null;
    }

    /** Training runs, and measured steps of the cost measurements. */
    public long runCount() {
        return sweepsOrEmpty().stream().mapToLong(s -> s.runs().size()).sum() + measurementsOrEmpty().stream().mapToLong(StepCostSpec::steps).sum();
    }
}
