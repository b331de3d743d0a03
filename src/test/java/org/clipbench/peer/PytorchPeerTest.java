package org.clipbench.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    static final JmhSettings BRIEF = new JmhSettings(1, 1, 100, 2, 100, false, 1.0, 0);

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
    void jaxMeasuresBothRegimesOfEveryGlobalNormClipEachCallTimedAlone() {
        List<Combo> grid = List.of(clip("global-norm", "vector", "f32", "flat-4K", "separate", "always", "1"),
                clip("global-norm", "vector", "bf16", "flat-4M", "separate", "always", "2"),
                clip("value", "vector", "f64", "resnet18", "separate", "always", "1"),
                clip("agc", "arrays", "f64", "resnet18", "separate", "always", "1"));
        List<Map<String, Object>> cases = JaxPeer.cases(grid);
        assertThat(cases).hasSize(5); // 2 regimes x 2 global-norm clips, value once
        for (Map<String, Object> c : cases) {
            assertThat(c.get("method")).isEqualTo("clipFresh");
            assertThat(((Map<?, ?>) c.get("params")).get("backend")).isEqualTo("jax");
        }
        assertThat(cases.stream().map(c -> (String) ((Map<?, ?>) c.get("params")).get("regime")).toList()).containsExactly("always", "never", "always", "never", "always");
        assertThat(JaxPeer.xlaFlags("1")).contains("intra_op_parallelism_threads=1").contains("multi_thread_eigen=false");
    }

    static Optional<PythonPeers.Interpreter> found(java.util.function.Function<PythonPeers.Discovery, Optional<PythonPeers.Interpreter>> pick, String what)
            throws InterruptedException {
        PythonPeers.Discovery d = PythonPeers.discover(null);
        Optional<PythonPeers.Interpreter> i = pick.apply(d);
        if (i.isEmpty()) System.out.println("NOTICE: " + what + " test skipped: " + d.whyNo(what, "run .ci/run to create .venv"));
        return i;
    }

    @Test
    void withTorchInstalledThePeerRowsSitBesideTheJvmBackendsWithTheirVersion(@TempDir Path dir) throws Exception {
        Optional<PythonPeers.Interpreter> torch = found(PythonPeers.Discovery::newestTorch, "torch");
        Assumptions.assumeTrue(torch.isPresent());
        List<Combo> grid = List.of(clip("global-norm", "vector", "f64", "flat-4K", "separate", "always", "1"),
                clip("value", "vector", "f32", "flat-4K", "separate", "always", "1"),
                clip("global-norm", "vector", "f32", "flat-1M", "separate", "always", "1"),
                clip("global-norm", "vector", "bf16", "flat-4K", "separate", "always", "1"));
        SpeedPeer peer = PytorchPeer.in(torch.get());
        SpeedPeer.Outcome o = peer.run(dir, PytorchPeer.cases(grid), BRIEF, new PrintStream(System.out));
        assertThat(o.failures()).isEmpty();
        Path result = PytorchPeer.resultFile(dir);
        assertThat(BenchRunner.invalidResult(result)).isNull();
        Table jmh = JmhResults.load(List.of(result));
        assertThat(jmh.rowCount()).isEqualTo(7); // 4 clips, 3 restores (flat-1M's restore runs untimed)
        Table clips = KernelSummary.build(jmh).clipping();
        assertThat(clips.stringColumn("backend").unique().asList()).containsExactly("pytorch " + torch.get().torchVersion());
        for (int r = 0; r < clips.rowCount(); r++) {
            boolean fresh = clips.stringColumn("data").get(r).equals("flat-1M");
            assertThat(clips.stringColumn("restore").get(r)).isEqualTo(fresh ? "untimed" : "subtracted");
            assertThat(clips.doubleColumn("eff_gbps").get(r)).isPositive();
        }
        assertThat(Files.readString(dir.resolve("logs").resolve("pytorch-peer.log"))).contains("ClipBenchmark");
        // resumable: a second run keeps every stored row and measures nothing
        long before = Files.getLastModifiedTime(result).toMillis();
        SpeedPeer.Outcome again = peer.run(dir, PytorchPeer.cases(grid), BRIEF, new PrintStream(System.out));
        assertThat(again.measured()).isZero();
        assertThat(again.resumed()).isEqualTo(7);
        assertThat(JmhResults.load(List.of(result)).rowCount()).isEqualTo(7);
        assertThat(Files.getLastModifiedTime(result).toMillis()).isGreaterThanOrEqualTo(before);
    }

    @Test
    void withJaxInstalledOptaxRowsCarryTheirRegimeAndCompileTimeApart(@TempDir Path dir) throws Exception {
        Optional<PythonPeers.Interpreter> jax = found(PythonPeers.Discovery::jax, "jax and optax");
        Assumptions.assumeTrue(jax.isPresent());
        List<Combo> grid = List.of(clip("global-norm", "vector", "f32", "flat-64K", "separate", "always", "1"),
                clip("value", "vector", "bf16", "flat-4K", "separate", "always", "1"));
        SpeedPeer.Outcome o = JaxPeer.in(jax.get()).run(dir, JaxPeer.cases(grid), BRIEF, new PrintStream(System.out));
        assertThat(o.failures()).isEmpty();
        Path result = SpeedPeer.resultFile(dir, JaxPeer.NAME);
        Table jmh = JmhResults.load(List.of(result));
        assertThat(jmh.rowCount()).isEqualTo(3);
        assertThat(jmh.stringColumn("backend").unique().asList()).containsExactly("jax " + jax.get().jax());
        assertThat(jmh.stringColumn("regime").asList()).containsExactly("always", "never", "always");
        for (int r = 0; r < jmh.rowCount(); r++) {
            assertThat(jmh.doubleColumn("compile_ms").get(r)).as("compile time, apart from ns/op").isPositive();
            assertThat(jmh.doubleColumn("score").get(r)).isLessThan(jmh.doubleColumn("compile_ms").get(r) * 1e6);
        }
    }
}
