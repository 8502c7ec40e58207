"""Small datasets bundled with ganaug, for the demo and examples."""

from __future__ import annotations

from importlib import resources

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
