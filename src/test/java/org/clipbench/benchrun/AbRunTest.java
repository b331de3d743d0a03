package org.clipbench.benchrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.clipbench.compare.Compare;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.jmhgrid.Filters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An --out folder that holds another A/B is refused before anything runs: continuing it would mix two A/Bs. */
class AbRunTest {
    static final List<Combo> GRID = List.of(new Combo("NormBenchmark", Map.of("backend", "arrays", "kind", "safe")));
    static final BenchRun.Settings SETTINGS = new BenchRun.Settings("quick", "-f 4", null, "6g", "target/javacpp-cache", true, List.of(), null, true);
    static final AbRun.Plan PLAN = AbRun.Plan.adaptive();

    @Test
    void aFolderOfAnotherAbIsRefusedNamingWhatDiffers(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("base");
        Files.writeString(dir.resolve("ab.json"), BenchRun.JSON.writeValueAsString(Map.of("plan", BenchRun.JSON.valueToTree(PLAN.withPairs(3, 3)),
                "profile", "quick", "jmh", "-f 4", "candidate_jmh", "", "base", Map.of("jar", AbRun.jarOf(base).toAbsolutePath().toString()))));
        Files.writeString(dir.resolve("grid.json"), BenchRun.JSON.writeValueAsString(GRID));
        assertThatThrownBy(() -> run(dir, base, PLAN, null, GRID)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds another A/B (another plan").hasMessageContaining("new folder");
        List<Combo> other = List.of(new Combo("NormBenchmark", Map.of("backend", "vector", "kind", "safe")));
        assertThatThrownBy(() -> run(dir, base, PLAN.withPairs(3, 3), null, other)).hasMessageContaining("holds another A/B (another grid)");
        assertThatThrownBy(() -> run(dir, dir.resolve("elsewhere"), PLAN.withPairs(3, 3), null, GRID)).hasMessageContaining("holds another A/B (base ");
        assertThatThrownBy(() -> run(dir, base, PLAN.withPairs(3, 3), "-p extra=0.1", GRID)).hasMessageContaining("candidate JMH options ''");
    }

    private static AbRun.Outcome run(Path dir, Path base, AbRun.Plan plan, String candidateJmh, List<Combo> grid) throws Exception {
        return new AbRun(dir, SETTINGS, Filters.none(), base, plan, candidateJmh, System.out).execute(grid, Compare.Settings.defaults());
    }

    @Test
    void aPlanRefusesWhatCannotBeMeasured() {
        assertThatThrownBy(() -> PLAN.withPairs(1, 10)).hasMessageStartingWith("--pairs 1");
        assertThatThrownBy(() -> PLAN.withPairs(8, 4)).hasMessageStartingWith("--max-pairs 4");
        assertThatThrownBy(() -> PLAN.withPairs(8, 100_000)).hasMessageStartingWith("--max-pairs 100000");
        assertThatThrownBy(() -> PLAN.withForksPerRound(0)).hasMessageStartingWith("--forks-per-round 0");
        assertThatThrownBy(() -> PLAN.withBudget(Double.NaN)).hasMessageStartingWith("--budget NaN");
    }

    @Test
    void theParametersOnlyTheCandidateSetsAreLeftOutOfTheMatch() {
        assertThat(AbRun.ignoredParams("-p extra=0.1 -i 3 -p repeat=2")).containsExactly("extra", "repeat");
        assertThat(AbRun.ignoredParams(null)).isEmpty();
    }
}
