package org.clipbench.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.clipbench.jmhgrid.BenchRunner;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.jmhgrid.JmhSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 36: a peer is checked like JMH before anything of it is stored, and no peer can hang a run. A fake interpreter
 * (a shell script standing in for Python) writes hostile result files, or never exits; the case fails with a one-line
 * reason, the run goes on, and nothing impossible reaches jmh/pytorch-peer.json.
 */
class PeerReliabilityTest {
    static final JmhSettings BRIEF = new JmhSettings(1, 1, 10, 1, 10, false, 1.0, 0);
    static final List<Combo> GRID = List.of(PytorchPeerTest.clip("global-norm", "vector", "f32", "flat-4K", "separate", "always", "1"),
            PytorchPeerTest.clip("global-norm", "vector", "f32", "flat-64K", "separate", "always", "1"));

    /** A fake interpreter: run as "python SCRIPT REQUEST OUT", it writes the result file given as the content of payload to OUT. */
    static Path fakeInterpreter(Path dir, String body) throws Exception {
        Path f = dir.resolve("fake-python");
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    static PythonPeers.Interpreter interpreter(Path fake) {
        return new PythonPeers.Interpreter(fake.toString(), "3.11", "2.99.0", null, null, "");
    }

    /** A valid row of a case, as the real script writes it, with a score of its own. */
    static String row(Map<String, Object> c, String score) {
        @SuppressWarnings("unchecked") Map<String, String> p = (Map<String, String>) c.get("params");
        StringBuilder params = new StringBuilder();
        p.forEach((k, v) -> params.append(params.length() == 0 ? "" : ", ").append('"').append(k).append("\": \"").append(v).append('"'));
        String method = String.valueOf(c.getOrDefault("method", "restore"));
        return "{\"benchmark\": \"org.clipbench.bench." + c.get("benchmark") + "." + method + "\", \"mode\": \"avgt\", \"params\": {" + params
                + ", \"version\": \"2.99.0\"}, \"primaryMetric\": {\"score\": " + score + ", \"scoreUnit\": \"ns/op\", \"rawData\": [[" + score + "]]}}";
    }

    /** Hostile things a peer may write instead of its rows: each must fail its case, not the run, and store nothing. */
    static List<String> hostile(Map<String, Object> c, SplittableRandom rng) {
        List<String> out = new ArrayList<>(List.of(
                "[" + row(c, "NaN") + "]", "[" + row(c, "-1234.5") + "]", "[" + row(c, "0") + "]", "[" + row(c, "4.9e-324") + "]",
                "[" + row(c, "1e-3") + "]", // 1 ps for 4,096 entries: below 0.01 ns per entry
                "[" + row(c, "\"fast\"") + "]", "[" + row(c, "Infinity") + "]", "[" + row(c, "1e999") + "]",
                "[]", "{}", "null", "\"rows\"", "[1, 2, 3]", "[" + row(c, "5000").replace("avgt", "thrpt") + "]",
                "[" + row(c, "5000").replace("ns/op", "us/op") + "]", "[" + row(c, "5000").replace("ClipBenchmark", "NormBenchmark") + "]",
                "[" + row(c, "5000").replace("\"data\": \"flat-", "\"data\": \"flat-9") + "]",
                "[" + row(c, "5000").replace("\"rawData\": [[5000]]", "\"rawData\": [[5000, -1]]") + "]",
                "[" + row(c, "5000").replace("\"rawData\": [[5000]]", "\"rawData\": []") + "]",
                "[" + row(c, "5000").substring(0, 80), // truncated
                "[".repeat(100_000) + "]".repeat(100_000), // nested past any parser's depth
                "[" + row(c, "5000") + "] trailing"));
        for (int i = 0; i < 6; i++) { // and random bytes
            byte[] b = new byte[1 + rng.nextInt(400)];
            rng.nextBytes(b);
            out.add(new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    @Test
    void hostileOutputFailsItsCaseWithAReasonAndNothingImpossibleIsStored(@TempDir Path dir) throws Exception {
        List<Map<String, Object>> cases = PytorchPeer.cases(GRID);
        Map<String, Object> first = cases.get(0);
        SplittableRandom rng = new SplittableRandom(36);
        int n = 0;
        for (String payload : hostile(first, rng)) {
            Path run = Files.createDirectories(dir.resolve("run-" + n++));
            Path content = Files.writeString(run.resolve("payload.json"), payload, java.nio.charset.StandardCharsets.ISO_8859_1);
            // the first case gets the payload, the rest a valid row of their own: the run goes on past the failure
            StringBuilder script = new StringBuilder();
            for (Map<String, Object> c : cases) {
                Path answer = c == first ? content : Files.writeString(run.resolve("ok-" + cases.indexOf(c) + ".json"), "[" + row(c, "900000") + "]");
                script.append(c == first ? "if" : "elif").append(" grep -q '\"benchmark\":\"").append(c.get("benchmark")).append("\"' \"$2\" && grep -q '\"data\":\"")
                        .append(((Map<?, ?>) c.get("params")).get("data")).append("\"' \"$2\"; then cp '").append(answer).append("' \"$3\"\n");
            }
            script.append("fi");
            SpeedPeer peer = new SpeedPeer(PytorchPeer.NAME, "pytorch_peer.py", interpreter(fakeInterpreter(run, script.toString())),
                    t -> Map.of("OMP_NUM_THREADS", t));
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            SpeedPeer.Outcome o = peer.run(run, cases, BRIEF, new PrintStream(log));
            assertThat(o.failures()).as("payload %d: %s", n, abbreviated(payload)).hasSize(1);
            assertThat(o.failures().get(0)).doesNotContain("\n").contains("flat-4K");
            assertThat(o.measured()).as("the run went on: payload %s", abbreviated(payload)).isEqualTo(cases.size() - 1);
            Path result = PytorchPeer.resultFile(run);
            assertThat(BenchRunner.invalidResult(result)).isNull();
            var stored = org.clipbench.analysis.JmhResults.load(List.of(result));
            assertThat(stored.rowCount()).isEqualTo(cases.size() - 1);
            for (int r = 0; r < stored.rowCount(); r++) {
                assertThat(stored.stringColumn("benchmark").get(r) + " " + stored.stringColumn("data").get(r)).isNotEqualTo("ClipBenchmark flat-4K");
                assertThat(stored.doubleColumn("score").get(r)).isEqualTo(900000.0);
            }
        }
    }

    static String abbreviated(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    @Test
    void theRowChecksNameWhatIsWrong(@TempDir Path dir) throws Exception {
        Map<String, Object> c = PytorchPeer.cases(GRID).get(0);
        @SuppressWarnings("unchecked") Map<String, String> p = (Map<String, String>) c.get("params");
        Path f = dir.resolve("r.json");
        Files.writeString(f, "[" + row(c, "-1234.5") + "]");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PeerRows.read(f, "ClipBenchmark", p)).hasMessageContaining("-1234.5 ns/op");
        Files.writeString(f, "[" + row(c, "1e-3") + "]");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PeerRows.read(f, "ClipBenchmark", p)).hasMessageContaining("not physical");
        Files.writeString(f, "[" + row(c, "50") + "]"); // 4,096 entries in 50 ns: 0.012 ns each, possible on paper
        assertThat(PeerRows.read(f, "ClipBenchmark", p)).hasSize(1);
    }

    /** A peer that never exits: killed at its deadline with the process it started, its case failed, the next case run. */
    @Test
    void aPeerThatNeverExitsIsKilledWithItsProcessTreeAndTheRunGoesOn(@TempDir Path dir) throws Exception {
        List<Map<String, Object>> cases = PytorchPeer.cases(GRID).subList(0, 2); // the two clips
        Path pids = dir.resolve("pids");
        Path ok = Files.writeString(dir.resolve("ok.json"), "[" + row(cases.get(1), "900000") + "]");
        // the first case starts a child that sleeps, records both pids and waits on it forever; the second answers
        Path fake = fakeInterpreter(dir, "if grep -q flat-4K \"$2\"; then sleep 100000 & echo $$ $! >> '" + pids + "'; wait; fi\ncp '" + ok + "' \"$3\"");
        SpeedPeer peer = new SpeedPeer(PytorchPeer.NAME, "pytorch_peer.py", interpreter(fake), t -> Map.of());
        System.setProperty("clipbench.peerCaseSeconds", "3");
        SpeedPeer.Outcome o;
        long start = System.nanoTime();
        try {
            o = peer.run(dir, cases, BRIEF, new PrintStream(new ByteArrayOutputStream()));
        } finally {
            System.clearProperty("clipbench.peerCaseSeconds");
        }
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(60);
        assertThat(o.failures()).singleElement().satisfies(f -> assertThat(f).contains("did not finish within 3 s: killed with its process tree"));
        assertThat(o.measured()).isEqualTo(1);
        for (String pid : Files.readString(pids).trim().split("\\s+")) {
            var h = ProcessHandle.of(Long.parseLong(pid));
            if (h.isPresent()) h.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)).as("process %s killed", pid).isFalse();
        }
    }

    /** An interpreter that never answers the probe is named, not waited on forever. */
    @Test
    void aCandidateThatNeverAnswersTheProbeIsKilledAndNamed(@TempDir Path dir) throws Exception {
        Path fake = fakeInterpreter(dir, "sleep 100000");
        System.setProperty("clipbench.peerProbeSeconds", "2");
        try {
            PythonPeers.Discovery d = PythonPeers.discover(fake.toString());
            assertThat(d.found()).isEmpty();
            assertThat(d.problems()).singleElement().satisfies(p -> assertThat(p).contains("did not answer within 2 s (killed)"));
        } finally {
            System.clearProperty("clipbench.peerProbeSeconds");
        }
    }

    /** Interpreter discovery prefers the newest torch; the explicit --python is the only candidate. */
    @Test
    void theNewestTorchWinsAndAnExplicitInterpreterIsTheOnlyCandidate(@TempDir Path dir) throws Exception {
        Path old = fakeInterpreter(Files.createDirectories(dir.resolve("old")),
                "echo 'clipbench-probe {\"python\": \"3.11\", \"executable\": \"/old\", \"torch\": \"1.13.1\"}'");
        Path young = fakeInterpreter(Files.createDirectories(dir.resolve("new")),
                "echo 'clipbench-probe {\"python\": \"3.11\", \"executable\": \"/new\", \"torch\": \"2.13.0+cpu\", \"jax\": \"0.10.2\", \"optax\": \"0.2.8\"}'");
        assertThat(PythonPeers.candidates(old.toString())).containsExactly(old.toString());
        var a = PythonPeers.discover(old.toString());
        var b = PythonPeers.discover(young.toString());
        PythonPeers.Discovery both = new PythonPeers.Discovery(List.of(a.found().get(0), b.found().get(0)), List.of());
        assertThat(both.newestTorch().orElseThrow().path()).isEqualTo(young.toString());
        assertThat(both.everyTorch()).extracting(PythonPeers.Interpreter::torchVersion).containsExactly("2.13.0", "1.13.1");
        assertThat(both.jax().orElseThrow().path()).isEqualTo(young.toString());
        assertThat(PythonPeers.versionKey("2.13.0")).isGreaterThan(PythonPeers.versionKey("2.9.1")).isGreaterThan(PythonPeers.versionKey("1.13.1"));
    }
}
