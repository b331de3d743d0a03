package org.clipbench.report;

import org.clipbench.analysis.SweepResults;
import org.clipbench.analysis.KernelSummary;
import org.clipbench.analysis.Plots;
import org.clipbench.analysis.JmhResults;
import org.clipbench.analysis.Figure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** The loaders, tables, figures and report on small fixture folders with hand-chosen numbers. */
class ReportTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    static final Path BENCH = FIXTURES.resolve("bench-small"), SWEEP = FIXTURES.resolve("sweep-small");

    @Test
    void jmhLoaderGivesTheMedianOfTheIterations() throws IOException {
        Table jmh = JmhResults.load(List.of(BENCH));
        Table arrays4k = jmh.where(jmh.stringColumn("benchmark").isEqualTo("ClipBenchmark")
                .and(jmh.stringColumn("backend").isEqualTo("arrays")).and(jmh.stringColumn("data").isEqualTo("flat-4K")));
        assertThat(arrays4k.rowCount()).isEqualTo(1);
        assertThat(arrays4k.doubleColumn("median").get(0)).isEqualTo(2000.0);
        assertThat(arrays4k.doubleColumn("score").get(0)).isEqualTo(2000.0);
    }

    @Test
    void kernelTablesGiveRestoreSubtractedTimeSpeedupAndBandwidth() throws IOException {
        KernelSummary.Tables t = KernelSummary.build(JmhResults.load(List.of(BENCH)));
        Table c = t.clipping();
        Table v4k = c.where(c.stringColumn("backend").isEqualTo("vector").and(c.stringColumn("data").isEqualTo("flat-4K")));
        assertThat(v4k.doubleColumn("net_ns").get(0)).isEqualTo(500.0); // 1000 - 500 restore
        assertThat(v4k.doubleColumn("x_arrays").get(0)).isEqualTo(3.0); // arrays: 2000 - 500 = 1500
        Table vec16 = c.where(c.stringColumn("backend").isEqualTo("vector").and(c.stringColumn("data").isEqualTo("flat-16M")));
        assertThat(vec16.doubleColumn("x_arrays").get(0)).isCloseTo(2.6e7 / 1.1e7, within(1e-12));
        Table a4k = c.where(c.stringColumn("backend").isEqualTo("arrays").and(c.stringColumn("data").isEqualTo("flat-4K")));
        assertThat(a4k.doubleColumn("x_arrays").get(0)).isEqualTo(1.0);
        // global-norm clipping on every call: 3 passes x 4096 x 8 B = 98,304 B in the net 1500 ns (not the
        // gross 2000 ns, which includes the restore) = 65.536 GB/s; copy moves 2 x 32768 B in 100 ns =
        // 655.36 GB/s, so the bytes need 150 ns at the limit: 10% of the achievable time
        assertThat(a4k.doubleColumn("passes").get(0)).isEqualTo(3.0);
        assertThat(a4k.doubleColumn("eff_gbps").get(0)).isCloseTo(65.536, within(1e-9));
        assertThat(a4k.doubleColumn("achievable_ns").get(0)).isCloseTo(150.0, within(1e-9));
        assertThat(a4k.doubleColumn("pct_achievable").get(0)).isCloseTo(10.0, within(1e-9));
        // value clipping reads and writes once (2 passes), AGC also reads the parameters (4 passes)
        Table v16 = c.where(c.stringColumn("strategy").isEqualTo("value"));
        assertThat(v16.doubleColumn("eff_gbps").get(0)).isCloseTo(2.0 * 16_777_216 * 8 / 20e6, within(1e-9));
        Table agc = c.where(c.stringColumn("strategy").isEqualTo("agc"));
        assertThat(agc.doubleColumn("passes").get(0)).isEqualTo(4.0);
        assertThat(agc.doubleColumn("eff_gbps").get(0)).isCloseTo(4.0 * 16_777_216 * 8 / 35e6, within(1e-9));
        assertThat(t.normOverhead().doubleColumn("x_baseline").get(0)).isEqualTo(1.5);
    }

    @Test
    void sweepLoaderAndConvergenceFiguresUseMediansOverSeeds() throws IOException {
        SweepResults s = SweepResults.load(SWEEP);
        assertThat(s.runs().rowCount()).isEqualTo(6);
        List<Figure> figs = ScriptFigures.of("convergence", List.of(SWEEP));
        Figure heat = figs.stream().filter(f -> f.id().equals("final-loss-fixture")).findFirst().orElseThrow();
        int none = heat.yCategories().indexOf("none"), gn = heat.yCategories().indexOf("global-norm:c=1,eps=0");
        assertThat(heat.z()[none][0]).isCloseTo(0.6, within(1e-12)); // the diverged seed is left out
        assertThat(heat.z()[gn][0]).isCloseTo(0.3, within(1e-12));
        Figure curves = figs.stream().filter(f -> f.id().equals("loss-curves-fixture")).findFirst().orElseThrow();
        Figure.Series noneCurve = curves.series().stream().filter(x -> x.name().equals("none")).findFirst().orElseThrow();
        assertThat(noneCurve.x()).containsExactly(0, 10, 19);
        assertThat(noneCurve.y()[1]).isEqualTo(1.5); // median of 1.0, 1.5, 50
        Figure div = figs.stream().filter(f -> f.id().equals("divergences-fixture")).findFirst().orElseThrow();
        assertThat(div.categories()).containsExactly("global-norm:c=1,eps=0", "none");
        assertThat(div.series().get(0).y()).containsExactly(0, 1.0 / 3); // one of the three seeds of none diverged
        assertThat(div.series().get(0).lower()[1]).isEqualTo(Plots.binomialInterval(3, 1)[0]);
        assertThat(div.series().get(0).upper()[0]).isEqualTo(Plots.binomialInterval(3, 0)[1]);
        Figure clip = figs.stream().filter(f -> f.id().equals("clip-fraction-fixture")).findFirst().orElseThrow();
        assertThat(clip.series()).hasSize(1);
        assertThat(clip.series().get(0).y()).containsExactly(1, 0, 0); // every seed clips at step 0, none later
    }

    @Test
    void gzippedCurvesLoadLikePlainOnes(@TempDir Path tmp) throws IOException {
        Files.copy(SWEEP.resolve("runs.csv"), tmp.resolve("runs.csv"));
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(tmp.resolve("curves.csv.gz")))) {
            Files.copy(SWEEP.resolve("curves.csv"), out);
        }
        Table plain = SweepResults.load(SWEEP).curves(), zipped = SweepResults.load(tmp).curves();
        assertThat(zipped.rowCount()).isEqualTo(plain.rowCount()).isPositive();
        assertThat(zipped.doubleColumn("value").asDoubleArray()).containsExactly(plain.doubleColumn("value").asDoubleArray());
    }

    @Test
    void binomialIntervalsAreExact() {
        assertThat(Plots.binomialInterval(10, 0)[1]).isCloseTo(0.30850, within(1e-5));
        assertThat(Plots.binomialInterval(10, 10)[0]).isCloseTo(0.69150, within(1e-5));
        double[] half = Plots.binomialInterval(10, 5);
        assertThat(half[0]).isCloseTo(0.18709, within(1e-5));
        assertThat(half[1]).isCloseTo(0.81291, within(1e-5));
    }

    @Test
    void reportWritesEveryFigureAsValidSvgAndPngAndAnOfflinePage(@TempDir Path out) throws Exception {
        Report.Outcome o = Report.build(List.of(BENCH, SWEEP), out);
        assertThat(o.problems()).isEmpty();
        for (String id : List.of("kernel-time-vs-size-f64", "kernel-bandwidth-vs-size-f64", "strategy-cost-flat-16m", "safe-norm-overhead",
                "norm-pct-of-achievable", "loss-curves-fixture", "final-loss-fixture", "divergences-fixture", "clip-fraction-fixture")) {
            assertValidSvg(out.resolve(id + ".svg"));
            assertValidPng(out.resolve(id + ".png"));
        }
        assertThat(o.figureFiles()).hasSize(18); // 8 standard figures and analysis/report/norm-efficiency.jsh's, SVG and PNG each
        String html = Files.readString(o.index());
        assertThat(html).contains("<script src=\"plotly-2.35.3.js\">").doesNotContain("src=\"http").doesNotContain("cdn.");
        assertThat(out.resolve("plotly-2.35.3.js")).isRegularFile();
        assertThat(Files.size(out.resolve("plotly-2.35.3.js"))).isGreaterThan(1_000_000);
        assertThat(html).contains("fig-loss-curves-fixture").contains("Intel"); // environment summary from environment.json
        String md = Files.readString(out.resolve("summary.md"));
        assertThat(md).contains("## Kernel summary").contains("## Convergence: fixture").contains("## From the analysis scripts")
                .contains("![Best L2 norm kind per backend, % of the achievable time](norm-pct-of-achievable.svg)");
        Table csv = Table.read().csv(out.resolve("kernels-clipping.csv").toFile());
        assertThat(csv.columnNames()).contains("median", "x_arrays", "net_ns");
    }

    @Test
    void brokenInputsAreNamedAndTheRestIsStillReported(@TempDir Path out) throws Exception {
        Path broken = FIXTURES.resolve("broken");
        Report.Outcome o = Report.build(List.of(broken.resolve("bench"), broken.resolve("old-sweep"), SWEEP, broken.resolve("missing")), out);
        assertThat(o.problems()).anySatisfy(p -> assertThat(p).contains("truncated.json").contains("not valid JSON"));
        assertThat(o.problems()).anySatisfy(p -> assertThat(p).contains("empty.json").contains("is empty"));
        assertThat(o.problems()).anySatisfy(p -> assertThat(p).contains("old-sweep").contains("runs.csv")
                .contains("lacks the column 'final_loss'").contains("older ClipBench"));
        assertThat(o.problems()).anySatisfy(p -> assertThat(p).contains("missing").contains("no such file or folder"));
        assertThat(o.problems()).hasSize(4);
        assertValidSvg(out.resolve("loss-curves-fixture.svg")); // the good sweep is still drawn
        assertThat(Files.readString(out.resolve("index.html"))).contains("Inputs that could not be used").contains("truncated.json");
        assertThat(Files.readString(out.resolve("summary.md"))).contains("truncated.json");
    }

    @Test
    void aFolderWithoutResultsIsNamed(@TempDir Path empty) throws Exception {
        Report.Outcome o = Report.build(List.of(empty), empty.resolve("report"));
        assertThat(o.problems()).singleElement().satisfies(p -> assertThat(p).contains("not a ClipBench results folder"));
        assertThatThrownBy(() -> SweepResults.load(empty)).hasMessageContaining("runs.csv").hasMessageContaining("missing");
    }

    static void assertValidSvg(Path svg) throws Exception {
        assertThat(svg).isRegularFile();
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false); // no network
        var doc = factory.newDocumentBuilder().parse(svg.toFile());
        assertThat(doc.getDocumentElement().getNodeName()).isEqualTo("svg");
        assertThat(Files.readString(svg)).contains("<path"); // something is drawn
    }

    static void assertValidPng(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as(png + " decodes as an image").isNotNull();
        assertThat(img.getWidth()).isGreaterThan(100);
        int first = img.getRGB(0, 0);
        boolean varied = false;
        for (int y = 0; y < img.getHeight() && !varied; y += 7) {
            for (int x = 0; x < img.getWidth(); x += 7) if (img.getRGB(x, y) != first) { varied = true; break; }
        }
        assertThat(varied).as(png + " is not blank").isTrue();
    }

    @Test
    void aResultStillWarmingUpIsFlaggedInTheSummaryTablesAndFigures(@TempDir Path dir) throws Exception {
        // the vector flat-16M clip of the fixture, its iterations now falling all through measurement
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var records = (com.fasterxml.jackson.databind.node.ArrayNode) json.readTree(BENCH.resolve("results.json").toFile());
        for (var r : records) {
            if (r.get("benchmark").asText().endsWith("ClipBenchmark.clip") && r.get("params").get("backend").asText().equals("vector")
                    && r.get("params").get("params").asText().equals("flat-16M")) {
                var raw = json.createArrayNode().add(json.createArrayNode().add(2.2e7).add(1.9e7).add(1.6e7));
                ((com.fasterxml.jackson.databind.node.ObjectNode) r.get("primaryMetric")).set("rawData", raw);
            }
        }
        Path in = java.nio.file.Files.createDirectories(dir.resolve("in"));
        json.writeValue(in.resolve("results.json").toFile(), records);
        java.nio.file.Files.copy(BENCH.resolve("environment.json"), in.resolve("environment.json"));
        KernelSummary.Tables t = KernelSummary.build(JmhResults.load(List.of(in)));
        // the fixture's other rows are steady (iterations that do not move one way): only the injected one is flagged
        assertThat(KernelSummary.unsteady(t)).singleElement().satisfies(u -> assertThat(u).contains("vector f64 flat-16M").contains("still falling"));
        assertThat(KernelSummary.markdown(t)).contains("1 of ").contains("still falling");
        Figure time = ScriptFigures.of("kernels", List.of(in)).stream().filter(f -> f.id().equals("kernel-time-vs-size-f64")).findFirst().orElseThrow();
        Figure.Series crosses = time.series().stream().filter(x -> x.name().equals(Plots.NOT_STEADY)).findFirst().orElseThrow();
        assertThat(crosses.markersOnly()).isTrue();
        assertThat(crosses.x()).containsExactly(16_777_216.0);
        assertThat(time.caption()).contains("Not at steady state (×): ").contains("vector flat-16M");
    }

    @Test
    void aHeaderOnlyRunsTableSaysNoRunFinished(@TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("runs.csv"), "run_id,strategy,lr,seed,diverged,final_loss\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SweepResults.load(dir)).hasMessageContaining("header but no rows")
                .hasMessageNotContaining("older ClipBench");
    }
}
