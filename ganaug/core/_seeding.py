"""Seeds, one story for the estimators, the torchrun ranks and the Dask partitions.

- A call (``fit``, ``sample``, a Dask graph) turns its ``random_state`` into
  **one root** int, once (:func:`root_seed`), and passes down one
  :class:`Seeds` object.
- Every stream below the root is named by its purpose (``"encoder"``,
  ``"training"``, ``"partition"`` with its number, ...) and is the child of
  ``numpy.random.SeedSequence(root)`` whose spawn key is the name's CRC-32
  followed by the numbers: ``SeedSequence(root, spawn_key=key)`` is exactly
  what ``.spawn`` gives as that child. Streams never overlap and do not depend
  on the order in which they are asked for.
- :func:`stream_seed` turns a stream into an int: 31 bits for anything that
  takes a ``random_state`` (numpy, scikit-learn, a ganaug estimator), 63 for
  a torch generator. Under the training seed, rank ``r`` of a data-parallel
  fit draws its batches from key ``(r,)`` (a single-process fit from the
  seed's own sequence, key ``()``).
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
from sklearn.utils import check_random_state

#: Upper bound (exclusive) of a drawn seed: any ``random_state`` accepts it.
SEED_MAX = 2**31 - 1


def draw_seed(rng: np.random.RandomState) -> int:
    """A fresh int seed from a numpy ``RandomState`` (one per derived stream)."""
    return int(rng.randint(SEED_MAX))


def root_seed(random_state: Any, default: Any = None) -> int:
    """One root seed from ``random_state`` (``None``: from ``default``, e.g. the estimator's own)."""
    return draw_seed(check_random_state(default if random_state is None else random_state))


def stream(root: int, *key: int) -> np.random.SeedSequence:
    """The seed sequence of stream ``key`` under ``root`` (the same as ``SeedSequence(root).spawn``)."""
    return np.random.SeedSequence(root, spawn_key=key)


def stream_seed(root: int, *key: int, torch: bool = False) -> int:
    """The int seed of stream ``key`` under ``root``: 31 bits, or 63 bits with ``torch=True``."""
    if torch:
        return int(stream(root, *key).generate_state(1, np.uint64)[0] >> 1)
    return int(stream(root, *key).generate_state(1, np.uint32)[0] >> 1)


class Seeds:
    """The seeds of one call, by purpose, all derived from one root.

    Parameters
    ----------
    root : int
        The call's root seed (see :func:`root_seed`).

    Examples
    --------
    >>> seeds = Seeds.from_random_state(0)
    >>> seeds.seed("encoder") == Seeds(seeds.root).seed("encoder")  # the same name, the same seed
    True
    >>> seeds.seed("encoder") != seeds.seed("training") != seeds.seed("partition", 1)
    True
    """

    def __init__(self, root: int) -> None:
        self.root = int(root)

    @classmethod
    def from_random_state(cls, random_state: Any) -> Seeds:
        """The seeds of a call given ``random_state`` (an int, a ``RandomState`` or None)."""
        return cls(root_seed(random_state))

    @staticmethod
    def key(purpose: str, *index: int) -> tuple[int, ...]:
        """The spawn key of a named stream: the name's CRC-32, then the numbers."""
        return (zlib.crc32(purpose.encode()), *(int(i) for i in index))

    def seed(self, purpose: str, *index: int, torch: bool = False) -> int:
        """The int seed of the stream ``purpose`` (31 bits; 63 bits with ``torch=True``)."""
        return stream_seed(self.root, *self.key(purpose, *index), torch=torch)

    def rng(self, purpose: str, *index: int) -> np.random.RandomState:
        """A ``RandomState`` on the stream ``purpose``, for numpy and scikit-learn draws."""
        return np.random.RandomState(self.seed(purpose, *index))

    def child(self, purpose: str, *index: int) -> Seeds:
        """The seeds of a sub-call (a partition, a rank) whose root is the stream ``purpose``."""
        return Seeds(self.seed(purpose, *index))

    def __repr__(self) -> str:
        return f"Seeds({self.root})"
