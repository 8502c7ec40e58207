"""Class-balanced draws on the device: a class by log-frequency, then a row of that class.

Small classes get more draws than their share of rows (``log(1 + count)``
weights, CTGAN's training-by-sampling), which is what a minority class needs
to be learned at all. Rows are grouped once per fit (``order`` sorts them by
class; ``start`` / ``count`` locate each class in it); a batch then needs no
Python loop and no host sync.
"""

from __future__ import annotations

import numpy as np
import torch


def log_frequency(counts: np.ndarray) -> np.ndarray:
    """Draw probabilities proportional to ``log(1 + count)``."""
    weights = np.log1p(np.asarray(counts, dtype=np.float64))
    return weights / weights.sum()


def class_groups(codes: np.ndarray, n_classes: int) -> dict[str, np.ndarray]:
    """``order`` (rows sorted by class), ``start`` and ``count`` of each class, and its draw ``probs``."""
    counts = np.bincount(codes, minlength=n_classes)
    return {
        "order": np.argsort(codes, kind="stable"),
        "start": np.cumsum(counts) - counts,
        "count": counts,
        "probs": log_frequency(counts),
    }


def rows_of_classes(
    order: torch.Tensor, start: torch.Tensor, count: torch.Tensor, classes: torch.Tensor, u: torch.Tensor
) -> torch.Tensor:
    """A row of each class in ``classes``, picked by uniforms ``u`` in [0, 1)."""
    n = count[classes]
    return order[start[classes] + (u * n).long().clamp_max(n - 1)]
