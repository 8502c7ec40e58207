"""Networks of the imputation GAN: an MLP generator and a hint discriminator.

No batch normalisation: an imputed row must depend on that row alone, not on
the rows it is batched with.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


def _mlp(in_features: int, hidden: Sequence[int], out_features: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    width = in_features
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    layers.append(nn.Linear(width, out_features))
    return nn.Sequential(*layers)


class ImputationGenerator(nn.Module):
    """Maps ``[encoded row with noise where unseen, per-column seen mask]`` to raw outputs."""

    def __init__(self, width: int, n_columns: int, hidden: Sequence[int]) -> None:
        super().__init__()
        self.net = _mlp(width + n_columns, hidden, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class HintDiscriminator(nn.Module):
    """Maps ``[completed encoded row, hint]`` to one 'was it seen' logit per column."""

    def __init__(self, width: int, n_columns: int, hidden: Sequence[int]) -> None:
        super().__init__()
        self.net = _mlp(width + n_columns, hidden, n_columns)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)
