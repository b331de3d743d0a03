package org.clipbench.accuracy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.clipbench.backend.DType;
import org.clipbench.peer.PythonPeers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accuracy run end to end: its files, its tables, the grouping negative control, the peers where installed. */
class AccuracyRunTest {
    static final PrintStream OUT = new PrintStream(System.out);

    @Test
    void theSmokePlanWritesEveryTableAndTheReportDrawsThem(@TempDir Path dir) throws Exception {
        AccuracyRun.Outcome o = AccuracyRun.run(AccuracyPlan.smoke(), dir, null, OUT);
        for (String f : List.of("accuracy.csv", "grouping.csv", "largest-finite.csv", "accuracy.md", "complete.json", "plan.json")) {
            assertThat(dir.resolve(f)).isRegularFile();
        }
        // 36 JVM implementations (f32 11, f64 13, bf16 6, f16 6) x 6 laws x 2 sizes; grouping: 36 x 8 shard counts x 3 combinations
        assertThat(o.accuracyRows()).isEqualTo(36 * 6 * 2);
        assertThat(o.groupingRows()).isEqualTo(36 * 8 * 3);
        assertThat(o.largestRows()).isEqualTo(36);
        AccuracyTables t = AccuracyTables.load(dir);
        for (Map<String, String> r : t.accuracy()) {
            assertThat(r.get("note")).as(r.toString()).isEmpty();
            if (r.get("law").equals("ones")) assertThat(r.get("rel_error")).as(r.toString()).isEqualTo("0.0"); // 1K and 4K ones: every sum exact
        }
        // grouping: the right combination of a safe kernel's shard norms is within the bound for every k; both bugs fail from k = 2 (the
        // square root of summed norms already at k = 1): the negative control
        assertThat(verdict(t, "vector safe", "f32", "sqrt-of-sum-of-squares")).startsWith("within 4 ulps for k = 1..8");
        assertThat(verdict(t, "vector safe", "f32", "sum-of-norms")).isEqualTo("exceeds 4 ulps from k = 2");
        assertThat(verdict(t, "arrays safe", "f64", "sqrt-of-sum-of-norms")).isEqualTo("exceeds 4 ulps from k = 1");
        assertThat(t.errorTables()).containsKeys("ones", "normal", "cauchy", "few-huge", "near-max", "near-min");
        assertThat(t.figures()).extracting(org.clipbench.analysis.Figure::id)
                .containsExactly("accuracy-error-vs-size-f32", "accuracy-error-vs-size-f64", "accuracy-error-vs-size-bf16", "accuracy-error-vs-size-f16");
        assertThat(Files.readString(dir.resolve("accuracy.md"))).contains("### Relative error of the global L2 norm: near-min")
                .contains("### Grouping invariance").contains("### Largest finite norm");
        // the report of the folder: the accuracy section, its CSV and figures
        Path report = dir.resolve("report");
        var r = org.clipbench.report.Report.build(List.of(dir), report);
        assertThat(r.problems()).isEmpty();
        assertThat(report.resolve("accuracy.csv")).isRegularFile();
        assertThat(report.resolve("accuracy-error-vs-size-f32.svg")).isRegularFile();
        assertThat(report.resolve("accuracy-error-vs-size-f32.png")).isRegularFile();
        assertThat(Files.readString(report.resolve("summary.md"))).contains("## Accuracy of the global L2 norm");
        assertThat(Files.readString(report.resolve("index.html"))).contains("Accuracy of the global L2 norm");
    }

    static String verdict(AccuracyTables t, String impl, String dtype, String how) {
        var g = t.groupingTable();
        for (int r = 0; r < g.rowCount(); r++) {
            if (g.stringColumn("implementation").get(r).equals(impl) && g.stringColumn("dtype").get(r).equals(dtype)
                    && g.stringColumn("combination").get(r).equals(how)) return g.stringColumn("verdict").get(r);
        }
        throw new AssertionError("no grouping row for " + impl + " " + dtype + " " + how);
    }

    @Test
    void aHeapTooSmallForThePlanIsRefusedWithTheFlagToGive() {
        AccuracyPlan huge = AccuracyPlan.full().with(List.of(30), List.of(ValueLaw.ONES), List.of(DType.F64), List.of());
        if (Runtime.getRuntime().maxMemory() >= AccuracyRun.heapNeeded(huge)) return; // a heap of 9 GiB holds it
        assertThatThrownBy(() -> AccuracyRun.requireHeap(huge)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2^30 f64").hasMessageContaining("about 9 GiB").hasMessageContaining("-Xmx10g");
    }

    static Optional<PythonPeers.Interpreter> torch() throws InterruptedException {
        PythonPeers.Discovery d = PythonPeers.discover(null);
        if (d.newestTorch().isEmpty()) System.out.println("NOTICE: accuracy peer test skipped: " + d.whyNo("torch", "run .ci/run to create .venv"));
        return d.newestTorch();
    }

    /** The peers on the smoke plan's data: their rows sit beside the JVM's, and their known limits show. */
    @Test
    void withThePeersInstalledTheirNormsAreMeasuredOnTheSameBits(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(torch().isPresent());
        // torch 1.13 has no half-precision clamp on the CPU: clip_grad_norm_ of an f16 gradient raises there
        if (!torch().get().hasTorch2()) System.out.println("NOTICE: accuracy peer test skipped: torch " + torch().get().torch() + " is older than 2.0; run .ci/run to create .venv");
        Assumptions.assumeTrue(torch().get().hasTorch2());
        AccuracyPlan p = AccuracyPlan.smoke().with(null, List.of(ValueLaw.ONES, ValueLaw.NORMAL), List.of(DType.F32, DType.F16), List.of("pytorch", "jax"));
        AccuracyRun.run(p, dir, null, OUT);
        AccuracyTables t = AccuracyTables.load(dir);
        String torch = "pytorch " + torch().get().torchVersion();
        List<Map<String, String>> torchRows = t.accuracy().stream().filter(r -> r.get("implementation").equals(torch)).toList();
        assertThat(torchRows).hasSize(2 * 2 * 2);
        for (Map<String, String> r : torchRows) {
            assertThat(r.get("note")).isEmpty();
            double e = Double.parseDouble(r.get("rel_error"));
            // clip_grad_norm_ returns its norm in the gradient's dtype: an f16 result is within f16's rounding, 2^-11
            assertThat(e).as(r.toString()).isLessThan(r.get("dtype").equals("f16") ? 0x1p-11 : 1e-6);
        }
        // torch returns an f16 gradient's norm in f16: it overflows where the result does, at 65,504
        Map<String, String> f16 = t.largest().stream().filter(r -> r.get("implementation").equals(torch) && r.get("dtype").equals("f16")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(f16.get("norm"))).isEqualTo(65504.0);
        assertThat(t.grouping().stream().filter(r -> r.get("implementation").equals(torch) && r.get("combination").equals("library-over-k-tensors"))).hasSize(2 * 8);
        t.largest().stream().filter(r -> r.get("implementation").startsWith("jax ") && r.get("dtype").equals("f16")).findFirst().ifPresent(jax -> {
            // optax squares and sums an f16 gradient in f16: its sum of squares overflows at 65,504, a norm of 256
            assertThat(Double.parseDouble(jax.get("norm"))).isLessThan(256.0).isGreaterThan(255.0);
            assertThat(jax.get("overflows_early")).isEqualTo("yes");
        });
    }

    /**
     * The facts the issue measured, reproduced at their sizes (1 GiB of f32 in the JVM and in Python): PyTorch's CPU f32
     * clip_grad_norm_ returns 11,585 for 2^28 ones (true 16,384), and torch 2.x is 1.4% low on 2^27 standard normals.
     */
    @Test
    @Tag("heavy")
    void pytorchsF32NormOfLargeGradientsIsWrongAsMeasured(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(torch().isPresent());
        // torch 1.13 has no half-precision clamp on the CPU: clip_grad_norm_ of an f16 gradient raises there
        if (!torch().get().hasTorch2()) System.out.println("NOTICE: accuracy peer test skipped: torch " + torch().get().torch() + " is older than 2.0; run .ci/run to create .venv");
        Assumptions.assumeTrue(torch().get().hasTorch2());
        AccuracyPlan p = AccuracyPlan.smoke().with(List.of(27, 28), List.of(ValueLaw.ONES, ValueLaw.NORMAL), List.of(DType.F32), List.of("pytorch"));
        AccuracyRun.run(p, dir, null, OUT);
        String torch = "pytorch " + torch().get().torchVersion();
        for (Map<String, String> r : AccuracyTables.load(dir).accuracy()) {
            if (!r.get("implementation").equals(torch)) continue;
            double norm = Double.parseDouble(r.get("norm")), err = Double.parseDouble(r.get("rel_error"));
            if (r.get("law").equals("ones") && r.get("log2_n").equals("28")) assertThat(norm).isCloseTo(11585.2, org.assertj.core.data.Offset.offset(1.0));
            if (r.get("law").equals("normal") && r.get("log2_n").equals("27") && torch.startsWith("pytorch 2.")) assertThat(err).isBetween(0.01, 0.02);
        }
    }
}
