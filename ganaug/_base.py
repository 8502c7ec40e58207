"""What the estimators share: GAN parameters, their constraints, and input checks."""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.utils._param_validation import Interval, StrOptions

from ganaug._training import TrainingConfig

#: Constraints of the training parameters every GAN estimator takes.
GAN_PARAMETER_CONSTRAINTS: dict = {
    "categorical_features": [StrOptions({"auto"}), "array-like", None],
    "epochs": [Interval(Integral, 1, None, closed="left")],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "pac": [Interval(Integral, 1, None, closed="left")],
    "embedding_dim": [Interval(Integral, 1, None, closed="left")],
    "generator_dim": ["array-like"],
    "discriminator_dim": ["array-like"],
    "generator_lr": [Interval(Real, 0, None, closed="neither")],
    "discriminator_lr": [Interval(Real, 0, None, closed="neither")],
    "discriminator_steps": [Interval(Integral, 1, None, closed="left")],
    "device": [str, torch.device],
    "precision": [StrOptions({"float32", "bfloat16"})],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
}


def check_layer_sizes(name: str, value: Any) -> tuple[int, ...]:
    """A tuple of positive ints, or a ValueError naming the parameter."""
    sizes = tuple(np.asarray(value).ravel().tolist())
    if not sizes or not all(isinstance(s, Integral) and not isinstance(s, bool) and s > 0 for s in sizes):
        raise ValueError(f"{name}={value!r} must be a non-empty sequence of positive ints.")
    return sizes


def training_config(estimator: Any, n_rows: int) -> TrainingConfig:
    """The estimator's training parameters, with the batch adapted to the table.

    ``batch_size`` must be a multiple of ``pac``. A table smaller than the
    batch trains on batches of all its rows (rounded down to a multiple of
    ``pac``); a table smaller than ``pac`` uses groups of all its rows.
    """
    if estimator.batch_size % estimator.pac:
        raise ValueError(f"batch_size={estimator.batch_size} must be a multiple of pac={estimator.pac}.")
    pac = min(estimator.pac, n_rows)
    batch = min(estimator.batch_size, n_rows // pac * pac)
    return TrainingConfig(
        epochs=estimator.epochs,
        batch_size=batch,
        pac=pac,
        embedding_dim=estimator.embedding_dim,
        generator_lr=estimator.generator_lr,
        discriminator_lr=estimator.discriminator_lr,
        discriminator_steps=estimator.discriminator_steps,
        precision=estimator.precision,
    )


def check_table(X: Any) -> None:
    """Reject what no encoder can take, with the reason: sparse matrices, empty tables."""
    if hasattr(X, "toarray") and not isinstance(X, pd.DataFrame):
        raise TypeError("Sparse matrices are not supported; pass a dense array or a DataFrame.")
    if not isinstance(X, pd.DataFrame):
        X = np.asarray(X)
        if X.dtype.kind == "c":
            raise ValueError("Complex data not supported.")
    shape = X.shape
    if len(shape) != 2:
        raise ValueError(
            f"Expected a 2D table of shape (n_samples, n_features), got shape {tuple(shape)}. "
            "Reshape your data with X.reshape(-1, 1) for a single feature or X.reshape(1, -1) for one row."
        )
    if shape[0] == 0:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={tuple(shape)}) while a minimum of 1 is required."
        )
    if shape[1] == 0:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={tuple(shape)}) while a minimum of 1 is required."
        )
