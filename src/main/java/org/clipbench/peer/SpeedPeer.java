package org.clipbench.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.clipbench.io.AtomicFiles;
import org.clipbench.jmhgrid.BenchRunner;
import org.clipbench.jmhgrid.JmhSettings;

/**
 * A library measured beside the JMH grid in the same run (PyTorch, JAX): its bundled script times the peer's cases,
 * one interpreter per case (as JMH gives each combination its own JVM: thread pools are sized once, from the
 * environment, before the library starts), each under a deadline, and its JMH-format rows are checked
 * ({@link PeerRows}) before they join jmh/&lt;name&gt;-peer.json. A case that fails (the script exits non-zero, hangs
 * past its deadline and is killed with its process tree, or writes rows that cannot be real) is a failure with a
 * one-line reason, and the run goes on with the next case. A resume keeps the rows already stored and runs the
 * cases without one.
 *
 * @param name        the peer's name, its rows' backend (pytorch, jax)
 * @param script      the bundled script (resource under /peers/)
 * @param interpreter the Python that runs it
 * @param environment the environment of a case by its threads parameter (OMP_NUM_THREADS, XLA_FLAGS)
 */
public record SpeedPeer(String name, String script, PythonPeers.Interpreter interpreter, java.util.function.Function<String, Map<String, String>> environment) {
    static final ObjectMapper JSON = new ObjectMapper();

    /** How the peer's run ended: the cases that failed, each with its reason (empty: all stored). */
    public record Outcome(int cases, int measured, int resumed, List<String> failures) {
    }

    /** The result file of a peer in a results folder. */
    public static Path resultFile(Path dir, String peer) {
        return dir.resolve("jmh").resolve(peer + "-peer.json");
    }

    /** Seconds a case may take: a cold import and set-up allowance plus ten times its measuring budget (property clipbench.peerCaseSeconds overrides). */
    static long caseSeconds(JmhSettings s) {
        Long forced = Long.getLong("clipbench.peerCaseSeconds");
        if (forced != null) return forced;
        long budgetMs = (long) s.warmupIterations() * s.warmupMillis() + (long) s.measurementIterations() * s.measurementMillis();
        return 300 + 10 * budgetMs / 1000;
    }

    public Outcome run(Path dir, List<Map<String, Object>> cases, JmhSettings s, PrintStream out) throws IOException, InterruptedException {
        Path result = resultFile(dir, name);
        ArrayNode rows = JSON.createArrayNode();
        Map<String, JsonNode> stored = storedRows(result);
        Path work = Files.createDirectories(dir.resolve("peers"));
        Path scriptFile = work.resolve(script);
        try (InputStream in = SpeedPeer.class.getResourceAsStream("/peers/" + script)) {
            AtomicFiles.write(scriptFile, in.readAllBytes());
        }
        Map<String, Object> settings = Map.of("warmup_iterations", s.warmupIterations(), "warmup_ms", s.warmupMillis(),
                "iterations", s.measurementIterations(), "iteration_ms", s.measurementMillis());
        AtomicFiles.write(work.resolve(name + "-request.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(Map.of("settings", settings, "cases", cases)));
        Path log = Files.createDirectories(dir.resolve("logs")).resolve(name + "-peer.log");
        out.printf("%s peer (%s, %s): %d cases, one interpreter each, each within %d s%n", name, interpreter.path(), versions(), cases.size(),
                caseSeconds(s));
        List<String> failures = new ArrayList<>();
        int measured = 0, resumed = 0;
        for (Map<String, Object> c : cases) {
            JsonNode done = stored.get(key(c));
            if (done != null) {
                rows.add(done);
                resumed++;
                continue;
            }
            String why = runCase(scriptFile, work, c, settings, log, rows, caseSeconds(s));
            if (why == null) {
                measured++;
            } else {
                failures.add(name + " peer " + c.get("benchmark") + " " + c.get("params") + " :: " + why + " (log: " + dir.relativize(log) + ")");
                out.println(name + " peer: case failed: " + why);
            }
        }
        if (!rows.isEmpty()) {
            Path tmp = work.resolve(name + "-peer.json");
            AtomicFiles.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(rows));
            Files.createDirectories(result.getParent());
            AtomicFiles.move(tmp, result);
        }
        return new Outcome(cases.size(), measured, resumed, failures);
    }

    private String versions() {
        return name.equals(JaxPeer.NAME) ? "jax " + interpreter.jax() + ", optax " + interpreter.optax() : "torch " + interpreter.torch();
    }

    /** The rows of an earlier run of this peer in the folder (a resume), by case; none when there is no valid file. */
    private static Map<String, JsonNode> storedRows(Path result) throws IOException {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        if (!Files.exists(result) || BenchRunner.invalidResult(result) != null) return m;
        for (JsonNode row : JSON.readTree(result.toFile())) {
            String bench = row.path("benchmark").asText("");
            String cls = bench.contains(".") ? bench.substring(0, bench.lastIndexOf('.')) : bench;
            Map<String, String> params = new TreeMap<>();
            row.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
            params.remove("version");
            m.put(cls.substring(cls.lastIndexOf('.') + 1) + " " + params, row);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static String key(Map<String, Object> c) {
        return c.get("benchmark") + " " + new TreeMap<>((Map<String, String>) c.get("params"));
    }

    /** One case in its own interpreter under a deadline; its checked rows are appended to rows. Returns why it failed, or null. */
    @SuppressWarnings("unchecked")
    private String runCase(Path scriptFile, Path work, Map<String, Object> c, Map<String, Object> settings, Path log, ArrayNode rows, long seconds)
            throws IOException, InterruptedException {
        Path request = work.resolve(name + "-case.json"), caseOut = work.resolve(name + "-case-result.json");
        AtomicFiles.write(request, JSON.writeValueAsBytes(Map.of("settings", settings, "cases", List.of(c))));
        Files.deleteIfExists(caseOut);
        ProcessBuilder pb = new ProcessBuilder(interpreter.path(), scriptFile.toString(), request.toString(), caseOut.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> params = (Map<String, String>) c.get("params");
        pb.environment().putAll(environment.apply(params.getOrDefault("threads", "1")));
        Process p;
        try {
            p = PeerProcess.start(pb);
        } catch (IOException e) {
            return e.getMessage();
        }
        PeerProcess.Ending end = PeerProcess.waitFor(p, seconds);
        try {
            if (end.timedOut()) return "did not finish within " + seconds + " s: killed with its process tree";
            if (end.exitCode() != 0) return "the peer script failed (exit " + end.exitCode() + ")";
            rows.addAll(PeerRows.read(caseOut, (String) c.get("benchmark"), params));
            return null;
        } catch (IllegalArgumentException e) {
            return "refused: " + e.getMessage();
        } finally {
            Files.deleteIfExists(caseOut);
            Files.deleteIfExists(caseOut.resolveSibling(caseOut.getFileName() + ".info"));
            Files.deleteIfExists(caseOut.resolveSibling(caseOut.getFileName() + ".tmp"));
            Files.deleteIfExists(request); // <name>-request.json keeps every case
        }
    }

    /** What environment.json records of a peer: interpreter and versions. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("interpreter", interpreter.path());
        m.put("python", interpreter.python());
        if (name.equals(JaxPeer.NAME)) {
            m.put("jax", interpreter.jax());
            m.put("optax", interpreter.optax());
            m.put("threads", "each row's threads parameter: XLA_FLAGS " + JaxPeer.xlaFlags("1") + " (1 thread) or " + JaxPeer.xlaFlags("2")
                    + " (2), JAX_PLATFORMS=cpu");
        } else {
            m.put("torch", interpreter.torch());
            m.put("threads", "each row's threads parameter (OMP_NUM_THREADS, set before torch starts)");
        }
        return m;
    }
}
