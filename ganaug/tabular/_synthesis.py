"""Tabular synthesis: the conditional GAN of one table, and the encoder + GAN pair GANAugmenter fits.

- :class:`TabularGAN`: residual generator, output heads and condition sampler
  (the trained model); :meth:`TabularGAN.train` wires the critic, the
  optimisers and the WGAN-GP step of ``ganaug.core``.
- :class:`TabularSynthesizer`: fits a ``TabularEncoder`` and a ``TabularGAN``
  on a checked ``Table`` and generates rows back in the table's container.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import torch

from ganaug.core import (
    GeneratorModel,
    SynthesisConfig,
    adam,
    autocast,
    draw_seed,
    run_steps,
    seeded,
    wgan_gp_step,
)
from ganaug.tabular._container import Table
from ganaug.tabular._encoder import TabularEncoder
from ganaug.tabular._heads import OutputHeads
from ganaug.tabular._layout import EncodedLayout
from ganaug.tabular._losses import conditional_loss
from ganaug.tabular._nets import Discriminator, Generator
from ganaug.tabular._sampler import ConditionSampler


def build_heads(layout: EncodedLayout) -> OutputHeads:
    """Output heads (activations, categorical spans) of an encoded layout."""
    return OutputHeads(
        layout.tanh_positions,
        *layout.softmax_index(),
        *layout.condition_index(),
        layout.linear_positions,
    )


class TabularGAN(GeneratorModel):
    """Generator, output heads and condition sampler of one fitted table.

    Use :meth:`train` to build one; :meth:`generate` draws encoded rows.
    """

    _device_attributes = ("generator", "heads")

    def __init__(
        self,
        layout: EncodedLayout,
        sampler: ConditionSampler,
        embedding_dim: int,
        generator_dim: Sequence[int],
        device: torch.device,
    ) -> None:
        self.layout = layout
        self.sampler = sampler
        self.embedding_dim = embedding_dim
        self.generator_dim = tuple(generator_dim)
        self._build(device)

    def _build(self, device: torch.device) -> None:
        self.device = device
        self.sampler = self.sampler.to(device)
        width = self.embedding_dim + self.sampler.cond_width
        self.generator = Generator(width, self.generator_dim, self.layout.width).to(device)
        self.heads = build_heads(self.layout).to(device)

    @classmethod
    def train(
        cls,
        encoded: np.ndarray,
        layout: EncodedLayout,
        class_codes: np.ndarray,
        n_classes: int,
        supervised: bool,
        config: SynthesisConfig,
        device: torch.device,
        seed: int,
    ) -> tuple[TabularGAN, list[dict]]:
        """Build and train a model on an encoded table; returns ``(model, history)``.

        ``config.batch_size`` and ``config.pac`` are used as given (already
        adapted to the table).
        """
        sampler = ConditionSampler(
            class_codes,
            n_classes,
            supervised,
            layout.condition_codes(encoded),
            layout.condition_widths,
            device,
        )
        B, pac = config.batch_size, config.pac
        with seeded(device, seed) as rng:
            model = cls(layout, sampler, config.embedding_dim, config.generator_dim, device)
            critic = Discriminator(layout.width + sampler.cond_width, config.discriminator_dim, pac).to(
                device
            )
            data = torch.as_tensor(encoded, dtype=torch.float32, device=device)
            generator, heads = model.generator, model.heads
            opt_g = adam(
                generator.parameters(), config.generator_lr, device, weight_decay=config.generator_decay
            )
            opt_d = adam(
                critic.parameters(), config.discriminator_lr, device, weight_decay=config.discriminator_decay
            )
            generator.train()
            critic.train()

            def draw() -> tuple[torch.Tensor, Any]:
                batch = sampler.sample_train(B, rng)
                return torch.cat([data[batch.rows], batch.cond], dim=1), batch

            def generate(batch: Any) -> tuple[torch.Tensor, Any]:
                noise = torch.randn(B, config.embedding_dim, generator=rng, device=device)
                raw = generator(torch.cat([noise, batch.cond], dim=1))
                fake_in = torch.cat([heads(raw, rng), batch.cond], dim=1)
                if not sampler.n_columns:
                    return fake_in, lambda: torch.zeros((), device=device)
                return fake_in, lambda: conditional_loss(
                    heads.condition_logits(raw), batch.column, batch.category
                )

            step = wgan_gp_step(
                draw=draw,
                generate=generate,
                critic=critic,
                opt_g=opt_g,
                opt_d=opt_d,
                rng=rng,
                pac=pac,
                critic_steps=config.discriminator_steps,
                amp=lambda: autocast(device, config.precision),
            )
            steps_per_epoch = max(data.shape[0] // B, 1)
            history = run_steps(
                step,
                ("loss_d", "loss_g", "loss_cond"),
                n_steps=config.epochs * steps_per_epoch,
                log_every=steps_per_epoch,
                steps_per_epoch=steps_per_epoch,
                device=device,
                verbose=config.verbose,
            )
        model.generator.eval()
        return model, history

    def generate(self, classes: np.ndarray, seed: int) -> np.ndarray:
        """Encoded rows, one per entry of ``classes`` (class codes), as float32 numpy.

        Softmax spans hold Gumbel-perturbed logits: reading each span by argmax
        (as ``TabularEncoder.inverse_transform`` does) gives exact categorical
        samples of the generator's outputs. The generator runs in eval mode
        with autograd off.
        """
        classes_t = torch.as_tensor(classes, dtype=torch.long, device=self.device)

        def step(rows: slice, rng: torch.Generator) -> torch.Tensor:
            part = classes_t[rows]
            cond = self.sampler.sample_condition(part, rng)
            noise = torch.randn(len(part), self.embedding_dim, generator=rng, device=self.device)
            return self.heads(self.generator(torch.cat([noise, cond], dim=1)), rng, hard=True)

        return self._infer(len(classes_t), seed, step, (self.layout.width,))


def adapt_batch(batch_size: int, pac: int, n_rows: int) -> tuple[int, int]:
    """Batch size and PacGAN group for a table of ``n_rows``.

    ``batch_size`` must be a multiple of ``pac``. A table smaller than the
    batch trains on batches of all its rows (rounded down to a multiple of
    ``pac``); a table smaller than ``pac`` uses groups of all its rows.
    """
    if batch_size % pac:
        raise ValueError(f"batch_size={batch_size} must be a multiple of pac={pac}.")
    pac = min(pac, n_rows)
    return min(batch_size, n_rows // pac * pac), pac


class TabularSynthesizer:
    """Encoder and conditional GAN of one table: what ``GANAugmenter`` fits on tabular input.

    Parameters
    ----------
    config : SynthesisConfig
        Training settings.
    categorical_features : "auto", None, array-like or bool mask
        Passed to :class:`TabularEncoder`.

    Attributes (after :meth:`fit`)
    ------------------------------
    encoder : TabularEncoder
    model : TabularGAN
    history : list of dict
    batch_size, pac : int
        The batch size and PacGAN group actually used.
    """

    def __init__(self, config: SynthesisConfig, categorical_features: Any = "auto") -> None:
        self.config = config
        self.categorical_features = categorical_features

    def fit(
        self,
        table: Table,
        codes: np.ndarray | None,
        n_classes: int,
        device: torch.device,
        rng: np.random.RandomState,
    ) -> TabularSynthesizer:
        """Encode ``table`` and train the GAN, conditioned on class ``codes`` when given."""
        self.encoder = TabularEncoder(self.categorical_features, random_state=draw_seed(rng))
        self.encoder.fit(table)
        self.batch_size, self.pac = adapt_batch(self.config.batch_size, self.config.pac, len(table))
        seed = draw_seed(rng)
        encoded = self.encoder.transform(table.frame)
        supervised = codes is not None
        self.model, self.history = TabularGAN.train(
            encoded,
            self.encoder.layout_,
            codes if supervised else np.zeros(len(table), dtype=np.int64),
            n_classes if supervised else 1,
            supervised,
            replace(self.config, batch_size=self.batch_size, pac=self.pac),
            device,
            seed,
        )
        return self

    @property
    def device(self) -> torch.device:
        return self.model.device

    def generate(self, codes: np.ndarray, seed: int) -> Any:
        """Rows for the given class codes, in the fitted table's container."""
        return self.encoder.inverse_transform(self.model.generate(codes, seed))
