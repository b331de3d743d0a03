package org.clipbench.benchrun;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.jmhgrid.Filters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An --out folder that holds another A/B is refused before anything runs: continuing it would mix two A/Bs. */
class AbRunTest {
    static final List<Combo> GRID = List.of(new Combo("NormBenchmark", Map.of("backend", "arrays", "kind", "safe")));
    static final BenchRun.Settings SETTINGS = new BenchRun.Settings("quick", "-f 1", null, "6g", "target/javacpp-cache", true, List.of());

    @Test
    void aFolderOfAnotherAbIsRefusedNamingWhatDiffers(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("base");
        Files.writeString(dir.resolve("ab.json"), BenchRun.JSON.writeValueAsString(Map.of("rounds", 3, "profile", "quick", "jmh", "-f 1",
                "base", Map.of("jar", AbRun.jarOf(base).toAbsolutePath().toString()))));
        Files.writeString(dir.resolve("grid.json"), BenchRun.JSON.writeValueAsString(GRID));
        assertThatThrownBy(() -> new AbRun(dir, SETTINGS, Filters.none(), base, 5, System.out).execute(GRID))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds another A/B (rounds 3)").hasMessageContaining("new folder");
        List<Combo> other = List.of(new Combo("NormBenchmark", Map.of("backend", "vector", "kind", "safe")));
        assertThatThrownBy(() -> new AbRun(dir, SETTINGS, Filters.none(), base, 3, System.out).execute(other))
                .hasMessageContaining("holds another A/B (another grid)");
        assertThatThrownBy(() -> new AbRun(dir, SETTINGS, Filters.none(), dir.resolve("elsewhere"), 3, System.out).execute(GRID))
                .hasMessageContaining("holds another A/B (base ");
    }
}
