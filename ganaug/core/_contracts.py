"""What the estimators ask of a modality's models: the contracts, written down and checkable.

A modality checks the input once into :class:`CheckedData`. ``GANAugmenter``
trains a :class:`Synthesizer` on it; with the class filter on it
also needs an :class:`EncodedSynthesizer` (rows drawn in the encoded space,
scored, then decoded), which the filter wraps: ``FilteredSynthesizer``
(``ganaug._class_filter``) takes one and is one, so a fit goes down into the
models once. ``GANImputer`` fits an :class:`ImputationModel`. The
tabular, image and ctgan implementations conform; a test checks each one
(``tests/test_contracts.py``), and ``docs/design.md`` says how to add a
modality. The protocols are ``runtime_checkable``: ``isinstance`` checks
that every member is there (not its signature).

Nothing here imports a modality: ``core/`` stays modality-agnostic.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np
import torch

from ganaug.core._seeding import Seeds


@runtime_checkable
class CheckedData(Protocol):
    """Input checked and converted once by a modality (``modality.check(X)``): what the models take.

    It remembers the caller's object and container, so that new samples come
    back in it.
    """

    #: The caller's object, as given.
    original: Any

    def __len__(self) -> int:
        """Number of samples."""
        ...

    def join(self, *parts: Any) -> Any:
        """The original samples, unchanged and first, then those of each part, in the caller's container."""
        ...

    def take(self, rows: np.ndarray) -> Any:
        """Copies of original samples ``rows``, in the container :meth:`join` takes."""
        ...


@runtime_checkable
class Synthesizer(Protocol):
    """A generative model of one modality's samples, conditioned on class codes.

    Built by the modality from the estimator's settings, then :meth:`fit`;
    afterwards the attributes below describe the fit.
    """

    #: The fitted encoder (the estimator exposes it as ``encoder_``).
    encoder: Any
    #: One dict per logging interval (``history_``).
    history: list[dict]
    #: Batch size and PacGAN group actually used (``batch_size_``, ``pac_``).
    batch_size: int
    pac: int
    #: Generator steps trained (``n_iter_``).
    n_steps: int
    #: Device the model lives on.
    device: torch.device

    def fit(
        self, data: Any, codes: np.ndarray | None, n_classes: int, device: torch.device, seeds: Seeds
    ) -> Synthesizer:
        """Train on checked ``data``, conditioned on class ``codes`` (0..n_classes-1) or unconditioned.

        Every random draw of the fit comes from a stream of ``seeds`` named by its purpose.
        """
        ...

    def generate(self, codes: np.ndarray, seed: int) -> Any:
        """One sample per class code, in the fitted container and format, drawn from ``seed``."""
        ...


@runtime_checkable
class EncodedSynthesizer(Synthesizer, Protocol):
    """A :class:`Synthesizer` whose samples can be drawn encoded, scored, and decoded later.

    This is what the class filter needs (``ganaug._class_filter``): the
    ctgan engine does not provide it, so the filter is refused there.
    """

    #: Which columns of :meth:`features` hold category codes (None: all numbers).
    filter_categorical: np.ndarray | None

    def features(self, data: Any) -> np.ndarray:
        """Checked real ``data`` as the filter's classifier reads it, one row per sample."""
        ...

    def generate_encoded(self, codes: np.ndarray, seed: int) -> np.ndarray:
        """Samples for the class codes, encoded, one row each."""
        ...

    def round_trip(self, encoded: np.ndarray, seed: int) -> np.ndarray:
        """Encoded samples decoded and read back as :meth:`features` reads real data."""
        ...

    def decode(self, encoded: np.ndarray, seed: int) -> Any:
        """Encoded samples in the fitted container and format."""
        ...


@runtime_checkable
class ImputationModel(Protocol):
    """What ``GANImputer`` fits: learns from the observed entries, then fills the missing ones."""

    #: The fitted encoder (``encoder_``).
    encoder: Any
    #: One dict per logging interval (``history_``).
    history: list[dict]
    #: Fitted ``MissingIndicator`` or None (``indicator_``).
    indicator: Any
    #: Features with no observed value at fit (``empty_features_``).
    empty_features: np.ndarray
    #: Device the model lives on.
    device: torch.device

    def fit(self, data: Any, device: torch.device, seeds: Seeds) -> ImputationModel:
        """Train on checked ``data`` (missing entries as NaN), drawing from the streams of ``seeds``."""
        ...

    def transform(self, data: Any, seed: int, sample: bool) -> Any:
        """``data`` with its missing entries filled, observed ones unchanged, in the input's container."""
        ...

    def feature_names_out(self, names: np.ndarray) -> np.ndarray:
        """Output feature names given the input names."""
        ...
