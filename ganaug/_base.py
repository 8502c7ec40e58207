"""What the estimators share: GAN parameters and their constraints, settings, the fitted-state mixin."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from numbers import Integral, Real
from typing import Any

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions

from ganaug.core import ImputationConfig, SynthesisConfig

#: Constraints of the training parameters every GAN estimator takes.
GAN_PARAMETER_CONSTRAINTS: dict = {
    "categorical_features": [StrOptions({"auto"}), "array-like", None],
    "max_categories": [Interval(Integral, 2, None, closed="left"), None],
    "epochs": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
    "max_steps": [Interval(Integral, 1, None, closed="left"), None],
    "batch_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
    "pac": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
    "embedding_dim": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
    "generator_dim": ["array-like"],
    "discriminator_dim": ["array-like"],
    "generator_lr": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
    "discriminator_lr": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
    "discriminator_steps": [Interval(Integral, 1, None, closed="left")],
    "device": [str, torch.device],
    "precision": [StrOptions({"float32", "bfloat16"})],
    "compile": ["boolean", StrOptions({"auto"})],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
    "tol": [Interval(Real, 0, None, closed="left")],
    "image_shape": ["array-like", None],
    "channels": [StrOptions({"auto", "first", "last"})],
}


def check_layer_sizes(name: str, value: Any) -> tuple[int, ...]:
    """A tuple of positive ints, or a ValueError naming the parameter."""
    sizes = tuple(np.asarray(value).ravel().tolist())
    if not sizes or not all(isinstance(s, Integral) and not isinstance(s, bool) and s > 0 for s in sizes):
        raise ValueError(f"{name}={value!r} must be a non-empty sequence of positive ints.")
    return sizes


def synthesis_config(estimator: Any, rebalancing: bool = False) -> SynthesisConfig:
    """The synthesis settings of a ``GANAugmenter`` (layer sizes, batch size and PacGAN group checked).

    ``rebalancing``: the fit serves ``fit_resample`` through the class filter
    (see :attr:`SynthesisConfig.rebalancing`).
    """
    batch_size, pac = estimator.batch_size, estimator.pac
    if isinstance(batch_size, Integral) and isinstance(pac, Integral) and batch_size % pac:
        raise ValueError(f"batch_size={batch_size} must be a multiple of pac={pac}.")
    return SynthesisConfig(
        epochs=estimator.epochs,
        max_steps=estimator.max_steps,
        batch_size=estimator.batch_size,
        pac=estimator.pac,
        embedding_dim=estimator.embedding_dim,
        generator_dim=check_layer_sizes("generator_dim", estimator.generator_dim),
        discriminator_dim=check_layer_sizes("discriminator_dim", estimator.discriminator_dim),
        generator_lr=estimator.generator_lr,
        discriminator_lr=estimator.discriminator_lr,
        discriminator_steps=estimator.discriminator_steps,
        precision=estimator.precision,
        verbose=bool(estimator.verbose),
        early_stopping=estimator.early_stopping,
        validation_fraction=estimator.validation_fraction,
        n_iter_no_change=estimator.n_iter_no_change,
        tol=estimator.tol,
        rebalancing=rebalancing,
        compile=estimator.compile,
    )


def imputation_config(estimator: Any) -> ImputationConfig:
    """The imputation settings of a ``GANImputer`` (layer sizes checked)."""
    return ImputationConfig(
        epochs=estimator.epochs,
        max_steps=estimator.max_steps,
        batch_size=estimator.batch_size,
        generator_dim=(
            "auto"
            if isinstance(estimator.generator_dim, str)
            else check_layer_sizes("generator_dim", estimator.generator_dim)
        ),
        discriminator_dim=check_layer_sizes("discriminator_dim", estimator.discriminator_dim),
        hint_rate=estimator.hint_rate,
        alpha=estimator.alpha,
        drop_rate=estimator.drop_rate,
        lr=estimator.learning_rate,
        precision=estimator.precision,
        verbose=bool(estimator.verbose),
        early_stopping=estimator.early_stopping,
        validation_fraction=estimator.validation_fraction,
        n_iter_no_change=estimator.n_iter_no_change,
        tol=estimator.tol,
        compile=estimator.compile,
    )


class FittedModelMixin:
    """What a fit leaves behind: all of it or nothing, and pickles that follow their device.

    :meth:`_all_or_nothing` wraps a fit: if it fails or is interrupted
    (``KeyboardInterrupt``), every fitted attribute is removed, so the
    estimator is unfitted rather than half refitted (new ``classes_`` beside
    an old model); an out-of-memory error comes back naming the settings
    that size memory. The model pickles itself as CPU state and comes back on
    its training device, or on the CPU with a warning
    (``ganaug.core.GeneratorModel``); ``device_`` follows it, so a
    CUDA-fitted estimator unpickled on a CPU-only machine says where it now
    runs.
    """

    @contextmanager
    def _all_or_nothing(self) -> Iterator[None]:
        try:
            yield
        except BaseException as exc:
            for name in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
                delattr(self, name)
            if _out_of_memory(exc):
                raise MemoryError(
                    f"Out of memory while fitting {type(self).__name__} (batch_size={self.batch_size!r}, "
                    f"device={self.device!r}): lower batch_size, or for tables lower max_categories (each "
                    "category is one encoded column), or train on the CPU."
                ) from exc
            raise

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        for name, parameter in inspect.signature(type(self).__init__).parameters.items():
            if name != "self" and name not in self.__dict__:  # added after this estimator was saved
                setattr(self, name, parameter.default)
        device = getattr(state.get("model_"), "device", None)
        if device is not None:
            self.device_ = device


def _out_of_memory(exc: BaseException) -> bool:
    """CUDA's ``OutOfMemoryError`` or an allocator failure on the CPU."""
    if isinstance(exc, torch.OutOfMemoryError):
        return True
    return isinstance(exc, RuntimeError) and "can't allocate memory" in str(exc)
