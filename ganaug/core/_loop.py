"""The one training loop every model uses: steps, progress bar, history, validation, faults.

A model hands :func:`run_steps` a ``step`` callable that performs one
optimisation step and returns its losses as one tensor on the device. The
loop sums them on the device and reads them once per logging interval (the
only host sync), records ``history``, shows a tqdm bar under ``verbose``,
and at each interval may score the model on held-out data
(:class:`Validation`: early stopping, best weights kept). When a loss turns
non-finite it stops with a warning and puts back the last weights whose
losses were finite, so a fitted model never samples NaN.
"""

from __future__ import annotations

import copy
import math
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Sequence

import torch
from tqdm.auto import tqdm

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


class Validation:
    """Score the model on held-out data at each logging interval; stop early and keep the best.

    Parameters
    ----------
    score : callable
        Returns the validation score (lower is better) as a 0-d tensor.
    module : torch.nn.Module
        The module whose best weights are kept (the generator).
    n_iter_no_change : int
        Stop when the score has not improved by more than ``tol`` over the
        last ``n_iter_no_change`` scores (as ``HistGradientBoostingClassifier``
        does with its validation loss).
    tol : float
        Minimum improvement.
    """

    def __init__(
        self, score: Callable[[], torch.Tensor], module: torch.nn.Module, n_iter_no_change: int, tol: float
    ):
        self.score = score
        self.module = module
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.scores: list[float] = []
        self.best = math.inf
        self.best_state: dict | None = None

    def __call__(self) -> float:
        """Score now; remember the weights when they are the best so far."""
        was_training = self.module.training
        self.module.eval()
        with torch.no_grad():
            value = float(current().mean(self.score()))  # every rank decides alike
        self.module.train(was_training)
        self.scores.append(value)
        if value < self.best:
            self.best = value
            self.best_state = copy.deepcopy(self.module.state_dict())
        return value

    def should_stop(self) -> bool:
        n = self.n_iter_no_change
        if len(self.scores) <= n:
            return False
        reference = self.scores[-n - 1]
        return all(s > reference - self.tol for s in self.scores[-n:])

    def restore_best(self) -> None:
        if self.best_state is not None:
            self.module.load_state_dict(self.best_state)


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
        loss turns non-finite.
    validation : Validation, optional
        Scored at each record (``val_score``); training stops early when it
        stops improving, and the best weights are put back at the end.

    Returns
    -------
    history : list of dict
        One dict per interval: ``step``, ``epoch`` (when known), the mean of
        each loss over the interval, ``val_score`` (with validation) and
        ``seconds``.
    """
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
    finite_state = copy.deepcopy(keep.state_dict()) if keep is not None else None
    done = 0
    for _ in range(n_intervals):
        start = time.perf_counter()
        todo = min(log_every, n_steps - done)
        totals = torch.zeros(len(names), device=device)
        for _ in range(todo):
            totals += step()
        done += todo
        values = (current().mean(totals) / todo).tolist()  # the mean over ranks in a data-parallel fit
        losses = dict(zip(names, values, strict=True))
        record: dict = {"step": done}
        if steps_per_epoch:
            record["epoch"] = done / steps_per_epoch
        record.update(losses)
        finite = all(math.isfinite(v) for v in values)
        if not finite:
            history.append({**record, "seconds": time.perf_counter() - start})
            bar.close()
            if keep is not None:
                keep.load_state_dict(finite_state)
            if validation is not None and validation.best_state is not None:
                validation.restore_best()
            warnings.warn(
                f"GAN losses became non-finite by step {done} ({losses}); training stopped and the "
                f"generator was put back to its state at step {done - todo}. Try a lower learning rate "
                "or precision='float32'.",
                DivergenceWarning,
                stacklevel=3,
            )
            return history
        if keep is not None:
            finite_state = copy.deepcopy(keep.state_dict())
        stop = False
        if validation is not None:
            record["val_score"] = validation()
            stop = validation.should_stop()
        history.append({**record, "seconds": time.perf_counter() - start})
        bar.update(todo)
        bar.set_postfix({k: f"{v:.3f}" for k, v in losses.items()}, refresh=False)
        if stop:
            break
    bar.close()
    if validation is not None:
        validation.restore_best()
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
    )
