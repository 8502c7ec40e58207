"""ganaug: GAN-based data augmentation for scikit-learn and imbalanced-learn pipelines."""

from ganaug._augmenter import GANAugmenter

__version__ = "0.1.0"

__all__ = ["GANAugmenter", "__version__"]
