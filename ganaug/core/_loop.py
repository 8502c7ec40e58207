"""The one training loop every model uses: steps, progress bar, history, hooks, faults.

A model hands :func:`run_steps` a ``step`` callable that performs one
optimisation step and returns its losses as one tensor on the device, and
the hooks (``ganaug.core._hooks``) that do the rest. The loop sums the
losses on the device and reads them once per logging interval (the only
host sync), records ``history``, shows a tqdm bar under ``verbose``, and
calls the hooks around every step and at every interval (an average of the
generator's weights, a validation score with early stopping). When a loss
turns non-finite it stops with a warning and puts back the last weights
whose losses were finite (:class:`KeepFinite`), so a fitted model never
samples NaN.
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Sequence

import torch
from tqdm.auto import tqdm

from ganaug.core._hooks import Hook, KeepFinite, Validation
from ganaug.core._parallel import current
from ganaug.exceptions import DivergenceWarning


def adam(
    params: Iterable[torch.nn.Parameter],
    lr: float,
    device: torch.device,
    *,
    betas: tuple[float, float] = (0.5, 0.9),
    weight_decay: float = 0.0,
) -> torch.optim.Adam:
    """Adam, fused (one kernel for all parameters) on CPU and CUDA.

    In a data-parallel fit each ``step()`` first averages the gradients over
    the ranks (:meth:`ganaug.core._parallel.DataParallel.attach`).
    """
    fused = {"fused": True} if device.type in ("cpu", "cuda") else {}
    optimizer = torch.optim.Adam(params, lr=lr, betas=betas, weight_decay=weight_decay, **fused)
    current().attach(optimizer)
    return optimizer


def step_budget(
    epochs: int | str, max_steps: int | None, steps_per_epoch: int, auto: Callable[[], int]
) -> int:
    """Optimizer steps to run: ``max_steps`` if given, else ``epochs`` passes, else the modality's rule."""
    if max_steps is not None:
        return int(max_steps)
    if epochs == "auto":
        return int(auto())
    return int(epochs) * steps_per_epoch


#: Generator steps of an imputer's ``epochs="auto"`` (GAIN's reference runs use about as many).
AUTO_IMPUTATION_STEPS = 3000


def imputation_steps(steps_per_epoch: int) -> int:
    """Training length of an imputer's ``epochs="auto"``: 3,000 steps, within [10, 2,000] epochs."""
    return int(min(max(AUTO_IMPUTATION_STEPS, 10 * steps_per_epoch), 2000 * steps_per_epoch))


def steps_trained(history: list[dict]) -> int:
    """Generator steps a history records (its last ``step``; 0 when empty)."""
    return int(history[-1]["step"]) if history else 0


def diverged(history: list[dict]) -> bool:
    """Whether training stopped on a non-finite loss."""
    return bool(history) and not all(math.isfinite(v) for k, v in history[-1].items() if k.startswith("loss"))


def log_interval(n_steps: int, steps_per_epoch: int, max_records: int = 200) -> int:
    """Steps per history record: one epoch, or more so that there are at most ``max_records``."""
    return max(1, steps_per_epoch, math.ceil(n_steps / max_records))


def run_steps(
    step: Callable[[], torch.Tensor],
    names: Sequence[str],
    *,
    n_steps: int,
    log_every: int,
    device: torch.device,
    verbose: bool,
    steps_per_epoch: int | None = None,
    keep: torch.nn.Module | None = None,
    validation: Validation | None = None,
    hooks: Sequence[Hook] = (),
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
    keep : torch.nn.Module, optional
        The module (the generator) put back to its last finite state when a
        loss turns non-finite (a :class:`KeepFinite` hook, run first).
    validation : Validation, optional
        Scored at each record (``val_score``); training stops early when it
        stops improving, and the best weights are put back at the end. It
        runs last, after ``hooks``.
    hooks : sequence of Hook
        Called around every step and at every record, in order.

    Returns
    -------
    history : list of dict
        One dict per interval: ``step``, ``epoch`` (when known), the mean of
        each loss over the interval, what the hooks add (``val_score`` with
        validation) and ``seconds``.
    """
    hooks = [
        *([] if keep is None else [KeepFinite(keep)]),
        *hooks,
        *([] if validation is None else [validation]),
    ]
    stepping = [h for h in hooks if type(h).before_step is not Hook.before_step]
    stepped = [h for h in hooks if type(h).after_step is not Hook.after_step]
    history: list[dict] = []
    n_intervals = math.ceil(n_steps / log_every)
    interactive = bool(getattr(sys.stderr, "isatty", lambda: False)())
    bar = tqdm(
        total=n_steps,
        desc="ganaug",
        unit="step",
        disable=not verbose or current().rank != 0,
        leave=True,
        # redirected to a file, a bar redrawn every second fills it with carriage returns
        mininterval=1.0 if interactive else 30.0,
        dynamic_ncols=interactive,
    )
    done = 0
    for _ in range(n_intervals):
        start = time.perf_counter()
        todo = min(log_every, n_steps - done)
        totals = torch.zeros(len(names), device=device)
        for _ in range(todo):
            for hook in stepping:
                hook.before_step()
            totals += step()
            for hook in stepped:
                hook.after_step()
        done += todo
        values = (current().mean(totals) / todo).tolist()  # the mean over ranks in a data-parallel fit
        losses = dict(zip(names, values, strict=True))
        record: dict = {"step": done}
        if steps_per_epoch:
            record["epoch"] = done / steps_per_epoch
        record.update(losses)
        if not all(math.isfinite(v) for v in values):
            history.append({**record, "seconds": time.perf_counter() - start})
            bar.close()
            for hook in hooks:
                hook.on_divergence()
            warnings.warn(
                f"GAN losses became non-finite by step {done} ({losses}); training stopped and the "
                f"generator was put back to its state at step {done - todo}. Try a lower learning rate "
                "or precision='float32'.",
                DivergenceWarning,
                stacklevel=3,
            )
            return history
        stop = False
        for hook in hooks:
            stop = hook.on_record(record) or stop  # every hook sees every record
        history.append({**record, "seconds": time.perf_counter() - start})
        bar.update(todo)
        bar.set_postfix({k: f"{v:.3f}" for k, v in losses.items()}, refresh=False)
        if stop:
            break
    bar.close()
    for hook in hooks:
        hook.on_end()
    return history


def train(
    step: Callable[[], torch.Tensor],
    names: Sequence[str],
    *,
    n_rows: int,
    batch_size: int,
    epochs: int | str,
    max_steps: int | None,
    auto: Callable[[int], int],
    device: torch.device,
    verbose: bool,
    keep: torch.nn.Module | None = None,
    validation: Validation | None = None,
    hooks: Sequence[Hook] = (),
    max_records: int = 200,
) -> list[dict]:
    """Budget a training run and run it: what every model's ``train`` ends with.

    The length is ``max_steps``, else ``epochs`` passes of ``n_rows //
    batch_size`` steps, else ``auto(steps_per_epoch)`` (the modality's rule
    for ``epochs="auto"``); then :func:`run_steps` with one record per epoch
    or more (at most ``max_records``).
    """
    steps_per_epoch = max(n_rows // batch_size, 1)
    n_steps = step_budget(epochs, max_steps, steps_per_epoch, lambda: auto(steps_per_epoch))
    return run_steps(
        step,
        names,
        n_steps=n_steps,
        log_every=log_interval(n_steps, steps_per_epoch, max_records),
        steps_per_epoch=steps_per_epoch,
        device=device,
        verbose=verbose,
        keep=keep,
        validation=validation,
        hooks=hooks,
    )


def train_imputation(
    step: Callable[[], torch.Tensor],
    *,
    n_rows: int,
    batch_size: int,
    epochs: int | str,
    device: torch.device,
    verbose: bool,
    generator: torch.nn.Module,
    validation: Validation | None = None,
    max_steps: int | None = None,
    auto: Callable[[int], int] = imputation_steps,
) -> list[dict]:
    """:func:`train` as both imputation models (tables, images) run a :func:`~ganaug.core.gain_step`.

    GAIN's three losses, the modality's ``epochs="auto"`` rule (``auto``, of
    the steps per epoch; :func:`imputation_steps` unless the modality has
    its own), at most 100 records, and the generator kept at its last
    finite weights.
    """
    return train(
        step,
        ("loss_d", "loss_g", "loss_rec"),
        n_rows=n_rows,
        batch_size=batch_size,
        epochs=epochs,
        max_steps=max_steps,
        auto=auto,
        device=device,
        verbose=verbose,
        keep=generator,
        validation=validation,
        max_records=100,
    )
