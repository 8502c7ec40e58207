"""Warning classes of ganaug, so that each kind can be filtered on its own.

Every class also subclasses the builtin warning ganaug raised before it had
classes of its own (``RuntimeWarning`` or ``UserWarning``), so existing
filters keep working, and :class:`GanaugWarning`, so that one filter catches
them all::

    import warnings
    from ganaug.exceptions import GanaugWarning, HighCardinalityWarning

    warnings.simplefilter("ignore", HighCardinalityWarning)  # one kind
    warnings.simplefilter("error", GanaugWarning)  # every ganaug warning

This module imports nothing heavy (no torch), as scikit-learn's
``sklearn.exceptions`` does not.
"""

from __future__ import annotations

__all__ = [
    "ClassFilterWarning",
    "CompileWarning",
    "DataWarning",
    "DeviceWarning",
    "DivergenceWarning",
    "GanaugWarning",
    "HighCardinalityWarning",
    "ModeCollapseWarning",
]


class GanaugWarning(Warning):
    """Base class of every warning ganaug raises."""


class DivergenceWarning(GanaugWarning, RuntimeWarning):
    """Training losses became non-finite; training stopped and the last finite weights were put back."""


class ModeCollapseWarning(GanaugWarning, RuntimeWarning):
    """Generated samples of a class vary much less than the real ones (the generator may have collapsed)."""


class DeviceWarning(GanaugWarning, RuntimeWarning):
    """A model goes to another device than the one it was trained on (CUDA missing: the CPU)."""


class CompileWarning(GanaugWarning, RuntimeWarning):
    """``compile=True`` was asked for, but ``torch.compile`` is unavailable here: training runs eagerly."""


class HighCardinalityWarning(GanaugWarning, UserWarning):
    """A categorical column has more categories than ``max_categories``: the rarest share one slot."""


class DataWarning(GanaugWarning, UserWarning):
    """Something in the data is handled in a way the user may not expect (stray strings, empty features)."""


class ClassFilterWarning(GanaugWarning, UserWarning):
    """The class filter accepted so few draws of a class that some returned samples scored below it."""
