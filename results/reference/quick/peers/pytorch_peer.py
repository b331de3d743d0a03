"""ClipBench's PyTorch peer: the same calls as the JVM benchmarks, on the same shapes, thread counts and
threshold rules, measured in the same run and written as JMH-format JSON rows with backend=pytorch.

Usage (the bench command runs it; nothing here downloads anything):
    python3 pytorch_peer.py REQUEST.json OUT.json

Every row carries the parameter "version" (torch's, e.g. 2.13.0), which the report shows with the backend
("pytorch 2.13.0"). bf16 and f16 gradients are torch.bfloat16 and torch.float16 tensors (clip_grad_norm_ as a
mixed-precision user calls it on them).

REQUEST.json, written by ClipBench: {"settings": {warmup_iterations, warmup_ms, iterations, iteration_ms},
"cases": [{"benchmark": "ClipBenchmark" | "RestoreBenchmark" | "TrainingStepBenchmark", "params": {...},
"shapes": [[rows, cols], ...]}, ...]}. Each case is timed like a JMH fork in average-time mode: warm-up
iterations, then measurement iterations of at least iteration_ms each, ns per call per iteration.

What is timed, and why it matches the JVM side:
- ClipBenchmark: restore the gradients from a pristine copy, then clip_grad_norm_ (global-norm, L2) or
  clip_grad_value_ (value), in place, as the JVM benchmark restores then clips. The case's method says
  what is timed, as on the JVM: "clip" times both, "clipFresh" (large data) times the clip alone. Thresholds follow
  ClipBench's calibration: global-norm always = half the gradient's norm, never = twice it; value
  always = half the largest |entry|, never = twice it.
- RestoreBenchmark: the restore alone (Tensor.copy_ per tensor), subtracted by the report as on the JVM.
- OptimizerStepBenchmark (separate only: PyTorch has no clip folded into its step): restore the gradients
  untimed, then time the clip (clip_grad_norm_ for global-norm, per tensor for per-tensor, clip_grad_value_)
  and optimizer.step() with foreach=True (SGD lr 1e-3; momentum 0.9; AdamW weight decay 0.01), the
  thresholds clipping every call as ClipBench's calibration does (half the norm, half the smallest tensor
  norm, half the largest |entry|).
- TrainingStepBenchmark rnn-T50/rnn-T100: forward, backward, clip_grad_norm_(c=1) (or none), SGD step
  (lr 1e-4) of a tanh Elman RNN with 6 inputs, 50 hidden units, 4 outputs read at the last step,
  softmax cross-entropy, batch 20, as the JVM model (random one-hot inputs: timing does not depend on them).
"""
import json
import platform
import sys
import time

import torch


def timed(call, settings):
    """Warm-up, then measurement iterations; returns ns per call of each measurement iteration."""
    def iteration(ms):
        calls, start = 0, time.perf_counter_ns()
        deadline = start + ms * 1_000_000
        while True:
            call()
            calls += 1
            now = time.perf_counter_ns()
            if now >= deadline:
                return (now - start) / calls
    for _ in range(settings["warmup_iterations"]):
        iteration(settings["warmup_ms"])
    return [iteration(settings["iteration_ms"]) for _ in range(settings["iterations"])]


def gradients(shapes, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    params = []
    for rows, cols in shapes:
        p = torch.nn.Parameter(torch.zeros(rows, cols, dtype=dtype))
        wide = dtype if dtype in (torch.float32, torch.float64) else torch.float32  # 16-bit: drawn in f32, then rounded
        p.grad = torch.randn(rows, cols, generator=g, dtype=wide).to(dtype)
        params.append(p)
    return params


def clip_case(case, dtype):
    """(restore, clip): the restore alone, and the clip of a restored gradient."""
    params = gradients(case["shapes"], dtype, 1)
    pristine = [p.grad.clone() for p in params]

    def restore():
        for p, src in zip(params, pristine):
            p.grad.copy_(src)

    if case["benchmark"] == "RestoreBenchmark":
        return restore, None
    strategy, regime = case["params"]["strategy"], case["params"]["regime"]
    factor = {"always": 0.5, "never": 2.0}[regime]
    if strategy == "global-norm":
        norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in pristine])).item()
        c = factor * norm
        return restore, lambda: torch.nn.utils.clip_grad_norm_(params, c)
    if strategy == "value":
        c = factor * max(g.abs().max().item() for g in pristine)
        return restore, lambda: torch.nn.utils.clip_grad_value_(params, c)
    raise ValueError("the peer has no " + strategy)


def timed_fresh(restore, clip, settings):
    """As timed, but only the clip of each call is timed; the restore before it is not (clipFresh)."""
    def iteration(ms):
        calls, clipping = 0, 0
        deadline = time.perf_counter_ns() + ms * 1_000_000
        while True:
            restore()
            start = time.perf_counter_ns()
            clip()
            end = time.perf_counter_ns()
            clipping += end - start
            calls += 1
            if end >= deadline:
                return clipping / calls
    for _ in range(settings["warmup_iterations"]):
        iteration(settings["warmup_ms"])
    return [iteration(settings["iteration_ms"]) for _ in range(settings["iterations"])]


def optimizer_step_case(case, dtype):
    """(restore, step): the restore of the gradients, and the clip plus optimizer.step() of a restored gradient."""
    params = gradients(case["shapes"], dtype, 1)
    pristine = [p.grad.clone() for p in params]

    def restore():
        for p, src in zip(params, pristine):
            p.grad.copy_(src)

    name = case["params"]["optimizer"]
    if name == "sgd":
        opt = torch.optim.SGD(params, lr=1e-3, foreach=True)
    elif name == "momentum":
        opt = torch.optim.SGD(params, lr=1e-3, momentum=0.9, foreach=True)
    elif name in ("adam", "adamw"):
        opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.01 if name == "adamw" else 0.0, foreach=True)
    else:
        raise ValueError("the peer has no optimizer " + name)
    strategy = case["params"]["strategy"]
    norms = [torch.linalg.vector_norm(g).item() for g in pristine]
    if strategy == "none":
        clip = None
    elif strategy == "global-norm":
        c = 0.5 * torch.linalg.vector_norm(torch.tensor(norms, dtype=torch.float64)).item()
        clip = lambda: torch.nn.utils.clip_grad_norm_(params, c)
    elif strategy == "per-tensor":
        c = 0.5 * min(norms)
        clip = lambda: [torch.nn.utils.clip_grad_norm_([p], c) for p in params]
    elif strategy == "value":
        c = 0.5 * max(g.abs().max().item() for g in pristine)
        clip = lambda: torch.nn.utils.clip_grad_value_(params, c)
    else:
        raise ValueError("the peer has no " + strategy)

    def step():
        if clip is not None:
            clip()
        opt.step()
    return restore, step


def measure(case, dtype, settings):
    """ns per call of each measurement iteration of a case."""
    if case["benchmark"] == "TrainingStepBenchmark":
        return timed(training_step_case(case, dtype), settings)
    if case["benchmark"] == "OptimizerStepBenchmark":
        restore, step = optimizer_step_case(case, dtype)
        return timed_fresh(restore, step, settings)
    restore, clip = clip_case(case, dtype)
    if clip is None:
        return timed(restore, settings)
    if case["method"] == "clipFresh":
        return timed_fresh(restore, clip, settings)

    def restore_then_clip():
        restore()
        return clip()
    return timed(restore_then_clip, settings)


def training_step_case(case, dtype):
    length = {"rnn-T50": 50, "rnn-T100": 100}[case["params"]["model"]]
    torch.manual_seed(1)
    rnn = torch.nn.RNN(6, 50, nonlinearity="tanh", batch_first=True).to(dtype)
    head = torch.nn.Linear(50, 4).to(dtype)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.SGD(params, lr=1e-4)
    x = torch.nn.functional.one_hot(torch.randint(0, 6, (20, length)), 6).to(dtype)
    y = torch.randint(0, 4, (20,))
    strategy = case["params"]["strategy"]
    clip_c = float(strategy.split("c=")[1]) if strategy.startswith("global-norm") else None

    def step():
        opt.zero_grad(set_to_none=False)
        out, _ = rnn(x)
        loss = torch.nn.functional.cross_entropy(head(out[:, -1, :]), y)
        loss.backward()
        if clip_c is not None:
            torch.nn.utils.clip_grad_norm_(params, clip_c)
        opt.step()
        return loss
    return step


def version():
    """torch's version without a local build tag ("2.13.0+cpu" is "2.13.0"): the label of every row."""
    return torch.__version__.split("+")[0]


def jmh_row(case, per_call_ns):
    mean = sum(per_call_ns) / len(per_call_ns)
    params = dict(case["params"])
    params["version"] = version()
    method = case.get("method") or {"RestoreBenchmark": "restore", "TrainingStepBenchmark": "step", "OptimizerStepBenchmark": "step"}[case["benchmark"]]
    return {
        "jmhVersion": "pytorch-peer", "benchmark": "org.clipbench.bench." + case["benchmark"] + "." + method,
        "mode": "avgt", "threads": 1, "forks": 1, "jvm": sys.executable, "vmVersion": "torch " + torch.__version__,
        "params": params,
        "primaryMetric": {"score": mean, "scoreError": "NaN", "scoreConfidence": ["NaN", "NaN"],
                          "scoreUnit": "ns/op", "rawData": [per_call_ns]},
        "secondaryMetrics": {},
    }


def main(request_file, out_file):
    with open(request_file) as f:
        request = json.load(f)
    rows = []
    for case in request["cases"]:
        torch.set_num_threads(int(case["params"].get("threads", "1")))
        dtype = {"f32": torch.float32, "f64": torch.float64, "bf16": torch.bfloat16, "f16": torch.float16}[case["params"]["dtype"]]
        per_call = measure(case, dtype, request["settings"])
        rows.append(jmh_row(case, per_call))
        print("pytorch %s %s: %.1f ns/op" % (case["benchmark"], case["params"], sum(per_call) / len(per_call)), flush=True)
    info = {"torch": torch.__version__, "python": platform.python_version(), "interpreter": sys.executable,
            "default_threads": torch.get_num_threads()}
    with open(out_file + ".tmp", "w") as f:
        json.dump(rows, f, indent=1)
    import os
    os.replace(out_file + ".tmp", out_file)
    with open(out_file + ".info", "w") as f:
        json.dump(info, f)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python3 pytorch_peer.py REQUEST.json OUT.json")
    main(sys.argv[1], sys.argv[2])
