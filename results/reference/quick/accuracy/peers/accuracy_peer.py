"""ClipBench's accuracy peer: the global L2 norm a library computes, on the exact bits ClipBench generated.

Usage (the norms accuracy command runs it; nothing here downloads anything):
    python3 accuracy_peer.py pytorch|jax

One process serves a whole accuracy run. It prints one line "clipbench-accuracy {...}" with its versions, then
answers requests read from stdin: a JSON header line, followed for the cases with data by the gradient's storage
bytes (n entries, little-endian: float64, float32, or the 16 bits of bfloat16 / float16), and prints one
"clipbench-accuracy {...}" line per request:
- {"kind": "norm", "dtype", "n"} + data: {"norm": the global norm the library returns for one gradient tensor}.
  pytorch: torch.nn.utils.clip_grad_norm_([p], inf) (p.grad = the tensor; it returns the total norm, in the
  gradient's dtype, as every user sees it); jax: optax's global norm under jax.jit (optax.tree.norm, what
  optax.clip_by_global_norm computes).
- {"kind": "grouping", "dtype", "n", "shards": [k, ...]} + data: for each k the gradient split into k contiguous
  shards (shard i = entries [n*i//k, n*(i+1)//k)): {"per_shard": [[the library's norm of each shard] per k], "global":
  [the library's global norm over the k shards as k tensors, per k]}. (Under jax.jit every k and every shard length
  compiles once: the run asks JAX for fewer k.)
- {"kind": "largest-finite", "dtype", "n"}: the largest positive finite value v of the dtype for which the norm of
  n entries equal to v is finite, found by bisection over v's bit patterns: {"entry_bits", "entry", "norm",
  "next_norm"} (the norm at v and at the next value up).
- {"kind": "exit"}.
Numbers are JSON (NaN and Infinity as Python writes them).
"""
import json
import os
import sys

import numpy as np

LIBRARY = sys.argv[1] if len(sys.argv) == 2 else None
if LIBRARY not in ("pytorch", "jax"):
    sys.exit("usage: python3 accuracy_peer.py pytorch|jax")

STORAGE = {"f64": np.float64, "f32": np.float32, "bf16": np.uint16, "f16": np.float16}
PATTERN = {"f64": np.uint64, "f32": np.uint32, "bf16": np.uint16, "f16": np.uint16}
# the first pattern above the largest finite value: +infinity's
INFINITY_PATTERN = {"f64": 0x7FF0000000000000, "f32": 0x7F800000, "bf16": 0x7F80, "f16": 0x7C00}

if LIBRARY == "pytorch":
    import torch
    VERSION = torch.__version__.split("+")[0]
    TORCH_DTYPE = {"f64": torch.float64, "f32": torch.float32, "bf16": torch.bfloat16, "f16": torch.float16}

    def tensor(stored, dtype):
        t = torch.from_numpy(stored.view(np.int16) if dtype == "bf16" else stored)
        return t.view(torch.bfloat16) if dtype == "bf16" else t

    def global_norm(tensors):
        params = []
        for t in tensors:
            p = torch.nn.Parameter(t.detach())  # shares the gradient's storage: no second copy of 2^30 entries
            p.grad = t
            params.append(p)
        return float(torch.nn.utils.clip_grad_norm_(params, float("inf")))
else:
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    import jax
    import jax.numpy as jnp
    import ml_dtypes
    import optax
    jax.config.update("jax_enable_x64", True)
    VERSION = jax.__version__
    JAX_DTYPE = {"f64": jnp.float64, "f32": jnp.float32, "bf16": jnp.bfloat16, "f16": jnp.float16}

    def tree_norm(tree):
        if hasattr(optax, "tree") and hasattr(optax.tree, "norm"):
            return optax.tree.norm(tree)
        return optax.global_norm(tree)

    NORM = jax.jit(tree_norm)

    def tensor(stored, dtype):
        return jnp.asarray(stored.view(ml_dtypes.bfloat16) if dtype == "bf16" else stored)

    def global_norm(tensors):
        return float(NORM(list(tensors)))


def say(obj):
    sys.stdout.write("clipbench-accuracy " + json.dumps(obj) + "\n")
    sys.stdout.flush()


def read_data(dtype, n):
    stored = np.empty(n, dtype=STORAGE[dtype])
    view = memoryview(stored).cast("B")
    got = 0
    while got < len(view):
        k = sys.stdin.buffer.readinto(view[got:])
        if not k:
            raise EOFError("the gradient ended after %d of %d bytes" % (got, len(view)))
        got += k
    return stored


def bounds(n, k):
    return [(n * i // k, n * (i + 1) // k) for i in range(k)]


def grouping(stored, dtype, shards):
    """For each k of shards: the library's norm of each of the k contiguous shards, and its global norm over the k shards."""
    n = len(stored)
    whole = tensor(stored, dtype)
    per_shard, combined = [], []
    for k in shards:
        if LIBRARY == "jax":  # the shards as separate arrays, as a pytree of k leaves
            parts = [jnp.asarray(stored[a:b].view(ml_dtypes.bfloat16) if dtype == "bf16" else stored[a:b]) for a, b in bounds(n, k)]
        else:
            parts = [whole[a:b] for a, b in bounds(n, k)]
        per_shard.append([global_norm([p]) for p in parts])
        combined.append(global_norm(parts))
    return {"per_shard": per_shard, "global": combined}


def filled(dtype, n, pattern):
    """n entries of the value whose bits are pattern, as stored (bf16 stays uint16 bits)."""
    return np.full(n, pattern, dtype=PATTERN[dtype]).view(STORAGE[dtype])


def largest_finite(dtype, n):
    def norm_at(pattern):
        return global_norm([tensor(filled(dtype, n, pattern), dtype)])
    lo, hi = 1, INFINITY_PATTERN[dtype]  # the smallest subnormal; infinity
    if np.isfinite(norm_at(hi - 1)):
        lo = hi - 1
    else:
        while hi - lo > 1:  # invariant: norm_at(lo) finite (or lo = 1), norm_at(hi) not
            mid = (lo + hi) // 2
            if np.isfinite(norm_at(mid)):
                lo = mid
            else:
                hi = mid
    if dtype == "bf16":
        entry = float(np.array([lo << 16], dtype=np.uint32).view(np.float32)[0])
    else:
        entry = float(filled(dtype, 1, lo)[0])
    return {"entry_bits": int(lo), "entry": entry, "norm": norm_at(lo), "next_norm": norm_at(lo + 1)}


def main():
    say({"ready": True, "library": LIBRARY, "version": VERSION, "python": sys.version.split()[0], "interpreter": sys.executable})
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return
        request = json.loads(line)
        kind = request["kind"]
        if kind == "exit":
            return
        if kind == "norm":
            stored = read_data(request["dtype"], request["n"])
            say({"norm": global_norm([tensor(stored, request["dtype"])])})
        elif kind == "grouping":
            stored = read_data(request["dtype"], request["n"])
            say(grouping(stored, request["dtype"], request["shards"]))
        elif kind == "largest-finite":
            say(largest_finite(request["dtype"], request["n"]))
        else:
            raise ValueError("unknown request " + kind)
        del request


if __name__ == "__main__":
    main()
