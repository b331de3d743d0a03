package org.clipbench.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.JmhResults;
import org.clipbench.analysis.KernelSummary;
import org.clipbench.jmhgrid.BenchRunner;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.jmhgrid.JmhSettings;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class PytorchPeerTest {

    static Combo clip(String strategy, String backend, String dtype, String params, String layout, String regime, String threads) {
        return new Combo("ClipBenchmark", Map.of("strategy", strategy, "backend", backend, "dtype", dtype, "data", params,
                "layout", layout, "regime", regime, "threads", threads, "norm", "safe"));
    }

    @Test
    void casesAreWhatPytorchHasOfTheGridOnceEach() {
        List<Combo> grid = List.of(
                clip("global-norm", "arrays", "f32", "flat-4K", "separate", "always", "1"),
                clip("global-norm", "vector", "f32", "flat-4K", "separate", "always", "1"), // same case for the peer
                clip("global-norm", "vector", "f32", "flat-4K", "flat", "always", "2"),
                clip("value", "arrays", "f64", "resnet18", "separate", "always", "1"),
                clip("global-norm:p=inf", "arrays", "f64", "flat-4K", "separate", "always", "1"), // not PyTorch's L2 rule
                clip("agc", "arrays", "f64", "resnet18", "separate", "always", "1"),
                new Combo("TrainingStepBenchmark", Map.of("model", "rnn-T50", "backend", "vector", "dtype", "f64", "strategy", "global-norm:c=1")),
                new Combo("TrainingStepBenchmark", Map.of("model", "mlp-digits", "backend", "vector", "dtype", "f64", "strategy", "none")));
        List<Map<String, Object>> cases = PytorchPeer.cases(grid);
        long clips = cases.stream().filter(c -> c.get("benchmark").equals("ClipBenchmark")).count();
        long restores = cases.stream().filter(c -> c.get("benchmark").equals("RestoreBenchmark")).count();
        long steps = cases.stream().filter(c -> c.get("benchmark").equals("TrainingStepBenchmark")).count();
        assertThat(clips).isEqualTo(3); // f32 4K t1, f32 4K t2, value resnet18
        assertThat(restores).isEqualTo(2); // resnet18's clip is timed alone (clipFresh): no restore to subtract
        assertThat(steps).isEqualTo(1);
        for (Map<String, Object> c : cases) {
            @SuppressWarnings("unchecked") Map<String, String> p = (Map<String, String>) c.get("params");
            assertThat(p.get("backend")).isEqualTo("pytorch");
            if (!c.get("benchmark").equals("TrainingStepBenchmark")) assertThat(p.get("layout")).isEqualTo("separate");
        }
        Map<String, Object> resnet = cases.stream().filter(c -> ((Map<?, ?>) c.get("params")).get("data").equals("resnet18")).findFirst()
                .orElseThrow();
        assertThat((List<?>) resnet.get("shapes")).hasSize(62); // the same tensors as the JVM's resnet18
        assertThat(resnet.get("method")).isEqualTo("clipFresh");
    }

    @Test
    void withTorchInstalledThePeerRowsSitBesideTheJvmBackends(@TempDir Path dir) throws Exception {
        PytorchPeer.Probe probe = PytorchPeer.probe();
        if (!probe.available()) System.out.println("NOTICE: PytorchPeerTest skipped: " + probe.reason());
        Assumptions.assumeTrue(probe.available(), probe.reason());
        List<Combo> grid = List.of(clip("global-norm", "vector", "f64", "flat-4K", "separate", "always", "1"),
                clip("value", "vector", "f32", "flat-4K", "separate", "always", "1"),
                clip("global-norm", "vector", "f32", "flat-1M", "separate", "always", "1"));
        String why = PytorchPeer.run(dir, probe, grid, new JmhSettings(1, 1, 100, 2, 100, false, 1.0, 0), new PrintStream(System.out));
        assertThat(why).isNull();
        Path result = PytorchPeer.resultFile(dir);
        assertThat(BenchRunner.invalidResult(result)).isNull();
        Table jmh = JmhResults.load(List.of(result));
        assertThat(jmh.rowCount()).isEqualTo(5); // 3 clips, 2 restores (flat-1M's restore runs untimed)
        KernelSummary.Tables t = KernelSummary.build(jmh);
        Table clips = t.clipping();
        assertThat(clips.stringColumn("backend").unique().asList()).containsExactly("pytorch");
        for (int r = 0; r < clips.rowCount(); r++) {
            boolean fresh = clips.stringColumn("data").get(r).equals("flat-1M");
            assertThat(clips.stringColumn("restore").get(r)).isEqualTo(fresh ? "untimed" : "subtracted");
            if (fresh) {
                assertThat(clips.doubleColumn("net_ns").get(r)).isEqualTo(clips.doubleColumn("ns_op").get(r));
            } else {
                assertThat(clips.doubleColumn("net_ns").get(r)).as("restore subtracted").isPositive()
                        .isLessThan(clips.doubleColumn("ns_op").get(r));
            }
            assertThat(clips.doubleColumn("eff_gbps").get(r)).isPositive();
        }
        assertThat(Files.readString(dir.resolve("logs").resolve("pytorch-peer.log"))).contains("ClipBenchmark");
        // resumable: a second run keeps the valid result and runs nothing
        long before = Files.getLastModifiedTime(result).toMillis();
        assertThat(PytorchPeer.run(dir, probe, grid, new JmhSettings(1, 1, 100, 2, 100, false, 1.0, 0), new PrintStream(System.out))).isNull();
        assertThat(Files.getLastModifiedTime(result).toMillis()).isEqualTo(before);
    }

    @Test
    void withoutTorchTheReasonIsNamed() {
        PytorchPeer.Probe none = new PytorchPeer.Probe(null, null, "no Python interpreter imports torch");
        assertThat(PytorchPeer.describe(none)).containsEntry("unavailable", "no Python interpreter imports torch");
    }
}
