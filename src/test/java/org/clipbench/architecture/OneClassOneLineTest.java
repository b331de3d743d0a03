package org.clipbench.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.clipbench.analysis.Palette;
import org.clipbench.backend.ArraysBackend;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.jmhgrid.Filters;
import org.clipbench.jmhgrid.Grid;
import org.clipbench.jmhgrid.Profile;
import org.clipbench.strategy.Strategies;
import org.clipbench.strategy.Strategy;
import org.clipbench.strategy.StrategyParams;
import org.clipbench.strategy.ValueClip;
import org.junit.jupiter.api.Test;

/**
 * Issue 37: adding a strategy or a backend is one class plus one registration line, and nothing else names it. A strategy
 * and a backend are registered here for the length of a test, through the registries' own register methods, and every
 * place that used to need a hand-written line (Palette's colours, the smoke grid's backends, the foldable strategies of
 * the full profile and of a fused step) must take them up. The registrations are removed before the test ends, so the
 * other tests of this JVM see the registries as they are.
 */
class OneClassOneLineTest {
    private static final String STRATEGY = "test-registered-clamp", BACKEND = "test-registered-arrays";

    @Test
    void aNewStrategyAndBackendGetTheirOwnColourAndDisturbNoOther() throws Exception {
        Map<String, Color> before = colours();
        try (AutoCloseable s = registerStrategy(); AutoCloseable b = registerBackend()) {
            assertThat(Palette.isFixed(BACKEND)).as("a registered backend has a colour of its own").isTrue();
            assertThat(Palette.isFixed(STRATEGY)).as("a registered strategy has a colour of its own").isTrue();
            assertThat(Palette.isFixed(STRATEGY + ":c=0.1 @ lr 0.5")).isTrue();
            List<Color> otherBackends = Backends.names().stream().filter(n -> !n.equals(BACKEND)).map(Palette::colorOf).toList();
            assertThat(otherBackends).doesNotContain(Palette.colorOf(BACKEND)).doesNotContain(Palette.colorOf("pytorch"), Palette.colorOf("jax"));
            List<Color> otherStrategies = Strategies.names().stream().filter(n -> !n.equals(STRATEGY)).map(Palette::colorOf).toList();
            assertThat(otherStrategies).doesNotContain(Palette.colorOf(STRATEGY));
            assertThat(colours()).as("the colours of what was registered before are unchanged").containsAllEntriesOf(before);
        }
        assertThat(Palette.isFixed(STRATEGY)).isFalse();
        assertThat(Strategies.names()).doesNotContain(STRATEGY);
        assertThat(Backends.names()).doesNotContain(BACKEND);
    }

    @Test
    void theGridsTakeUpANewStrategyAndBackend() throws Exception {
        try (AutoCloseable s = registerStrategy(); AutoCloseable b = registerBackend()) {
            List<Combo> smoke = Grid.build(Profile.smoke(), Filters.none()).combos();
            assertThat(smoke).as("the smoke grid clips with every strategy")
                    .anyMatch(c -> c.benchmark().equals("ClipBenchmark") && STRATEGY.equals(c.params().get("strategy")));
            assertThat(smoke).as("the smoke grid clips on every backend")
                    .anyMatch(c -> c.benchmark().equals("ClipBenchmark") && BACKEND.equals(c.params().get("backend")));
            assertThat(smoke).as("the smoke grid takes every backend's norm")
                    .anyMatch(c -> c.benchmark().equals("NormBenchmark") && BACKEND.equals(c.params().get("backend")));
            assertThat(Strategies.folding()).as("a strategy that folds, by its type").contains(STRATEGY).doesNotContain("per-layer", "renorm");
            List<Combo> full = Grid.build(Profile.full(), Filters.none()).combos();
            assertThat(full).as("the full profile folds every folding strategy into the step")
                    .anyMatch(c -> c.benchmark().equals("OptimizerStepBenchmark") && STRATEGY.equals(c.params().get("strategy"))
                            && "fused".equals(c.params().get("fusion")));
        }
    }

    /** A strategy of an existing class (the clamp) under a new name: one line, as a new class would register. */
    private static AutoCloseable registerStrategy() throws Exception {
        Function<StrategyParams, Strategy> factory = ValueClip::new;
        return register(Strategies.class, STRATEGY, factory, "the clamp under another name (OneClassOneLineTest)", new String[] {STRATEGY + ":c=0.5"});
    }

    private static AutoCloseable registerBackend() throws Exception {
        IntFunction<Backend> factory = ArraysBackend::scalar;
        return register(Backends.class, BACKEND, factory, ArraysBackend.CAPABILITIES);
    }

    /** Calls a registry's private register(name, ...) and returns what takes the entry out of its REGISTRY again. */
    private static AutoCloseable register(Class<?> registry, Object... args) throws Exception {
        Method register = Arrays.stream(registry.getDeclaredMethods())
                .filter(m -> m.getName().equals("register") && m.getParameterCount() == args.length).findFirst().orElseThrow();
        register.setAccessible(true);
        Field field = registry.getDeclaredField("REGISTRY");
        field.setAccessible(true);
        @SuppressWarnings("unchecked")
        Map<String, ?> entries = (Map<String, ?>) field.get(null);
        String name = (String) args[0];
        assertThat(entries).doesNotContainKey(name);
        register.invoke(null, args);
        return () -> entries.remove(name);
    }

    private static Map<String, Color> colours() {
        Map<String, Color> out = new java.util.TreeMap<>();
        for (String n : Backends.names()) out.put(n, Palette.colorOf(n));
        for (String n : Strategies.names()) out.put(n, Palette.colorOf(n));
        return out;
    }
}
