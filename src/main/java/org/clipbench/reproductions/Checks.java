package org.clipbench.reproductions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The checks by name: one class each, registered here with one line. */
public final class Checks {
    private Checks() {
    }

    private static final Map<String, Function<Params, Check>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("cliff-jump", CliffJumpCheck::new);
        REGISTRY.put("success-gap", SuccessGapCheck::new);
        REGISTRY.put("clipped-gd-speedup", ClippedGdSpeedupCheck::new);
        REGISTRY.put("heavy-tail-spikes", HeavyTailCheck::new);
        REGISTRY.put("clipping-bias", ClippingBiasCheck::new);
        REGISTRY.put("agc-best-lambda", AgcLambdaCheck::new);
        REGISTRY.put("autoclip-percentile", AutoClipCheck::new);
        REGISTRY.put("dp-noise-accuracy", DpNoiseCheck::new);
        REGISTRY.put("zclip-stability", ZClipCheck::new);
        REGISTRY.put("smoothness-correlation", SmoothnessCorrelationCheck::new);
        REGISTRY.put("carry-unbiased", CarryUnbiasedCheck::new);
        REGISTRY.put("error-feedback", ErrorFeedbackCheck::new);
        REGISTRY.put("tail-quantile", TailQuantileCheck::new);
        REGISTRY.put("stability-range", StabilityRangeCheck::new);
        REGISTRY.put("matches-best-fixed", MatchesBestFixedCheck::new);
        REGISTRY.put("automatic-clipping", AutomaticClippingCheck::new);
        REGISTRY.put("ghost-memory", GhostMemoryCheck::new);
        REGISTRY.put("step-time-ratio", StepTimeRatioCheck::new);
        REGISTRY.put("crossover-t", CrossoverCheck::new);
        REGISTRY.put("lm-stability", LmStabilityCheck::new);
    }

    /**
     * The decision rule of a check as this build has it: "name vN sha", from reproductions/check-rules.txt. The sha is
     * of the check's source and of every class of this package it uses (CheckRulesTest recomputes it and fails on
     * drift, asking for a new version), so a preset's content hash changes when the way its verdict is decided does.
     */
    public static String rule(String name) {
        String line = RULES.get(name);
        if (line == null) throw new IllegalStateException("check '" + name + "' has no line in reproductions/check-rules.txt");
        return name + " " + line;
    }

    private static final Map<String, String> RULES = readRules();

    private static Map<String, String> readRules() {
        Map<String, String> out = new LinkedHashMap<>();
        try (var in = Checks.class.getResourceAsStream("/reproductions/check-rules.txt")) {
            if (in == null) return out;
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 3 && !line.startsWith("#")) out.put(f[0], f[1] + " " + f[2]);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("reproductions/check-rules.txt cannot be read", e);
        }
        return out;
    }

    public static Set<String> names() {
        return REGISTRY.keySet();
    }

    public static Check create(String name, JsonNode params) {
        Function<Params, Check> f = REGISTRY.get(name);
        if (f == null) throw new IllegalArgumentException("unknown check '" + name + "'; known: " + REGISTRY.keySet());
        return f.apply(new Params(name, params == null ? JsonNodeFactory.instance.objectNode() : params));
    }

    /** A check's parameters with defaults; a wrong type is an error naming the check and the key. */
    record Params(String check, JsonNode node) {
        String text(String key, String dflt) {
            JsonNode v = node.get(key);
            if (v == null) return dflt;
            if (!v.isTextual()) throw new IllegalArgumentException("check " + check + ": '" + key + "' must be text");
            return v.asText();
        }

        double number(String key, double dflt) {
            JsonNode v = node.get(key);
            if (v == null) return dflt;
            if (!v.isNumber()) throw new IllegalArgumentException("check " + check + ": '" + key + "' must be a number");
            return v.asDouble();
        }

        java.util.List<String> texts(String key, java.util.List<String> dflt) {
            JsonNode v = node.get(key);
            if (v == null) return dflt;
            if (!v.isArray()) throw new IllegalArgumentException("check " + check + ": '" + key + "' must be a list");
            java.util.List<String> out = new java.util.ArrayList<>();
            v.forEach(x -> out.add(x.asText()));
            return out;
        }
    }
}
