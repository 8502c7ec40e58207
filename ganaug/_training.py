"""The one GAN training loop (WGAN-GP, PacGAN, conditional, on one device)."""

from __future__ import annotations

import time
import warnings
from contextlib import nullcontext
from dataclasses import dataclass

import torch
from tqdm.auto import tqdm

from ganaug._conditional import ConditionSampler
from ganaug._losses import (
    conditional_loss,
    critic_loss,
    generator_loss,
    gradient_penalty,
    interpolate,
)
from ganaug.nn import Discriminator, Generator, OutputHeads


@dataclass(frozen=True)
class TrainingConfig:
    """Hyper-parameters of one training run (already validated)."""

    epochs: int
    batch_size: int
    pac: int
    embedding_dim: int
    generator_lr: float = 2e-4
    discriminator_lr: float = 2e-4
    generator_decay: float = 1e-6
    discriminator_decay: float = 1e-6
    discriminator_steps: int = 1
    precision: str = "float32"


def _fused(device: torch.device) -> dict:
    """Fused Adam (one kernel for all parameters) where this torch build has it."""
    return {"fused": True} if device.type in ("cpu", "cuda") else {}


def _autocast(device: torch.device, precision: str):
    if precision == "bfloat16":
        return torch.autocast(device_type=device.type, dtype=torch.bfloat16)
    return nullcontext()


def fit_gan(
    generator: Generator,
    discriminator: Discriminator,
    heads: OutputHeads,
    sampler: ConditionSampler,
    data: torch.Tensor,
    config: TrainingConfig,
    rng: torch.Generator,
    *,
    verbose: bool = False,
) -> list[dict]:
    """Train ``generator`` against ``discriminator`` on the encoded ``data``.

    ``data`` lives on the training device as one tensor; every batch, noise and
    condition is drawn there from ``rng``. Losses stay on the device and are
    read once per epoch.

    Returns
    -------
    history : list of dict
        One dict per epoch: ``epoch``, ``loss_d``, ``loss_g``, ``loss_cond``,
        ``seconds``.
    """
    device = data.device
    B = config.batch_size
    steps = max(data.shape[0] // B, 1)
    opt_g = torch.optim.Adam(
        generator.parameters(),
        lr=config.generator_lr,
        betas=(0.5, 0.9),
        weight_decay=config.generator_decay,
        **_fused(device),
    )
    opt_d = torch.optim.Adam(
        discriminator.parameters(),
        lr=config.discriminator_lr,
        betas=(0.5, 0.9),
        weight_decay=config.discriminator_decay,
        **_fused(device),
    )
    amp = _autocast(device, config.precision)

    def fake_rows(batch):
        noise = torch.randn(B, config.embedding_dim, generator=rng, device=device)
        raw = generator(torch.cat([noise, batch.cond], dim=1))
        return raw, heads(raw, rng)

    generator.train()
    discriminator.train()
    history: list[dict] = []
    bar = tqdm(range(config.epochs), desc="ganaug", disable=not verbose, leave=True)
    for epoch in bar:
        start = time.perf_counter()
        totals = torch.zeros(3, device=device)
        for _ in range(steps):
            # DCGAN-style: the fake batch of the last critic step is generated
            # with its graph and reused for the generator step, saving a
            # generator forward pass per step.
            for k in range(config.discriminator_steps):
                batch = sampler.sample_train(B, rng)
                last = k == config.discriminator_steps - 1
                with amp, torch.set_grad_enabled(last):
                    raw, fake = fake_rows(batch)
                with amp:
                    fake_in = torch.cat([fake, batch.cond], dim=1)
                    real_in = torch.cat([data[batch.rows], batch.cond], dim=1)
                    real_score, fake_score = discriminator(torch.cat([real_in, fake_in.detach()])).chunk(2)
                    loss_d = critic_loss(real_score, fake_score)
                    # A separate critic call: differentiating a joint call would
                    # back-propagate through the real and fake rows too.
                    mixed = interpolate(real_in, fake_in.detach(), config.pac, rng)
                    penalty = gradient_penalty(discriminator(mixed), mixed, config.pac)
                opt_d.zero_grad(set_to_none=True)
                (loss_d + penalty).float().backward()
                opt_d.step()
            with amp:
                loss_g = generator_loss(discriminator(fake_in))
                loss_c = (
                    conditional_loss(heads.condition_logits(raw), batch.column, batch.category)
                    if sampler.n_columns
                    else torch.zeros((), device=device)
                )
            opt_g.zero_grad(set_to_none=True)
            (loss_g + loss_c).float().backward()
            opt_g.step()
            totals += torch.stack([loss_d.detach(), loss_g.detach(), loss_c.detach()]).float()
        loss_d_, loss_g_, loss_c_ = (totals / steps).tolist()  # the one sync per epoch
        record = {
            "epoch": epoch + 1,
            "loss_d": loss_d_,
            "loss_g": loss_g_,
            "loss_cond": loss_c_,
            "seconds": time.perf_counter() - start,
        }
        history.append(record)
        bar.set_postfix(loss_d=f"{loss_d_:.3f}", loss_g=f"{loss_g_:.3f}", cond=f"{loss_c_:.3f}")
        if not all(map(_finite, (loss_d_, loss_g_, loss_c_))):
            warnings.warn(
                f"GAN losses became non-finite at epoch {epoch + 1} "
                f"(loss_d={loss_d_}, loss_g={loss_g_}); try a lower learning rate.",
                RuntimeWarning,
                stacklevel=2,
            )
            break
    bar.close()
    return history


def _finite(x: float) -> bool:
    return x == x and abs(x) != float("inf")
