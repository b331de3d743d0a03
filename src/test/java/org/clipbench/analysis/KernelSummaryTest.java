package org.clipbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** Loader and kernel tables on a fixture results folder with known numbers. */
class KernelSummaryTest {

    static Path fixture(String name) throws Exception {
        return Path.of(KernelSummaryTest.class.getResource("/fixtures/" + name).toURI());
    }

    @Test
    void loadsJmhJsonWithParamsAndRawData() throws Exception {
        Table t = JmhResults.load(List.of(fixture("run-a")));
        assertThat(t.rowCount()).isEqualTo(7);
        assertThat(t.stringColumn("benchmark").get(0)).isEqualTo("BandwidthBenchmark");
        assertThat(t.stringColumn("method").get(0)).isEqualTo("copy");
        assertThat(t.intColumn("samples").get(0)).isEqualTo(3);
        assertThat(t.stringColumn("raw").get(0)).isEqualTo("990.0 1000.0 1010.0");
        assertThat(t.stringColumn("backend").get(0)).isEmpty();
        assertThat(t.stringColumn("kind").get(3)).isEqualTo("safe");
    }

    @Test
    void computesBandwidthFractionsOverheadsAndNetClipTime() throws Exception {
        KernelSummary.Tables s = KernelSummary.build(JmhResults.load(List.of(fixture("run-a"))));
        // copy: 2 x 4096 x 8 bytes in 1000 ns = 65.536 GB/s
        assertThat(s.bandwidth().where(s.bandwidth().stringColumn("method").isEqualTo("copy")).doubleColumn("gbps").get(0))
                .isCloseTo(65.536, within(1e-9));
        Table norms = s.norms();
        int naive = norms.stringColumn("kind").indexOf("naive");
        // a norm reads 4096 x 8 B once in 500 ns: 65.536 GB/s, the copy's mean bandwidth; the limit takes the copy's best
        // iteration (990 ns: 66.2 GB/s, noise only slows a primitive), so the norm ran at 99% of it
        assertThat(norms.doubleColumn("eff_gbps").get(naive)).isCloseTo(65.536, within(1e-9));
        assertThat(norms.doubleColumn("pct_achievable").get(naive)).isCloseTo(99.0, within(1e-9));
        assertThat(s.bandwidth().where(s.bandwidth().stringColumn("method").isEqualTo("copy")).doubleColumn("best_gbps").get(0))
                .isCloseTo(2 * 4096 * 8 / 990.0, within(1e-9));
        Table over = s.normOverhead();
        assertThat(over.doubleColumn("x_baseline").get(over.stringColumn("kind").indexOf("safe"))).isCloseTo(2.0, within(1e-12));
        assertThat(over.doubleColumn("x_baseline").get(over.stringColumn("kind").indexOf("fast-safe"))).isCloseTo(1.05, within(1e-12));
        // the ratio's interval from the ends of both 95% intervals: safe 1000 +- 10 over naive 500 +- 5 (JMH's 99.9%, 3 samples)
        int safe = over.stringColumn("kind").indexOf("safe");
        double e = Derived.halfWidth95(10, 3), eb = Derived.halfWidth95(5, 3);
        assertThat(over.doubleColumn("x_lower").get(safe)).isCloseTo((1000 - e) / (500 + eb), within(1e-12));
        assertThat(over.doubleColumn("x_upper").get(safe)).isCloseTo((1000 + e) / (500 - eb), within(1e-12));
        Table clip = s.clipping();
        assertThat(clip.doubleColumn("restore_ns").get(0)).isEqualTo(1000.0);
        assertThat(clip.doubleColumn("net_ns").get(0)).isEqualTo(2000.0);
        assertThat(clip.doubleColumn("net_error").get(0)).isCloseTo(Math.hypot(30, 10), within(1e-12)); // clip and restore errors in quadrature
        String md = KernelSummary.markdown(s);
        assertThat(md).contains("| flat-4K f64 t1 | 65.5 | 64 |").contains("| global-norm | arrays |");
    }

    /** A clip timed alone (restore untimed, large data): its net time is its score; no restore is subtracted. */
    @Test
    void aClipTimedAloneIsItsOwnNetTime(@TempDir Path dir) throws Exception {
        String json = java.nio.file.Files.readString(fixture("run-a").resolve("results.json"))
                .replace("org.clipbench.bench.ClipBenchmark.clip\"", "org.clipbench.bench.ClipBenchmark.clipFresh\"");
        java.nio.file.Files.writeString(dir.resolve("results.json"), json);
        Table clip = KernelSummary.build(JmhResults.load(List.of(dir))).clipping();
        assertThat(clip.stringColumn("restore").get(0)).isEqualTo("untimed");
        assertThat(clip.doubleColumn("net_ns").get(0)).isEqualTo(clip.doubleColumn("ns_op").get(0)).isEqualTo(3000.0);
        Table timed = KernelSummary.build(JmhResults.load(List.of(fixture("run-a")))).clipping();
        assertThat(timed.stringColumn("restore").get(0)).isEqualTo("subtracted");
    }

    @Test
    void badInputNamesTheFileAndTheProblem(@TempDir Path empty) throws Exception {
        assertThatThrownBy(() -> JmhResults.load(List.of(fixture("broken"))))
                .isInstanceOf(JmhResults.BadInputException.class).hasMessageContaining("results.json")
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> JmhResults.load(List.of(empty)))
                .hasMessageContaining("not a ClipBench results folder");
        assertThatThrownBy(() -> JmhResults.load(List.of(empty.resolve("nope"))))
                .hasMessageContaining("no such file");
    }

    /** The report opens with the machine, the steady-state count and the default kernel against PyTorch, each speed-up shown or refused. */
    @org.junit.jupiter.api.Test
    void theHeadlineComesFirstAndRefusesAnUnsteadySpeedUp() throws Exception {
        KernelSummary.Tables t = KernelSummary.build(JmhResults.load(java.util.List.of(java.nio.file.Path.of("src/test/resources/fixtures/bench-peer"))));
        String md = KernelSummary.headline(t, "AMD EPYC, 2 cores");
        org.assertj.core.api.Assertions.assertThat(md).startsWith("## Headline\n\n**Machine**: AMD EPYC, 2 cores.")
                .containsPattern("\\*\\*Steady state\\*\\*: \\d+ of \\d+ kernel results")
                .contains("| flat-4K | f64 | 1 | 500 ns | 4.0 µs | — (not at steady state) |");
    }
}
