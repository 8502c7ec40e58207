"""One process of the data-parallel tests: ``torchrun --nproc-per-node=2 ddp_worker.py OUT [mismatch]``.

Fits each estimator on each modality through ``ganaug.distributed.fit`` and
writes, per fit and rank, the generator's weights and the history (rank 0
also writes the model with ``path=``). Run with ``python`` (no torchrun) it
makes the one-process reference of the same fits. ``mismatch``: rank 1 is
given different data, which must be refused. Not collected by pytest (no
``test_`` prefix); ``tests/test_distributed.py`` launches it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from ganaug import GANAugmenter, GANImputer
from ganaug.distributed import fit


def table(n: int = 600) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    y = (rng.random(n) < 0.3).astype(int)
    X = pd.DataFrame(
        {
            "a": rng.normal(size=n) + 2 * y,
            "b": np.where(
                y == 1, rng.choice(["x", "y", "z"], n, p=[0.7, 0.2, 0.1]), rng.choice(["x", "y"], n)
            ),
            "c": rng.integers(0, 5, n),
        }
    )
    return X, y


def images(n: int = 240) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    y = np.arange(n) % 2
    x = rng.uniform(0, 40, size=(n, 8, 8))
    x[y == 0, 2:6, 3:5] += 200  # class 0: a vertical bar, class 1: a horizontal one
    x[y == 1, 3:5, 2:6] += 200
    return np.clip(x, 0, 255).astype(np.uint8), y


def with_holes(x: np.ndarray, rate: float = 0.2) -> np.ndarray:
    rng = np.random.default_rng(2)
    x = np.asarray(x, dtype=float).copy()
    x[rng.random(x.shape) < rate] = np.nan
    return x


def fits(out: Path) -> dict:
    X, y = table()
    imgs, labels = images()
    numeric = X[["a", "c"]].to_numpy(dtype=float)
    return {
        "tabular_augmenter": (GANAugmenter(max_steps=200, batch_size=100, random_state=0), X, y),
        "image_augmenter": (GANAugmenter(max_steps=70, batch_size=32, random_state=0), imgs, labels),
        "tabular_imputer": (GANImputer(epochs=20, batch_size=100, random_state=0), with_holes(numeric), None),
        "image_imputer": (GANImputer(epochs=4, batch_size=32, random_state=0), with_holes(imgs), None),
    }


def main() -> None:
    out = Path(sys.argv[1])
    mismatch = "mismatch" in sys.argv[2:]
    rank = int(os.environ.get("RANK", "0"))
    world = int(os.environ.get("WORLD_SIZE", "1"))
    for name, (estimator, X, y) in fits(out).items():
        if mismatch:
            X = X.copy()
            if rank == 1:
                X.iloc[0, 0] += 1.0
            fit(estimator, X, y)
            return
        fit(estimator, X, y, path=out / f"{name}.ganaug" if world > 1 else None)
        generator = estimator.model_.model.generator
        torch.save(
            [p.detach().clone() for p in generator.state_dict().values()], out / f"{name}_w{world}_{rank}.pt"
        )
        (out / f"{name}_h{world}_{rank}.json").write_text(json.dumps(estimator.history_))


if __name__ == "__main__":
    main()
