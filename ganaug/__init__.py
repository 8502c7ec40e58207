"""ganaug: GAN-based data augmentation and imputation for scikit-learn pipelines."""

from ganaug._augmenter import GANAugmenter
from ganaug._imputer import GANImputer
from ganaug.io import load, save

__version__ = "0.1.0"

__all__ = ["GANAugmenter", "GANImputer", "__version__", "load", "save"]
