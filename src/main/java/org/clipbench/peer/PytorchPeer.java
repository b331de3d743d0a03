package org.clipbench.peer;

import org.clipbench.bench.Benchmarks;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.clipbench.params.ParamShapes;
import org.clipbench.backend.TensorSpec;
import org.clipbench.io.AtomicFiles;
import org.clipbench.jmhgrid.BenchRunner;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.jmhgrid.JmhSettings;

/**
 * PyTorch as a peer measured in the same run: for the clipping, restore and training-step combinations
 * of a grid that PyTorch has (global-norm L2 and value clipping, separate tensors; the tanh RNN step),
 * a bundled Python script ({@code peers/pytorch_peer.py}) times the same calls on the same shapes,
 * thread counts and threshold rules with the profile's warm-up and measurement budget, and writes
 * JMH-format rows with backend=pytorch to jmh/pytorch-peer.json, so every table and figure shows the
 * peer beside the JVM backends. Nothing is installed or downloaded: the peer runs where an interpreter
 * imports torch (Debian's python3-torch installs it for /usr/bin/python3).
 */
public final class PytorchPeer {
    public static final String NAME = "pytorch";
    static final List<String> INTERPRETERS = List.of("python3", "/usr/bin/python3");
    static final ObjectMapper JSON = new ObjectMapper();

    private PytorchPeer() {
    }

    /** An interpreter that imports torch, with torch's version; or why there is none. */
    public record Probe(String interpreter, String version, String reason) {
        public boolean available() {
            return interpreter != null;
        }
    }

    public static Probe probe() {
        List<String> tried = new ArrayList<>();
        for (String py : INTERPRETERS) {
            try {
                Process p = new ProcessBuilder(py, "-c", "import torch; print(torch.__version__)").redirectErrorStream(true).start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    tried.add(py + ": import torch took over 120 s");
                    continue;
                }
                String text = new String(p.getInputStream().readAllBytes()).trim();
                if (p.exitValue() == 0) return new Probe(py, text.lines().reduce((a, b) -> b).orElse(""), null);
                tried.add(py + ": " + text.lines().reduce((a, b) -> b).orElse("exit " + p.exitValue()));
            } catch (IOException e) {
                tried.add(py + ": not found");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Probe(null, null, "interrupted");
            }
        }
        return new Probe(null, null, "no Python interpreter imports torch (" + String.join("; ", tried)
                + "); install Debian's python3-torch");
    }

    /**
     * What the peer measures of a grid: its ClipBenchmark, RestoreBenchmark and TrainingStepBenchmark cases, and
     * the separate OptimizerStepBenchmark cases (PyTorch has no clip folded into its step), as rows of backend pytorch.
     */
    /** The clips the peer's optimizer steps know (torch has clip_grad_norm_ and clip_grad_value_; per tensor is a loop of the first). */
    static final List<String> PEER_STEP_CLIPS = List.of("none", "global-norm", "per-tensor", "value");

    public static List<Map<String, Object>> cases(List<Combo> grid) {
        Set<Map<String, String>> clips = new LinkedHashSet<>(), restores = new LinkedHashSet<>(), steps = new LinkedHashSet<>(),
                optimizerSteps = new LinkedHashSet<>();
        for (Combo c : grid) {
            Map<String, String> p = c.params();
            if (c.benchmark().equals(Benchmarks.CLIP) && List.of("global-norm", "value").contains(p.get("strategy"))
                    && List.of("always", "never").contains(p.get("regime"))) {
                Map<String, String> clip = new LinkedHashMap<>();
                clip.put("strategy", p.get("strategy"));
                clip.put("backend", NAME);
                clip.put("dtype", p.get("dtype"));
                clip.put("data", p.get("data"));
                clip.put("layout", "separate"); // PyTorch's parameters are separate tensors
                clip.put("regime", p.get("regime"));
                clip.put("threads", p.get("threads"));
                clip.put("norm", "library");
                clips.add(clip);
                Map<String, String> restore = new LinkedHashMap<>(clip);
                restore.keySet().removeAll(List.of("strategy", "regime", "norm"));
                if (org.clipbench.bench.ClipBenchmark.methodFor(p.get("data")).equals("clip")) restores.add(restore); // else untimed
            } else if (c.benchmark().equals(Benchmarks.OPTIMIZER_STEP) && p.get("fusion").equals("separate")
                    && PEER_STEP_CLIPS.contains(p.get("strategy"))) {
                Map<String, String> step = new LinkedHashMap<>(p);
                step.put("backend", NAME);
                optimizerSteps.add(step);
            } else if (c.benchmark().equals(Benchmarks.TRAINING_STEP) && p.get("model").startsWith("rnn-")
                    && (p.get("strategy").equals("none") || p.get("strategy").matches("global-norm:c=[0-9.eE+-]+"))) {
                Map<String, String> step = new LinkedHashMap<>(p);
                step.put("backend", NAME);
                steps.add(step);
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, String> p : clips) {
            Map<String, Object> c = new LinkedHashMap<>(clipCase(Benchmarks.CLIP, p));
            c.put("method", org.clipbench.bench.ClipBenchmark.methodFor(p.get("data"))); // timed as the JVM rows
            out.add(c);
        }
        restores.forEach(p -> out.add(clipCase(Benchmarks.RESTORE, p)));
        steps.forEach(p -> out.add(Map.of("benchmark", Benchmarks.TRAINING_STEP, "params", p)));
        optimizerSteps.forEach(p -> out.add(clipCase(Benchmarks.OPTIMIZER_STEP, p)));
        return out;
    }

    private static Map<String, Object> clipCase(String benchmark, Map<String, String> params) {
        List<int[]> shapes = new ArrayList<>();
        for (TensorSpec t : ParamShapes.get(params.get("data")).tensors()) shapes.add(new int[] {t.rows(), t.cols()});
        return Map.of("benchmark", benchmark, "params", params, "shapes", shapes);
    }

    /** The result file of the peer in a results folder. */
    public static Path resultFile(Path dir) {
        return dir.resolve("jmh").resolve("pytorch-peer.json");
    }

    /**
     * Runs the peer's cases of the grid into dir (kept if already there and valid: a resume); returns
     * why it did not run, or null. Its log is logs/pytorch-peer.log.
     */
    public static String run(Path dir, Probe probe, List<Combo> grid, JmhSettings s, PrintStream out) throws IOException, InterruptedException {
        if (!probe.available()) return probe.reason();
        List<Map<String, Object>> cases = cases(grid);
        if (cases.isEmpty()) return "the grid has nothing the peer measures (global-norm or value clipping, the RNN step)";
        Path result = resultFile(dir);
        if (Files.exists(result) && BenchRunner.invalidResult(result) == null) return null;
        Path work = Files.createDirectories(dir.resolve("peers"));
        Path script = work.resolve("pytorch_peer.py");
        try (InputStream in = PytorchPeer.class.getResourceAsStream("/peers/pytorch_peer.py")) {
            AtomicFiles.write(script, in.readAllBytes());
        }
        Map<String, Object> settings = Map.of("warmup_iterations", s.warmupIterations(), "warmup_ms", s.warmupMillis(),
                "iterations", s.measurementIterations(), "iteration_ms", s.measurementMillis());
        AtomicFiles.write(work.resolve("pytorch-request.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(Map.of("settings", settings, "cases", cases)));
        Path log = Files.createDirectories(dir.resolve("logs")).resolve("pytorch-peer.log");
        Files.deleteIfExists(log);
        out.printf("pytorch peer (%s, torch %s): %d cases, one interpreter each%n", probe.interpreter(), probe.version(), cases.size());
        com.fasterxml.jackson.databind.node.ArrayNode rows = JSON.createArrayNode();
        for (int i = 0; i < cases.size(); i++) {
            String why = runCase(probe, script, work, cases.get(i), settings, log, rows);
            if (why != null) return why + "; see " + dir.relativize(log);
        }
        Path tmp = work.resolve("pytorch-peer.json");
        AtomicFiles.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(rows));
        String why = BenchRunner.invalidResult(tmp);
        if (why != null) return "the peer wrote no usable results (" + why + "); see " + dir.relativize(log);
        Files.createDirectories(result.getParent());
        AtomicFiles.move(tmp, result);
        return null;
    }

    /**
     * One case in its own interpreter, as JMH gives each combination its own JVM: one process that ran every case
     * changed torch's thread count between cases, and its 2-thread rows went wild on a 2-core VM (a 64K restore of
     * 7.9 ms, gpt2-small 9x slower on 2 threads than on 1). OpenMP's team is sized once, from OMP_NUM_THREADS,
     * before torch starts. Appends the case's row to rows; returns why it failed, or null.
     */
    private static String runCase(Probe probe, Path script, Path work, Map<String, Object> c, Map<String, Object> settings, Path log,
                                  com.fasterxml.jackson.databind.node.ArrayNode rows) throws IOException, InterruptedException {
        Path request = work.resolve("pytorch-case.json"), caseOut = work.resolve("pytorch-case-result.json");
        AtomicFiles.write(request, JSON.writeValueAsBytes(Map.of("settings", settings, "cases", List.of(c))));
        Files.deleteIfExists(caseOut);
        ProcessBuilder pb = new ProcessBuilder(probe.interpreter(), script.toString(), request.toString(), caseOut.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        @SuppressWarnings("unchecked")
        String threads = ((Map<String, String>) c.get("params")).getOrDefault("threads", "1");
        pb.environment().put("OMP_NUM_THREADS", threads);
        Process p = pb.start();
        if (p.waitFor() != 0) return "the peer script failed (exit " + p.exitValue() + ") on " + c.get("benchmark") + " " + c.get("params");
        if (BenchRunner.invalidResult(caseOut) != null) return "the peer wrote no usable result for " + c.get("benchmark") + " " + c.get("params");
        rows.addAll((com.fasterxml.jackson.databind.node.ArrayNode) JSON.readTree(caseOut.toFile()));
        Files.delete(caseOut);
        Files.delete(request); // pytorch-request.json keeps every case
        Files.deleteIfExists(caseOut.resolveSibling(caseOut.getFileName() + ".info"));
        return null;
    }

    /** What environment.json records of the peer: interpreter and torch version, or why it is unavailable. */
    public static Map<String, Object> describe(Probe probe) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (probe.available()) {
            m.put("interpreter", probe.interpreter());
            m.put("torch", probe.version());
            m.put("threads", "each row's threads parameter (torch.set_num_threads)");
        } else {
            m.put("unavailable", probe.reason());
        }
        return m;
    }
}
