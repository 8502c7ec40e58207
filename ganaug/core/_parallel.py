"""Data-parallel training over ``torch.distributed``; in one process every call here is a no-op.

Every engine's ``train`` asks :func:`current` for its place in the fit and
calls the same few methods whether or not a process group is active:
:meth:`DataParallel.shard` keeps this rank's rows, :meth:`DataParallel.local_batch`
splits the global batch, :meth:`DataParallel.start` makes the freshly built
networks identical on every rank, and :meth:`DataParallel.finish` averages
their running statistics at the end. :func:`ganaug.core.adam` attaches
:meth:`DataParallel.attach` to every optimizer, so each ``step()`` first
averages the gradients over the ranks (one all-reduce of one flat buffer per
optimizer, as ``DistributedDataParallel``'s buckets do). The training loop
averages the logged losses and validation scores over the ranks, so every
rank takes the same decisions (early stop, divergence stop) and stays in
step.

Why not ``torch.nn.parallel.DistributedDataParallel`` itself: it averages
gradients from hooks on ``backward()``, but a GAN step runs the critic
several times (real, fake, the gradient penalty's ``autograd.grad`` with
``create_graph=True``) before one ``backward``, which DDP does not support
(its documentation: it does not work with ``torch.autograd.grad``). Averaging
at the optimizer step gives the same update with no such constraint.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np
import torch

from ganaug.core._seeding import stream_seed


class DataParallel:
    """One process's place in a data-parallel fit: ``rank`` of ``world_size``.

    The default (rank 0 of 1) is the single-process fit: every method then
    returns its input or does nothing.
    """

    def __init__(self, rank: int = 0, world_size: int = 1, group: Any = None) -> None:
        if not 0 <= rank < world_size:
            raise ValueError(f"rank {rank} is not in [0, {world_size}).")
        self.rank = rank
        self.world_size = world_size
        self.group = group

    @property
    def active(self) -> bool:
        return self.world_size > 1

    @property
    def spawn_key(self) -> tuple[int, ...]:
        """What makes this rank's random streams its own (``()`` in one process: the usual streams)."""
        return (self.rank,) if self.active else ()

    def shard(self, *arrays: np.ndarray) -> tuple[np.ndarray, ...]:
        """This rank's rows of each array: ``rank, rank + world_size, ...`` (all of them in one process)."""
        if not self.active:
            return arrays
        n = len(arrays[0])
        if n < self.world_size:
            raise ValueError(
                f"{n} training rows cannot be shared among {self.world_size} processes; "
                "train in one process or on more rows."
            )
        return tuple(np.ascontiguousarray(a[self.rank :: self.world_size]) for a in arrays)

    def local_batch(self, batch_size: int, multiple: int = 1) -> int:
        """This rank's share of the global ``batch_size``, a multiple of ``multiple`` (at least one)."""
        if not self.active:
            return batch_size
        return max(multiple, batch_size // self.world_size // multiple * multiple)

    def start(self, *modules: torch.nn.Module) -> None:
        """Give every rank rank 0's weights and buffers; then seed each rank's own dropout stream."""
        if not self.active:
            return
        import torch.distributed as dist

        with torch.no_grad():
            for module in modules:
                for tensor in [*module.parameters(), *module.buffers()]:
                    dist.broadcast(tensor.data, src=0, group=self.group)
        torch.manual_seed(stream_seed(torch.initial_seed(), *self.spawn_key, torch=True))

    def attach(self, optimizer: torch.optim.Optimizer) -> None:
        """Average the gradients over the ranks before each ``optimizer.step()``."""
        if self.active:
            optimizer.register_step_pre_hook(self._average_gradients)

    def _average_gradients(self, optimizer: torch.optim.Optimizer, args: Any, kwargs: Any) -> None:
        import torch.distributed as dist

        grads = [p.grad for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
        if not grads:
            return
        flat = torch.cat([g.reshape(-1) for g in grads])
        dist.all_reduce(flat, group=self.group)
        flat /= self.world_size
        offset = 0
        for g in grads:
            g.copy_(flat[offset : offset + g.numel()].view_as(g))
            offset += g.numel()

    def mean(self, value: torch.Tensor) -> torch.Tensor:
        """The mean of ``value`` over the ranks (``value`` itself in one process)."""
        if not self.active:
            return value
        import torch.distributed as dist

        value = value.detach().float().clone()
        dist.all_reduce(value, group=self.group)
        return value / self.world_size

    def finish(self, *modules: torch.nn.Module) -> None:
        """Average floating-point buffers (batch-norm statistics) so every rank ends with one model."""
        if not self.active:
            return
        with torch.no_grad():
            for module in modules:
                for buffer in module.buffers():
                    if buffer.is_floating_point():
                        buffer.copy_(self.mean(buffer))


_SINGLE = DataParallel()
_CURRENT: ContextVar[DataParallel] = ContextVar("ganaug_data_parallel", default=_SINGLE)


def current() -> DataParallel:
    """The data-parallel context of the fit running now (rank 0 of 1 outside :func:`data_parallel`)."""
    return _CURRENT.get()


@contextmanager
def data_parallel(context: DataParallel) -> Iterator[DataParallel]:
    """Make ``context`` the one every engine sees inside the ``with`` block."""
    token = _CURRENT.set(context)
    try:
        yield context
    finally:
        _CURRENT.reset(token)
