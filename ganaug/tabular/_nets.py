"""Networks for encoded tables: CTGAN's residual generator and PacGAN critic, and GAIN's MLPs.

No batch normalisation in the imputation MLPs: an imputed row must depend on
that row alone, not on the rows it is batched with.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


class _Residual(nn.Module):
    """Linear -> BatchNorm -> ReLU, with the input concatenated to the output."""

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.fc = nn.Linear(in_features, out_features)
        self.bn = nn.BatchNorm1d(out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([torch.relu(self.bn(self.fc(x))), x], dim=1)


class Generator(nn.Module):
    """Residual MLP mapping ``[noise, condition]`` to raw (pre-activation) outputs.

    Parameters
    ----------
    in_features : int
        Noise dimension plus condition width.
    hidden : sequence of int
        Width of each residual block; block ``i`` sees every earlier output.
    out_features : int
        Width of the encoded row.
    """

    def __init__(self, in_features: int, hidden: Sequence[int], out_features: int) -> None:
        super().__init__()
        blocks = []
        width = in_features
        for h in hidden:
            blocks.append(_Residual(width, h))
            width += h
        self.blocks = nn.Sequential(*blocks)
        self.out = nn.Linear(width, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.blocks(x))


class Discriminator(nn.Module):
    """PacGAN critic: scores groups of ``pac`` rows seen side by side.

    Parameters
    ----------
    in_features : int
        Width of one row (encoded data plus condition).
    hidden : sequence of int
        Hidden layer widths (LeakyReLU 0.2 and dropout 0.5 after each).
    pac : int
        Rows per group; the batch size must be a multiple of it.
    """

    def __init__(self, in_features: int, hidden: Sequence[int], pac: int) -> None:
        super().__init__()
        self.pac = pac
        layers: list[nn.Module] = []
        width = in_features * pac
        for h in hidden:
            layers += [nn.Linear(width, h), nn.LeakyReLU(0.2), nn.Dropout(0.5)]
            width = h
        layers.append(nn.Linear(width, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.reshape(-1, x.shape[1] * self.pac))


class MLP(nn.Sequential):
    """Linear + ReLU layers, then a linear output (GAIN's generator and hint discriminator).

    The imputation generator maps ``[encoded row with noise where unseen,
    per-column seen mask]`` to raw outputs; the hint discriminator maps
    ``[completed encoded row, hint]`` to one 'was it seen' logit per column.
    """

    def __init__(self, in_features: int, hidden: Sequence[int], out_features: int) -> None:
        layers: list[nn.Module] = []
        width = in_features
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        layers.append(nn.Linear(width, out_features))
        super().__init__(*layers)
