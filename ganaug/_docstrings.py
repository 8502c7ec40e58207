"""Docstring fragments the two estimators share, filled in by :func:`substitute`.

One text per parameter or attribute that means the same in ``GANAugmenter`` and
``GANImputer`` (imbalanced-learn's ``Substitution`` does this for its samplers),
so that an edit reaches both. A docstring that uses them writes ``%(name)s`` at
the indentation of a parameter line, and holds no other ``%``.
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")

#: name -> text, its first line without indentation (the placeholder carries it).
FRAGMENTS: dict[str, str] = {
    "max_categories": """max_categories : int or None, default=200
        A categorical column with more categories keeps its
        ``max_categories - 1`` most frequent ones as their own slots and
        groups the others in one shared slot, decoded (or imputed) as one of
        them at their observed rates; a warning names the column. It keeps
        training time and memory bounded (a 4,900-level column is 4,900
        encoded columns). ``None``: no limit.""",
    "device": """device : str or torch.device, default="auto"
        ``"auto"`` picks CUDA when available, else the CPU.""",
    "compile": """compile : bool or "auto", default="auto"
        Train the networks through ``torch.compile`` (inductor: fused C++ on
        the CPU, which needs a C++ compiler; Triton kernels on CUDA). The
        first steps pay the compile time. ``"auto"`` compiles where it was
        measured to pay, which is nowhere yet: on the CPU the compiled step
        was slower than the eager one for tables, GAIN and images, before
        the compile time (``benchmarks/results/compile_cpu.md``), and on CUDA
        it has not been measured. Where compiling is unavailable, training
        runs eagerly with a :class:`~ganaug.exceptions.CompileWarning` saying
        why. A compiled fit is not bit-identical to an eager one at the same
        seed (dropout draws and the order of fused float operations differ),
        and two compiled fits agree to rounding, not bit for bit (compiled
        CPU kernels reduce in parallel). Sampling and saved models are eager
        either way. Not compiled: the critic call of the tabular gradient
        penalty (double backward) and whatever draws from a seeded generator
        (output heads, DiffAugment).""",
    "verbose": """verbose : bool or int, default=False
        Show a progress bar with the losses during training.""",
    "encoder_": """encoder_ : TabularEncoder or ImageEncoder
        Fitted encoder of the features.""",
    "modality_": """modality_ : object
        The modality picked at fit (tabular or image).""",
    "device_": """device_ : torch.device
        Device the model was trained on (the CPU after unpickling a CUDA
        model on a machine without CUDA).""",
    "n_features_in_": """n_features_in_ : int
        Number of features seen during fit.""",
    "feature_names_in_": """feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during fit, when ``X`` had string column names.""",
}


def substitute(obj: T) -> T:
    """Fill the ``%(name)s`` placeholders of ``obj.__doc__`` from :data:`FRAGMENTS`."""
    if obj.__doc__:
        obj.__doc__ = obj.__doc__ % FRAGMENTS
    return obj
