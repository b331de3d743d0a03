package org.clipbench.backend;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The backend registry: one line per backend, with the capabilities its class declares, so grids can
 * leave out what a backend cannot run without creating it (ND4J's natives take seconds). Factories take the thread count.
 */
public final class Backends {
    private Backends() {
    }

    /**
     * What a backend can run: f32 storage, the flat layout, more than one thread, and 16-bit storage (bf16 and
     * f16 gradients for clipping: norms, scale, clamp, copy; no model or optimizer arithmetic).
     */
    public record Capabilities(boolean f32, boolean flatLayout, boolean multiThreaded, boolean half16) {
        public boolean holds(DType dtype) {
            return dtype == DType.F64 || (dtype == DType.F32 ? f32 : half16);
        }
    }

    private record Entry(IntFunction<Backend> factory, Capabilities caps) {
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    private static void register(String name, IntFunction<Backend> factory, Capabilities caps) {
        REGISTRY.put(name, new Entry(factory, caps));
    }

    static {
        register("arrays", ArraysBackend::scalar, ArraysBackend.CAPABILITIES);
        register("vector", ArraysBackend::vector, ArraysBackend.CAPABILITIES);
        register("ejml", EjmlBackend::new, EjmlBackend.CAPABILITIES);
        register("commons-math", CommonsMathBackend::new, CommonsMathBackend.CAPABILITIES);
        register("nd4j", Nd4jBackend::new, Nd4jBackend.CAPABILITIES);
    }

    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    public static Capabilities capabilities(String name) {
        return entry(name).caps();
    }

    /** Whether the backend can run this combination (checked without creating the backend). */
    public static boolean supports(String name, DType dtype, boolean flatLayout, int threads) {
        Capabilities c = capabilities(name);
        return c.holds(dtype) && (!flatLayout || c.flatLayout()) && (threads == 1 || c.multiThreaded());
    }

    /** A backend by name; throws {@link UnsupportedCombinationException} if it cannot run with that many threads. */
    public static Backend create(String name, int threads) {
        return entry(name).factory().apply(threads);
    }

    public static Backend create(String name) {
        return create(name, 1);
    }

    private static Entry entry(String name) {
        Entry e = REGISTRY.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown backend '" + name + "': choose one of " + names());
        }
        return e;
    }
}
