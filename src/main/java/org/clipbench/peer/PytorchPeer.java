package org.clipbench.peer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.clipbench.backend.TensorSpec;
import org.clipbench.bench.Benchmarks;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.params.ParamShapes;

/**
 * PyTorch as a peer measured in the same run: for the clipping, restore and training-step combinations
 * of a grid that PyTorch has (global-norm L2 and value clipping, separate tensors; the tanh RNN step),
 * a bundled Python script ({@code peers/pytorch_peer.py}) times the same calls on the same shapes,
 * thread counts and threshold rules with the profile's warm-up and measurement budget, and writes
 * JMH-format rows with backend=pytorch and the torch version to jmh/pytorch-peer.json, so every table and figure
 * shows the peer ("pytorch 2.13.0") beside the JVM backends. It runs in the interpreter with the newest torch
 * ({@link PythonPeers}); nothing is installed or downloaded here ({@code .ci/run} makes the project's .venv).
 */
public final class PytorchPeer {
    public static final String NAME = "pytorch";

    private PytorchPeer() {
    }

    /** The peer in an interpreter that imports torch: OMP_NUM_THREADS = the case's threads, set before torch starts. */
    public static SpeedPeer in(PythonPeers.Interpreter interpreter) {
        return new SpeedPeer(NAME, "pytorch_peer.py", interpreter, threads -> Map.of("OMP_NUM_THREADS", threads));
    }

    /** What to install when no interpreter imports torch. */
    public static final String INSTALL = "create the project's .venv as .ci/run does (python3 -m venv .venv && .venv/bin/pip install torch), "
            + "or give one with --python";

    /** The clips the peer's optimizer steps know (torch has clip_grad_norm_ and clip_grad_value_; per tensor is a loop of the first). */
    static final List<String> PEER_STEP_CLIPS = List.of("none", "global-norm", "per-tensor", "value");

    /**
     * What the peer measures of a grid: its ClipBenchmark, RestoreBenchmark and TrainingStepBenchmark cases, and
     * the separate OptimizerStepBenchmark cases (PyTorch has no clip folded into its step), as rows of backend pytorch.
     */
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

    static Map<String, Object> clipCase(String benchmark, Map<String, String> params) {
        List<int[]> shapes = new ArrayList<>();
        for (TensorSpec t : ParamShapes.get(params.get("data")).tensors()) shapes.add(new int[] {t.rows(), t.cols()});
        return Map.of("benchmark", benchmark, "params", params, "shapes", shapes);
    }

    /** The result file of the peer in a results folder. */
    public static Path resultFile(Path dir) {
        return SpeedPeer.resultFile(dir, NAME);
    }

}
