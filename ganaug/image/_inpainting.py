"""Image inpainting: GAIN in convolutional form, and what GANImputer fits on image input.

Missing pixels are NaN. The generator (a small U-Net) sees each image with
noise where it sees nothing plus the seen mask, and fills every pixel; the
discriminator sees the completed image and a hint and guesses, pixel by
pixel, which ones the generator saw (``ganaug.core.gain_step``). Each step
hides further pixels of the (complete or incomplete) training images: half
the images lose random pixels, the other half a random square block, so the
model learns both scattered holes and large gaps. The generator is also
graded on the squared error at the hidden pixels it filled. Observed pixels
are never changed: the output takes them from the input, bit for bit.
"""

from __future__ import annotations

import numpy as np
import torch

from ganaug.core import (
    GeneratorModel,
    ImputationConfig,
    Seeds,
    autocast,
    current_parallel,
    gain_step,
    resolve_compile,
    seeded,
    train_imputation,
)
from ganaug.image._augment import box_mask
from ganaug.image._encoder import ImageEncoder, Images
from ganaug.image._losses import masked_mse
from ganaug.image._nets import InpaintGenerator, PixelDiscriminator


def hide_pixels_or_block(known: torch.Tensor, rate: float, rng: torch.Generator) -> torch.Tensor:
    """Pixels to hide: a ``rate`` share at random in half the images, a random square in the others.

    The square's side is a quarter to a half of the image's; a hidden pixel
    hides all its channels.
    """
    n, _, h, w = known.shape
    device = known.device
    scattered = torch.rand(n, 1, h, w, generator=rng, device=device) < rate
    side = torch.randint(max(h // 4, 1), max(h // 2, 1) + 1, (n, 1, 1), generator=rng, device=device)
    top = (torch.rand(n, 1, 1, generator=rng, device=device) * (h - side + 1)).long()
    left = (torch.rand(n, 1, 1, generator=rng, device=device) * (w - side + 1)).long()
    block = box_mask(h, w, top, left, side, side).unsqueeze(1)
    use_block = torch.rand(n, 1, 1, 1, generator=rng, device=device) < 0.5
    return torch.where(use_block, block, scattered).expand_as(known)


def _squash(raw: torch.Tensor) -> torch.Tensor:
    """1.25 tanh: pixel targets of +-1 sit where the slope is still 0.45, not at the asymptotes."""
    return 1.25 * torch.tanh(raw)


def _to_range(raw: torch.Tensor) -> torch.Tensor:
    """The generator's output as pixels: squashed, then clipped to [-1, 1]."""
    return _squash(raw).clamp(-1.0, 1.0)


#: Dilations of the generator's bottleneck (see :class:`InpaintGenerator`). Measured on 1,000 MNIST
#: digits with 20% of pixels and a 10x10 block missing, 1,000 training steps: RMSE 49.2 / 70.8
#: (all missing / blocks) against 65.0 / 96.7 without them, at 1.15-1.3x the step time. With the
#: averaged output below, the default 3,000 steps: 44.0 / 64.0, against 49.7 / 73.2 before both and
#: IterativeImputer's 50.0 / 71.6 (``bench_images.py --parts inpaint``).
BOTTLENECK_DILATIONS = (2, 4)

#: Completions averaged into the deterministic best guess (``sample_posterior=False``). Measured on the
#: same digits (dilated network, 1,000 steps): RMSE 49.2 / 70.8 (all missing / blocks) with the
#: noise-free input, 47.6 / 68.0 with the mean of 8 draws.
POSTERIOR_DRAWS = 8


class InpaintingGAN(GeneratorModel):
    """The trained inpainting generator of one image format."""

    #: Bottleneck dilations of the generator; models saved before they existed had none.
    dilations: tuple[int, ...] = ()

    def __init__(self, channels: int, device: torch.device) -> None:
        self.channels = channels
        self.dilations = BOTTLENECK_DILATIONS
        self._build(device)

    def _build(self, device: torch.device) -> None:
        self.device = device
        # channels-last, as the image GAN (oneDNN's and cuDNN's fast layout)
        self.generator = InpaintGenerator(self.channels, dilations=self.dilations).to(
            device, memory_format=torch.channels_last
        )

    @classmethod
    def train(
        cls,
        data: np.ndarray,
        observed: np.ndarray,
        config: ImputationConfig,
        device: torch.device,
        seed: int,
    ) -> tuple[InpaintingGAN, list[dict]]:
        """Train on encoded images ``(n, C, S, S)`` (0 where unknown) and their observed mask."""
        n, channels = data.shape[:2]
        B = min(config.batch_size, n)
        parallel = current_parallel()
        data, observed = parallel.shard(data, observed)
        with seeded(device, seed) as rng:
            model = cls(channels, device)
            model.precision = config.precision
            critic = PixelDiscriminator(channels).to(device, memory_format=torch.channels_last)
            parallel.start(model.generator, critic)
            x = torch.as_tensor(np.nan_to_num(data), device=device)
            seen = torch.as_tensor(observed, device=device)
            step = gain_step(
                data=x,
                observed=seen,
                generator=model.generator,
                discriminator=critic,
                lr=config.lr,
                rng=rng,
                batch_size=parallel.local_batch(B),
                hint_rate=config.hint_rate,
                alpha=config.alpha,
                hide=lambda known: hide_pixels_or_block(known, config.drop_rate, rng),
                expand=lambda seen_f: seen_f,
                activate=_to_range,
                reconstruction=lambda raw, x, known: masked_mse(_squash(raw), x, known),
                amp=lambda: autocast(device, config.precision),
                compile=resolve_compile(config.compile, device),
            )
            history = train_imputation(
                step,
                n_rows=n,
                batch_size=B,
                epochs=config.epochs,
                max_steps=config.max_steps,
                device=device,
                verbose=config.verbose,
                generator=model.generator,
            )
            parallel.finish(model.generator)
        model.generator.eval()
        return model, history

    def impute(self, data: np.ndarray, observed: np.ndarray, seed: int, sample: bool) -> np.ndarray:
        """Completed images in [-1, 1]: the generator's value at every pixel (the caller keeps observed ones).

        ``sample=True``: one draw of the completions (input noise where
        unseen, as in training). ``sample=False``: the deterministic best
        guess, the mean of the completions under :data:`POSTERIOR_DRAWS`
        noise images drawn from ``seed`` and shared by every image (an
        estimate of the posterior mean, which minimises the squared error;
        shared, so that an image's completion depends on that image alone,
        not on its position in the call). The noise-free input it replaced
        was never seen in training and filled large holes worse.
        """
        x_all = np.nan_to_num(data)
        patterns = None
        if not sample:
            shared = torch.Generator(device=self.device).manual_seed(seed)
            patterns = torch.randn((POSTERIOR_DRAWS, *data.shape[1:]), generator=shared, device=self.device)

        def step(rows: slice, rng: torch.Generator) -> torch.Tensor:
            x = torch.as_tensor(x_all[rows], device=self.device)
            seen = torch.as_tensor(observed[rows], device=self.device).float()
            if patterns is None:
                noises = [torch.randn(x.shape, generator=rng, device=self.device)]
            else:
                noises = patterns
            total = torch.zeros(x.shape, device=self.device)
            for noise in noises:
                raw = self.generator(torch.cat([seen * x + (1 - seen) * noise, seen], dim=1))
                total += _to_range(raw).float()
            return total / len(noises)

        return self._infer(len(data), seed, step, data.shape[1:], chunk=1024)


class ImageImputation:
    """What ``GANImputer`` fits on images: the encoder and the inpainting GAN.

    ``add_indicator`` is refused for images (they come back as images, with
    no room for indicator columns; ``np.isnan(X)`` is the mask), and
    ``keep_empty_features`` does not apply: every pixel is filled from its
    neighbourhood, even one never observed at fit.
    """

    def __init__(self, config: ImputationConfig) -> None:
        self.config = config
        self.indicator = None
        self.empty_features = None

    @property
    def device(self) -> torch.device:
        return self.model.device

    def fit(self, images: Images, device: torch.device, seeds: Seeds) -> ImageImputation:
        self.encoder = ImageEncoder().fit(images)
        data = self.encoder.transform(images)
        observed = self.encoder.observed(images)
        self.model, self.history = InpaintingGAN.train(
            data, observed, self.config, device, seeds.seed("training")
        )
        self.empty_features = np.zeros(images.format.n_features, dtype=bool)
        return self

    def transform(self, images: Images, seed: int, sample: bool) -> np.ndarray:
        """The images with their NaN pixels filled; observed pixels are the input's, unchanged."""
        data = self.encoder.transform(images)
        observed = self.encoder.observed(images)
        filled = self.encoder.decode(self.model.impute(data, observed, seed, sample))
        original = images.array
        out = (
            np.where(np.isnan(original), filled, original) if original.dtype.kind == "f" else original.copy()
        )
        index = getattr(images.original, "index", None)
        return images.format.wrap(out.astype(images.format.dtype, copy=False), index)

    def feature_names_out(self, names: np.ndarray) -> np.ndarray:
        return np.asarray(names, dtype=object)
