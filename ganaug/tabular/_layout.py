"""EncodedLayout: the declarative description of an encoded row.

One object, built once at fit, holds every offset. The generator's output
heads, the conditional loss and the training-by-sampling all read their index
arrays from here, so nothing is kept in sync by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np


@dataclass(frozen=True)
class Span:
    """A contiguous block of encoded columns with one activation.

    Attributes
    ----------
    start : int
        First encoded column of the span.
    width : int
        Number of encoded columns.
    activation : {"tanh", "linear", "softmax"}
        ``tanh`` for a scalar in (-1, 1), ``linear`` for an unbounded scalar,
        ``softmax`` for a one-hot block.
    column : int
        Index of the source column the span encodes.
    """

    start: int
    width: int
    activation: Literal["tanh", "linear", "softmax"]
    column: int

    @property
    def stop(self) -> int:
        return self.start + self.width


def padded_index(spans: list[Span]) -> tuple[np.ndarray, np.ndarray]:
    """(n_spans, max_width) positions and validity mask; padding points at 0."""
    width = max((s.width for s in spans), default=0)
    index = np.zeros((len(spans), width), dtype=np.int64)
    mask = np.zeros((len(spans), width), dtype=bool)
    for i, s in enumerate(spans):
        index[i, : s.width] = np.arange(s.start, s.stop)
        mask[i, : s.width] = True
    return index, mask


@dataclass(frozen=True)
class EncodedLayout:
    """Spans of an encoded table, in order, plus the conditioning spans.

    Parameters
    ----------
    spans : tuple of Span
        Every span, contiguous and in order.
    condition_spans : tuple of int
        Positions in ``spans`` of the categorical spans a conditional vector
        can select (one per categorical source column).

    Examples
    --------
    >>> layout = EncodedLayout((Span(0, 1, "tanh", 0), Span(1, 3, "softmax", 0)), (1,))
    >>> layout.width
    4
    >>> layout.condition_widths
    [3]
    """

    spans: tuple[Span, ...]
    condition_spans: tuple[int, ...] = field(default=())

    def __post_init__(self) -> None:
        position = 0
        for s in self.spans:
            if s.start != position or s.width < 1:
                raise ValueError(f"spans must be contiguous and non-empty; got {s} at {position}")
            position = s.stop

    @property
    def width(self) -> int:
        return self.spans[-1].stop if self.spans else 0

    @property
    def position_columns(self) -> np.ndarray:
        """Source column of every encoded position, shape (width,)."""
        if not self.spans:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([np.full(s.width, s.column, dtype=np.int64) for s in self.spans])

    @property
    def softmax_spans(self) -> list[Span]:
        return [s for s in self.spans if s.activation == "softmax"]

    def softmax_index(self) -> tuple[np.ndarray, np.ndarray]:
        """Padded positions of every softmax span, shape (n_softmax, max_width)."""
        return padded_index(self.softmax_spans)

    @property
    def condition_widths(self) -> list[int]:
        return [self.spans[i].width for i in self.condition_spans]

    def condition_codes(self, Z: np.ndarray) -> np.ndarray:
        """Category of every row in each conditioning span, shape (n, n_cond)."""
        return argmax_spans(Z, [self.spans[i] for i in self.condition_spans])


def argmax_spans(Z: np.ndarray, spans: list[Span]) -> np.ndarray:
    """Argmax inside each span, all spans at once: shape (n, len(spans))."""
    out = np.empty((Z.shape[0], len(spans)), dtype=np.int64)
    for i, s in enumerate(spans):  # a slice per span: no padded copy of the matrix
        out[:, i] = Z[:, s.start : s.stop].argmax(axis=1)
    return out
