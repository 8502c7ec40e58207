"""Networks for encoded tables: CTGAN's residual generator and PacGAN critic, and GAIN's MLPs.

The conditional vector of CTGAN is a one-hot block with a few ones per row
(the class, and one or, with pair conditions, two (column, category)
pairs). Multiplying a one-hot block by a weight matrix is a lookup, so every
layer that sees the condition takes it as *indices* (:class:`CondLinear`):
the same function as a dense ``Linear`` over ``[x, one-hot]``, without the
dense matrix product.

No batch normalisation in the imputation MLPs: an imputed row must depend on
that row alone, not on the rows it is batched with.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F


class CondLinear(nn.Module):
    """``Linear`` over ``[x, one-hot(cond)]``, with the one-hot part as an embedding lookup.

    Parameters
    ----------
    in_features : int
        Width of the dense input ``x``.
    vocab : int
        Width of the one-hot block; ``cond`` holds indices into it, shape
        (B, k): row ``b`` has ones at ``cond[b, :]``.
    out_features : int
        Output width.

    Initialised like a dense ``Linear`` with ``in_features + vocab`` inputs.
    """

    def __init__(self, in_features: int, vocab: int, out_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)
        self.embedding = nn.Parameter(torch.empty(vocab, out_features)) if vocab else None
        bound = 1.0 / math.sqrt(in_features + vocab)
        for p in (self.linear.weight, self.linear.bias, self.embedding):
            if p is not None:
                nn.init.uniform_(p, -bound, bound)

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        y = self.linear(x)
        if self.embedding is not None and cond.shape[1]:
            y = y + F.embedding(cond, self.embedding).sum(1).to(y.dtype)
        return y


class Dropout(nn.Module):
    """Dropout with its mask drawn as ``rand < keep``: the same layer, about 3x cheaper on the CPU.

    (``nn.Dropout`` draws its mask with ``bernoulli_``, which was 7% of a
    small table's training step on 2 cores.)
    """

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        keep = 1.0 - self.p
        return x * (torch.rand(x.shape, device=x.device) < keep).to(x.dtype) / keep


class _Residual(nn.Module):
    """Linear -> BatchNorm -> ReLU, with the input concatenated to the output."""

    def __init__(self, in_features: int, vocab: int, out_features: int) -> None:
        super().__init__()
        self.fc = CondLinear(in_features, vocab, out_features)
        self.bn = nn.BatchNorm1d(out_features)

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        return torch.cat([torch.relu(self.bn(self.fc(x, cond))), x], dim=1)


class Generator(nn.Module):
    """Residual MLP mapping ``(noise, condition indices)`` to raw (pre-activation) outputs.

    Parameters
    ----------
    noise_dim : int
        Width of the noise input.
    vocab : int
        Width of the one-hot condition (0 for none).
    hidden : sequence of int
        Width of each residual block; block ``i`` sees the noise and every
        earlier output, and every layer sees the condition.
    out_features : int
        Width of the encoded row.
    """

    def __init__(self, noise_dim: int, vocab: int, hidden: Sequence[int], out_features: int) -> None:
        super().__init__()
        blocks = []
        width = noise_dim
        for h in hidden:
            blocks.append(_Residual(width, vocab, h))
            width += h
        self.blocks = nn.ModuleList(blocks)
        self.out = CondLinear(width, vocab, out_features)

    def forward(self, noise: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        x = noise
        for block in self.blocks:
            x = block(x, cond)
        return self.out(x, cond)


class Discriminator(nn.Module):
    """PacGAN critic: scores groups of ``pac`` rows (with their conditions) seen side by side.

    Parameters
    ----------
    width : int
        Width of one encoded row.
    vocab : int
        Width of the one-hot condition (0 for none).
    hidden : sequence of int
        Hidden layer widths (LeakyReLU 0.2 and dropout after each).
    pac : int
        Rows per group; the batch size must be a multiple of it.
    dropout : float, default=0.5
        Dropout rate after each hidden layer (CTGAN's 0.5).
    n_projected : int, default=0
        With ``n > 0``, the first index of every row's condition is a class in
        ``[0, n)`` that enters by *projection* (Miyato & Koyama 2018) instead
        of beside the row: the score gains the inner product of the last
        hidden features with an embedding of each group member's class (one
        table per position in the group). The other indices still enter the
        first layer.
    """

    def __init__(
        self,
        width: int,
        vocab: int,
        hidden: Sequence[int],
        pac: int,
        dropout: float = 0.5,
        n_projected: int = 0,
    ) -> None:
        super().__init__()
        self.pac = pac
        self.vocab = vocab
        self.first = CondLinear(width * pac, vocab * pac, hidden[0])
        layers: list[nn.Module] = [nn.LeakyReLU(0.2), Dropout(dropout)]
        for a, b in itertools.pairwise(hidden):
            layers += [nn.Linear(a, b), nn.LeakyReLU(0.2), Dropout(dropout)]
        layers.append(nn.Linear(hidden[-1], 1))
        self.rest = nn.Sequential(*layers)
        self.n_projected = n_projected
        self.projection = None
        if n_projected:
            bound = 1.0 / math.sqrt(hidden[-1])
            self.projection = nn.Parameter(torch.empty(pac * n_projected, hidden[-1]).uniform_(-bound, bound))

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        groups = x.shape[0] // self.pac
        member = torch.arange(self.pac, device=cond.device)
        classes = None
        if self.projection is not None:
            classes, cond = cond[:, 0], cond[:, 1:]
        # member m of a group has its own block of condition weights: offset m * vocab
        k = cond.shape[1]
        cond = (cond.reshape(groups, self.pac, k) + (member * self.vocab)[None, :, None]).reshape(groups, -1)
        h = self.first(x.reshape(groups, -1), cond)
        if classes is None:
            return self.rest(h)
        *hidden, out = self.rest
        for layer in hidden:
            h = layer(h)
        # and its own table of class embeddings: offset m * n_projected
        classes = classes.reshape(groups, self.pac) + member[None, :] * self.n_projected
        embedded = F.embedding(classes, self.projection).sum(1)
        return out(h).float() + (embedded.float() * h.float()).sum(1, keepdim=True)


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
