"""Training hooks: what a fit does besides the optimisation step, called by the one training loop.

:func:`ganaug.core.run_steps` runs a model's ``step()`` and, around it, the
hooks it is given, in order:

- :meth:`Hook.before_step` and :meth:`Hook.after_step`, around every step
  (an exponential moving average of the generator, :class:`MovingAverage`,
  updates after each);
- :meth:`Hook.on_record`, at every logging interval whose losses are finite,
  with the history record: a hook may add entries to it (a validation score,
  a fidelity measure) and ask to stop (early stopping, :class:`Validation`);
- :meth:`Hook.on_divergence`, when a loss turns non-finite, before the loop
  stops (:class:`KeepFinite` puts the last finite weights back);
- :meth:`Hook.on_end`, when the loop ends without diverging.

A model's ``train`` builds its networks, its ``step`` and its hooks, and
hands them to :func:`ganaug.core.train`. Adding behaviour to every model's
training means writing a hook, not editing four ``train`` methods.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable

import torch

from ganaug.core._parallel import current


class Hook:
    """Base of the training hooks: every method does nothing; override the ones you need."""

    def before_step(self) -> None:
        """Before each optimisation step."""

    def after_step(self) -> None:
        """After each optimisation step."""

    def on_record(self, record: dict) -> bool:
        """At each logging interval with finite losses; may add to ``record``. True: stop training."""
        return False

    def on_divergence(self) -> None:
        """A loss turned non-finite; the loop stops after the hooks have run."""

    def on_end(self) -> None:
        """The loop ended without diverging (all steps run, or stopped by :meth:`on_record`)."""


class KeepFinite(Hook):
    """Remember a module's weights at each interval with finite losses; put them back on divergence."""

    def __init__(self, module: torch.nn.Module) -> None:
        self.module = module
        self.state = copy.deepcopy(module.state_dict())

    def on_record(self, record: dict) -> bool:
        self.state = copy.deepcopy(self.module.state_dict())
        return False

    def on_divergence(self) -> None:
        self.module.load_state_dict(self.state)


class Validation(Hook):
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

    def on_record(self, record: dict) -> bool:
        record["val_score"] = self()
        return self.should_stop()

    def on_divergence(self) -> None:
        self.restore_best()

    def on_end(self) -> None:
        self.restore_best()


class MovingAverage(Hook):
    """Exponential moving average of a module's weights (the copy used for sampling).

    ``decay`` ramps up as ``(1 + t) / (warmup + t)`` so early averages are
    not dominated by the random initialisation; the ramp stays below 0.999
    for the first ``999 * warmup - 1000`` steps (8,990 at ``warmup=10``), so
    in shorter fits it, not ``decay``, sets how far back the average reaches
    (about the last ``t / (warmup - 1)`` steps). Buffers (batch-norm
    statistics) are copied from the live module. As a hook, it updates after
    every step.
    """

    def __init__(self, module: torch.nn.Module, decay: float = 0.999, warmup: float = 10.0) -> None:
        self.module = module
        self.average = copy.deepcopy(module).eval().requires_grad_(False)
        self.decay = decay
        self.warmup = warmup
        self.steps = 0

    @torch.no_grad()
    def update(self) -> None:
        self.steps += 1
        decay = min(self.decay, (1 + self.steps) / (self.warmup + self.steps))
        torch._foreach_lerp_(list(self.average.parameters()), list(self.module.parameters()), 1.0 - decay)
        for mine, theirs in zip(self.average.buffers(), self.module.buffers(), strict=True):
            mine.copy_(theirs)

    def after_step(self) -> None:
        self.update()
