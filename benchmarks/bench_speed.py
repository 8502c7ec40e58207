"""Speed on UCI Adult: ganaug vs ctgan in the same run, same epochs, batch 500, pac 10.

``--small`` instead times the *default* fit on small tables (the 242-row
breast-cancer task, 1,000-row subsets of Adult) and checks its conditioning:
the share of generated minority rows that a classifier trained on real rows
calls minority, beside that classifier's recall on real minority rows it never
saw (the ceiling). The pre-budget defaults (300 epochs, pac 10) run beside.

``--high-cardinality`` times a 20,000-row table with a ~4,900-level column
with ``max_categories=200`` (the default: rare levels share one slot) and with
every level its own slot (``max_categories=None``).

Each method runs in its own Python process (a plain subprocess: ctgan's
joblib workers deadlock under multiprocessing's spawn) so its peak memory is
its own. Measured:
encoder fit time, seconds per epoch, end-to-end fit time, rows sampled per
second (best of three 100,000-row calls after a warm-up), peak resident memory
(and peak CUDA memory on a GPU).

    python benchmarks/bench_speed.py --epochs 5            # CPU
    python benchmarks/bench_speed.py --epochs 300 --device cuda --ctgan-epochs 10
    python benchmarks/bench_speed.py --small --seeds 3
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import pandas as pd
from _common import ADULT_DISCRETE, load_adult, seconds_per_step, write_markdown

N_SAMPLE = 100_000


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sampling_seconds(sample) -> float:
    """Seconds to draw ``N_SAMPLE`` rows: the best of three calls after a 1,000-row warm-up call.

    (The first call of a process pays one-off costs, e.g. oneDNN building its bf16 kernels; the
    same protocol for every method.)
    """
    sample(1000)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        sample(N_SAMPLE)
        times.append(time.perf_counter() - start)
    return min(times)


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
    sample_s = _sampling_seconds(model.sample)
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
    sample_s = _sampling_seconds(model.sample)
    # history holds one record per logging interval: seconds per step, times steps per epoch
    steps = [h["step"] for h in model.history_]
    per_step = seconds_per_step(model.history_)
    steps_per_epoch = steps[-1] / model.history_[-1]["epoch"]
    per_epoch = [t * steps_per_epoch for t in per_step]
    return {
        "method": "ganaug" if precision == "float32" else f"ganaug ({precision})",
        "encoder fit (s)": encoder_s,
        "fit end to end (s)": fit_s,
        "s / epoch": float(np.median(per_epoch[1:] or per_epoch)),
        "rows sampled / s": N_SAMPLE / sample_s,
        "peak RSS (MB)": _peak_rss_mb(),
        "peak CUDA (MB)": torch.cuda.max_memory_allocated() / 2**20 if device == "cuda" else float("nan"),
    }


def _breast_cancer_task(seed: int):
    """212 rows of one class and 30 of the other (the 242-row task); the judge sees all 569."""
    import numpy as np
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    rng = np.random.default_rng(seed)
    major = np.flatnonzero(y == 0)
    minor = rng.choice(np.flatnonzero(y == 1), 30, replace=False)
    train = np.concatenate([major, minor])
    return X.iloc[train], y.iloc[train], X, y, 1


def _adult_task(df: pd.DataFrame, seed: int):
    """1,000 rows of Adult (label: income), the judge trained on every other row."""
    import numpy as np

    rng = np.random.default_rng(seed)
    rows = rng.choice(len(df), 1000, replace=False)
    X, y = df.drop(columns="income"), df["income"]
    rest = np.setdiff1d(np.arange(len(df)), rows)
    return X.iloc[rows], y.iloc[rows], X.iloc[rest], y.iloc[rest], " >50K"


def run_small(df: pd.DataFrame, seeds: int) -> pd.DataFrame:
    import numpy as np
    from sklearn.model_selection import cross_val_predict

    from ganaug import GANAugmenter
    from ganaug.metrics import make_classifier

    settings = {"default": {}, "before (epochs=300, pac=10)": {"epochs": 300, "pac": 10}}
    rows = []
    for task, make in {"breast_cancer 212+30": _breast_cancer_task, "adult 1,000 rows": None}.items():
        for seed in range(seeds):
            X, y, X_judge, y_judge, minority = make(seed) if make else _adult_task(df, seed)
            judge = make_classifier(X_judge, "gbm", seed).fit(X_judge, y_judge)
            # the ceiling: how often such a judge, cross-validated, calls real minority rows minority
            cv = cross_val_predict(make_classifier(X_judge, "gbm", seed), X_judge, y_judge, cv=5)
            ceiling = float(np.mean(cv[(y_judge == minority).to_numpy()] == minority))
            for name, params in settings.items():
                aug = GANAugmenter(random_state=seed, **params)
                start = time.perf_counter()
                aug.fit_resample(X, y)
                seconds = time.perf_counter() - start
                X_new, _ = aug.sample(2000, y=minority)
                rows.append(
                    {
                        "task": task,
                        "settings": name,
                        "seed": seed,
                        "steps": aug.n_iter_,
                        "pac": aug.pac_,
                        "fit_resample (s)": seconds,
                        "generated minority read as minority": float(
                            np.mean(judge.predict(X_new) == minority)
                        ),
                        "judge recall on real minority (5-fold)": ceiling,
                    }
                )
                print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def _high_cardinality_table(rows: int = 20_000, levels: int = 4_900) -> pd.DataFrame:
    """Adult's first rows plus a 'merchant' column with about ``levels`` Zipf-distributed levels."""
    import numpy as np

    df = load_adult(None).iloc[:rows].reset_index(drop=True)
    rng = np.random.default_rng(0)
    weights = 1.0 / np.arange(1, levels + 1)
    codes = rng.choice(levels, rows, p=weights / weights.sum())
    df["merchant"] = pd.Series([f"m{c:05d}" for c in codes], dtype=object)
    return df


def run_high_cardinality(max_categories: int | None, steps: int) -> dict:
    import warnings

    import numpy as np

    from ganaug import GANAugmenter

    df = _high_cardinality_table()
    model = GANAugmenter(
        max_categories=max_categories, max_steps=steps, batch_size=500, pac=10, random_state=0
    )
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(df)
    fit_s = time.perf_counter() - start
    per_step = seconds_per_step(model.history_)
    X_new, _ = model.sample(2000)
    return {
        "max_categories": str(max_categories),
        "distinct merchants": int(df["merchant"].nunique()),
        "encoded width": int(model.encoder_.layout_.width),
        "s / epoch": float(np.median(per_step)) * len(df) / model.batch_size_,
        "fit (s)": fit_s,
        "steps": model.n_iter_,
        "peak RSS (MB)": _peak_rss_mb(),
        "warned, naming the column": any("merchant" in str(w.message) for w in caught),
        "distinct merchants in 2,000 sampled rows": int(X_new["merchant"].nunique()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--data", default=None)
    parser.add_argument("--skip-ctgan", action="store_true")
    parser.add_argument("--bf16", action="store_true", help="also time ganaug under bf16 autocast")
    parser.add_argument("--ctgan-epochs", type=int, default=None, help="ctgan's epochs (default: --epochs)")
    parser.add_argument("--small", action="store_true", help="default fits on small tables (see above)")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--high-cardinality", action="store_true", help="20,000 rows with a ~4,900-level column (see above)"
    )
    parser.add_argument(
        "--worker", choices=["ganaug", "ganaug-bf16", "ctgan", "hc-200", "hc-none"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.worker in ("hc-200", "hc-none"):
        # each setting in its own process so peak RSS is its own
        result = run_high_cardinality(200, 120) if args.worker == "hc-200" else run_high_cardinality(None, 40)
        print(json.dumps(result))
        return
    if args.high_cardinality:
        rows = []
        for worker in ["hc-200", "hc-none"]:
            done = subprocess.run(
                [sys.executable, __file__, "--worker", worker], check=True, capture_output=True, text=True
            )
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(rows[-1], flush=True)
        write_markdown(
            "speed_high_cardinality_cpu",
            "A high-cardinality column: max_categories=200 (default) vs every level its own slot",
            "The first 20,000 rows of Adult plus a 'merchant' column of about 4,900 Zipf-distributed levels "
            "(the new-user report in the safety issue), unconditional fit, batch 500, pac 10, 120 steps "
            "with the default and 40 steps (one epoch) without grouping; seconds per epoch from the "
            "step records. Each setting in its own process.",
            {"Measurements": pd.DataFrame(rows).set_index("max_categories")},
        )
        return
    df = load_adult(args.data)
    if args.small:
        from _common import mean_std

        frame = run_small(df, args.seeds)
        write_markdown(
            f"speed_small_tables_{args.device}",
            "Default fits on small tables: wall time and conditioning",
            "Default `GANAugmenter(random_state=seed).fit_resample(X, y)` (epochs='auto', pac='auto') "
            f"beside the pre-budget defaults (epochs=300, pac=10), {args.seeds} seeds, device cpu. "
            "The judge is a "
            "HistGradientBoosting trained on real rows the GAN never saw (breast cancer: all 569 rows; "
            "Adult: the other 31,561 rows); 'generated minority read as minority' is the share of 2,000 "
            "rows generated with `sample(2000, y=minority)` it calls minority; the ceiling is the same "
            "judge's 5-fold cross-validated recall on real minority rows.",
            {"Mean ± std over seeds": mean_std(frame, ["task", "settings"])},
        )
        return
    if args.worker:
        run = {
            "ganaug": lambda: run_ganaug(df, args.epochs, args.device),
            "ganaug-bf16": lambda: run_ganaug(df, args.epochs, args.device, "bfloat16"),
            "ctgan": lambda: run_ctgan(df, args.ctgan_epochs or args.epochs, args.device),
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
        if args.ctgan_epochs:
            cmd += ["--ctgan-epochs", str(args.ctgan_epochs)]
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
        f"{args.epochs} epochs (ctgan: {args.ctgan_epochs or args.epochs}), batch 500, pac 10, generator and "
        "discriminator (256, 256), "
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
