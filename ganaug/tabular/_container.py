"""Tabular input: check it once, remember its container, and give rows back in it."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Container:
    """The kind, column labels and dtypes of an input table.

    ``kind`` is ``"dataframe"``, ``"ndarray"`` or ``"list"`` (a list of rows).
    """

    kind: str
    columns: Any
    dtypes: Any

    @classmethod
    def of(cls, X: Any, array: np.ndarray | None = None) -> tuple[pd.DataFrame, Container]:
        """A DataFrame view of ``X`` (sparse columns densified) and its container.

        ``array`` is ``np.asarray(X)`` when the caller already has it.
        """
        if isinstance(X, pd.DataFrame):
            frame = X
            sparse = [c for c in X.columns if isinstance(X[c].dtype, pd.SparseDtype)]
            if sparse:
                frame = X.copy()
                for c in sparse:
                    frame[c] = X[c].sparse.to_dense()
            return frame, cls("dataframe", X.columns, X.dtypes.copy())
        kind = "list" if isinstance(X, list) else "ndarray"
        array = np.asarray(X) if array is None else array
        if array.ndim != 2:
            raise ValueError(
                f"Expected a 2D array of shape (n_samples, n_features), got shape {array.shape}."
            )
        frame = pd.DataFrame(array, columns=range(array.shape[1]))
        if array.dtype == object:  # let numeric object columns be numeric
            frame = frame.infer_objects()
        return frame, cls(kind, None, array.dtype)

    def wrap(self, frame: pd.DataFrame) -> Any:
        """Rows of a DataFrame (columns in fit order) in this container.

        DataFrame columns get their fit names and, where the values allow,
        their fit dtypes; arrays get the fit dtype.
        """
        if self.kind == "dataframe":
            frame = frame.set_axis(self.columns, axis=1)
            dtypes = {c: t for c, t in self.dtypes.items() if frame[c].dtype != t}
            for c, t in dtypes.items():
                try:
                    frame[c] = frame[c].astype(t)
                except (TypeError, ValueError):  # e.g. NaN in an integer column
                    pass
            return frame
        if np.dtype(self.dtypes).kind == "O":
            array = frame.to_numpy(dtype=object)
        else:
            array = frame.to_numpy(dtype=np.float64).astype(self.dtypes)
        return array.tolist() if self.kind == "list" else array


@dataclass(frozen=True)
class Table:
    """A checked table: the caller's object, its DataFrame view (converted once) and its container."""

    original: Any
    frame: pd.DataFrame
    container: Container

    def __len__(self) -> int:
        return len(self.frame)

    def join(self, *parts: Any) -> Any:
        """The original rows, unchanged and first, then the rows of each of ``parts`` (in this container).

        A DataFrame keeps its index; new rows continue it (or start at ``len``
        for a non-integer index).
        """
        X = self.original
        parts = tuple(part for part in parts if len(part))
        if isinstance(X, pd.DataFrame):
            if not parts:
                return X.copy()
            new = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
            start = X.index.max() + 1 if pd.api.types.is_integer_dtype(X.index) and len(X) else len(X)
            new.index = pd.RangeIndex(start, start + len(new))
            return pd.concat([X, new])
        if isinstance(X, list):
            return list(X) + [row for part in parts for row in part]
        X = np.asarray(X)
        return (
            np.concatenate([X, *(np.asarray(part, dtype=X.dtype) for part in parts)]) if parts else X.copy()
        )

    def take(self, rows: np.ndarray) -> Any:
        """Copies of original rows ``rows``, in this container (as :meth:`join` takes new rows)."""
        X = self.original
        if isinstance(X, pd.DataFrame):
            return X.iloc[rows].copy()
        if isinstance(X, list):
            return [X[i] for i in rows]
        return np.asarray(X)[rows]


def check_table(X: Any) -> Table:
    """Check a table and convert it once; refuse what no encoder can take, with the reason."""
    if hasattr(X, "toarray") and not isinstance(X, pd.DataFrame):
        raise TypeError("Sparse matrices are not supported; pass a dense array or a DataFrame.")
    array = None
    if not isinstance(X, pd.DataFrame):
        array = np.asarray(X)
        if array.dtype.kind == "c":
            raise ValueError("Complex data not supported.")
    shape = X.shape if array is None else array.shape
    if len(shape) != 2:
        hint = (
            " A 3-D or 4-D array of images is taken as images; for flattened images pass "
            "image_shape=(H, W) or (C, H, W)."
            if len(shape) in (3, 4)
            else " Reshape your data with X.reshape(-1, 1) for a single feature or X.reshape(1, -1) "
            "for one row."
        )
        raise ValueError(
            f"Expected a 2D table of shape (n_samples, n_features), got shape {tuple(shape)}.{hint}"
        )
    if shape[0] == 0:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={tuple(shape)}) while a minimum of 1 is required."
        )
    if shape[1] == 0:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={tuple(shape)}) while a minimum of 1 is required."
        )
    if isinstance(X, pd.DataFrame) and X.columns.has_duplicates:
        duplicated = list(pd.unique(X.columns[X.columns.duplicated()]))[:5]
        raise ValueError(f"Column names must be unique; duplicated: {duplicated}. Rename them first.")
    frame, container = Container.of(X, array)
    _refuse_unhashable_cells(frame)
    return Table(X, frame, container)


def _refuse_unhashable_cells(frame: pd.DataFrame) -> None:
    """A TypeError naming the first object column whose cells hold lists, dicts, sets or arrays."""
    for position in np.flatnonzero([pd.api.types.is_object_dtype(t) for t in frame.dtypes]):
        column = frame.iloc[:, position]
        try:
            pd.unique(column)  # hashes every cell
        except TypeError:
            bad = next(v for v in column if not isinstance(v, Hashable))
            raise TypeError(
                f"Column {frame.columns[position]!r} holds {type(bad).__name__} values (such as "
                f"{_short(bad)}); every cell must be a single number, string, bool or date. Expand such "
                "values into columns of their own, or join them into strings, before fitting."
            ) from None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
