package org.clipbench.jmhgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.clipbench.backend.Backends;
import org.clipbench.strategy.Strategies;
import org.junit.jupiter.api.Test;

class GridTest {

    @Test
    void smokeCoversEveryBenchmarkClassBackendAndStrategy() {
        Grid g = Grid.build(Profile.smoke(), Filters.none());
        Set<String> classes = new HashSet<>(), backends = new HashSet<>(), strategies = new HashSet<>();
        for (Combo c : g.combos()) {
            classes.add(c.benchmark());
            if (c.params().containsKey("backend")) backends.add(c.backend());
            if (c.params().containsKey("strategy") && !c.benchmark().equals("TrainingStepBenchmark") && !c.benchmark().equals("OptimizerStepBenchmark")) {
                strategies.add(c.params().get("strategy"));
            }
        }
        assertThat(classes).as("every registered benchmark class: a block of it in Profile.smoke()")
                .containsExactlyInAnyOrderElementsOf(org.clipbench.bench.Benchmarks.names());
        assertThat(backends).containsExactlyInAnyOrderElementsOf(Backends.names());
        assertThat(strategies).containsExactlyInAnyOrderElementsOf(Strategies.names());
    }

    @Test
    void quickCoversEveryBackendAndStrategyAtSmallAndLargeSizes() {
        Grid g = Grid.build(Profile.quick(), Filters.none());
        Set<String> strategies = new HashSet<>();
        for (Combo c : g.combos()) {
            if (c.params().containsKey("strategy") && !c.benchmark().equals("TrainingStepBenchmark") && !c.benchmark().equals("OptimizerStepBenchmark")) {
                strategies.add(c.params().get("strategy"));
            }
        }
        assertThat(strategies).containsExactlyInAnyOrderElementsOf(Strategies.names());
        // every backend once out of cache; the headline backend from L1 to DRAM
        for (String b : Backends.names()) {
            assertThat(g.combos()).as(b).anyMatch(c -> c.benchmark().equals("ClipBenchmark") && c.backend().equals(b) && "flat-16M".equals(c.params().get("data")));
        }
        for (String size : List.of("flat-4K", "flat-64K", "flat-1M", "flat-4M", "flat-16M", "resnet18", "gpt2-small")) {
            assertThat(g.combos()).as(size).anyMatch(c -> c.benchmark().equals("ClipBenchmark") && c.backend().equals("vector")
                    && "f32".equals(c.params().get("dtype")) && size.equals(c.params().get("data")));
        }
    }

    @Test
    void unsupportedCombinationsAreLeftOutAndListed() {
        Grid g = Grid.build(Profile.full(), Filters.none());
        assertThat(g.combos()).noneMatch(c -> c.backend().equals("commons-math") && "f32".equals(c.params().get("dtype")));
        assertThat(g.combos()).noneMatch(c -> c.backend().equals("ejml") && "flat".equals(c.params().get("layout")));
        assertThat(g.combos()).noneMatch(c -> c.backend().equals("ejml") && c.threads() == 2);
        assertThat(g.leftOut()).anySatisfy((combo, why) -> assertThat(why).contains("no f32 storage"));
        assertThat(g.combos()).noneMatch(c -> "renorm".equals(c.params().get("strategy")) && !"always".equals(c.params().get("regime")));
    }

    @Test
    void everyClipCombinationThatTimesItsRestoreHasTheRestoreToSubtract() {
        Grid g = Grid.build(Profile.quick(), Filters.none());
        int timed = 0, untimed = 0;
        for (Combo c : g.combos()) {
            if (!c.benchmark().equals("ClipBenchmark")) continue;
            boolean hasRestore = g.combos().stream().anyMatch(r -> r.benchmark().equals("RestoreBenchmark") && r.backend().equals(c.backend())
                    && r.params().get("data").equals(c.params().get("data"))
                    && r.params().get("layout").equals(c.params().get("layout"))
                    && r.params().get("dtype").equals(c.params().get("dtype")) && r.threads() == c.threads());
            boolean fresh = BenchRunner.methodOf(c).equals("clipFresh");
            assertThat(hasRestore).as(c.toString()).isEqualTo(!fresh);
            if (fresh) untimed++;
            else timed++;
        }
        assertThat(timed).isPositive();
        assertThat(untimed).isPositive();
        // large data, restore untimed: no RestoreBenchmark of 1M elements or more is measured for nothing
        assertThat(g.combos()).noneMatch(r -> r.benchmark().equals("RestoreBenchmark")
                && org.clipbench.params.ParamShapes.get(r.params().get("data")).totalSize() >= 1 << 20
                && g.combos().stream().noneMatch(c -> c.benchmark().equals("DpClipBenchmark")
                        && c.params().get("data").equals(r.params().get("data"))));
    }

    @Test
    void shardsPartitionTheGridExactlyOnce() {
        for (Profile p : List.of(Profile.smoke(), Profile.quick(), Profile.full())) {
            Grid g = Grid.build(p, Filters.none());
            for (int n : new int[] {1, 2, 3, 7}) {
                List<String> seen = new java.util.ArrayList<>();
                for (int k = 1; k <= n; k++) g.shard(k, n).combos().forEach(c -> seen.add(c.id()));
                // sorted lists compared: AssertJ's containsExactlyInAnyOrder diffs in O(n^2), seconds on the full grid
                assertThat(seen.stream().sorted().toList()).isEqualTo(g.combos().stream().map(Combo::id).sorted().toList());
            }
        }
        assertThatThrownBy(() -> Grid.build(Profile.smoke(), Filters.none()).shard(3, 2)).hasMessageContaining("1 <= k <= n");
    }

    @Test
    void theGridIsDeterministic() {
        assertThat(Grid.build(Profile.quick(), Filters.none()).combos())
                .containsExactlyElementsOf(Grid.build(Profile.quick(), Filters.none()).combos());
        Combo c = Grid.build(Profile.smoke(), Filters.none()).combos().get(0);
        assertThat(c.id()).matches("[A-Za-z0-9._+-]+").startsWith(c.benchmark());
    }

    @Test
    void filtersNarrowTheGrid() {
        Filters f = new Filters(List.of("vector"), List.of("global-norm"), List.of("flat-4K"), List.of("f32"), List.of("1")).validate();
        Grid g = Grid.build(Profile.quick(), f);
        assertThat(g.combos()).isNotEmpty().allSatisfy(c -> {
            if (c.params().containsKey("backend")) assertThat(c.backend()).isEqualTo("vector");
            if (c.params().containsKey("strategy")) assertThat(c.params().get("strategy")).isEqualTo("global-norm");
            // a filter narrows the benchmarks that have its axis (PerExampleClipBenchmark has a layer, not a data set)
            if (c.params().containsKey("data")) assertThat(c.params().get("data")).isEqualTo("flat-4K");
            assertThat(c.threads()).isEqualTo(1);
        });
    }

    @Test
    void badFilterValuesNameTheValidChoices() {
        assertThatThrownBy(() -> new Filters(List.of("numpy"), null, null, null, null).validate())
                .hasMessageContaining("--backends: unknown backend 'numpy'").hasMessageContaining("arrays,vector");
        assertThatThrownBy(() -> new Filters(null, List.of("clip"), null, null, null).validate())
                .hasMessageContaining("--strategies").hasMessageContaining("global-norm");
        assertThatThrownBy(() -> new Filters(null, null, List.of("huge"), null, null).validate())
                .hasMessageContaining("--data").hasMessageContaining("flat-N");
        assertThatThrownBy(() -> new Filters(null, null, null, List.of("f8"), null).validate())
                .hasMessageContaining("--dtypes").hasMessageContaining("f32, f64, bf16 or f16");
        assertThatThrownBy(() -> new Filters(null, null, null, null, List.of("0")).validate())
                .hasMessageContaining("--threads");
        assertThatThrownBy(() -> Profile.named("medium")).hasMessageContaining("[smoke, quick, full, accuracy]");
        assertThatThrownBy(() -> new Filters(null, null, null, null, null, List.of("Foo")).validate())
                .hasMessageContaining("--benchmarks").hasMessageContaining("NormBenchmark");
    }

    @Test
    void benchmarkFilterKeepsOnlyThoseClassesAndTheirRoofline() {
        Grid g = Grid.build(Profile.quick(), new Filters(null, null, null, null, null, List.of("NormBenchmark")).validate());
        assertThat(g.combos()).isNotEmpty().allMatch(c -> c.benchmark().equals("NormBenchmark") || c.benchmark().equals("BandwidthBenchmark"));
        // the memory rates of the size the norms use, from the same run: the read and in-place primitives at flat-4K, 1 thread
        assertThat(g.combos().stream().filter(c -> c.benchmark().equals("BandwidthBenchmark")).map(Combo::toString))
                .containsExactlyInAnyOrder("BandwidthBenchmark data=flat-4K dtype=f32 threads=1 method=read",
                        "BandwidthBenchmark data=flat-4K dtype=f32 threads=1 method=scaleInPlace");
    }

    /**
     * The smoke profile stays a smoke test: minimal JMH settings on every combination, and a few combinations per
     * registered unit (benchmark class, backend, strategy). Its budget grows with the registries (about 3 minutes for the
     * 34 units of December 2026), so that registering one more does not break it, while a block that sweeps sizes does.
     */
    @Test
    void estimatesArePositiveAndScaleWithTheGrid() {
        Grid smokeGrid = Grid.build(Profile.smoke(), Filters.none());
        double smoke = smokeGrid.estimateSeconds(Profile.smoke().settings());
        double full = Grid.build(Profile.full(), Filters.none()).estimateSeconds(Profile.full().settings());
        int units = org.clipbench.bench.Benchmarks.names().size() + Backends.names().size() + Strategies.names().size();
        assertThat(smoke / smokeGrid.combos().size()).as("seconds per smoke combination: minimal settings").isPositive().isLessThan(3.5);
        assertThat(smoke).as("smoke seconds for " + units + " registered units").isLessThan(8.0 * units);
        assertThat(full).isGreaterThan(100 * smoke);
    }
}
