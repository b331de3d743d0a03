package org.clipbench.jmhgrid;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchRunnerTest {
    @Test
    void restoreBenchmarkAloneSelectsTheRestoresOfTheProfile() {
        Grid g = Grid.build(Profile.quick(), new Filters(List.of("vector"), null, List.of("flat-4K"), List.of("f32"), null,
                List.of("RestoreBenchmark")).validate());
        assertThat(g.combos()).isNotEmpty().allSatisfy(c -> assertThat(c.benchmark()).isIn("RestoreBenchmark", "BandwidthBenchmark"));
        assertThat(g.combos()).anySatisfy(c -> assertThat(c.benchmark()).isEqualTo("RestoreBenchmark"));
    }

    /**
     * --benchmarks ClipBenchmark kept the clip but dropped the restore it is measured with (the filter
     * asked whether the restore itself was a ClipBenchmark), so every small-data net time was empty.
     */
    @Test
    void aClipKeepsItsRestoreWhenOnlyClipBenchmarkIsAskedFor() {
        Grid g = Grid.build(Profile.quick(), new Filters(List.of("vector"), List.of("global-norm"), List.of("flat-4K"), List.of("f32"),
                List.of("1"), List.of("ClipBenchmark")).validate());
        assertThat(g.combos()).anySatisfy(c -> assertThat(c.benchmark()).isEqualTo("ClipBenchmark"));
        assertThat(g.combos()).filteredOn(c -> c.benchmark().equals("RestoreBenchmark")).singleElement()
                .satisfies(c -> assertThat(c.params()).containsEntry("backend", "vector").containsEntry("dtype", "f32").containsEntry("data", "flat-4K"));
        assertThat(g.combos()).allSatisfy(c -> assertThat(c.benchmark()).isIn("ClipBenchmark", "RestoreBenchmark", "BandwidthBenchmark"));
    }

    @Test
    void aRawGcProfilerIsRegisteredOnce() throws Exception {
        BenchRunner r = new BenchRunner(Files.createTempDirectory("runner"), new JmhSettings(1, 1, 10, 1, 10, true, 1, 0), "java",
                List.of(), List.of("-prof", "gc"), System.out);
        var o = r.options(new Combo("NormBenchmark", java.util.Map.of("backend", "arrays")), Path.of("x.json"), 1);
        assertThat(o.getProfilers()).hasSize(1);
    }

    @Test
    void aTruncatedOrEmptyResultIsNotAResult(@TempDir Path dir) throws Exception {
        assertThat(BenchRunner.invalidResult(Files.writeString(dir.resolve("empty.json"), ""))).isNotNull();
        assertThat(BenchRunner.invalidResult(Files.writeString(dir.resolve("none.json"), "[]"))).contains("no JMH result");
        assertThat(BenchRunner.invalidResult(Files.writeString(dir.resolve("cut.json"), "[{\"benchmark\": \"x\", \"primaryMetric\": {\"sc")))
                .contains("cannot be read");
    }

    /** An A/B reran an unsteady candidate fork with longer warm-up and not its base pair: both sides must be measured alike. */
    @Test
    void theForksOfAnAbAreNeverRerunForSteadyState(@TempDir Path dir) throws Exception {
        BenchRunner r = new BenchRunner(dir, new JmhSettings(1, 1, 10, 1, 10, false, 1, 3), "java", List.of(), List.of(), System.out);
        assertThat(r.rerunsUnsteady()).isTrue();
        assertThat(r.forking(dir.resolve("candidate-1"), null).rerunsUnsteady()).isFalse();
        assertThat(r.forking(dir.resolve("base-1"), dir.resolve("base.jar")).rerunsUnsteady()).isFalse();
    }

    /** The quick profile says where it is and how long the rest will take (issue 30): elapsed, and the mean per measured combination times those left. */
    @org.junit.jupiter.api.Test
    void progressShowsElapsedTimeAndAnEstimateOfTheRest() {
        org.assertj.core.api.Assertions.assertThat(BenchRunner.progress(1, 10, 0, 0.2)).isEqualTo("1/10, 0s");
        // 3 measured in 90 s: 30 s each; combinations 4 to 10 are left (7 x 30 s)
        org.assertj.core.api.Assertions.assertThat(BenchRunner.progress(4, 10, 3, 90)).isEqualTo("4/10, 1m30s, ~3m30s left");
        // resumed combinations took no time and do not count: 1 measured in 10 s, 2 left
        org.assertj.core.api.Assertions.assertThat(BenchRunner.progress(9, 10, 1, 10)).isEqualTo("9/10, 10s, ~20s left");
    }
}
