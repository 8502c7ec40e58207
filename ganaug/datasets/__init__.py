"""Small datasets bundled with ganaug, for the demo and examples."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pandas as pd


def load_adult_sample() -> tuple[pd.DataFrame, pd.Series]:
    """8,000 rows of the UCI Adult census table, bundled (no download).

    A random sample (seed 0) of the 32,561 training rows of UCI Adult
    (Becker & Kohavi, 1996, CC BY 4.0), the standard benchmark of CTGAN.
    String values keep their leading space, as in the original files.

    Returns
    -------
    X : DataFrame of shape (8000, 14)
        Six integer and eight string columns.
    y : Series of shape (8000,)
        ``income``: ``" <=50K"`` or ``" >50K"``.

    Examples
    --------
    >>> X, y = load_adult_sample()
    >>> X.shape, sorted(y.unique())
    ((8000, 14), [' <=50K', ' >50K'])
    """
    with resources.files(__package__).joinpath("adult_sample.csv.gz").open("rb") as handle:
        frame = pd.read_csv(handle, compression="gzip")
    return frame.drop(columns="income"), frame["income"]


def make_rare(X: Any, y: pd.Series, label: Any, share: float, *, random_state: Any = None) -> tuple[Any, Any]:
    """Drop rows of class ``label`` at random until it is ``share`` of the table.

    A thin wrapper of :func:`imblearn.datasets.make_imbalance` that takes the
    target share instead of a count, as the benchmarks state their tasks
    ("the minority class cut to 5% of the training set").

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_samples, n_features)
        The table.
    y : Series of shape (n_samples,)
        Its labels.
    label : object
        The class to make rare.
    share : float
        The share of ``label`` in the returned table, in (0, 1).
    random_state : int, RandomState instance or None, default=None
        Which rows of ``label`` are kept.

    Returns
    -------
    X_rare, y_rare : same containers as X and y
        Every row of the other classes, and a random subset of ``label``'s.

    Examples
    --------
    >>> X, y = load_adult_sample()
    >>> X_cut, y_cut = make_rare(X, y, " >50K", 0.05, random_state=0)
    >>> round(float((y_cut == " >50K").mean()), 3)
    0.05
    """
    from imblearn.datasets import make_imbalance

    keep = round(share * int((y != label).sum()) / (1 - share))
    return make_imbalance(X, y, sampling_strategy={label: keep}, random_state=random_state)
