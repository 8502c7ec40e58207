"""Output heads: turn a generator's raw output into an encoded row, in layout order.

No scatter and no loop over spans. Every position is tanh, softmax or linear;
the softmax spans are normalised *segment-wise*: a ``(width, n_spans)`` 0/1
membership matrix ``M`` sums the exponentials of each span (``e @ M``) and
spreads the sums back onto their positions (``@ M.T``), and the three kinds
are combined with ``torch.where``. The per-span maximum (subtracted for
stability; a constant per span does not change a softmax) comes from one
padded gather outside the autograd graph and is spread back by an index
gather, so it stays exact (one-hot samples compare against it) even under
TF32 matrix products. The heads compute in float32 even
under bf16 autocast: they are cheap, and softmax normalisation in bf16 is not.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ganaug.tabular._layout import EncodedLayout, Span


def gumbel_noise(shape: torch.Size, like: torch.Tensor, rng: torch.Generator) -> torch.Tensor:
    """Standard Gumbel noise drawn from ``rng`` (``F.gumbel_softmax`` takes no generator)."""
    u = torch.rand(shape, generator=rng, device=like.device, dtype=torch.float32)
    return -torch.log(-torch.log(u.clamp_(1e-10, 1.0 - 1e-7))).to(like.dtype)


def _members(spans: list[Span], width: int) -> np.ndarray:
    """(width, n_spans) float matrix: 1 where a position belongs to a span."""
    members = np.zeros((width, len(spans)), dtype=np.float32)
    for j, s in enumerate(spans):
        members[s.start : s.stop, j] = 1.0
    return members


class OutputHeads(nn.Module):
    """Activations of an encoded layout, as index buffers built once.

    Parameters
    ----------
    layout : EncodedLayout
        The spans: tanh scalars, linear scalars, softmax blocks, and which
        softmax blocks are categorical columns (the conditioning spans, also
        scored by the conditional and reconstruction losses).
    """

    def __init__(self, layout: EncodedLayout) -> None:
        super().__init__()
        width = layout.width
        kind = np.array([s.activation for s in layout.spans for _ in range(s.width)], dtype=object)
        softmax = layout.softmax_spans
        condition = [layout.spans[i] for i in layout.condition_spans]
        index, mask = layout.softmax_index()
        position = {s.start: j for j, s in enumerate(softmax)}
        self.register_buffer("is_tanh", torch.as_tensor(kind == "tanh"))
        self.register_buffer("is_softmax", torch.as_tensor(kind == "softmax"))
        self.register_buffer("is_linear", torch.as_tensor(kind == "linear"))
        self.register_buffer("softmax_index", torch.as_tensor(index))
        self.register_buffer("softmax_mask", torch.as_tensor(mask))
        self.register_buffer("softmax_members", torch.as_tensor(_members(softmax, width)))
        self.register_buffer("condition_members", torch.as_tensor(_members(condition, width)))
        self.register_buffer("is_condition", self.condition_members.sum(1) > 0)
        self.register_buffer(
            "condition_softmax", torch.as_tensor([position[s.start] for s in condition], dtype=torch.long)
        )
        self.register_buffer(
            "condition_start", torch.as_tensor([s.start for s in condition], dtype=torch.long)
        )
        span_of = np.zeros(width, dtype=np.int64)  # the softmax span of each position (0 elsewhere)
        for j, sp in enumerate(softmax):
            span_of[sp.start : sp.stop] = j
        self.register_buffer("span_of_position", torch.as_tensor(span_of))
        self.has_softmax = bool(softmax)
        self.n_conditions = len(condition)

    def _span_max(self, x: torch.Tensor) -> torch.Tensor:
        """Maximum of every softmax span, shape (B, n_softmax), outside the graph."""
        with torch.no_grad():
            return x[:, self.softmax_index].masked_fill(~self.softmax_mask, float("-inf")).amax(-1)

    def _segment_softmax(self, x: torch.Tensor) -> torch.Tensor:
        """Softmax inside each span at its positions; 0 elsewhere."""
        shift = self._span_max(x)[:, self.span_of_position]
        e = torch.exp(torch.where(self.is_softmax, x - shift, float("-inf")))
        return e / ((e @ self.softmax_members) @ self.softmax_members.T).clamp_min(1e-30)

    def forward(
        self,
        raw: torch.Tensor,
        rng: torch.Generator,
        tau: float = 0.2,
        hard: bool = False,
        temperature: float = 1.0,
    ) -> torch.Tensor:
        """Gumbel-softmax every softmax span, tanh the tanh positions, keep linear ones.

        With ``hard=True`` (generation) the softmax spans hold the
        Gumbel-perturbed logits instead: their argmax inside each span is an
        exact sample of the span's categorical distribution (the Gumbel-max
        trick), which is all a decoder reading spans by argmax needs, without
        building one-hot blocks. ``temperature`` (generation only) divides
        the logits first: below 1 each span's draw leans to its likelier
        categories.
        """
        with torch.autocast(raw.device.type, enabled=False):
            raw = raw.float()
            out = torch.where(self.is_tanh, torch.tanh(raw), raw)
            if self.has_softmax:
                logits = raw / temperature if hard and temperature != 1.0 else raw
                noisy = logits + gumbel_noise(raw.shape, raw, rng)  # one draw per position
                soft = noisy if hard else self._segment_softmax(noisy / tau)
                out = torch.where(self.is_softmax, soft, out)
            return out

    def expected(self, raw: torch.Tensor) -> torch.Tensor:
        """The noise-free activations: tanh, linear as is, and each softmax span's probabilities."""
        with torch.autocast(raw.device.type, enabled=False):
            raw = raw.float()
            out = torch.where(self.is_tanh, torch.tanh(raw), raw)
            if self.has_softmax:
                out = torch.where(self.is_softmax, self._segment_softmax(raw), out)
            return out

    def sample(self, raw: torch.Tensor, rng: torch.Generator) -> torch.Tensor:
        """Encoded rows with exact one-hot samples in the softmax spans (Gumbel-max), like real rows."""
        out = self(raw, rng, hard=True)
        if not self.has_softmax:
            return out
        span_max = self._span_max(out)[:, self.span_of_position]
        return torch.where(self.is_softmax, (out == span_max).float(), out)

    def condition_log_normalizer(self, raw: torch.Tensor) -> torch.Tensor:
        """``logsumexp`` of the raw logits over each conditioning span, shape (B, n_conditions)."""
        with torch.autocast(raw.device.type, enabled=False):
            raw = raw.float()
            span_max = self._span_max(raw)
            shift = span_max[:, self.span_of_position]
            span_max = span_max[:, self.condition_softmax]
            e = torch.exp(torch.where(self.is_condition, raw - shift, float("-inf")))
            return torch.log(e @ self.condition_members) + span_max
