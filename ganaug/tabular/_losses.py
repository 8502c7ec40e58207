"""Losses that read an encoded table's spans: the conditional loss and the reconstruction loss.

Both work on the generator's raw logits through the heads' span membership
(``OutputHeads.condition_log_normalizer``): no padded copy of the logits.
"""

from __future__ import annotations

import torch

from ganaug.tabular._heads import OutputHeads


def conditional_loss(
    heads: OutputHeads, raw: torch.Tensor, column: torch.Tensor, category: torch.Tensor
) -> torch.Tensor:
    """Cross-entropy between the generator's logits for column ``j`` and the asked category.

    Parameters
    ----------
    heads : OutputHeads
        Supplies the conditioning spans.
    raw : Tensor of shape (B, width)
        Generator output before activation.
    column, category : Tensor of shape (B,) or (B, k)
        The column (index among the conditioning spans) and category each row
        was conditioned on; with ``k`` conditions per row (pair conditions),
        their cross-entropies add up (the normalisers are computed once).
    """
    if column.dim() == 2:
        log_normalizer = heads.condition_log_normalizer(raw).gather(1, column)
        logit = raw.gather(1, heads.condition_start[column] + category).float()
        return (log_normalizer - logit).sum(1).mean()
    rows = torch.arange(raw.shape[0], device=raw.device)
    log_normalizer = heads.condition_log_normalizer(raw)[rows, column]
    logit = raw[rows, heads.condition_start[column] + category].float()
    return (log_normalizer - logit).mean()


def class_loss(logits: torch.Tensor, classes: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """Cross-entropy of class ``logits`` (B, n_classes) against ``classes`` (B,)."""
    return torch.nn.functional.cross_entropy(logits.float(), classes, reduction=reduction)


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
        Supplies the linear positions and the categorical spans.
    position_columns : long Tensor (width,)
        Source column of each encoded position.
    """
    losses = []
    if heads.is_linear.any():
        mask = (known[:, position_columns] & heads.is_linear).float()
        losses.append((((raw - target) ** 2) * mask).sum() / mask.sum().clamp_min(1))
    if heads.n_conditions:
        target_logit = (target * raw) @ heads.condition_members  # (B, S): the one-hot picks it
        ce = heads.condition_log_normalizer(raw) - target_logit
        mask = known[:, position_columns[heads.condition_start]].float()
        losses.append((ce * mask).sum() / mask.sum().clamp_min(1))
    return torch.stack(losses).sum() if losses else raw.sum() * 0
