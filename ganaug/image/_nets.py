"""Convolutional networks for images of side ``S`` (a power of two, at least 8).

- :class:`ConvGenerator`: the DCGAN family (dense -> transposed convolutions ->
  tanh) with the class as a learned embedding beside the noise.
- :class:`ProjectionCritic`: strided convolutions with LeakyReLU, spectral
  norm on every layer, and the class by projection (Miyato & Koyama, 2018):
  ``score = w . h + <embed(y), h>``, so the critic judges each image *as*
  its class.
- :class:`InpaintGenerator` / :class:`PixelDiscriminator`: GAIN in
  convolutional form. A small U-Net maps ``[image with noise where unseen,
  seen mask]`` to every pixel; the discriminator maps ``[completed image,
  hint]`` to a 'was this pixel seen' logit per pixel. No batch norm: a
  completion depends on its own image only.

Widths follow the resolution: ``base * S / r`` channels at resolution ``r``,
at most 256.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm


def _width(base: int, size: int, resolution: int) -> int:
    return min(256, base * size // resolution)


def _resolutions(size: int) -> list[int]:
    """4, 8, ..., size."""
    return [4 * 2**k for k in range(int(math.log2(size // 4)) + 1)]


class ConvGenerator(nn.Module):
    """``(noise, class) -> image`` in [-1, 1]."""

    def __init__(self, noise_dim: int, n_classes: int, channels: int, size: int, base: int = 32) -> None:
        super().__init__()
        res = _resolutions(size)
        self.start = _width(base, size, 4)
        self.embed = nn.Embedding(n_classes, noise_dim)
        self.fc = nn.Linear(2 * noise_dim, self.start * 16)
        layers: list[nn.Module] = [nn.BatchNorm2d(self.start), nn.ReLU()]
        for r in res[:-1]:
            a, b = _width(base, size, r), _width(base, size, 2 * r)
            layers += [nn.ConvTranspose2d(a, b, 4, 2, 1, bias=False), nn.BatchNorm2d(b), nn.ReLU()]
        layers += [nn.Conv2d(_width(base, size, size), channels, 3, 1, 1), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, noise: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        h = self.fc(torch.cat([noise, self.embed(labels)], dim=1))
        return self.net(h.view(-1, self.start, 4, 4))


class ProjectionCritic(nn.Module):
    """``(image, class) -> score``, spectrally normalised, class by projection."""

    def __init__(self, channels: int, n_classes: int, size: int, base: int = 32) -> None:
        super().__init__()
        res = _resolutions(size)[::-1]  # size, ..., 4
        layers: list[nn.Module] = [
            spectral_norm(nn.Conv2d(channels, _width(base, size, size), 3, 1, 1)),
            nn.LeakyReLU(0.2),
        ]
        for r in res[:-1]:
            a, b = _width(base, size, r), _width(base, size, r // 2)
            layers += [spectral_norm(nn.Conv2d(a, b, 4, 2, 1)), nn.LeakyReLU(0.2)]
        self.features = nn.Sequential(*layers)
        width = _width(base, size, 4)
        self.linear = spectral_norm(nn.Linear(width, 1))
        self.embed = spectral_norm(nn.Embedding(n_classes, width))

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        h = self.features(x).sum(dim=(2, 3))
        return self.linear(h) + (self.embed(labels) * h).sum(dim=1, keepdim=True)


class InpaintGenerator(nn.Module):
    """``[image with noise where unseen, seen mask] -> raw pixels`` (a two-level U-Net).

    The bottleneck (a quarter of the side) ends with 3x3 convolutions of the
    given ``dilations``: with (2, 4) each of its pixels sees a 15x15 window
    of the bottleneck, all of the 8x8 bottleneck of a 28x28 digit padded to
    32 from any position, so a 10x10 hole is filled from the whole digit and
    not only from its rim.
    ``()`` is the network of models saved before the dilations existed.
    """

    def __init__(self, channels: int, base: int = 16, dilations: tuple[int, ...] = (2, 4)) -> None:
        super().__init__()
        c = base
        act = nn.LeakyReLU(0.2)
        self.enc1 = nn.Sequential(nn.Conv2d(2 * channels, c, 3, 1, 1), act)
        self.enc2 = nn.Sequential(nn.Conv2d(c, 2 * c, 4, 2, 1), act)
        bottleneck: list[nn.Module] = [nn.Conv2d(2 * c, 4 * c, 4, 2, 1), act]
        bottleneck += [nn.Conv2d(4 * c, 4 * c, 3, 1, 1), act]
        for d in dilations:
            bottleneck += [nn.Conv2d(4 * c, 4 * c, 3, 1, d, dilation=d), act]
        self.enc3 = nn.Sequential(*bottleneck)
        self.up2 = nn.Sequential(nn.ConvTranspose2d(4 * c, 2 * c, 4, 2, 1), act)
        self.dec2 = nn.Sequential(nn.Conv2d(4 * c, 2 * c, 3, 1, 1), act)
        self.up1 = nn.Sequential(nn.ConvTranspose2d(2 * c, c, 4, 2, 1), act)
        self.dec1 = nn.Sequential(nn.Conv2d(2 * c, c, 3, 1, 1), act, nn.Conv2d(c, channels, 3, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        e1 = self.enc1(x)
        e2 = self.enc2(e1)
        d2 = self.dec2(torch.cat([self.up2(self.enc3(e2)), e2], dim=1))
        return self.dec1(torch.cat([self.up1(d2), e1], dim=1))


class PixelDiscriminator(nn.Module):
    """``[completed image, hint] -> one 'was it seen' logit per pixel and channel``."""

    def __init__(self, channels: int, base: int = 16) -> None:
        super().__init__()
        c = base
        act = nn.LeakyReLU(0.2)
        self.net = nn.Sequential(
            nn.Conv2d(2 * channels, c, 3, 1, 1),
            act,
            nn.Conv2d(c, c, 3, 1, 2, dilation=2),
            act,
            nn.Conv2d(c, c, 3, 1, 4, dilation=4),
            act,
            nn.Conv2d(c, channels, 3, 1, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)
