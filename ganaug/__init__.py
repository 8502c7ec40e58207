"""ganaug: GAN-based data augmentation and imputation for scikit-learn pipelines.

The estimators and ``save`` / ``load`` are imported on first use, so that
``import ganaug.cli`` (``ganaug --help``) does not import torch.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["GANAugmenter", "GANImputer", "__version__", "load", "save"]

_LAZY = {
    "GANAugmenter": "ganaug._augmenter",
    "GANImputer": "ganaug._imputer",
    "save": "ganaug.io",
    "load": "ganaug.io",
}

if TYPE_CHECKING:  # pragma: no cover
    from ganaug._augmenter import GANAugmenter
    from ganaug._imputer import GANImputer
    from ganaug.io import load, save


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ganaug' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
