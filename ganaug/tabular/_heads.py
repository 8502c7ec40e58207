"""Output heads: turn a generator's raw output into an encoded row.

Every softmax span is handled in one masked operation over a padded gather,
and every tanh position in one ``tanh``; nothing loops over spans.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


def gumbel_noise(shape: torch.Size, like: torch.Tensor, rng: torch.Generator) -> torch.Tensor:
    """Standard Gumbel noise drawn from ``rng`` (``F.gumbel_softmax`` takes no generator)."""
    u = torch.rand(shape, generator=rng, device=like.device, dtype=torch.float32)
    return -torch.log(-torch.log(u.clamp_(1e-10, 1.0 - 1e-7))).to(like.dtype)


class OutputHeads(nn.Module):
    """Activations of an encoded layout, built from index arrays.

    Parameters
    ----------
    tanh_positions : ndarray of int
        Positions with a tanh activation.
    softmax_index, softmax_mask : ndarray of shape (n_spans, max_width)
        Padded positions of the softmax spans and which entries are real.
    condition_index, condition_mask : ndarray of shape (n_cond, max_width)
        The same for the categorical spans (conditioning, categorical losses).
    linear_positions : ndarray of int, optional
        Positions left as they are (identity activation).
    """

    def __init__(
        self,
        tanh_positions: np.ndarray,
        softmax_index: np.ndarray,
        softmax_mask: np.ndarray,
        condition_index: np.ndarray,
        condition_mask: np.ndarray,
        linear_positions: np.ndarray | None = None,
    ) -> None:
        super().__init__()
        linear = np.zeros(0, dtype=np.int64) if linear_positions is None else linear_positions
        self.register_buffer("linear_positions", torch.as_tensor(linear, dtype=torch.long))
        self.register_buffer("tanh_positions", torch.as_tensor(tanh_positions, dtype=torch.long))
        self.register_buffer("softmax_index", torch.as_tensor(softmax_index, dtype=torch.long))
        self.register_buffer("softmax_mask", torch.as_tensor(softmax_mask, dtype=torch.bool))
        self.register_buffer("softmax_positions", self.softmax_index[self.softmax_mask])
        self.register_buffer("condition_index", torch.as_tensor(condition_index, dtype=torch.long))
        self.register_buffer("condition_mask", torch.as_tensor(condition_mask, dtype=torch.bool))

    def _padded_logits(self, raw: torch.Tensor, index: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return raw[:, index].masked_fill(~mask, float("-inf"))

    def forward(
        self, raw: torch.Tensor, rng: torch.Generator, tau: float = 0.2, hard: bool = False
    ) -> torch.Tensor:
        """Gumbel-softmax every softmax span, tanh the tanh positions, keep linear ones.

        With ``hard=True`` (generation) the softmax spans hold the
        Gumbel-perturbed logits instead: their argmax inside each span is an
        exact sample of the span's categorical distribution (the Gumbel-max
        trick), which is all a decoder reading spans by argmax needs, without
        building one-hot blocks.
        """
        out = raw.clone()  # linear positions keep their raw value
        if self.softmax_index.numel():
            noisy = raw + gumbel_noise(raw.shape, raw, rng)  # one draw per position, not per padded slot
            if hard:
                out[:, self.softmax_positions] = noisy[:, self.softmax_positions]
            else:
                logits = self._padded_logits(noisy, self.softmax_index, self.softmax_mask)
                soft = torch.softmax(logits / tau, dim=-1)
                out[:, self.softmax_positions] = soft[:, self.softmax_mask]
        out[:, self.tanh_positions] = torch.tanh(raw[:, self.tanh_positions])
        return out

    def condition_logits(self, raw: torch.Tensor) -> torch.Tensor:
        """Logits of every conditioning span, shape (batch, n_cond, max_width), -inf padded."""
        return self._padded_logits(raw, self.condition_index, self.condition_mask)
