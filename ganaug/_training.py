"""The GAN training loops: synthesis (WGAN-GP, PacGAN, conditional) and imputation (GAIN-style).

Both run on one device with the data as one tensor, draw every batch and
random number there from one ``torch.Generator``, keep losses on the device
and read them once per epoch (:func:`_run_epochs`: progress bar, history,
non-finite warning).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
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
    observed_bce,
    reconstruction_loss,
)
from ganaug.nn import Discriminator, Generator, OutputHeads


@dataclass(frozen=True)
class TrainingConfig:
    """Hyper-parameters of one synthesis training run (already validated)."""

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


def _adam(params, lr: float, decay: float, device: torch.device, betas=(0.5, 0.9)) -> torch.optim.Adam:
    """Adam, fused (one kernel for all parameters) on CPU and CUDA."""
    fused = {"fused": True} if device.type in ("cpu", "cuda") else {}
    return torch.optim.Adam(params, lr=lr, betas=betas, weight_decay=decay, **fused)


def _autocast(device: torch.device, precision: str):
    if precision == "bfloat16":
        return torch.autocast(device_type=device.type, dtype=torch.bfloat16)
    return nullcontext()


def _run_epochs(
    step: Callable[[], torch.Tensor],
    names: Sequence[str],
    epochs: int,
    steps: int,
    device: torch.device,
    verbose: bool,
) -> list[dict]:
    """Call ``step`` ``steps`` times per epoch; it returns its losses as one tensor.

    Losses are summed on the device and read once per epoch (the only host
    sync). A tqdm bar shows them under ``verbose``; a non-finite loss stops
    training with a warning.
    """
    history: list[dict] = []
    bar = tqdm(range(epochs), desc="ganaug", disable=not verbose, leave=True)
    for epoch in bar:
        start = time.perf_counter()
        totals = torch.zeros(len(names), device=device)
        for _ in range(steps):
            totals += step()
        values = (totals / steps).tolist()
        losses = dict(zip(names, values, strict=True))
        history.append({"epoch": epoch + 1, **losses, "seconds": time.perf_counter() - start})
        bar.set_postfix({k: f"{v:.3f}" for k, v in losses.items()})
        if not all(v == v and abs(v) != float("inf") for v in values):
            warnings.warn(
                f"GAN losses became non-finite at epoch {epoch + 1} ({losses}); try a lower learning rate.",
                RuntimeWarning,
                stacklevel=3,
            )
            break
    bar.close()
    return history


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

    Returns
    -------
    history : list of dict
        One dict per epoch: ``epoch``, ``loss_d``, ``loss_g``, ``loss_cond``,
        ``seconds``.
    """
    device = data.device
    B = config.batch_size
    opt_g = _adam(generator.parameters(), config.generator_lr, config.generator_decay, device)
    opt_d = _adam(discriminator.parameters(), config.discriminator_lr, config.discriminator_decay, device)
    amp = _autocast(device, config.precision)
    generator.train()
    discriminator.train()

    def step() -> torch.Tensor:
        # DCGAN-style: the fake batch of the last critic step is generated
        # with its graph and reused for the generator step, saving a
        # generator forward pass per step.
        for k in range(config.discriminator_steps):
            batch = sampler.sample_train(B, rng)
            last = k == config.discriminator_steps - 1
            with amp, torch.set_grad_enabled(last):
                noise = torch.randn(B, config.embedding_dim, generator=rng, device=device)
                raw = generator(torch.cat([noise, batch.cond], dim=1))
                fake = heads(raw, rng)
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
        return torch.stack([loss_d.detach(), loss_g.detach(), loss_c.detach()]).float()

    steps = max(data.shape[0] // B, 1)
    return _run_epochs(step, ("loss_d", "loss_g", "loss_cond"), config.epochs, steps, device, verbose)


@dataclass(frozen=True)
class ImputationConfig:
    """Hyper-parameters of one imputation training run (already validated)."""

    epochs: int
    batch_size: int
    hint_rate: float = 0.9
    alpha: float = 100.0
    drop_rate: float = 0.2
    lr: float = 1e-3


def fit_imputation_gan(
    generator: torch.nn.Module,
    discriminator: torch.nn.Module,
    heads: OutputHeads,
    data: torch.Tensor,
    observed: torch.Tensor,
    position_columns: torch.Tensor,
    config: ImputationConfig,
    rng: torch.Generator,
    *,
    verbose: bool = False,
) -> list[dict]:
    """GAIN with a denoising twist, on encoded data with a per-column observed mask.

    Each step hides a further ``drop_rate`` of the known entries from the
    generator. The generator sees the data with noise where it sees nothing,
    plus the mask, and fills every entry; the discriminator sees the completed
    row and a hint (the mask revealed with probability ``hint_rate``) and
    guesses which entries the generator saw. The generator minimises the
    adversarial loss on the entries it filled plus ``alpha`` times the
    reconstruction error (squared error for numbers, cross-entropy for
    categories) on every known entry, hidden ones included: those are the
    imputations it is graded on.

    Returns
    -------
    history : list of dict
        One dict per epoch: ``epoch``, ``loss_d``, ``loss_g``, ``loss_rec``,
        ``seconds``.
    """
    device = data.device
    n, n_columns = observed.shape
    B = config.batch_size
    opt_g = _adam(generator.parameters(), config.lr, 0.0, device, betas=(0.9, 0.999))
    opt_d = _adam(discriminator.parameters(), config.lr, 0.0, device, betas=(0.9, 0.999))
    generator.train()
    discriminator.train()

    def step() -> torch.Tensor:
        rows = torch.randint(n, (B,), generator=rng, device=device)
        x, known = data[rows], observed[rows]
        hide = torch.rand(B, n_columns, generator=rng, device=device) < config.drop_rate
        seen = known & ~hide
        seen_f = seen.float()
        seen_pos = seen_f[:, position_columns]
        noise = torch.randn(x.shape, generator=rng, device=device)
        raw = generator(torch.cat([seen_pos * x + (1 - seen_pos) * noise, seen_f], dim=1))
        filled = seen_pos * x + (1 - seen_pos) * heads(raw, rng)
        reveal = (torch.rand(B, n_columns, generator=rng, device=device) < config.hint_rate).float()
        hint = reveal * seen_f + 0.5 * (1 - reveal)
        loss_d = observed_bce(discriminator(torch.cat([filled.detach(), hint], dim=1)), seen_f)
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        logits = discriminator(torch.cat([filled, hint], dim=1))
        unseen = 1 - seen_f
        loss_adv = -(torch.nn.functional.logsigmoid(logits) * unseen).sum() / unseen.sum().clamp_min(1)
        loss_rec = reconstruction_loss(raw, x, known, heads, position_columns)
        opt_g.zero_grad(set_to_none=True)
        (loss_adv + config.alpha * loss_rec).backward()
        opt_g.step()
        return torch.stack([loss_d.detach(), loss_adv.detach(), loss_rec.detach()])

    steps = max(n // B, 1)
    return _run_epochs(step, ("loss_d", "loss_g", "loss_rec"), config.epochs, steps, device, verbose)
