package org.clipbench.backend;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** The backend registry: one line per backend. Factories take the thread count. */
public final class Backends {
    private Backends() {
    }

    private static final Map<String, IntFunction<Backend>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("arrays", ArraysBackend::scalar);
        REGISTRY.put("vector", ArraysBackend::vector);
        REGISTRY.put("ejml", EjmlBackend::new);
        REGISTRY.put("commons-math", CommonsMathBackend::new);
        REGISTRY.put("nd4j", Nd4jBackend::new);
    }

    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /** A backend by name; throws {@link UnsupportedCombinationException} if it cannot run with that many threads. */
    public static Backend create(String name, int threads) {
        IntFunction<Backend> f = REGISTRY.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown backend '" + name + "': choose one of " + names());
        }
        return f.apply(threads);
    }

    public static Backend create(String name) {
        return create(name, 1);
    }
}
