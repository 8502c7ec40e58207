"""Image synthesis: the conditional convolutional GAN of one image set, and what GANAugmenter fits.

- :class:`ImageGAN`: the trained generator (the moving average of its
  weights); :meth:`ImageGAN.train` wires the projection critic, DiffAugment
  and the hinge step of ``ganaug.core``.
- :class:`ImageSynthesizer`: fits an ``ImageEncoder`` and an ``ImageGAN`` on
  checked ``Images``, generates images back in their format, and checks the
  samples for mode collapse (:func:`diversity`).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import torch

from ganaug.core import (
    GeneratorModel,
    MovingAverage,
    Seeds,
    SynthesisConfig,
    adam,
    autocast,
    class_groups,
    compiled,
    current_parallel,
    diverged,
    hinge_step,
    resolve_compile,
    rows_of_classes,
    seeded,
    steps_trained,
    train,
)
from ganaug.exceptions import ModeCollapseWarning
from ganaug.image._augment import diff_augment
from ganaug.image._encoder import ImageEncoder, Images
from ganaug.image._losses import mode_seeking_loss
from ganaug.image._nets import ConvGenerator, ProjectionCritic

#: Bounds of the automatic training length, in generator steps.
AUTO_MIN_STEPS, AUTO_MAX_STEPS = 3000, 20000
#: Channels of the generator's last layer (and the critic's first); ``base * S / r`` at resolution ``r``.
BASE_WIDTH = 16
#: A class whose samples spread less than this share of its real images' spread is reported collapsed.
COLLAPSE_RATIO = 0.35


#: Weight of the mode-seeking loss. MSGAN uses 1; on digits that gave samples 1.4x as spread as
#: the real ones, read as their class 61% of the time. 0.05: 0.9x and 96-99%; on MNIST it cut
#: the Frechet distance from 459 to 115 (the generator had collapsed to a few images per class).
MODE_SEEKING = 0.05


def auto_steps(steps_per_epoch: int) -> int:
    """Training length of ``epochs="auto"`` for images: 100 epochs, within [3,000, 20,000] steps."""
    return int(np.clip(100 * steps_per_epoch, AUTO_MIN_STEPS, AUTO_MAX_STEPS))


def _mean_distance(x: np.ndarray) -> float:
    """Mean Euclidean distance between the rows of ``x`` (pairs i < j)."""
    sq = (x**2).sum(1)
    d2 = np.maximum(sq[:, None] + sq[None] - 2 * x @ x.T, 0.0)
    n = len(x)
    return float(np.sqrt(d2)[np.triu_indices(n, 1)].mean()) if n > 1 else 0.0


def diversity(real: np.ndarray, fake: np.ndarray) -> float:
    """Spread of generated images relative to real ones: mean pairwise distance ratio (1 = as varied)."""
    ref = _mean_distance(real.reshape(len(real), -1))
    return _mean_distance(fake.reshape(len(fake), -1)) / ref if ref > 0 else 1.0


class ImageGAN(GeneratorModel):
    """The trained (averaged) generator of one image set; :meth:`generate` draws encoded images."""

    def __init__(
        self, shape: tuple[int, int, int], n_classes: int, noise_dim: int, device: torch.device
    ) -> None:
        self.shape = tuple(shape)
        self.n_classes = n_classes
        self.noise_dim = noise_dim
        self._build(device)

    def _build(self, device: torch.device) -> None:
        self.device = device
        channels, size, _ = self.shape
        # channels-last on every device: cuDNN's fast layout, and oneDNN's on the CPU (2 cores, MNIST,
        # bench_images.py --parts speed: 414 -> 500 training images/s, 2,051 -> 3,089 sampled)
        self.generator = ConvGenerator(self.noise_dim, self.n_classes, channels, size, BASE_WIDTH).to(
            device, memory_format=torch.channels_last
        )

    @classmethod
    def train(
        cls,
        data: np.ndarray,
        codes: np.ndarray,
        n_classes: int,
        config: SynthesisConfig,
        batch_size: int,
        device: torch.device,
        seed: int,
    ) -> tuple[ImageGAN, list[dict]]:
        """Train on encoded images ``(n, C, S, S)`` and their class codes; returns ``(model, history)``."""
        channels, size = data.shape[1], data.shape[2]
        parallel = current_parallel()
        n_rows = len(data)
        data, codes = parallel.shard(data, codes)
        B = parallel.local_batch(batch_size)
        groups = class_groups(codes, n_classes)
        with seeded(device, seed) as rng:
            model = cls((channels, size, size), n_classes, config.embedding_dim, device)
            model.precision = config.precision
            generator = model.generator
            critic = ProjectionCritic(channels, n_classes, size, BASE_WIDTH).to(
                device, memory_format=torch.channels_last
            )
            parallel.start(generator, critic)
            images = torch.as_tensor(data, device=device).contiguous(memory_format=torch.channels_last)
            # classes by log-frequency, then a row of the class: small classes get more draws
            class_probs = torch.as_tensor(groups["probs"], dtype=torch.float32, device=device)
            order, start, count = (
                torch.as_tensor(groups[k], device=device) for k in ("order", "start", "count")
            )
            opt_g = adam(generator.parameters(), config.generator_lr, device, betas=(0.5, 0.999))
            opt_d = adam(critic.parameters(), config.discriminator_lr, device, betas=(0.5, 0.999))
            average = MovingAverage(generator)
            generator.train()
            critic.train()

            half = (B + 1) // 2

            def draw() -> tuple[torch.Tensor, torch.Tensor, Any]:
                # row i and row i + half ask for the same class: pairs for mode seeking
                labels = torch.multinomial(class_probs, half, replacement=True, generator=rng).repeat(2)[:B]
                rows = rows_of_classes(
                    order, start, count, labels, torch.rand(B, generator=rng, device=device)
                )
                return images[rows], labels, labels

            compile_now = resolve_compile(config.compile, device)
            forward = compiled(generator, compile_now)

            def generate(labels: torch.Tensor) -> tuple[torch.Tensor, Any]:
                noise = torch.randn(B, config.embedding_dim, generator=rng, device=device)
                fake = forward(noise, labels)
                return fake, lambda: MODE_SEEKING * mode_seeking_loss(fake, noise)

            step = hinge_step(
                draw=draw,
                generate=generate,
                critic=critic,
                opt_g=opt_g,
                opt_d=opt_d,
                augment=lambda x: diff_augment(x, rng),
                amp=lambda: autocast(device, config.precision),
                compile=compile_now,
            )
            history = train(
                step,
                ("loss_d", "loss_g", "loss_ms"),
                n_rows=n_rows,
                batch_size=batch_size,
                epochs=config.epochs,
                max_steps=config.max_steps,
                auto=auto_steps,
                device=device,
                verbose=config.verbose,
                keep=generator,
                hooks=[average],
            )
            parallel.finish(generator, average.average)
        # after a divergence the loop put back the live generator's last finite weights; the
        # average has absorbed the diverging steps, so the live generator is used instead
        model.generator = generator if diverged(history) else average.average
        model.generator.eval()
        return model, history

    def generate(self, classes: np.ndarray, seed: int) -> np.ndarray:
        """Encoded images ``(n, C, S, S)`` in [-1, 1], one per class code, as float32 numpy."""
        classes_t = torch.as_tensor(classes, dtype=torch.long, device=self.device)

        def step(rows: slice, rng: torch.Generator) -> torch.Tensor:
            part = classes_t[rows]
            noise = torch.randn(len(part), self.noise_dim, generator=rng, device=self.device)
            return self.generator(noise, part)

        return self._infer(len(classes_t), seed, step, self.shape, chunk=1024)


class ImageSynthesizer:
    """Encoder and conditional image GAN: what ``GANAugmenter`` fits on image input.

    Attributes (after :meth:`fit`)
    ------------------------------
    encoder : ImageEncoder
    model : ImageGAN
    history : list of dict
    batch_size, pac : int
        Batch size used; ``pac`` is 1 (no PacGAN for images).
    diversity : dict
        Per class code, the spread of 256 generated images relative to the
        class's real images (mean pairwise distance ratio; 1 = as varied).
    """

    def __init__(self, config: SynthesisConfig) -> None:
        self.config = config

    def fit(
        self,
        images: Images,
        codes: np.ndarray | None,
        n_classes: int,
        device: torch.device,
        seeds: Seeds,
    ) -> ImageSynthesizer:
        """Encode the images and train the GAN, conditioned on class ``codes`` when given."""
        missing = int(np.isnan(images.array).sum()) if images.array.dtype.kind == "f" else 0
        if missing:
            raise ValueError(
                f"The images have {missing} missing (NaN) pixels; GANAugmenter needs complete images. "
                "Fill them with GANImputer first, e.g. make_pipeline(GANImputer(image_shape=...), ...)."
            )
        self.encoder = ImageEncoder().fit(images)
        data = self.encoder.transform(images)
        codes = np.zeros(len(images), dtype=np.int64) if codes is None else codes
        self.batch_size, self.pac = min(self.config.batch_size, len(data)), 1
        self.model, self.history = ImageGAN.train(
            data, codes, n_classes, self.config, self.batch_size, device, seeds.seed("training")
        )
        self.diversity = self._check_diversity(data, codes, n_classes, seeds.seed("diversity check"))
        return self

    def _check_diversity(self, data: np.ndarray, codes: np.ndarray, n_classes: int, seed: int) -> dict:
        """Per-class spread of generated vs real images; warns when a class collapsed."""
        out = {}
        pick = np.random.RandomState(seed)
        for c in range(n_classes):
            real = data[codes == c]
            if len(real) < 2:
                continue
            real = real[pick.choice(len(real), min(len(real), 256), replace=False)]
            fake = self.model.generate(np.full(256, c), seed + c)
            out[c] = diversity(real, fake)
        collapsed = [c for c, r in out.items() if r < COLLAPSE_RATIO]
        if collapsed:
            warnings.warn(
                f"The generator may have collapsed for class code(s) {collapsed}: their generated images "
                f"spread less than {COLLAPSE_RATIO:.0%} as much as the real ones "
                f"(ratios {[round(out[c], 2) for c in collapsed]}). Train longer (epochs, max_steps) or "
                "check history_ for diverging losses.",
                ModeCollapseWarning,
                stacklevel=4,
            )
        return out

    @property
    def device(self) -> torch.device:
        return self.model.device

    @property
    def n_steps(self) -> int:
        return steps_trained(self.history)

    def generate(self, codes: np.ndarray, seed: int) -> np.ndarray:
        """Images for the given class codes, in the fitted format, dtype and range."""
        return self.decode(self.generate_encoded(codes, seed), seed)

    def features(self, images: Images) -> np.ndarray:
        """Images as the network sees them, one flattened row each (what a class filter is trained on)."""
        return _rows(self.encoder.transform(images))

    @property
    def filter_categorical(self) -> None:
        """Pixels are numbers: no column of :meth:`features` is categorical."""
        return None

    def generate_encoded(self, codes: np.ndarray, seed: int) -> np.ndarray:
        """Encoded images, one flattened row each, for the given class codes."""
        return _rows(self.model.generate(codes, seed))

    def decode(self, encoded: np.ndarray, seed: int) -> np.ndarray:
        """Flattened encoded images back in the fitted format, dtype and range."""
        return self.encoder.inverse_transform(encoded.reshape(len(encoded), *self.model.shape))

    def round_trip(self, encoded: np.ndarray, seed: int) -> np.ndarray:
        """Generated images decoded (to the fitted dtype and range) and encoded again, flattened."""
        array = self.encoder.decode(encoded.reshape(len(encoded), *self.model.shape))
        return self.features(Images(array, array, self.encoder.format_))


def _rows(images: np.ndarray) -> np.ndarray:
    """Images flattened to one row each (also when there are none)."""
    return images.reshape(len(images), int(np.prod(images.shape[1:])))
