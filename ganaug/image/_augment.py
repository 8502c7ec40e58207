"""Differentiable augmentation (DiffAugment), applied to real and fake images before the critic.

Zhao et al. (2020) showed that a GAN trained on a few hundred images
overfits its discriminator, and that augmenting *both* real and generated
images with the same family of differentiable transforms, in both the critic
and the generator updates, fixes it without leaking the augmentation into the
samples. This is that idea in a few tensor operations: every per-image random
parameter is drawn as one batch tensor from the caller's ``torch.Generator``,
on the images' device.

- ``color``: brightness (+/- 0.5), saturation (x0..2, colour images only)
  and contrast (x0.5..1.5);
- ``translation``: a shift of up to 1/8 of the side, zeros (mid-grey)
  shifted in;
- ``cutout``: a square of half the side set to zero at a random place.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.nn import functional as F

POLICIES = ("color", "translation", "cutout")


def _uniform(n: int, like: torch.Tensor, rng: torch.Generator) -> torch.Tensor:
    return torch.rand(n, 1, 1, 1, generator=rng, device=like.device, dtype=like.dtype)


def color(x: torch.Tensor, rng: torch.Generator) -> torch.Tensor:
    n = x.shape[0]
    x = x + (_uniform(n, x, rng) - 0.5)
    if x.shape[1] == 3:
        mean = x.mean(dim=1, keepdim=True)
        x = (x - mean) * (_uniform(n, x, rng) * 2) + mean
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    return (x - mean) * (_uniform(n, x, rng) + 0.5) + mean


def translation(x: torch.Tensor, rng: torch.Generator, ratio: float = 0.125) -> torch.Tensor:
    n, _, h, w = x.shape
    max_h, max_w = int(h * ratio + 0.5), int(w * ratio + 0.5)
    if not (max_h or max_w):
        return x
    dy = torch.randint(-max_h, max_h + 1, (n, 1, 1), generator=rng, device=x.device)
    dx = torch.randint(-max_w, max_w + 1, (n, 1, 1), generator=rng, device=x.device)
    rows = torch.arange(h, device=x.device).view(1, h, 1) + dy + 1  # +1: the zero border added below
    cols = torch.arange(w, device=x.device).view(1, 1, w) + dx + 1
    rows = rows.clamp(0, h + 1).expand(n, h, w)
    cols = cols.clamp(0, w + 1).expand(n, h, w)
    padded = F.pad(x, (1, 1, 1, 1))  # out-of-range reads land on the zero border
    flat = padded.flatten(2)  # (n, c, (h + 2) * (w + 2))
    index = (rows * (w + 2) + cols).flatten(1).unsqueeze(1).expand(-1, x.shape[1], -1)
    return flat.gather(2, index).view_as(x)


def box_mask(h: int, w: int, top: torch.Tensor, left: torch.Tensor, size_h: Any, size_w: Any) -> torch.Tensor:
    """Boolean ``(n, h, w)``: inside each image's box (corners and sizes of shape (n, 1, 1), or ints)."""
    rows = torch.arange(h, device=top.device).view(1, h, 1)
    cols = torch.arange(w, device=top.device).view(1, 1, w)
    return (rows >= top) & (rows < top + size_h) & (cols >= left) & (cols < left + size_w)


def cutout(x: torch.Tensor, rng: torch.Generator, ratio: float = 0.5) -> torch.Tensor:
    n, _, h, w = x.shape
    size_h, size_w = int(h * ratio + 0.5), int(w * ratio + 0.5)
    top = torch.randint(0, h + 1 - size_h % 2, (n, 1, 1), generator=rng, device=x.device) - size_h // 2
    left = torch.randint(0, w + 1 - size_w % 2, (n, 1, 1), generator=rng, device=x.device) - size_w // 2
    inside = box_mask(h, w, top, left, size_h, size_w)
    return x * (~inside).unsqueeze(1).to(x.dtype)


def diff_augment(x: torch.Tensor, rng: torch.Generator, policy: tuple[str, ...] = POLICIES) -> torch.Tensor:
    """Apply the ``policy`` transforms in order, each with its own random parameters per image."""
    transforms = {"color": color, "translation": translation, "cutout": cutout}
    for name in policy:
        x = transforms[name](x, rng)
    return x
