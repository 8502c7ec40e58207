"""Data-parallel training on several GPUs (or CPU processes) with ``torch.distributed``.

Launch one process per GPU with ``torchrun``; every process runs the same
script and calls :func:`fit` with the same data::

    # train.py
    import pandas as pd
    from ganaug import GANAugmenter
    from ganaug.distributed import fit

    table = pd.read_csv("train.csv")
    X, y = table.drop(columns="label"), table["label"]
    fit(GANAugmenter(random_state=0), X, y, path="augmenter.ganaug")

    $ torchrun --nproc-per-node=4 train.py          # 4 GPUs (NCCL)
    $ torchrun --nproc-per-node=2 train.py          # 2 CPU processes (gloo), no GPU
    $ python train.py                               # one process: an ordinary fit

What each process does: it encodes the whole table exactly as a one-process
fit would (the encoder is deterministic, so all ranks agree; :func:`fit`
checks that every rank was given the same data), keeps every
``world_size``-th row as its shard, and trains on batches of
``batch_size / world_size`` rows drawn from its shard with a rank-derived
seed. The networks start from rank 0's weights; each optimizer step
averages the gradients over the ranks (one all-reduce per optimizer), so the
weights stay identical everywhere and the update is that of one process with
the global batch. Losses and validation scores are averaged over the ranks,
so early stopping and the divergence stop happen on every rank at the same
step. Batch-norm statistics are averaged at the end. Rank 0 writes the model
(``path``), and every rank returns the same fitted estimator.

Both estimators and both modalities are supported (``GANAugmenter`` on
tables and images, ``GANImputer`` on tables and images); ``engine="ctgan"``
is not (ctgan trains in its own loop). The training length (``epochs``,
``max_steps``) counts optimizer steps of the global batch, as in one
process, so a data-parallel fit does the same number of steps in less time
per step.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import warnings
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["fit"]


def _digest(X: Any, y: Any) -> str:
    """A fingerprint of the training data, to check that every rank was given the same."""
    h = hashlib.sha256()
    for part in (X, y):
        if part is None:
            h.update(b"none")
            continue
        if isinstance(part, pd.DataFrame | pd.Series):
            names = list(part.columns) if isinstance(part, pd.DataFrame) else [part.name]
            h.update(repr(names).encode())
            h.update(pd.util.hash_pandas_object(part, index=True).to_numpy().tobytes())
            continue
        array = np.asarray(part)
        h.update(repr((array.shape, str(array.dtype))).encode())
        if array.dtype.kind in "biufcmMS":
            h.update(np.ascontiguousarray(array).tobytes())
        else:  # objects: hash their values, not their addresses
            flat = pd.DataFrame(array.reshape(len(array), -1)) if array.ndim else pd.DataFrame([array])
            h.update(pd.util.hash_pandas_object(flat, index=False).to_numpy().tobytes())
    return h.hexdigest()


def _wants_cuda(estimator: Any) -> bool:
    import torch

    device = str(getattr(estimator, "device", "auto"))
    return torch.cuda.is_available() and (device == "auto" or device.startswith("cuda"))


def _check_estimator(estimator: Any) -> None:
    from ganaug._augmenter import GANAugmenter
    from ganaug._imputer import GANImputer

    if not isinstance(estimator, GANAugmenter | GANImputer):
        raise TypeError(
            f"ganaug.distributed.fit trains a GANAugmenter or a GANImputer, not {type(estimator).__name__}."
        )
    if getattr(estimator, "engine", "ganaug") == "ctgan":
        raise ValueError(
            'engine="ctgan" cannot train data-parallel (ctgan runs its own training loop); '
            'use engine="ganaug".'
        )


def fit(
    estimator: Any,
    X: Any,
    y: Any = None,
    *,
    path: str | os.PathLike | None = None,
    backend: str | None = None,
) -> Any:
    """Fit ``estimator`` on ``X`` (and ``y``) with one process per GPU or CPU worker.

    Call it from a script launched with ``torchrun``, in every process, with
    the same data. Without ``torchrun`` (no ``WORLD_SIZE`` in the
    environment and no process group) it is an ordinary ``estimator.fit``.

    Parameters
    ----------
    estimator : GANAugmenter or GANImputer
        The unfitted (or to be refitted) estimator; its parameters are the
        same on every rank. ``batch_size`` is the global batch: each rank
        draws ``batch_size / world_size`` rows per step (a multiple of
        ``pac`` for tables).
    X : array-like, DataFrame or images
        Training data, the same on every rank (checked).
    y : array-like of shape (n_samples,), default=None
        Class labels for ``GANAugmenter``; ignored by ``GANImputer``.
    path : str or os.PathLike, default=None
        Where rank 0 writes the fitted model with :func:`ganaug.save`; every
        rank waits until it is written.
    backend : {"nccl", "gloo"}, default=None
        Used when this call starts the process group: ``"nccl"`` when the
        estimator trains on CUDA, else ``"gloo"``. A process group started
        before the call is used as it is; one started here stays open for
        later calls and is closed when the process exits.

    Returns
    -------
    estimator : GANAugmenter or GANImputer
        The fitted estimator: the same weights on every rank.

    Raises
    ------
    ValueError
        When the ranks were given different data, or for ``engine="ctgan"``.

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug import GANAugmenter
    >>> from ganaug.distributed import fit
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(200, 3)), np.repeat([0, 1], 100)
    >>> aug = fit(GANAugmenter(max_steps=20, random_state=0), X, y)  # one process: a plain fit
    >>> aug.sample(3, y=1)[0].shape
    (3, 3)
    """
    import torch
    import torch.distributed as dist

    from ganaug.core import DataParallel, data_parallel
    from ganaug.io import save

    _check_estimator(estimator)
    if not (dist.is_available() and dist.is_initialized()):
        if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
            estimator.fit(X, y)
            if path is not None:
                save(estimator, path)
            return estimator
        if not dist.is_available():
            raise RuntimeError("This torch build has no torch.distributed; train in one process.")
        cuda = _wants_cuda(estimator)
        backend = backend or ("nccl" if cuda else "gloo")
        if cuda:
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
        dist.init_process_group(backend)
        # left open for later calls (a process group cannot be started again on torchrun's store
        # after it was destroyed) and closed when the process exits
        atexit.register(_close, dist)
    rank, world_size = dist.get_rank(), dist.get_world_size()
    device = getattr(estimator, "device", "auto")
    try:
        digests: list[Any] = [None] * world_size
        dist.all_gather_object(digests, _digest(X, y))
        if len(set(digests)) > 1:
            different = [r for r, d in enumerate(digests) if d != digests[0]]
            raise ValueError(
                f"Every process must be given the same X and y (ganaug shards the rows itself); "
                f"ranks {different} hold different data from rank 0."
            )
        if _wants_cuda(estimator):  # one GPU per process: this process's own
            estimator.set_params(device=f"cuda:{torch.cuda.current_device()}")
        with warnings.catch_warnings(), data_parallel(DataParallel(rank, world_size)):
            if rank:  # every rank fits the same model: its warnings are rank 0's
                warnings.simplefilter("ignore")
            estimator.fit(X, y)
        if path is not None and rank == 0:
            save(estimator, path)
        dist.barrier()
    finally:
        estimator.set_params(device=device)
    return estimator


def _close(dist: Any) -> None:
    if dist.is_initialized():
        dist.destroy_process_group()
