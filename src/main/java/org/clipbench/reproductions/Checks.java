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
