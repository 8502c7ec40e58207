"""Adversarial training steps over callables: no modality inside.

Each factory returns a ``step()`` for :func:`ganaug.core.run_steps`. What a
batch *is* (rows of an encoded table, images with labels) stays with the
caller, who passes how to draw it and how to generate its fake counterpart;
the step owns the order of the updates, the losses and the optimisers.

- :func:`wgan_gp_step`: WGAN-GP with PacGAN groups (CTGAN's objective).
- :func:`hinge_step`: the hinge loss with a spectrally normalised critic and
  differentiable augmentation of real and fake batches (SNGAN + DiffAugment).
- :func:`gain_step`: GAIN (hint discriminator) plus a reconstruction loss on
  observed entries hidden from the generator.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import torch

from ganaug.core._compile import compiled
from ganaug.core._loop import adam
from ganaug.core._losses import (
    critic_loss,
    gain_generator_loss,
    generator_loss,
    gradient_penalty,
    hinge_critic_loss,
    interpolate,
    observed_bce,
)

#: ``generate(context) -> (fake batch, auxiliary generator loss as a thunk)``
Generate = Callable[[Any], tuple[torch.Tensor, Callable[[], torch.Tensor]]]


def wgan_gp_step(
    *,
    draw: Callable[[], tuple[torch.Tensor, torch.Tensor, Any]],
    generate: Generate,
    critic: torch.nn.Module,
    opt_g: torch.optim.Optimizer,
    opt_d: torch.optim.Optimizer,
    rng: torch.Generator,
    pac: int,
    critic_steps: int,
    amp: Callable[[], AbstractContextManager],
    gp_weight: float = 10.0,
    compile: bool = False,
) -> Callable[[], torch.Tensor]:
    """One WGAN-GP update of the critic (``critic_steps`` times) and of the generator.

    ``draw()`` returns a real batch, its condition (what the critic sees
    beside each sample: ``critic(x, cond)``) and a context;
    ``generate(context)`` returns the matching fake batch (with its graph)
    and a thunk computing the generator's auxiliary loss (e.g. the
    conditional loss). The gradient penalty interpolates the samples, not the
    condition. The fake batch of the last critic step is reused for the
    generator step (DCGAN style), so the generator runs forward once per
    step. ``compile``: the critic's loss calls go through ``torch.compile``
    (:func:`ganaug.core._compile.compiled`); the penalty's call stays eager,
    as double backward cannot be compiled. Returns ``[loss_d, loss_g, loss_aux]``.
    """
    score = compiled(critic, compile)

    def step() -> torch.Tensor:
        for k in range(critic_steps):
            real, cond, context = draw()
            last = k == critic_steps - 1
            with amp(), torch.set_grad_enabled(last):
                fake, aux = generate(context)
            with amp():
                scores = score(torch.cat([real, fake.detach()]), torch.cat([cond, cond]))
                real_score, fake_score = scores.chunk(2)
                loss_d = critic_loss(real_score, fake_score)
                # A separate critic call: differentiating a joint call would
                # back-propagate through the real and fake rows too.
                mixed = interpolate(real, fake.detach(), pac, rng)
                penalty = gradient_penalty(critic(mixed, cond), mixed, pac, gp_weight)
            opt_d.zero_grad(set_to_none=True)
            (loss_d + penalty).float().backward()
            opt_d.step()
        critic.requires_grad_(False)  # the generator step needs no critic weight gradients
        with amp():
            loss_g = generator_loss(score(fake, cond))
            loss_aux = aux()
        opt_g.zero_grad(set_to_none=True)
        (loss_g + loss_aux).float().backward()
        critic.requires_grad_(True)
        opt_g.step()
        return torch.stack([loss_d.detach(), loss_g.detach(), loss_aux.detach()]).float()

    return step


def hinge_step(
    *,
    draw: Callable[[], tuple[torch.Tensor, torch.Tensor, Any]],
    generate: Generate,
    critic: torch.nn.Module,
    opt_g: torch.optim.Optimizer,
    opt_d: torch.optim.Optimizer,
    augment: Callable[[torch.Tensor], torch.Tensor],
    amp: Callable[[], AbstractContextManager],
    compile: bool = False,
) -> Callable[[], torch.Tensor]:
    """One hinge-loss update of the critic and of the generator.

    ``draw()`` returns a real batch, its condition and a context;
    ``generate(context)`` the matching fake batch and a thunk computing the
    generator's auxiliary loss (e.g. mode seeking). ``augment`` is applied to
    real and fake samples before every critic call, in both updates, so the
    critic never sees an unaugmented sample and the generator is not pushed
    to produce augmented ones (DiffAugment). The critic has no batch norm, so
    real and fake samples share one call (an exponential moving average of
    the generator's weights is a hook of the loop,
    :class:`ganaug.core.MovingAverage`). ``compile``: the critic's calls go
    through ``torch.compile``. Returns ``[loss_d, loss_g, loss_aux]``.
    """
    score = compiled(critic, compile)

    def step() -> torch.Tensor:
        real, cond, context = draw()
        with amp():
            fake, aux = generate(context)
            scores = score(augment(torch.cat([real, fake.detach()])), torch.cat([cond, cond]))
            real_score, fake_score = scores.float().chunk(2)
            loss_d = hinge_critic_loss(real_score, fake_score)
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        critic.requires_grad_(False)
        with amp():
            loss_g = generator_loss(score(augment(fake), cond).float())
            loss_aux = aux().float()
        opt_g.zero_grad(set_to_none=True)
        (loss_g + loss_aux).backward()
        critic.requires_grad_(True)
        opt_g.step()
        return torch.stack([loss_d.detach(), loss_g.detach(), loss_aux.detach()])

    return step


def gain_step(
    *,
    data: torch.Tensor,
    observed: torch.Tensor,
    generator: torch.nn.Module,
    discriminator: torch.nn.Module,
    lr: float,
    rng: torch.Generator,
    batch_size: int,
    hint_rate: float,
    alpha: float,
    hide: Callable[[torch.Tensor], torch.Tensor],
    expand: Callable[[torch.Tensor], torch.Tensor],
    activate: Callable[[torch.Tensor], torch.Tensor],
    reconstruction: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor],
    amp: Callable[[], AbstractContextManager] = nullcontext,
    compile: bool = False,
) -> Callable[[], torch.Tensor]:
    """GAIN with a denoising twist, for any tensor shape.

    ``data`` holds the samples (rows, images), ``observed`` which *entries*
    are known (a column of a table, a pixel of an image), with the sample
    axis first. Each step draws a batch, hides a further share of the known
    entries (``hide(known) -> bool mask``), shows the generator the batch with
    noise where it sees nothing plus the seen mask (``expand`` maps the
    entry mask onto the data's positions), and fills every entry
    (``activate`` turns the generator's raw output into values). The
    discriminator sees the completed batch and a hint (the mask revealed
    with probability ``hint_rate``) and guesses which entries the generator
    saw. The generator minimises the adversarial loss on the entries it
    filled plus ``alpha`` times ``reconstruction(raw, x, known)`` over every
    known entry, hidden ones included: the imputations it is graded on.

    Both networks train with Adam at ``lr`` (GAIN's betas, 0.9 / 0.999), their
    forward passes inside ``amp()`` (e.g. bf16 autocast) and the losses in
    float32. ``compile``: both networks' calls go through ``torch.compile``.
    Returns ``[loss_d, loss_g, loss_rec]``.
    """
    n = data.shape[0]
    device = data.device
    forward_g = compiled(generator, compile)
    forward_d = compiled(discriminator, compile)
    opt_g = adam(generator.parameters(), lr, device, betas=(0.9, 0.999))
    opt_d = adam(discriminator.parameters(), lr, device, betas=(0.9, 0.999))
    generator.train()
    discriminator.train()

    def step() -> torch.Tensor:
        rows = torch.randint(n, (batch_size,), generator=rng, device=device)
        x, known = data[rows], observed[rows]
        seen = known & ~hide(known)
        seen_f = seen.float()
        seen_pos = expand(seen_f)
        noise = torch.randn(x.shape, generator=rng, device=device)
        with amp():
            raw = forward_g(torch.cat([seen_pos * x + (1 - seen_pos) * noise, seen_f], dim=1))
        filled = seen_pos * x + (1 - seen_pos) * activate(raw).float()
        reveal = (torch.rand(seen_f.shape, generator=rng, device=device) < hint_rate).float()
        hint = reveal * seen_f + 0.5 * (1 - reveal)
        with amp():
            logits_d = forward_d(torch.cat([filled.detach(), hint], dim=1))
        loss_d = observed_bce(logits_d.float(), seen_f)
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        discriminator.requires_grad_(False)  # the generator step needs no discriminator gradients
        with amp():
            logits = forward_d(torch.cat([filled, hint], dim=1)).float()
        unseen = 1 - seen_f
        loss_adv = gain_generator_loss(logits, unseen)
        loss_rec = reconstruction(raw.float(), x, known)
        opt_g.zero_grad(set_to_none=True)
        (loss_adv + alpha * loss_rec).backward()
        discriminator.requires_grad_(True)
        opt_g.step()
        return torch.stack([loss_d.detach(), loss_adv.detach(), loss_rec.detach()])

    return step
