"""ClipBench's JAX peer: optax's clipping under jax.jit, on the same shapes, dtypes, thread counts and threshold
rules as the JVM benchmarks, measured in the same run and written as JMH-format JSON rows with backend=jax.

Usage (the bench command runs it, one interpreter per case, JAX_PLATFORMS and XLA_FLAGS set before the import):
    python3 jax_peer.py REQUEST.json OUT.json

REQUEST.json: {"settings": {warmup_iterations, warmup_ms, iterations, iteration_ms}, "cases": [{"benchmark":
"ClipBenchmark", "params": {...}, "shapes": [[rows, cols], ...]}]}.

What is timed, and why it is fair:
- global-norm: optax.clip_by_global_norm(c), value: optax.clip(c) (every entry clamped to [-c, c]), the update
  function under jax.jit with the gradient buffers donated, so XLA may write the result in place as the JVM's
  in-place clip does. A donated buffer is consumed by the call, so every call gets a fresh copy of the pristine
  gradient, made and finished before the clock starts (restore untimed, as the JVM's clipFresh and the PyTorch
  peer's large cases); each call is timed to jax.block_until_ready of its result.
- Thresholds follow ClipBench's calibration: always = half the gradient's global norm (or half the largest |entry|
  for value), never = twice it. optax's clip_by_global_norm selects between the gradient and the scaled gradient,
  so the never regime may skip the scale's arithmetic; each regime is its own row, compare each with its like.
- Compilation (trace, lower, compile) is timed once, apart, and reported as the secondary metric "jit.compile"
  (ms), never inside ns/op: the measured calls run the compiled executable.
"""
import json
import os
import platform
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

jax.config.update("jax_enable_x64", True)  # f64 gradients stay f64


def version():
    return jax.__version__


def tree_norm(tree):
    """optax's global norm, as clip_by_global_norm computes it (optax.tree.norm; optax.global_norm before 0.2.4)."""
    if hasattr(optax, "tree") and hasattr(optax.tree, "norm"):
        return optax.tree.norm(tree)
    return optax.global_norm(tree)


DTYPES = {"f32": jnp.float32, "f64": jnp.float64, "bf16": jnp.bfloat16, "f16": jnp.float16}


def gradients(shapes, dtype, seed):
    rng = np.random.default_rng(seed)
    return [jnp.asarray(rng.standard_normal((rows, cols)), dtype=dtype) for rows, cols in shapes]


def clip_case(case):
    """(pristine gradient, compiled update, compile ms)."""
    params = case["params"]
    dtype = DTYPES[params["dtype"]]
    pristine = gradients(case["shapes"], dtype, 1)
    factor = {"always": 0.5, "never": 2.0}[params["regime"]]
    if params["strategy"] == "global-norm":
        transform = optax.clip_by_global_norm(factor * float(tree_norm(pristine)))
    elif params["strategy"] == "value":
        transform = optax.clip(factor * max(float(jnp.max(jnp.abs(g))) for g in pristine))
    else:
        raise ValueError("the JAX peer has no " + params["strategy"])
    state = transform.init(pristine)
    update = jax.jit(lambda g: transform.update(g, state)[0], donate_argnums=0)
    start = time.perf_counter()
    compiled = update.lower(fresh(pristine)).compile()
    compile_ms = (time.perf_counter() - start) * 1e3
    return pristine, compiled, compile_ms


def fresh(pristine):
    copies = [g.copy() for g in pristine]
    jax.block_until_ready(copies)
    return copies


def timed(pristine, compiled, settings):
    """Warm-up, then measurement iterations of at least iteration_ms; ns per call, the copy before each call untimed."""
    def iteration(ms):
        calls, total = 0, 0
        deadline = time.perf_counter_ns() + ms * 1_000_000
        while True:
            args = fresh(pristine)
            start = time.perf_counter_ns()
            jax.block_until_ready(compiled(args))
            end = time.perf_counter_ns()
            total += end - start
            calls += 1
            if end >= deadline:
                return total / calls
    for _ in range(settings["warmup_iterations"]):
        iteration(settings["warmup_ms"])
    return [iteration(settings["iteration_ms"]) for _ in range(settings["iterations"])]


def jmh_row(case, per_call_ns, compile_ms):
    mean = sum(per_call_ns) / len(per_call_ns)
    params = dict(case["params"])
    params["version"] = version()
    return {
        "jmhVersion": "jax-peer", "benchmark": "org.clipbench.bench." + case["benchmark"] + "." + case["method"],
        "mode": "avgt", "threads": 1, "forks": 1, "jvm": sys.executable,
        "vmVersion": "jax " + jax.__version__ + ", optax " + optax.__version__,
        "params": params,
        "primaryMetric": {"score": mean, "scoreError": "NaN", "scoreConfidence": ["NaN", "NaN"],
                          "scoreUnit": "ns/op", "rawData": [per_call_ns]},
        "secondaryMetrics": {"jit.compile": {"score": compile_ms, "scoreError": "NaN", "scoreUnit": "ms", "rawData": [[compile_ms]]}},
    }


def main(request_file, out_file):
    with open(request_file) as f:
        request = json.load(f)
    rows = []
    for case in request["cases"]:
        if case["benchmark"] != "ClipBenchmark":
            raise ValueError("the JAX peer measures ClipBenchmark cases only, not " + case["benchmark"])
        pristine, compiled, compile_ms = clip_case(case)
        per_call = timed(pristine, compiled, request["settings"])
        rows.append(jmh_row(case, per_call, compile_ms))
        print("jax %s %s: %.1f ns/op (compile %.0f ms apart)" % (case["benchmark"], case["params"], sum(per_call) / len(per_call),
                                                                compile_ms), flush=True)
    info = {"jax": jax.__version__, "optax": optax.__version__, "python": platform.python_version(), "interpreter": sys.executable,
            "devices": [str(d) for d in jax.devices()], "xla_flags": os.environ.get("XLA_FLAGS", "")}
    with open(out_file + ".tmp", "w") as f:
        json.dump(rows, f, indent=1)
    os.replace(out_file + ".tmp", out_file)
    with open(out_file + ".info", "w") as f:
        json.dump(info, f)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python3 jax_peer.py REQUEST.json OUT.json")
    main(sys.argv[1], sys.argv[2])
