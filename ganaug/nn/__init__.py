"""Pure ``torch.nn`` modules: no numpy, no scikit-learn."""

from ganaug.nn._heads import OutputHeads
from ganaug.nn._imputation import HintDiscriminator, ImputationGenerator
from ganaug.nn._tabular import Discriminator, Generator

__all__ = ["Discriminator", "Generator", "HintDiscriminator", "ImputationGenerator", "OutputHeads"]
