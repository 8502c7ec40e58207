"""Loss functions of the WGAN-GP objective and the conditional loss (pure functions)."""

from __future__ import annotations

import torch
from torch.nn import functional as F


def critic_loss(real_score: torch.Tensor, fake_score: torch.Tensor) -> torch.Tensor:
    """Wasserstein critic loss: the critic wants real scores high, fake scores low."""
    return fake_score.mean() - real_score.mean()


def generator_loss(fake_score: torch.Tensor) -> torch.Tensor:
    """Wasserstein generator loss."""
    return -fake_score.mean()


def interpolate(real: torch.Tensor, fake: torch.Tensor, pac: int, rng: torch.Generator) -> torch.Tensor:
    """Random points between real and fake rows, one factor per PacGAN group.

    The result requires grad, so :func:`gradient_penalty` can differentiate
    the critic's score with respect to it.
    """
    B, width = real.shape
    alpha = torch.rand(B // pac, 1, 1, generator=rng, device=real.device, dtype=real.dtype)
    alpha = alpha.expand(-1, pac, width).reshape(B, width)
    return torch.lerp(fake, real, alpha).requires_grad_(True)


def gradient_penalty(
    score: torch.Tensor, mixed: torch.Tensor, pac: int, weight: float = 10.0
) -> torch.Tensor:
    """WGAN-GP penalty: ``weight * (||grad score(mixed)|| - 1)^2``.

    The gradient norm is taken over each PacGAN group as the critic sees it.
    """
    (grad,) = torch.autograd.grad(score.sum(), mixed, create_graph=True)
    norm = grad.reshape(-1, pac * mixed.shape[1]).norm(2, dim=1)
    return weight * ((norm - 1) ** 2).mean()


def conditional_loss(logits: torch.Tensor, column: torch.Tensor, category: torch.Tensor) -> torch.Tensor:
    """Cross-entropy between the generator's logits for column ``j`` and the asked category.

    Parameters
    ----------
    logits : Tensor of shape (B, n_columns, max_width)
        Padded logits of every conditioning span (-inf in the padding).
    column, category : Tensor of shape (B,)
        The column and category each row was conditioned on.
    """
    rows = torch.arange(logits.shape[0], device=logits.device)
    return F.cross_entropy(logits[rows, column].float(), category)


def observed_bce(logits: torch.Tensor, seen: torch.Tensor) -> torch.Tensor:
    """GAIN's discriminator loss: binary cross-entropy of 'was this entry seen'."""
    return F.binary_cross_entropy_with_logits(logits, seen)


def reconstruction_loss(
    raw: torch.Tensor,
    target: torch.Tensor,
    known: torch.Tensor,
    heads,
    position_columns: torch.Tensor,
) -> torch.Tensor:
    """Mean error on the known entries: squared error at linear positions,
    cross-entropy for each categorical span (target read from its one-hot).

    Parameters
    ----------
    raw : Tensor (B, width)
        Generator output before activation.
    target : Tensor (B, width)
        Encoded rows (zeros where unknown).
    known : bool Tensor (B, n_columns)
        Entries whose value is known.
    heads : OutputHeads
        Supplies ``linear_positions`` and the categorical spans' padded index.
    position_columns : long Tensor (width,)
        Source column of each encoded position.
    """
    losses = []
    lin = heads.linear_positions
    if lin.numel():
        mask = known[:, position_columns[lin]].float()
        err = (raw[:, lin] - target[:, lin]) ** 2
        losses.append((err * mask).sum() / mask.sum().clamp_min(1))
    if heads.condition_index.numel():
        logits = heads.condition_logits(raw)  # (B, S, W) -inf padded
        codes = target[:, heads.condition_index].masked_fill(~heads.condition_mask, -1).argmax(-1)
        cols = position_columns[heads.condition_index[:, 0]]
        mask = known[:, cols].float()
        ce = F.cross_entropy(logits.transpose(1, 2), codes, reduction="none")  # (B, S)
        losses.append((ce * mask).sum() / mask.sum().clamp_min(1))
    return torch.stack(losses).sum() if losses else raw.sum() * 0
