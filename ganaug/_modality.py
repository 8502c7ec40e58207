"""Pick the modality of an input once; the estimators do not branch on it afterwards.

A modality checks and converts the input once (``check``), names the 2-D view
scikit-learn's feature bookkeeping sees (``features``), replaces a
missing-value placeholder (``mask_placeholder``), and builds the synthesizer
(``GANAugmenter``) or imputation model (``GANImputer``) that knows its data;
those follow the contracts of ``ganaug.core._contracts``. Each modality also
says which classes its fitted models are made of (``saveable``: what
``ganaug.save`` may store) and where ``class_filter="auto"`` is on
(``auto_class_filter``).

:func:`for_input` asks the registered modalities in turn (``from_input``)
and takes the first that claims ``X``; tables claim whatever is left. A new
modality is a new sibling package and one :func:`register` call.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from ganaug import image, tabular
from ganaug.core import ImputationConfig, SynthesisConfig
from ganaug.image import ImageImputation, Images, ImageSynthesizer, check_images
from ganaug.tabular import CTGANSynthesizer, Table, TabularImputation, TabularSynthesizer, check_table

#: What the ``"auto"`` training settings mean per modality. Images: a two time-scale update rule
#: (the critic learns 4x faster) and a 32-dimensional noise; with the tables' values the
#: conditional digits generator collapsed (samples spread 0.25 of the real images' spread,
#: 0.65 with these, when the image engine was built; the spread of today's defaults is in
#: benchmarks/results/images_fidelity_cpu.md).
AUTO = {
    "tabular": {"batch_size": 500, "generator_lr": 2e-4, "discriminator_lr": 2e-4, "embedding_dim": 128},
    "image": {"batch_size": 64, "generator_lr": 1e-4, "discriminator_lr": 4e-4, "embedding_dim": 32},
}


class TabularModality:
    """Tables: numpy arrays, lists of rows, DataFrames of mixed dtypes."""

    name = "tabular"
    #: ``class_filter="auto"``'s threshold for tables (measured to help downstream models).
    auto_class_filter: float | None = 0.5
    saveable: tuple[type, ...] = tabular.SAVEABLE

    @classmethod
    def from_input(cls, X: Any, params: dict) -> TabularModality:
        """Tables take every input no other modality claimed (and refuse, in ``check``, what is not one)."""
        return cls()

    def check(self, X: Any) -> Table:
        return check_table(X)

    @staticmethod
    def features(data: Table) -> Any:
        return data.original

    @staticmethod
    def mask_placeholder(data: Table, missing_values: Any) -> Table:
        """``data`` with every ``missing_values`` entry turned into NaN."""
        frame = data.frame.mask(data.frame == missing_values)
        return Table(data.original, frame, data.container)

    def synthesizer(self, config: SynthesisConfig, params: dict) -> Any:
        config = resolve_auto(config, self.name)
        if params["engine"] == "ctgan":
            return CTGANSynthesizer(config, params["categorical_features"], params["max_categories"])
        return TabularSynthesizer(
            config,
            params["categorical_features"],
            params["max_categories"],
            detect_dependencies=params["detect_dependencies"],
        )

    def imputation(self, config: ImputationConfig, params: dict) -> TabularImputation:
        return TabularImputation(
            config,
            params["categorical_features"],
            max_categories=params["max_categories"],
            add_indicator=params["add_indicator"],
            keep_empty_features=params["keep_empty_features"],
            handle_unknown=params["handle_unknown"],
            refine=params["refine"],
        )


class ImageModality:
    """Images: ``(n, H, W)``, ``(n, C, H, W)``, ``(n, H, W, C)`` or flattened rows with ``image_shape``."""

    name = "image"
    #: The class filter is off for images by default (it did not help generated digits downstream).
    auto_class_filter: float | None = None
    saveable: tuple[type, ...] = image.SAVEABLE

    def __init__(self, image_shape: Any, channels: str) -> None:
        self.image_shape = image_shape
        self.channels = channels

    @classmethod
    def from_input(cls, X: Any, params: dict) -> ImageModality | None:
        """Images when ``image_shape`` is given or ``X`` is 3-D or 4-D (or a list of 2-D / 3-D arrays)."""
        image_shape, channels = params.get("image_shape"), params.get("channels", "auto")
        if image_shape is not None:
            return cls(image_shape, channels)
        if not hasattr(X, "columns") and not hasattr(X, "toarray"):
            ndim = getattr(X, "ndim", None)
            if ndim is None and isinstance(X, list | tuple) and len(X):
                ndim = np.ndim(X[0]) + 1
            if ndim in (3, 4):
                return cls(None, channels)
        return None

    def check(self, X: Any) -> Images:
        return check_images(X, self.image_shape, self.channels)

    @staticmethod
    def features(data: Images) -> np.ndarray:
        return data.flat

    @staticmethod
    def mask_placeholder(data: Images, missing_values: Any) -> Images:
        array = data.array.astype(np.float64)
        array[array == missing_values] = np.nan
        return Images(data.original, array, data.format)

    def synthesizer(self, config: SynthesisConfig, params: dict) -> ImageSynthesizer:
        _refuse(
            params, {"engine": "ganaug", "pac": "auto", "discriminator_steps": 1, "early_stopping": False}
        )
        return ImageSynthesizer(resolve_auto(config, self.name))

    def imputation(self, config: ImputationConfig, params: dict) -> ImageImputation:
        if params["add_indicator"]:
            raise ValueError(
                "add_indicator=True is for tables: images come back as images, with no room for "
                "indicator columns. Use np.isnan(X) for the mask of missing pixels."
            )
        _refuse(params, {"early_stopping": False})
        return ImageImputation(config)


def _refuse(params: dict, supported: dict) -> None:
    """A ValueError naming the first table-only setting ``params`` changes from its image value."""
    for name, value in supported.items():
        if params[name] != value:
            raise ValueError(
                f"{name}={params[name]!r} is for tables; images take {name}={value!r}. The image models "
                "train without PacGAN groups, one critic step per generator step, and no early stopping."
            )


def resolve_auto(config: SynthesisConfig, modality: str) -> SynthesisConfig:
    """``config`` with its ``"auto"`` settings replaced by the modality's values."""
    values = {k: v for k, v in AUTO[modality].items() if getattr(config, k) == "auto"}
    return replace(config, **values)


#: The modalities :func:`for_input` asks, in order (tables last: they take what is left).
_REGISTERED: list[type] = [ImageModality, TabularModality]


def register(modality: type) -> type:
    """Add a modality, asked before those already registered; returns it (usable as a decorator).

    ``modality`` is a class with a ``from_input(X, params)`` classmethod that
    returns an instance for inputs it claims (else None), instances with
    ``name``, ``check``, ``features``, ``mask_placeholder``, ``synthesizer``
    and ``imputation``, and the class attributes ``auto_class_filter`` and
    ``saveable`` (see ``docs/design.md``, "Adding a modality").
    """
    if modality not in _REGISTERED:
        _REGISTERED.insert(0, modality)
    return modality


def for_input(X: Any, params: dict) -> Any:
    """The modality of ``X`` given the estimator's parameters: the first registered one that claims it."""
    for modality in _REGISTERED:
        picked = modality.from_input(X, params)
        if picked is not None:
            return picked
    raise TypeError(f"No modality takes input of type {type(X).__name__}.")  # pragma: no cover


def saveable() -> tuple[type, ...]:
    """Every class the registered modalities' fitted models are made of, the modalities included."""
    return tuple(cls for modality in _REGISTERED for cls in (modality, *modality.saveable))
