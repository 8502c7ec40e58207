"""Encoding layer: numpy / pandas <-> float32 matrices, reversible, no torch."""

from ganaug.encoding._layout import EncodedLayout, Span
from ganaug.encoding._tabular import TabularEncoder

__all__ = ["EncodedLayout", "Span", "TabularEncoder"]
