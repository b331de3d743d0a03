package org.clipbench.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.clipbench.analysis.JmhResults;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/**
 * The PyTorch peer of PerExampleClipBenchmark (peers/dp_step_peer.py), where an interpreter imports torch: its four
 * methods agree (the script's own check: f64 and f32, mixed both ways), and its rows load beside the JVM's with the
 * combination's parameters.
 */
class DpStepPeerTest {

    static Path script(Path dir) throws Exception {
        Path s = dir.resolve("dp_step_peer.py");
        try (InputStream in = DpStepPeerTest.class.getResourceAsStream("/peers/dp_step_peer.py")) {
            Files.copy(in, s);
        }
        return s;
    }

    static String run(PythonPeers.Interpreter probe, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(probe.path()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("the peer finished within 5 minutes").isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void theFourMethodsAgreeAndTheRowsLoad(@TempDir Path dir) throws Exception {
        PythonPeers.Discovery found = PythonPeers.discover(null);
        if (found.newestTorch().isEmpty()) System.out.println("NOTICE: DpStepPeerTest skipped: " + found.whyNo("torch", PytorchPeer.INSTALL));
        Assumptions.assumeTrue(found.newestTorch().isPresent());
        if (!found.newestTorch().get().hasTorch2())
            System.out.println("NOTICE: DpStepPeerTest skipped: torch " + found.newestTorch().get().torch() + " has no torch.func (2.0 and later); " + PytorchPeer.INSTALL);
        Assumptions.assumeTrue(found.newestTorch().get().hasTorch2());
        PythonPeers.Interpreter probe = found.newestTorch().get();
        Path script = script(dir);
        assertThat(run(probe, script.toString(), "--self-check")).contains("the four methods agree");
        StringBuilder cases = new StringBuilder();
        for (String m : List.of("non-private", "materialised", "ghost", "book-keeping", "mixed")) {
            if (cases.length() > 0) cases.append(',');
            cases.append("{\"benchmark\": \"PerExampleClipBenchmark\", \"params\": {\"clipping\": \"").append(m)
                    .append("\", \"rule\": \"dp-flat\", \"backend\": \"pytorch\", \"dtype\": \"f32\", \"layer\": \"16x32\", \"batch\": \"4\", "
                            + "\"positions\": \"8\", \"threads\": \"1\"}}");
        }
        Path request = dir.resolve("request.json"), out = dir.resolve("out.json");
        Files.writeString(request, "{\"settings\": {\"warmup_iterations\": 1, \"warmup_ms\": 50, \"iterations\": 2, \"iteration_ms\": 50}, \"cases\": ["
                + cases + "]}");
        run(probe, script.toString(), request.toString(), out.toString());
        Table rows = JmhResults.load(List.of(out));
        assertThat(rows.rowCount()).isEqualTo(5);
        assertThat(rows.stringColumn("benchmark").unique().asList()).containsExactly("PerExampleClipBenchmark");
        assertThat(rows.stringColumn("clipping").asList()).containsExactly("non-private", "materialised", "ghost", "book-keeping", "mixed");
        for (double ns : rows.doubleColumn("median").asDoubleArray()) assertThat(ns).isPositive();
    }
}
