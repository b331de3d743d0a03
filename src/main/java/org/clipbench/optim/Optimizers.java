package org.clipbench.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.clipbench.strategy.StrategyParams;

/** Optimizers by spec, e.g. "sgd", "momentum:mu=0.9,nesterov=true", "adam:wd=0.01". One line each. */
public final class Optimizers {
    private Optimizers() {
    }

    private static final Map<String, Function<StrategyParams, Optimizer>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("sgd", p -> new Sgd(p, 0.0));
        REGISTRY.put("momentum", p -> new Sgd(p, 0.9));
        REGISTRY.put("adam", p -> new Adam(p, 0.0));
        REGISTRY.put("adamw", p -> new Adam(p, 0.01));
    }

    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    public static Optimizer create(String spec) {
        var parsed = StrategyParams.parseSpec(spec);
        var f = REGISTRY.get(parsed.getKey());
        if (f == null) throw new IllegalArgumentException("unknown optimizer '" + parsed.getKey() + "': choose one of " + names());
        StrategyParams p = new StrategyParams(parsed.getKey(), parsed.getValue());
        Optimizer o = f.apply(p);
        p.rejectUnknown();
        return o;
    }
}
