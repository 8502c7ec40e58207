"""Losses that read an encoded table's spans: the conditional loss and the reconstruction loss."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from ganaug.tabular._heads import OutputHeads


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


def reconstruction_loss(
    raw: torch.Tensor,
    target: torch.Tensor,
    known: torch.Tensor,
    heads: OutputHeads,
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
