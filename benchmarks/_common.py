"""Helpers shared by the benchmark scripts: data location, tables, provenance."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT / ".." / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"


def load_adult(path: str | None = None) -> pd.DataFrame:
    """UCI Adult from ../shared/data (or ``path``); exits cleanly when absent."""
    file = Path(path) if path else SHARED_DATA / "adult.csv"
    if not file.exists():
        print(f"skipped: {file} not found (benchmarks need ../shared/data/adult.csv)")
        sys.exit(0)
    return pd.read_csv(file)


ADULT_DISCRETE = [
    "workclass",
    "education",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "native-country",
    "income",
]


@contextmanager
def worktree(rev: str) -> Iterator[Path]:
    """A temporary git worktree of this repository at revision ``rev`` (removed on exit)."""
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "tree"
        add = ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree), rev]
        subprocess.run(add, check=True)
        try:
            yield tree
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)


def machine() -> str:
    import torch

    cpu = f"{os.cpu_count()} CPU cores"
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{python}, torch {torch.__version__}, {cpu}, {gpu}"


def write_markdown(name: str, title: str, intro: str, tables: dict[str, pd.DataFrame]) -> Path:
    """Write ``benchmarks/results/<name>.md`` with provenance and the tables."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# {title}",
        "",
        intro.strip(),
        "",
        f"- machine: {machine()}",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- command: `python {' '.join(sys.argv)}`",
        "",
    ]
    for heading, table in tables.items():
        lines += [f"## {heading}", "", table.to_markdown(floatfmt=".4g"), ""]
    out = RESULTS / f"{name}.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))
    print(f"wrote {out}")
    return out


def mean_std(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Mean ± std over seeds, formatted."""
    numeric = frame.drop(columns=[c for c in ("seed",) if c in frame]).groupby(by)
    mean, std = numeric.mean(), numeric.std().fillna(0.0)
    return mean.map(lambda v: f"{v:.4g}").astype(str) + " ± " + std.map(lambda v: f"{v:.2g}").astype(str)


def seeds(n: int) -> list[int]:
    return list(np.arange(n))


def seconds_per_step(history: list[dict]) -> list[float]:
    """Seconds per generator step in each logging interval of a ``history_``."""
    steps = [h["step"] for h in history]
    return [h["seconds"] / (b - a) for h, a, b in zip(history, [0, *steps[:-1]], steps, strict=True)]
