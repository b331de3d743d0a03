"""ClipBench's PyTorch peer for PerExampleClipBenchmark: one private training step of a linear layer over a sequence by
each per-example clipping method, and the non-private step, in PyTorch 2.x, written as JMH-format rows with
backend=pytorch (the same row format as pytorch_peer.py; self-contained so the peer script can import or run it).

Usage:
    python3 dp_step_peer.py REQUEST.json OUT.json   # REQUEST as pytorch_peer.py's, cases of "PerExampleClipBenchmark"
    python3 dp_step_peer.py --self-check            # the four methods give the same clipped gradient; exit 1 if not

A case's params are the JVM combination's: clipping (non-private, materialised, ghost, book-keeping, mixed), rule
(dp-flat only: the peer has no other rule), dtype, layer ("768x3072"), batch, positions (T), threads. What is timed,
and why it matches the JVM side (org.clipbench.perexample):
- the model: z_t = a_t W^T + b at each of T positions, loss 1/2 sum_t ||z_t - y_t||^2 per example; inputs and targets
  Gaussian, example i scaled by 0.5 + 1.5 i / (B - 1) as SequenceLinear.gaussianBatch scales them (the values differ:
  timing does not depend on them); C = the batch's median per-example gradient norm, computed once before timing, so
  about half of the examples are clipped; no noise (sigma = 0), the sum divided by B.
- non-private: the batch-mean loss, loss.backward(), into W.grad and b.grad.
- materialised: per-sample gradients with torch.func (vmap of grad), every example's d_out x d_in gradient held,
  their norms, min(1, C / ||g_i||), the clipped sum by einsum.
- ghost: the output gradients from one autograd pass that forms no weight gradient (torch.autograd.grad to z), the
  norms from two Gram matrices per example by einsum, ||a_i^T d_i||^2 = sum_{t,s} (a_i a_i^T)_{ts} (d_i d_i^T)_{ts},
  plus ||sum_t d_it||^2 for the bias; then the second backward pass with example i's loss weighted by its factor.
- book-keeping: the same norms, then the clipped sum (f . d)^T a by einsum from the same pass: no second backward.
- mixed: book-keeping with the norms from the Gram matrices where 2 T^2 <= d_in d_out, else from the per-example
  gradients formed by einsum (fastDP's layerwise rule).
"""
import json
import platform
import sys
import time

import torch
from torch.func import grad, vmap


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


class Layer:
    """W (d_out x d_in), b, a batch x (B, T, d_in), y (B, T, d_out), and the clip bound C."""

    def __init__(self, d_in, d_out, batch, positions, dtype, seed=1):
        g = torch.Generator().manual_seed(seed)
        self.W = (torch.randn(d_out, d_in, generator=g, dtype=dtype) * (2.0 / (d_in + d_out)) ** 0.5).requires_grad_()
        self.b = torch.zeros(d_out, dtype=dtype, requires_grad=True)
        scale = torch.tensor([0.5 + 1.5 * i / max(1, batch - 1) for i in range(batch)], dtype=dtype).view(batch, 1, 1)
        self.x = torch.randn(batch, positions, d_in, generator=g, dtype=dtype) * scale
        self.y = torch.randn(batch, positions, d_out, generator=g, dtype=dtype) * scale
        self.C = float(torch.median(self.norms_materialised()[1]).item()) if batch > 1 else 1.0

    def losses(self):
        z = self.x @ self.W.T + self.b
        return z, 0.5 * ((z - self.y) ** 2).sum(dim=(1, 2))

    def factors(self, norms):
        return torch.clamp(self.C / norms, max=1.0)  # dp-flat, eps = 0: min(1, C / ||g_i||)

    def per_sample(self):
        def one(W, b, x, y):
            return 0.5 * ((x @ W.T + b - y) ** 2).sum()
        return vmap(grad(one, argnums=(0, 1)), in_dims=(None, None, 0, 0))(self.W.detach(), self.b.detach(), self.x, self.y)

    def norms_materialised(self):
        gW, gb = self.per_sample()
        return (gW, gb), torch.sqrt((gW ** 2).sum(dim=(1, 2)) + (gb ** 2).sum(dim=1))

    def output_gradients(self):
        """The first pass of ghost clipping: d = dL_i/dz for every example, no weight gradient formed."""
        z, losses = self.losses()
        d, = torch.autograd.grad(losses.sum(), z, retain_graph=True)
        return losses, d

    def ghost_norms(self, d):
        gram_a = torch.einsum("bti,bsi->bts", self.x, self.x)
        gram_d = torch.einsum("bto,bso->bts", d, d)
        weight = (gram_a * gram_d).sum(dim=(1, 2))
        bias = (d.sum(dim=1) ** 2).sum(dim=1)
        return torch.sqrt(weight + bias)

    def instantiated_norms(self, d):
        g = torch.einsum("bto,bti->boi", d, self.x)
        return torch.sqrt((g ** 2).sum(dim=(1, 2)) + (d.sum(dim=1) ** 2).sum(dim=1))

    def book_keeping_sum(self, d, f):
        scaled = d * f.view(-1, 1, 1)
        return torch.einsum("bto,bti->oi", scaled, self.x) / len(f), scaled.sum(dim=(0, 1)) / len(f)


def step_of(layer, clipping):
    """A call doing one step of the method; it leaves the clipped, averaged gradient in layer.W.grad and layer.b.grad."""
    W, b = layer.W, layer.b

    def store(gW, gb):
        W.grad, b.grad = gW, gb

    def non_private():
        W.grad, b.grad = None, None
        _, losses = layer.losses()
        losses.mean().backward()

    def materialised():
        (gW, gb), norms = layer.norms_materialised()
        f = layer.factors(norms)
        store(torch.einsum("b,boi->oi", f, gW) / len(f), torch.einsum("b,bo->o", f, gb) / len(f))

    def ghost():
        losses, d = layer.output_gradients()
        f = layer.factors(layer.ghost_norms(d))
        gW, gb = torch.autograd.grad(losses, (W, b), grad_outputs=f / len(f))  # the second backward pass, weighted
        store(gW, gb)

    def book_keeping():
        _, d = layer.output_gradients()
        store(*layer.book_keeping_sum(d, layer.factors(layer.ghost_norms(d))))

    def mixed():
        _, d = layer.output_gradients()
        T, d_in, d_out = layer.x.shape[1], layer.x.shape[2], d.shape[2]
        norms = layer.ghost_norms(d) if 2 * T * T <= d_in * d_out else layer.instantiated_norms(d)
        store(*layer.book_keeping_sum(d, layer.factors(norms)))

    steps = {"non-private": non_private, "materialised": materialised, "ghost": ghost, "book-keeping": book_keeping, "mixed": mixed}
    if clipping not in steps:
        raise ValueError("the peer has no clipping method " + clipping + "; it has " + ", ".join(steps))
    return steps[clipping]


def case_layer(case, dtype):
    p = case["params"]
    if p.get("rule", "dp-flat") != "dp-flat":
        raise ValueError("the peer clips by dp-flat only, not " + p["rule"])
    d_in, d_out = (int(v) for v in p["layer"].split("x"))
    return Layer(d_in, d_out, int(p["batch"]), int(p["positions"]), dtype)


def jmh_row(case, per_call_ns):
    mean = sum(per_call_ns) / len(per_call_ns)
    return {
        "jmhVersion": "pytorch-peer", "benchmark": "org.clipbench.bench.PerExampleClipBenchmark.step",
        "mode": "avgt", "threads": 1, "forks": 1, "jvm": sys.executable, "vmVersion": "torch " + torch.__version__,
        "params": case["params"],
        "primaryMetric": {"score": mean, "scoreError": "NaN", "scoreConfidence": ["NaN", "NaN"],
                          "scoreUnit": "ns/op", "rawData": [per_call_ns]},
        "secondaryMetrics": {},
    }


def measure(case, dtype, settings):
    """ns per call of each measurement iteration of a PerExampleClipBenchmark case."""
    layer = case_layer(case, dtype)
    return timed(step_of(layer, case["params"]["clipping"]), settings)


def self_check():
    """Every method's clipped gradient against materialised's, f64 and f32, at T where mixed takes either way."""
    worst = 0.0
    for dtype, tol in ((torch.float64, 1e-10), (torch.float32, 2e-4)):
        for d_in, d_out, T in ((6, 8, 4), (3, 2, 6)):
            layer = Layer(d_in, d_out, 5, T, dtype, seed=3)
            step_of(layer, "materialised")()
            want = (layer.W.grad.clone(), layer.b.grad.clone())
            scale = max(1.0, float(want[0].abs().max()), float(want[1].abs().max()))
            for m in ("ghost", "book-keeping", "mixed"):
                step_of(layer, m)()
                diff = max(float((layer.W.grad - want[0]).abs().max()), float((layer.b.grad - want[1]).abs().max())) / scale
                worst = max(worst, diff / tol)
                if diff > tol:
                    print("%s %s %dx%d T=%d: differs from materialised by %.3g (tolerance %.0e)" % (m, dtype, d_in, d_out, T, diff, tol))
                    return 1
    print("the four methods agree (largest difference %.2g of the tolerance)" % worst)
    return 0


def main(request_file, out_file):
    with open(request_file) as f:
        request = json.load(f)
    rows = []
    for case in request["cases"]:
        torch.set_num_threads(int(case["params"].get("threads", "1")))
        dtype = {"f32": torch.float32, "f64": torch.float64}[case["params"]["dtype"]]
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
    if len(sys.argv) == 2 and sys.argv[1] == "--self-check":
        sys.exit(self_check())
    if len(sys.argv) != 3:
        sys.exit("usage: python3 dp_step_peer.py REQUEST.json OUT.json | --self-check")
    main(sys.argv[1], sys.argv[2])
