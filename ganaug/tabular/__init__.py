"""Tables: encoder, layout, training-by-sampling, CTGAN-style and GAIN networks, engine="ctgan".

Builds on ``ganaug.core``; never imports ``ganaug.image``.
"""

from ganaug.tabular._container import Container, Table, check_table
from ganaug.tabular._ctgan import CTGANSynthesizer
from ganaug.tabular._encoder import TabularEncoder
from ganaug.tabular._imputation import ImputationGAN, TabularImputation
from ganaug.tabular._layout import EncodedLayout, Span
from ganaug.tabular._synthesis import TabularGAN, TabularSynthesizer

__all__ = [
    "CTGANSynthesizer",
    "Container",
    "EncodedLayout",
    "ImputationGAN",
    "Span",
    "Table",
    "TabularEncoder",
    "TabularGAN",
    "TabularImputation",
    "TabularSynthesizer",
    "check_table",
]
