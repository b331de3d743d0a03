package org.clipbench.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import org.clipbench.jmhgrid.Block;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.jmhgrid.Filters;
import org.clipbench.jmhgrid.Grid;
import org.clipbench.jmhgrid.Profile;
import org.junit.jupiter.api.Test;

/** A benchmark class is one class plus one line in {@link Benchmarks}: these tests hold that true. */
class BenchmarksTest {

    @Test
    void everyClassWithBenchmarkMethodsIsRegistered() {
        List<String> withBenchmarks = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("/jmh_generated/"))
                .importPackages("org.clipbench").stream()
                .filter(c -> c.getMethods().stream().anyMatch(m -> m.isAnnotatedWith(org.openjdk.jmh.annotations.Benchmark.class)))
                .map(JavaClass::getSimpleName).sorted().toList();
        assertThat(withBenchmarks).hasSize(6);
        assertThat(Benchmarks.names()).containsExactlyInAnyOrderElementsOf(withBenchmarks);
    }

    @Test
    void everyRegisteredBenchmarkRunsInTheSmokeAndFullProfiles() {
        for (Profile p : List.of(Profile.smoke(), Profile.full())) {
            List<String> run = Grid.build(p, Filters.none()).combos().stream().map(Combo::benchmark).distinct().toList();
            assertThat(run).as(p.toString()).containsExactlyInAnyOrderElementsOf(Benchmarks.names());
        }
    }

    @Test
    void aBlockOfAnUnregisteredBenchmarkIsRefused() {
        assertThatThrownBy(() -> new Block("SpeedBenchmark", Map.of("size", List.of("flat-4K"))))
                .hasMessageContaining("not a registered benchmark");
        assertThatThrownBy(() -> new Filters(null, null, null, null, null, List.of("SpeedBenchmark")).validate())
                .hasMessageContaining("unknown benchmark 'SpeedBenchmark'");
    }
}
