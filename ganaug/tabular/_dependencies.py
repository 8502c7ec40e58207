"""Exact dependencies between columns: found at fit, kept exact in every generated row.

A categorical column *determines* another column when every value of the
first goes with one value of the second in every training row (Adult's
``education`` fixes ``education-num``). The dependent column of a generated
row is then read from the fitted mapping of its determinant (the GAN still
models it, see ``TabularSynthesizer.model_dependents``): a generated row can
never pair ``Bachelors`` with 9 years of schooling.

- **Exact only.** A relation broken by a single row is not enforced.
- **Evidence.** A determinant needs on average at least
  :data:`MIN_ROWS_PER_VALUE` rows per value (a near-identifier would
  "determine" everything on a small table by chance), and a dependent column
  takes at least two values (a constant is kept by the encoder anyway).
- **Missing values** count as a value of their own, in both columns: a
  missing determinant maps to one fixed dependent value, and a dependent that
  is always missing for a determinant value is derived as missing.
- **Chains.** Finer determinants are tried first (then the column order), a
  dependent column never determines another, and a determinant is never made
  dependent: with ``A -> B -> C`` and ``A`` the finest, both ``B`` and ``C``
  are derived from ``A``; of two columns in one-to-one correspondence the
  first determines the second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

#: Fewest training rows per value of a determining column, on average.
MIN_ROWS_PER_VALUE = 5
#: Rows checked first, to reject most column pairs without reading the whole table.
_QUICK_ROWS = 10_000


@dataclass
class Dependency:
    """Column ``dependent`` is a function of categorical column ``determinant`` (positions in the table).

    ``keys`` holds the determinant's values (NaN included when it had missing
    values) and ``values`` the dependent's value for each key.
    """

    determinant: int
    dependent: int
    keys: np.ndarray
    values: np.ndarray

    def derive(self, determinant: pd.Series) -> np.ndarray:
        """The dependent column's values for the determinant's values (an object array)."""
        index = pd.Index(self.keys).get_indexer(determinant.astype(object))
        out = self.values[np.maximum(index, 0)].copy()
        if (index < 0).any():  # not a key (cannot come out of the generator): missing
            out[index < 0] = np.nan
        return out


def _codes(column: pd.Series) -> np.ndarray:
    """Integer codes of a column's values, missing values one code of their own."""
    return pd.factorize(column.astype(object), use_na_sentinel=False)[0]


def _determines(a: np.ndarray, first: np.ndarray, b: np.ndarray) -> bool:
    """Whether codes ``b`` are constant within each group of codes ``a`` (``first``: a row of each group)."""
    quick = slice(0, _QUICK_ROWS)
    if not np.array_equal(b[quick], b[first][a[quick]]):
        return False
    return bool(np.array_equal(b, b[first][a]))


def find_dependencies(frame: pd.DataFrame, categorical: np.ndarray) -> list[Dependency]:
    """The exact dependencies of ``frame`` whose determinant is a categorical column (mask ``categorical``).

    See the module docstring for the rules.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> frame = pd.DataFrame({"level": list("abcab") * 4, "years": [9, 12, 16, 9, 12] * 4})
    >>> [(d.determinant, d.dependent) for d in find_dependencies(frame, np.array([True, False]))]
    [(0, 1)]
    """
    n_rows, n_cols = frame.shape
    codes = [_codes(frame.iloc[:, j]) for j in range(n_cols)]
    n_values = np.array([c.max() + 1 if len(c) else 0 for c in codes])
    candidates = [
        j
        for j in range(n_cols)
        if categorical[j] and 2 <= n_values[j] and n_values[j] * MIN_ROWS_PER_VALUE <= n_rows
    ]
    candidates.sort(key=lambda j: (-n_values[j], j))
    dependent: set[int] = set()
    determinant: set[int] = set()
    found = []
    for a in candidates:
        if a in dependent:
            continue
        first = np.unique(codes[a], return_index=True)[1]  # a row of each value (codes are 0..k-1)
        for b in range(n_cols):
            if b == a or b in dependent or b in determinant or n_values[b] < 2:
                continue
            if _determines(codes[a], first, codes[b]):
                dependent.add(b)
                determinant.add(a)
                found.append(
                    Dependency(
                        a,
                        b,
                        frame.iloc[first, a].astype(object).to_numpy(),
                        frame.iloc[first, b].astype(object).to_numpy(),
                    )
                )
    return sorted(found, key=lambda d: d.dependent)


def derive_columns(
    reduced: pd.DataFrame, kept: np.ndarray, dependencies: list[Dependency], n_cols: int
) -> Any:
    """The full table (positional columns ``0..n_cols-1``) from the generated columns ``kept``.

    ``reduced`` holds the kept columns in order (positional labels); each
    dependent column is derived from its determinant.
    """
    columns: dict[int, Any] = {int(p): reduced.iloc[:, i] for i, p in enumerate(kept)}
    for dep in dependencies:
        derived = pd.Series(dep.derive(columns[dep.determinant]), index=reduced.index)
        columns[dep.dependent] = derived.infer_objects()
    return pd.DataFrame({p: columns[p] for p in range(n_cols)}, index=reduced.index)
