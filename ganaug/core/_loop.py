"""The one training loop every model uses: steps, progress bar, history, non-finite stop.

A model hands :func:`run_steps` a ``step`` callable that performs one
optimisation step and returns its losses as one tensor on the device. The
loop sums them on the device and reads them once per logging interval (the
only host sync), records ``history``, shows a tqdm bar under ``verbose`` and
stops with a warning when a loss turns non-finite.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Iterable, Sequence

import torch
from tqdm.auto import tqdm


def adam(
    params: Iterable[torch.nn.Parameter],
    lr: float,
    device: torch.device,
    *,
    betas: tuple[float, float] = (0.5, 0.9),
    weight_decay: float = 0.0,
) -> torch.optim.Adam:
    """Adam, fused (one kernel for all parameters) on CPU and CUDA."""
    fused = {"fused": True} if device.type in ("cpu", "cuda") else {}
    return torch.optim.Adam(params, lr=lr, betas=betas, weight_decay=weight_decay, **fused)


def run_steps(
    step: Callable[[], torch.Tensor],
    names: Sequence[str],
    *,
    n_steps: int,
    log_every: int,
    device: torch.device,
    verbose: bool,
    steps_per_epoch: int | None = None,
) -> list[dict]:
    """Call ``step`` ``n_steps`` times; record the mean losses every ``log_every`` steps.

    Parameters
    ----------
    step : callable
        One optimisation step; returns its losses as a 1-D tensor, in the
        order of ``names``.
    names : sequence of str
        Names of the losses in history (``loss_d``, ``loss_g``, ...).
    n_steps, log_every : int
        Steps to run, and steps per history record (the last may be shorter).
    device : torch.device
        Where the losses live.
    verbose : bool
        Show a tqdm progress bar with the losses.
    steps_per_epoch : int, optional
        Adds an ``epoch`` entry (steps done / steps per epoch) to each record.

    Returns
    -------
    history : list of dict
        One dict per interval: ``step``, ``epoch`` (when known), the mean of
        each loss over the interval, and ``seconds``.
    """
    history: list[dict] = []
    n_intervals = math.ceil(n_steps / log_every)
    bar = tqdm(total=n_steps, desc="ganaug", unit="step", disable=not verbose, leave=True)
    done = 0
    for _ in range(n_intervals):
        start = time.perf_counter()
        todo = min(log_every, n_steps - done)
        totals = torch.zeros(len(names), device=device)
        for _ in range(todo):
            totals += step()
        done += todo
        values = (totals / todo).tolist()
        losses = dict(zip(names, values, strict=True))
        record: dict = {"step": done}
        if steps_per_epoch:
            record["epoch"] = done / steps_per_epoch
        history.append({**record, **losses, "seconds": time.perf_counter() - start})
        bar.update(todo)
        bar.set_postfix({k: f"{v:.3f}" for k, v in losses.items()}, refresh=False)
        if not all(math.isfinite(v) for v in values):
            warnings.warn(
                f"GAN losses became non-finite by step {done} ({losses}); training stopped. "
                "Try a lower learning rate.",
                RuntimeWarning,
                stacklevel=3,
            )
            break
    bar.close()
    return history
