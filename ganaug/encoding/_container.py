"""Remember what container a table came in, and give rows back in it."""

from __future__ import annotations

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
    def of(cls, X: Any) -> tuple[pd.DataFrame, Container]:
        """A DataFrame view of ``X`` (sparse columns densified) and its container."""
        if isinstance(X, pd.DataFrame):
            frame = X
            sparse = [c for c in X.columns if isinstance(X[c].dtype, pd.SparseDtype)]
            if sparse:
                frame = X.copy()
                for c in sparse:
                    frame[c] = X[c].sparse.to_dense()
            return frame, cls("dataframe", X.columns, X.dtypes.copy())
        kind = "list" if isinstance(X, list) else "ndarray"
        array = np.asarray(X)
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
