"""Shape-generic GAN losses and penalties (pure functions).

The modality-specific losses sit beside their modality: ``tabular/_losses.py``
(conditional and reconstruction losses over the encoded layout) and
``image/_losses.py`` (mode seeking, masked pixel error).
"""

from __future__ import annotations

import torch
from torch.nn import functional as F


def critic_loss(real_score: torch.Tensor, fake_score: torch.Tensor) -> torch.Tensor:
    """Wasserstein critic loss: the critic wants real scores high, fake scores low."""
    return fake_score.mean() - real_score.mean()


def generator_loss(fake_score: torch.Tensor) -> torch.Tensor:
    """Wasserstein generator loss; also the hinge loss's generator part."""
    return -fake_score.mean()


def hinge_critic_loss(real_score: torch.Tensor, fake_score: torch.Tensor) -> torch.Tensor:
    """Hinge critic loss: real scores pushed above 1, fake scores below -1."""
    return F.relu(1 - real_score).mean() + F.relu(1 + fake_score).mean()


def interpolate(real: torch.Tensor, fake: torch.Tensor, pac: int, rng: torch.Generator) -> torch.Tensor:
    """Random points between real and fake samples, one factor per PacGAN group.

    The result requires grad, so :func:`gradient_penalty` can differentiate
    the critic's score with respect to it.
    """
    B = real.shape[0]
    shape = (B // pac, 1) + (1,) * (real.dim() - 1)
    alpha = torch.rand(shape, generator=rng, device=real.device, dtype=real.dtype)
    alpha = alpha.expand(-1, pac, *real.shape[1:]).reshape(real.shape)
    return torch.lerp(fake, real, alpha).requires_grad_(True)


def gradient_penalty(
    score: torch.Tensor, mixed: torch.Tensor, pac: int, weight: float = 10.0
) -> torch.Tensor:
    """WGAN-GP penalty: ``weight * (||grad score(mixed)|| - 1)^2``.

    The gradient norm is taken over each PacGAN group as the critic sees it.
    """
    (grad,) = torch.autograd.grad(score.sum(), mixed, create_graph=True)
    norm = grad.reshape(mixed.shape[0] // pac, -1).norm(2, dim=1)
    return weight * ((norm - 1) ** 2).mean()


def observed_bce(logits: torch.Tensor, seen: torch.Tensor) -> torch.Tensor:
    """GAIN's discriminator loss: binary cross-entropy of 'was this entry seen'."""
    return F.binary_cross_entropy_with_logits(logits, seen)


def gain_generator_loss(logits: torch.Tensor, unseen: torch.Tensor) -> torch.Tensor:
    """GAIN's adversarial generator loss: the discriminator should take filled entries for observed ones.

    ``-log sigmoid(logit)`` averaged over the entries the generator filled (``unseen`` = 1).
    """
    return -(F.logsigmoid(logits) * unseen).sum() / unseen.sum().clamp_min(1)
