package org.clipbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Faults injected at random moments: a sweep and a bench run are killed with SIGKILL (no shutdown hook,
 * no flush) again and again, resumed each time, and must end with exactly the full set of results. The
 * sweep's results must be bit-identical to an uninterrupted run's (every metric and curve point; only
 * the wall-clock fields differ). The kill moments come from a seeded generator, printed, so a failure can be
 * replayed. The sweep uses the vector backend and an RNN (tanh, reductions): the path whose results used
 * to depend on JIT timing.
 */
// about 3 minutes on 2 cores (runs killed again and again): with -Pheavy, so mvn -B verify stays within 15 minutes
@org.junit.jupiter.api.Tag("heavy")
class FaultInjectionIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path ROOT = Path.of("target", "it-runs", "faults");
    static final String SWEEP = """
            {"name": "faults", "problem": {"type": "rnn", "task": "addition", "length": 12, "hidden": 16, "batch": 10, "eval": 100},
             "backend": "vector", "lrs": [0.01, 0.05], "strategies": ["none", "global-norm:c=1"], "seeds": [1, 2, 3],
             "steps": 8000, "evalEvery": 2000}""";

    @Test
    void aSweepKilledSixTimesEndsBitIdenticalToAnUninterruptedOne() throws Exception {
        SmokeProfileIT.deleteRecursively(ROOT.resolve("sweep-ref"));
        SmokeProfileIT.deleteRecursively(ROOT.resolve("sweep-killed"));
        Files.createDirectories(ROOT);
        Path config = Files.writeString(ROOT.resolve("faults.json"), SWEEP);
        Path ref = ROOT.resolve("sweep-ref"), killed = ROOT.resolve("sweep-killed");
        runToEnd(ROOT.resolve("sweep-ref.log"), "sweep", "--config", config.toString(), "--out", ref.toString(), "--threads", "2", "--quiet");

        // each attempt is killed at a random moment after its first new run lands (0-300 ms later), not after a fixed delay:
        // a fixed 1-4 s let a fast machine finish the whole sweep in two attempts (2 kills of 6)
        SplittableRandom rnd = new SplittableRandom(20261202);
        int kills = 0;
        for (int attempt = 0; attempt < 6; attempt++) {
            long delay = rnd.nextLong(300);
            Path log = ROOT.resolve("sweep-killed-" + attempt + ".log");
            int before = count(killed.resolve("runs"));
            Process p = attempt == 0
                    ? SmokeProfileIT.start(log, "sweep", "--config", config.toString(), "--out", killed.toString(), "--threads", "2", "--quiet")
                    : SmokeProfileIT.start(log, "sweep", "--resume", killed.toString(), "--threads", "2", "--quiet");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (p.isAlive() && count(killed.resolve("runs")) <= before && System.nanoTime() < deadline) Thread.sleep(20);
            if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly(); // SIGKILL
                p.waitFor(1, TimeUnit.MINUTES);
                kills++;
                System.out.printf("fault injection: sweep killed %d ms after a run landed (%d runs on disk)%n", delay, count(killed.resolve("runs")));
            }
        }
        assertThat(kills).as("kills that hit a running sweep").isGreaterThanOrEqualTo(5);
        runToEnd(ROOT.resolve("sweep-killed-final.log"), "sweep", "--resume", killed.toString(), "--threads", "2", "--quiet");

        Map<String, JsonNode> a = runs(ref), b = runs(killed);
        assertThat(b.keySet()).as("the full set of runs, each once").isEqualTo(a.keySet()).hasSize(12);
        for (String id : a.keySet()) assertThat(b.get(id)).as("run " + id + " bit for bit").isEqualTo(a.get(id));
        assertThat(Files.readAllLines(killed.resolve("runs.csv"))).hasSize(13);
    }

    @Test
    void aBenchRunKilledThreeTimesEndsWithEveryCombinationOnce() throws Exception {
        Path dir = ROOT.resolve("bench-killed");
        SmokeProfileIT.deleteRecursively(dir);
        Files.createDirectories(ROOT);
        SplittableRandom rnd = new SplittableRandom(7);
        int kills = 0;
        for (int attempt = 0; attempt < 3; attempt++) {
            Path log = ROOT.resolve("bench-killed-" + attempt + ".log");
            int before = count(dir.resolve("jmh"));
            Process p = attempt == 0
                    ? SmokeProfileIT.start(log, "bench", "--profile", "smoke", "--backends", "arrays", "--strategies", "none,value,global-norm",
                    "--no-sweep", "--out", dir.toString())
                    : SmokeProfileIT.start(log, "bench", "--resume", dir.toString());
            // kill once this attempt has saved a result, at a random moment of the next combination's fork
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (p.isAlive() && count(dir.resolve("jmh")) <= before && System.nanoTime() < deadline) Thread.sleep(50);
            long delay = rnd.nextLong(1500);
            if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(1, TimeUnit.MINUTES);
                kills++;
                System.out.printf("fault injection: bench killed %d ms after a result (%d results on disk)%n", delay,
                        count(dir.resolve("jmh")));
            }
        }
        assertThat(kills).isEqualTo(3);
        // a fourth fault: a saved result truncated on disk; the resume must move it aside and measure it again
        Path victim;
        try (var s = Files.list(dir.resolve("jmh"))) {
            victim = s.filter(x -> x.toString().endsWith(".json")).sorted().findFirst().orElseThrow();
        }
        String whole = Files.readString(victim);
        Files.writeString(victim, whole.substring(0, whole.length() / 3));
        runToEnd(ROOT.resolve("bench-killed-final.log"), "bench", "--resume", dir.toString());
        assertThat(Files.readString(ROOT.resolve("bench-killed-final.log"))).contains(victim.getFileName() + ": cannot be read")
                .contains("moved to jmh/corrupt/");
        int grid = JSON.readTree(dir.resolve("grid.json").toFile()).size();
        assertThat(count(dir.resolve("jmh"))).as("one result per combination").isEqualTo(grid);
        try (var s = Files.list(dir.resolve("jmh"))) {
            for (Path f : s.filter(x -> x.toString().endsWith(".json")).toList()) {
                assertThat(org.clipbench.jmhgrid.BenchRunner.invalidResult(f)).as(f.toString()).isNull();
            }
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (JsonNode r : JSON.readTree(dir.resolve("results.json").toFile())) {
            assertThat(ids.add(r.get("benchmark").asText() + r.get("params"))).as("no result twice").isTrue();
        }
    }

    static void runToEnd(Path log, String... args) throws Exception {
        Process p = SmokeProfileIT.start(log, args);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(log)).isZero();
    }

    static int count(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) return 0;
        try (var s = Files.list(dir)) {
            return (int) s.filter(f -> f.getFileName().toString().endsWith(".json")).count();
        }
    }

    /** Each run's file without its wall-clock fields (wall_s and the elapsed_s curve): the only ones allowed to differ. */
    static Map<String, JsonNode> runs(Path sweep) throws Exception {
        Map<String, JsonNode> out = new TreeMap<>();
        try (var s = Files.list(sweep.resolve("runs"))) {
            for (Path f : s.filter(x -> x.toString().endsWith(".json")).toList()) {
                JsonNode d = JSON.readTree(f.toFile());
                ((ObjectNode) d.get("run")).remove("wall_s");
                var curve = (com.fasterxml.jackson.databind.node.ArrayNode) d.get("curve");
                for (int i = curve.size() - 1; i >= 0; i--) {
                    if (curve.get(i).get(1).asText().equals("elapsed_s")) curve.remove(i); // wall clock, like wall_s
                }
                out.put(f.getFileName().toString(), d);
            }
        }
        return out;
    }
}
