package org.clipbench.peer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.clipbench.bench.Benchmarks;
import org.clipbench.jmhgrid.Combo;

/**
 * JAX with optax as a peer measured in the same run: for the global-norm and value clipping combinations of a grid,
 * the bundled {@code peers/jax_peer.py} times {@code optax.clip_by_global_norm} and {@code optax.clip} under
 * {@code jax.jit} with the gradient buffers donated and a fresh copy made untimed before each call, on the same
 * shapes, dtypes and thresholds, and writes JMH-format rows with backend=jax (and jax's version) to
 * jmh/jax-peer.json; the compile time is timed apart (the rows' secondary metric jit.compile), never inside ns/op.
 * Both regimes of global-norm clipping are measured for every such combination: optax selects between the
 * gradient and its scaled copy, so a never-clipping call may skip the scale, and each regime is its own row.
 *
 * <p>Threads: XLA on CPU is told its threads before jax is imported. 1 thread: {@code --xla_cpu_multi_thread_eigen=false
 * intra_op_parallelism_threads=1}; 2 threads: {@code --xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads=2},
 * XLA's intra-op pool of two threads, which XLA may or may not use to split one fused loop (its choice per op): the
 * 2-thread rows measure what it does.
 */
public final class JaxPeer {
    public static final String NAME = "jax";

    private JaxPeer() {
    }

    public static final String INSTALL = "create the project's .venv as .ci/run does (.venv/bin/pip install jax jaxlib optax), or give one with --python";

    /** The peer in an interpreter that imports jax and optax: CPU only, XLA's threads from the case. */
    public static SpeedPeer in(PythonPeers.Interpreter interpreter) {
        return new SpeedPeer(NAME, "jax_peer.py", interpreter,
                threads -> Map.of("JAX_PLATFORMS", "cpu", "XLA_FLAGS", xlaFlags(threads), "OMP_NUM_THREADS", threads));
    }

    /** XLA's flags for a thread count. */
    public static String xlaFlags(String threads) {
        return threads.equals("1") ? "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
                : "--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads=" + threads;
    }

    /** The global-norm (both regimes) and value clipping cases of a grid, separate tensors, each call timed alone (clipFresh). */
    public static List<Map<String, Object>> cases(List<Combo> grid) {
        Set<Map<String, String>> clips = new LinkedHashSet<>();
        for (Combo c : grid) {
            Map<String, String> p = c.params();
            if (!c.benchmark().equals(Benchmarks.CLIP) || !List.of("global-norm", "value").contains(p.get("strategy"))
                    || !List.of("always", "never").contains(p.get("regime"))) continue;
            List<String> regimes = p.get("strategy").equals("global-norm") ? List.of("always", "never") : List.of(p.get("regime"));
            for (String regime : regimes) {
                Map<String, String> clip = new LinkedHashMap<>();
                clip.put("strategy", p.get("strategy"));
                clip.put("backend", NAME);
                clip.put("dtype", p.get("dtype"));
                clip.put("data", p.get("data"));
                clip.put("layout", "separate"); // a pytree of separate arrays
                clip.put("regime", regime);
                clip.put("threads", p.get("threads"));
                clip.put("norm", "library");
                clips.add(clip);
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, String> p : clips) {
            Map<String, Object> c = new LinkedHashMap<>(PytorchPeer.clipCase(Benchmarks.CLIP, p));
            c.put("method", "clipFresh"); // the donated buffers are replaced untimed before every call, at every size
            out.add(c);
        }
        return out;
    }
}
