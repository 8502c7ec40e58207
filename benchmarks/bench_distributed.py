"""Data-parallel training (``ganaug.distributed.fit`` under torchrun): time per step and memory per process.

Two fits, each with the same global batch and number of steps in one
process and in ``--procs`` processes launched with ``torchrun``:

- tabular: ``GANAugmenter`` on UCI Adult (income as the label), global batch
  500, ``--tabular-steps`` steps;
- images: ``GANAugmenter`` on the 5,000 labelled MNIST digits (28x28),
  global batch 64, ``--image-steps`` steps.

Reported per run: seconds per step over the training loop (the history's
intervals, warm-up included), the fit's wall time (encoding included),
each process's peak resident memory (``VmHWM``), and how far the
data-parallel loss curves sit from the one-process ones (mean absolute
difference over the curve's span; the tests check the same thing on small
data). On the CPU the one-process run uses all cores' threads and each of
the ``--procs`` processes ``cores / procs`` threads, so the question is
whether the split costs anything; on GPUs (``--device cuda``, one process
per GPU) it is the speed-up.

    python benchmarks/bench_distributed.py                       # 2 CPU processes (gloo)
    python benchmarks/bench_distributed.py --device cuda --procs 4   # 4 GPUs (NCCL)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import SHARED_DATA, write_markdown

FITS = ("tabular", "images")


def _peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def worker(fit_name: str, out: Path, device: str, tabular_steps: int, image_steps: int) -> None:
    """One process of one run: fit, then write its timings and history."""
    from ganaug import GANAugmenter
    from ganaug.distributed import fit

    if fit_name == "tabular":
        frame = pd.read_csv(SHARED_DATA / "adult.csv")
        X, y = frame.drop(columns="income"), frame["income"]
        estimator = GANAugmenter(max_steps=tabular_steps, batch_size=500, device=device, random_state=0)
    else:
        data = np.load(SHARED_DATA / "mnist_5k_labelled.npz")
        X, y = data["images"], data["labels"]
        estimator = GANAugmenter(max_steps=image_steps, batch_size=64, device=device, random_state=0)
    start = time.perf_counter()
    fit(estimator, X, y)
    wall = time.perf_counter() - start
    rank = int(os.environ.get("RANK", "0"))
    history = estimator.history_
    seconds = sum(h["seconds"] for h in history)
    per_step = seconds / history[-1]["step"]
    record = {"wall": wall, "s_per_step": per_step, "rss": _peak_rss_mb(), "history": history}
    (out / f"{fit_name}_{rank}.json").write_text(json.dumps(record))


def launch(fit_name: str, procs: int, args: argparse.Namespace, out: Path) -> list[dict]:
    cores = os.cpu_count() or 1
    env = dict(os.environ)
    env.pop("WORLD_SIZE", None)
    if args.device == "cpu":
        env["OMP_NUM_THREADS"] = str(max(1, cores // procs))
    script = [str(Path(__file__).resolve()), "--worker", fit_name, "--out", str(out), "--device", args.device]
    script += ["--tabular-steps", str(args.tabular_steps), "--image-steps", str(args.image_steps)]
    if procs == 1:
        command = [sys.executable, *script]
    else:
        command = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={procs}"]
        command += script
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stdout[-2000:] + done.stderr[-4000:])
    return [json.loads((out / f"{fit_name}_{rank}.json").read_text()) for rank in range(procs)]


def curve_gap(one: list[dict], many: list[dict]) -> float:
    """Mean |difference| of the loss curves over the one-process curve's span (mean over the losses)."""
    names = [k for k in one[0] if k.startswith("loss")]
    if len(one) < 3:
        return float("nan")
    gaps = []
    for name in names:
        a = np.array([h[name] for h in one])
        b = np.array([h[name] for h in many])
        gaps.append(np.abs(a - b).mean() / max(np.ptp(a), 1e-12))
    return float(np.mean(gaps))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procs", type=int, default=2, help="processes of the data-parallel runs")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--tabular-steps", type=int, default=1300, help="20 epochs of Adult at batch 500")
    parser.add_argument("--image-steps", type=int, default=400, help="5 epochs of 5,000 digits at batch 64")
    parser.add_argument("--fits", nargs="+", default=list(FITS), choices=FITS)
    parser.add_argument("--name", default=None, help="result file name (default distributed_<device>)")
    parser.add_argument("--worker", choices=FITS, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, Path(args.out), args.device, args.tabular_steps, args.image_steps)
        return
    needed = {"tabular": "adult.csv", "images": "mnist_5k_labelled.npz"}
    if any(not (SHARED_DATA / needed[f]).exists() for f in args.fits):
        print(f"skipped: {SHARED_DATA} lacks {[needed[f] for f in args.fits]}")
        return
    rows = []
    for fit_name in args.fits:
        runs = {}
        for procs in (1, args.procs):
            with tempfile.TemporaryDirectory() as tmp:
                runs[procs] = launch(fit_name, procs, args, Path(tmp))
            ranks = runs[procs]
            rows.append(
                {
                    "fit": fit_name,
                    "processes": procs,
                    "steps": ranks[0]["history"][-1]["step"],
                    "s/step": ranks[0]["s_per_step"],
                    "fit wall (s)": max(r["wall"] for r in ranks),
                    "peak RSS per process (MB)": max(r["rss"] for r in ranks),
                    "loss-curve gap vs 1 process": curve_gap(runs[1][0]["history"], ranks[0]["history"]),
                }
            )
            print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    backend = "NCCL" if args.device == "cuda" else "gloo"
    threads = "all cores' threads in one process, cores / processes threads each otherwise"
    write_markdown(
        args.name or f"distributed_{args.device}",
        f"Data-parallel training ({args.device.upper()})",
        f"""
``ganaug.distributed.fit`` under ``torchrun`` ({args.procs} processes, {backend})
against one process, same global batch and steps: Adult tabular (batch 500, {args.tabular_steps} steps)
and MNIST 28x28 images (5,000 digits, batch 64, {args.image_steps} steps), default networks.
s/step: the training loop's time over its steps. CPU threads: {threads}.
Loss-curve gap: mean |difference| between the data-parallel and one-process loss curves
over the one-process curve's span (0 = the same curve).
""",
        {"Time per step and memory": table},
    )


if __name__ == "__main__":
    main()
