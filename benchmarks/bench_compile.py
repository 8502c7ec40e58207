"""Compiled training step (``compile=True``) against eager, for the three models, same run.

For each model, a fit with ``compile=False`` and one with ``compile=True``
at the same seed and length, each in its own Python process (inductor's
caches and threads stay with their process):

- tables: ``GANAugmenter(max_steps=...)`` on 5,000 Adult rows (WGAN-GP; the
  critic's gradient-penalty call stays eager);
- GAIN: ``GANImputer(refine=False)`` on the same rows with 20% of the
  entries hidden;
- images: ``GANAugmenter(max_steps=..., batch_size=64)`` on 1,000 MNIST
  digits (hinge loss, DiffAugment).

Reported: fit seconds; the seconds per step once warm (the median over the
history's intervals after the first); the one-off cost of compiling (the
compiled fit's seconds minus its steps at the warm rate, less the same for
the eager fit); the step count from which compiling would pay for itself
(none when the warm compiled step is not faster); and the operators
dispatched per step as the profiler sees them (top-level ``aten::`` calls;
fused kernels that inductor generated are counted apart), from the
difference between a fit of ``2k`` and one of ``k`` steps after a warm-up
fit that compiles, so that encoding, compiling and sampling cancel out. On
the CPU the dispatched operators stand in for the kernel launches of a GPU
step.

    python benchmarks/bench_compile.py                 # CPU
    python benchmarks/bench_compile.py --device cuda   # GPU (not yet run)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd
from _common import SHARED_DATA, load_adult, seconds_per_step, write_markdown

MODELS = ("tables", "GAIN", "images")
STEPS = {"tables": 400, "GAIN": 800, "images": 200}
OPS_STEPS = {"tables": 20, "GAIN": 40, "images": 10}


def _estimator(model: str, compile: bool, steps: int, device: str):
    from ganaug import GANAugmenter, GANImputer

    common = {"compile": compile, "device": device, "random_state": 0}
    if model == "tables":
        return GANAugmenter(max_steps=steps, **common)
    if model == "GAIN":
        # epochs of 5,000 rows at GAIN's batch of 128: 39 steps each
        return GANImputer(epochs=max(1, steps // 39), refine=False, **common)
    return GANAugmenter(max_steps=steps, batch_size=64, **common)


def _data(model: str):
    if model == "images":
        file = SHARED_DATA / "mnist_5k_labelled.npz"
        if not file.exists():
            print(f"skipped: {file} not found")
            sys.exit(0)
        data = np.load(file)
        return data["images"][:1000], data["labels"][:1000]
    frame = load_adult().sample(5000, random_state=0).reset_index(drop=True)
    if model == "GAIN":
        return frame.mask(np.random.default_rng(0).random(frame.shape) < 0.2), None
    return frame, None


def _fit(model: str, compile: bool, steps: int, device: str) -> object:
    X, y = _data(model)
    estimator = _estimator(model, compile, steps, device)
    return estimator.fit(X) if y is None else estimator.fit(X, y)


def _dispatched(model: str, compile: bool, steps: int, device: str) -> tuple[int, int]:
    """Top-level aten operators and inductor kernels the profiler records in a fit of ``steps`` steps."""
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU]) as prof:
        _fit(model, compile, steps, device)
    ops = kernels = 0
    for event in prof.events():
        name = event.name
        if name.startswith("aten::"):
            parent = event.cpu_parent
            while parent is not None and not parent.name.startswith("aten::"):
                parent = parent.cpu_parent
            ops += parent is None
        elif "fused" in name or name.startswith("triton_"):
            kernels += 1
    return ops, kernels


def worker(model: str, compile: bool, device: str) -> dict:
    import warnings

    import torch._dynamo
    import torch._inductor.config

    warnings.simplefilter("ignore")
    steps = STEPS[model]
    start = time.perf_counter()
    fitted = _fit(model, compile, steps, device)
    seconds = time.perf_counter() - start
    done = fitted.history_[-1]["step"]
    warm = float(np.median(seconds_per_step(fitted.history_)[1:]))
    k = OPS_STEPS[model]
    # the counting fits compile afresh, with the fused CPU kernels named in the profiler (which costs
    # a little time: the timed fit above compiled without it), in a warm-up fit: a compile inside one
    # counted fit and not the other would not cancel out
    torch._dynamo.reset()
    torch._inductor.config.cpp.enable_kernel_profile = True
    _fit(model, compile, k, device)  # compiles here: both counted fits below reuse the code
    ops_1, kernels_1 = _dispatched(model, compile, k, device)
    ops_2, kernels_2 = _dispatched(model, compile, 2 * k, device)
    # GAIN counts epochs: its k-step fits are whole epochs, so the steps differ by what was trained
    return {
        "model": model,
        "compile": compile,
        "steps": done,
        "fit seconds": seconds,
        "warm seconds per step": warm,
        "dispatched ops per step": (ops_2 - ops_1) / k,
        "compiled kernels per step": (kernels_2 - kernels_1) / k,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    parser.add_argument("--worker", nargs=2, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        model, compile = args.worker[0], args.worker[1] == "True"
        print("RESULT " + json.dumps(worker(model, compile, args.device)))
        return
    rows = []
    for model in args.models:
        for compile in (False, True):
            out = subprocess.run(
                [sys.executable, __file__, "--device", args.device, "--worker", model, str(compile)],
                capture_output=True,
                text=True,
                check=True,
                # a cold compile, as a user's first fit pays it (no kernels cached on disk by earlier runs)
                env={**os.environ, "TORCHINDUCTOR_FORCE_DISABLE_CACHES": "1"},
            ).stdout
            row = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
            print(row, flush=True)
            rows.append(row)
    frame = pd.DataFrame(rows)
    table = []
    for model, part in frame.groupby("model", sort=False):
        eager, comp = part[~part["compile"]].iloc[0], part[part["compile"]].iloc[0]
        steps = eager["steps"]
        cost = (comp["fit seconds"] - comp["warm seconds per step"] * steps) - (
            eager["fit seconds"] - eager["warm seconds per step"] * steps
        )
        gain = eager["warm seconds per step"] - comp["warm seconds per step"]
        table.append(
            {
                "model": model,
                "steps": int(steps),
                "fit s, eager": eager["fit seconds"],
                "fit s, compiled": comp["fit seconds"],
                "warm s/step, eager": eager["warm seconds per step"],
                "warm s/step, compiled": comp["warm seconds per step"],
                "compiled / eager per step": comp["warm seconds per step"] / eager["warm seconds per step"],
                "compile cost (s)": cost,
                "pays back after (steps)": f"{cost / gain:,.0f}" if gain > 0 else "never",
                "ops/step, eager": eager["dispatched ops per step"],
                "ops/step, compiled": comp["dispatched ops per step"],
                "fused kernels/step, compiled": comp["compiled kernels per step"],
            }
        )
    intro = (
        "Eager against `compile=True` (torch.compile, inductor), same seed and length, each fit in "
        "its own process. Tables: 5,000 Adult rows, `GANAugmenter(max_steps=400)`. GAIN: the same "
        "rows with 20% of entries hidden, `GANImputer(refine=False)`, 20 epochs. Images: 1,000 "
        "MNIST digits, `GANAugmenter(max_steps=200, batch_size=64)`. Warm s/step: median over the "
        "history's intervals after the first. Compile cost: the compiled fit's time beyond its steps "
        "at the warm rate, less the same for the eager fit. Ops/step: top-level `aten::` operators "
        "the profiler records per step (from fits of 2k and k steps); fused kernels: those inductor "
        "generated. Compiles are cold (inductor's on-disk caches off), as a user's first fit. "
        '`compile="auto"` compiles only where this table says it pays.'
    )
    write_markdown(
        f"compile_{args.device}",
        "Compiled training step against eager",
        intro,
        {"Per model": pd.DataFrame(table).set_index("model")},
    )


if __name__ == "__main__":
    main()
