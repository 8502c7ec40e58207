"""Speed on UCI Adult: ganaug vs ctgan in the same run, same epochs, batch 500, pac 10.

Each method runs in its own Python process (a plain subprocess: ctgan's
joblib workers deadlock under multiprocessing's spawn) so its peak memory is
its own. Measured:
encoder fit time, seconds per epoch, end-to-end fit time, rows sampled per
second, peak resident memory (and peak CUDA memory on a GPU).

    python benchmarks/bench_speed.py --epochs 5            # CPU
    python benchmarks/bench_speed.py --epochs 300 --device cuda
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import pandas as pd
from _common import ADULT_DISCRETE, load_adult, write_markdown

N_SAMPLE = 100_000


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_ctgan(df: pd.DataFrame, epochs: int, device: str) -> dict:
    import torch
    from ctgan import CTGAN
    from ctgan.data_transformer import DataTransformer

    start = time.perf_counter()
    DataTransformer().fit(df, ADULT_DISCRETE)
    encoder_s = time.perf_counter() - start
    model = CTGAN(epochs=epochs, batch_size=500, pac=10, enable_gpu=device == "cuda")
    model.set_random_state(0)
    start = time.perf_counter()
    model.fit(df, ADULT_DISCRETE)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    model.sample(N_SAMPLE)
    sample_s = time.perf_counter() - start
    return {
        "method": "ctgan",
        "encoder fit (s)": encoder_s,
        "fit end to end (s)": fit_s,
        # ctgan's fit refits its encoder; the rest is training
        "s / epoch": (fit_s - encoder_s) / epochs,
        "rows sampled / s": N_SAMPLE / sample_s,
        "peak RSS (MB)": _peak_rss_mb(),
        "peak CUDA (MB)": torch.cuda.max_memory_allocated() / 2**20 if device == "cuda" else float("nan"),
    }


def run_ganaug(df: pd.DataFrame, epochs: int, device: str, precision: str = "float32") -> dict:
    import numpy as np
    import torch

    from ganaug import GANAugmenter
    from ganaug.tabular import TabularEncoder

    start = time.perf_counter()
    TabularEncoder(random_state=0).fit(df)
    encoder_s = time.perf_counter() - start
    model = GANAugmenter(
        epochs=epochs, batch_size=500, pac=10, device=device, precision=precision, random_state=0
    )
    start = time.perf_counter()
    model.fit(df)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    model.sample(N_SAMPLE)
    sample_s = time.perf_counter() - start
    per_epoch = [h["seconds"] for h in model.history_]
    return {
        "method": "ganaug" if precision == "float32" else f"ganaug ({precision})",
        "encoder fit (s)": encoder_s,
        "fit end to end (s)": fit_s,
        "s / epoch": float(np.median(per_epoch[1:] or per_epoch)),
        "rows sampled / s": N_SAMPLE / sample_s,
        "peak RSS (MB)": _peak_rss_mb(),
        "peak CUDA (MB)": torch.cuda.max_memory_allocated() / 2**20 if device == "cuda" else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--data", default=None)
    parser.add_argument("--skip-ctgan", action="store_true")
    parser.add_argument("--bf16", action="store_true", help="also time ganaug under bf16 autocast")
    parser.add_argument("--worker", choices=["ganaug", "ganaug-bf16", "ctgan"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    df = load_adult(args.data)
    if args.worker:
        run = {
            "ganaug": lambda: run_ganaug(df, args.epochs, args.device),
            "ganaug-bf16": lambda: run_ganaug(df, args.epochs, args.device, "bfloat16"),
            "ctgan": lambda: run_ctgan(df, args.epochs, args.device),
        }[args.worker]
        print(json.dumps(run()))
        return
    rows = []
    workers = ["ganaug"] + (["ganaug-bf16"] if args.bf16 else []) + ([] if args.skip_ctgan else ["ctgan"])
    for worker in workers:
        cmd = [
            sys.executable,
            __file__,
            "--worker",
            worker,
            "--epochs",
            str(args.epochs),
            "--device",
            args.device,
        ]
        if args.data:
            cmd += ["--data", args.data]
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(rows[-1], flush=True)
    table = pd.DataFrame(rows).set_index("method")
    if "ctgan" in table.index:
        ref = table.loc["ctgan"]
        speedup = pd.DataFrame(
            {
                "encoder fit": ref["encoder fit (s)"] / table["encoder fit (s)"],
                "per epoch": ref["s / epoch"] / table["s / epoch"],
                "end to end": ref["fit end to end (s)"] / table["fit end to end (s)"],
                "sampling": table["rows sampled / s"] / ref["rows sampled / s"],
            }
        )
    else:
        speedup = pd.DataFrame()
    intro = (
        f"UCI Adult, all {len(df):,} rows and 15 columns (9 discrete), unconditional fit, "
        f"{args.epochs} epochs, batch 500, pac 10, generator and discriminator (256, 256), "
        f"device {args.device}. Each method runs in its own process; both in this same run."
    )
    write_markdown(
        f"speed_adult_{args.device}",
        "Speed: ganaug vs ctgan on Adult",
        intro,
        {"Measurements": table, "Speed-up over ctgan (times)": speedup},
    )


if __name__ == "__main__":
    main()
