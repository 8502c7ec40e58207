"""Tables: encoder, layout, training-by-sampling, CTGAN-style and GAIN networks, engine="ctgan".

Builds on ``ganaug.core``; never imports ``ganaug.image``.
"""

from ganaug.tabular._conditions import plan_conditions, sample_planned
from ganaug.tabular._container import Container, Table, check_table
from ganaug.tabular._ctgan import CTGANSynthesizer
from ganaug.tabular._dependencies import Dependency
from ganaug.tabular._encoder import TabularEncoder, _CategoricalColumn, _ContinuousColumn
from ganaug.tabular._imputation import ImputationGAN, TabularImputation
from ganaug.tabular._layout import EncodedLayout, Span
from ganaug.tabular._mixture import ColumnMixtures
from ganaug.tabular._refinement import ForestArrays, TreeRefinement
from ganaug.tabular._sampler import ConditionSampler
from ganaug.tabular._synthesis import TabularGAN, TabularSynthesizer

#: The classes a fitted tabular model is made of: what ``ganaug.save`` may store and ``ganaug.load``
#: may build. ``CTGANSynthesizer`` is not among them (ctgan's objects only unpickle).
SAVEABLE: tuple[type, ...] = (
    TabularSynthesizer,
    TabularGAN,
    TabularImputation,
    ImputationGAN,
    TreeRefinement,
    ForestArrays,
    TabularEncoder,
    Dependency,
    _ContinuousColumn,
    _CategoricalColumn,
    EncodedLayout,
    Span,
    ColumnMixtures,
    Container,
    ConditionSampler,
)

__all__ = [
    "SAVEABLE",
    "CTGANSynthesizer",
    "Container",
    "Dependency",
    "EncodedLayout",
    "ImputationGAN",
    "Span",
    "Table",
    "TabularEncoder",
    "TabularGAN",
    "TabularImputation",
    "TabularSynthesizer",
    "TreeRefinement",
    "check_table",
    "plan_conditions",
    "sample_planned",
]
