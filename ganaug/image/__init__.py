"""Images: encoder (any layout, dtype, range), conditional conv GAN, DiffAugment, inpainting.

Builds on ``ganaug.core``; never imports ``ganaug.tabular``.
"""

from ganaug.image._augment import diff_augment
from ganaug.image._encoder import ImageEncoder, ImageFormat, Images, check_images
from ganaug.image._inpainting import ImageImputation, InpaintingGAN
from ganaug.image._synthesis import ImageGAN, ImageSynthesizer, diversity

#: The classes a fitted image model is made of: what ``ganaug.save`` may store and ``ganaug.load``
#: may build.
SAVEABLE: tuple[type, ...] = (
    ImageSynthesizer,
    ImageGAN,
    ImageImputation,
    InpaintingGAN,
    ImageEncoder,
    ImageFormat,
)

__all__ = [
    "SAVEABLE",
    "ImageEncoder",
    "ImageFormat",
    "ImageGAN",
    "ImageImputation",
    "ImageSynthesizer",
    "Images",
    "InpaintingGAN",
    "check_images",
    "diff_augment",
    "diversity",
]
