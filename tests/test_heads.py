"""Output heads and span losses against a per-span reference written with plain loops."""

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.nn import functional as F

from ganaug.tabular import EncodedLayout, Span
from ganaug.tabular._heads import OutputHeads
from ganaug.tabular._losses import conditional_loss, reconstruction_loss


@st.composite
def layouts(draw):
    spans, condition, start = [], [], 0
    for column in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["tanh", "linear", "softmax", "modes"]))
        if kind == "modes":  # a continuous column: tanh scalar then its modes
            spans.append(Span(start, 1, "tanh", column))
            start += 1
            kind = "softmax"
        width = draw(st.integers(1, 7)) if kind == "softmax" else 1
        if kind == "softmax" and draw(st.booleans()):
            condition.append(len(spans))
        spans.append(Span(start, width, kind, column))
        start += width
    return EncodedLayout(tuple(spans), tuple(condition))


def _reference(layout, raw, tau):
    out = raw.clone()
    for s in layout.spans:
        block = raw[:, s.start : s.stop]
        if s.activation == "tanh":
            out[:, s.start : s.stop] = torch.tanh(block)
        elif s.activation == "softmax":
            out[:, s.start : s.stop] = torch.softmax(block / tau, dim=1)
    return out


@given(layouts(), st.integers(0, 2**31 - 1), st.floats(0.5, 30.0))
def test_heads_match_a_per_span_softmax(layout, seed, scale):
    heads = OutputHeads(layout)
    raw = torch.randn(8, layout.width, generator=torch.Generator().manual_seed(seed)) * scale
    rng_a = torch.Generator().manual_seed(1)
    out = heads(raw, rng_a, tau=0.2)
    # same Gumbel draw as the heads made: one per position
    rng_b = torch.Generator().manual_seed(1)
    u = torch.rand(raw.shape, generator=rng_b).clamp_(1e-10, 1.0 - 1e-7)
    noisy = raw + (-torch.log(-torch.log(u)))
    expected = _reference(layout, noisy, 0.2)
    for s in layout.spans:  # tanh/linear positions see the raw value, not the noisy one
        if s.activation != "softmax":
            expected[:, s.start : s.stop] = _reference(layout, raw, 0.2)[:, s.start : s.stop]
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-6)


@given(layouts(), st.integers(0, 2**31 - 1))
def test_span_losses_match_cross_entropy(layout, seed):
    heads = OutputHeads(layout)
    g = torch.Generator().manual_seed(seed)
    raw = torch.randn(6, layout.width, generator=g) * 5
    cond = [layout.spans[i] for i in layout.condition_spans]
    position_columns = torch.as_tensor(layout.position_columns)
    n_columns = int(position_columns.max()) + 1
    known = torch.rand(6, n_columns, generator=g) < 0.7
    target = torch.zeros_like(raw)
    codes = []
    for s in cond:
        c = torch.randint(s.width, (6,), generator=g)
        target[torch.arange(6), s.start + c] = 1.0
        codes.append(c)
    lin = [s for s in layout.spans if s.activation == "linear"]
    for s in lin:
        target[:, s.start] = torch.randn(6, generator=g)
    # reconstruction: mean squared error over known linear entries + mean CE over known categorical entries
    parts = []
    if lin:
        err = torch.stack([(raw[:, s.start] - target[:, s.start]) ** 2 for s in lin], 1)
        mask = torch.stack([known[:, s.column] for s in lin], 1).float()
        parts.append((err * mask).sum() / mask.sum().clamp_min(1))
    if cond:
        ce = torch.stack(
            [
                F.cross_entropy(raw[:, s.start : s.stop], c, reduction="none")
                for s, c in zip(cond, codes, strict=True)
            ],
            1,
        )
        mask = torch.stack([known[:, s.column] for s in cond], 1).float()
        parts.append((ce * mask).sum() / mask.sum().clamp_min(1))
    expected = torch.stack(parts).sum() if parts else torch.zeros(())
    got = reconstruction_loss(raw, target, known, heads, position_columns)
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)
    if cond:
        column = torch.randint(len(cond), (6,), generator=g)
        category = torch.stack([codes[int(j)][i] for i, j in enumerate(column)])
        expected_c = torch.stack(
            [
                F.cross_entropy(raw[i : i + 1, cond[j].start : cond[j].stop], category[i : i + 1])
                for i, j in enumerate(column.tolist())
            ]
        ).mean()
        torch.testing.assert_close(conditional_loss(heads, raw, column, category), expected_c)
        # k conditions per row (pair conditions): the per-condition losses add up
        column2 = torch.randint(len(cond), (6,), generator=g)
        category2 = torch.stack([codes[int(j)][i] for i, j in enumerate(column2)])
        both = conditional_loss(
            heads, raw, torch.stack([column, column2], 1), torch.stack([category, category2], 1)
        )
        torch.testing.assert_close(both, expected_c + conditional_loss(heads, raw, column2, category2))


def test_heads_compute_in_float32_under_bf16_autocast():
    """On CUDA, Linear outputs are bf16 under autocast; the heads must accept them and stay float32."""
    layout = EncodedLayout(
        (Span(0, 1, "tanh", 0), Span(1, 3, "softmax", 0), Span(4, 4, "softmax", 1), Span(8, 1, "linear", 2)),
        (2,),
    )
    heads = OutputHeads(layout)
    raw = torch.randn(16, layout.width).bfloat16().requires_grad_(True)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = heads(raw, torch.Generator().manual_seed(0))
        loss = conditional_loss(
            heads, raw, torch.zeros(16, dtype=torch.long), torch.ones(16, dtype=torch.long)
        )
    assert out.dtype == torch.float32 and torch.isfinite(out).all()
    (out.sum() + loss).backward()
    assert (
        raw.grad is not None and raw.grad.dtype == torch.bfloat16 and torch.isfinite(raw.grad.float()).all()
    )
    np.testing.assert_allclose(out[:, 1:4].sum(1).detach().numpy(), 1.0, rtol=1e-5)


@given(layouts(), st.integers(0, 2**31 - 1))
def test_sample_puts_exactly_one_one_in_every_softmax_span(layout, seed):
    heads = OutputHeads(layout)
    raw = torch.randn(16, layout.width, generator=torch.Generator().manual_seed(seed)) * 10
    out = heads.sample(raw, torch.Generator().manual_seed(seed))
    for s in layout.spans:
        block = out[:, s.start : s.stop]
        if s.activation == "softmax":
            assert ((block == 0) | (block == 1)).all() and (block.sum(1) == 1).all()
