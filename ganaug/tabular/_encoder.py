"""TabularEncoder: numpy arrays / DataFrames <-> float32 model matrices.

Continuous columns use mode-specific normalisation: each value is encoded as
a one-hot *mode* plus a scalar in (-1, 1) giving its position inside the mode.
Modes are, in order: the Gaussian components of the column's mixture (fitted
for all columns at once, see ``_mixture.py``), the column's *point masses*
(values that alone hold at least ``point_mass_threshold`` of the rows, such as
``capital-gain == 0`` in Adult) and, when the column had missing values, a
*missing* mode. With ``continuous="quantile"`` the mixtures are fitted to the
values' normal scores (an empirical quantile transform of each column's
non-point values) instead of the values themselves. Categorical columns are
one-hot, with a missing slot when the column had missing values. The encoder
knows nothing about torch.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from ganaug.exceptions import DataWarning, HighCardinalityWarning
from ganaug.tabular._container import Container, Table
from ganaug.tabular._layout import EncodedLayout, Span, argmax_spans
from ganaug.tabular._mixture import ColumnMixtures, fit_column_mixtures

#: Scale of the within-mode scalar: ``alpha = (x - mean) / (4 * std)``, as in CTGAN.
_ALPHA_SCALE = 4.0


@dataclass
class _ContinuousColumn:
    name: Any
    dtype: Any
    points: np.ndarray  # point-mass values
    has_missing: bool
    step: float | None  # decoded values are rounded to multiples of this (ints, datetimes, timedeltas)
    is_datetime: bool  # datetimes and timedeltas: encoded as nanoseconds
    low: float
    high: float
    decimals: int | None = None  # float columns whose values all have at most this many decimals


#: Most category codes a column of :meth:`TabularEncoder.plain` may have to count as categorical
#: (scikit-learn's histogram gradient boosting splits on at most 255 bins, one kept for missing values).
PLAIN_MAX_CODES = 254
#: A categorical column with at least this share of distinct values is an identifier.
_ID_SHARE = 0.9
#: Float columns keep their decimals when every value has at most this many.
_MAX_DECIMALS = 6
#: Quantiles that ``continuous="quantile"`` keeps per column (QuantileTransformer's default).
_N_QUANTILES = 1000
#: Probabilities are squeezed into [_P_CLIP, 1 - _P_CLIP] before their normal scores (about +-5.2
#: standard deviations), and stretched back when decoding, so a column's extremes come back exactly.
_P_CLIP = 1e-7


def _decimals(values: np.ndarray) -> int | None:
    """The fewest decimals (0 to 6) that write every value exactly, or None."""
    if values.size == 0:
        return None
    scale = np.maximum(np.abs(values), 1.0)
    for d in range(_MAX_DECIMALS + 1):
        if np.all(np.abs(np.round(values, d) - values) <= 1e-9 * scale):
            return d
    return None


def _warn_stray_strings(name: Any, col: pd.Series) -> None:
    """Warn when an object column is numbers but for a few strings (``'missing'``, ``'n/a'``)."""
    if not pd.api.types.is_object_dtype(col.dtype):
        return
    observed = col.dropna()
    if observed.empty:
        return
    numbers = pd.to_numeric(observed, errors="coerce")
    strays = observed[numbers.isna()]
    if 0 < len(strays) <= 0.1 * len(observed):
        warnings.warn(
            f"Column {name!r} holds numbers except for {len(strays)} value(s) such as "
            f"{list(pd.unique(strays.astype(str)))[:5]}; it is treated as categorical. Replace those "
            "values with NaN (e.g. pd.to_numeric(X[col], errors='coerce')) to model it as a number.",
            DataWarning,
            stacklevel=6,
        )


@dataclass
class _CategoricalColumn:
    name: Any
    dtype: Any
    categories: np.ndarray  # object array of the categories modelled one by one
    has_missing: bool
    rare: np.ndarray | None = None  # categories sharing one slot (beyond max_categories), or None
    rare_probs: np.ndarray | None = None  # their observed shares within that slot

    @property
    def width(self) -> int:
        """Slots of the column's one-hot span: categories, the shared rare slot, the missing slot."""
        return len(self.categories) + int(self.rare is not None) + int(self.has_missing)

    @property
    def known(self) -> list:
        """Every category seen at fit, modelled one by one or in the rare slot."""
        return list(self.categories) + ([] if self.rare is None else list(self.rare))


def _is_temporal(dtype: Any) -> bool:
    """Datetimes (with or without a time zone) and timedeltas: numbers of nanoseconds to the encoder."""
    return pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype)


def _is_categorical_dtype(dtype: Any) -> bool:
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_bool_dtype(dtype)
        or (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype))
    )


class TabularEncoder:
    """Reversible, vectorised encoder for mixed-type tables.

    Parameters
    ----------
    categorical_features : "auto", None, array-like of str/int, or bool mask, default="auto"
        Which columns are categorical. ``"auto"`` uses dtypes: object,
        string, ``category`` and bool columns are categorical; for a numpy
        object array, columns whose values are not all numbers are.
    n_modes : int, default=10
        Gaussian components per continuous column before pruning.
    point_mass_threshold : float, default=0.05
        A value that holds at least this share of a continuous column's
        non-missing rows becomes its own mode, so synthetic data reproduces it
        exactly and at the right rate.
    max_point_masses : int, default=5
        At most this many point masses per column (the most frequent ones).
    max_categories : int or None, default=None
        A categorical column with more categories keeps its
        ``max_categories - 1`` most frequent ones as their own slots and
        groups the others in one shared slot, decoded to one of them at their
        observed rates (with a warning naming the column). ``None``: no limit.
    continuous : {"modes", "quantile", "scalar"}, default="modes"
        ``"modes"``: mode-specific normalisation (for synthesis).
        ``"quantile"``: the same, on each value's normal score (its rank in
        the column's non-point values, through the inverse normal CDF, as
        scikit-learn's ``QuantileTransformer(output_distribution="normal")``);
        decoding maps back by the stored quantiles. ``"scalar"``: one
        standardised value per column with a linear head, whose squared
        error is the natural loss of an imputer.
    missing : {"category", "unobserved"}, default="category"
        ``"category"``: a missing value is information, encoded as its own
        mode or category, and generated at the learned rate. ``"unobserved"``:
        a missing value is unknown; its column's positions are left at 0 and
        :meth:`observed` says which entries are known (for imputation).
    random_state : int, Generator or None, default=None
        Seeds the row subset used to fit mixtures on large tables.

    Attributes
    ----------
    layout_ : EncodedLayout
        Spans of the encoded matrix.
    columns_ : list
        Column specs in input order.
    mixtures_ : ColumnMixtures
        Fitted mixtures of the continuous columns.
    categorical_mask_ : ndarray of bool
        Which input columns are categorical.
    container_ : Container
        Kind, column names and dtypes of the fitted input, used to decode.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"age": [20, 35, 50, 35], "job": ["a", "b", "a", "a"]})
    >>> enc = TabularEncoder(random_state=0).fit(X)
    >>> Z = enc.transform(X)
    >>> Z.shape[0], Z.dtype
    (4, dtype('float32'))
    >>> enc.inverse_transform(Z).equals(X)
    True
    """

    def __init__(
        self,
        categorical_features: Any = "auto",
        *,
        n_modes: int = 10,
        point_mass_threshold: float = 0.05,
        max_point_masses: int = 5,
        max_categories: int | None = None,
        continuous: str = "modes",
        missing: str = "category",
        random_state: Any = None,
    ) -> None:
        self.categorical_features = categorical_features
        self.n_modes = n_modes
        self.point_mass_threshold = point_mass_threshold
        self.max_point_masses = max_point_masses
        self.max_categories = max_categories
        self.continuous = continuous
        self.missing = missing
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def _categorical_mask(self, frame: pd.DataFrame) -> np.ndarray:
        spec = self.categorical_features
        n = frame.shape[1]
        if isinstance(spec, str) and spec == "auto":
            mask = np.array([_is_categorical_dtype(frame[c].dtype) for c in frame.columns])
            for position in np.flatnonzero(mask):
                _warn_stray_strings(frame.columns[position], frame.iloc[:, position])
            return mask
        if spec is None:
            return np.zeros(n, dtype=bool)
        spec = np.asarray(spec)
        if spec.dtype == bool:
            if spec.shape != (n,):
                raise ValueError(
                    f"categorical_features as a boolean mask must have {n} entries, got {spec.shape[0]}."
                )
            return spec.copy()
        mask = np.zeros(n, dtype=bool)
        names = list(frame.columns)
        for item in spec.tolist():
            if isinstance(item, Integral) and not isinstance(item, bool):
                if not -n <= item < n:
                    raise ValueError(f"categorical_features index {item} is out of range for {n} columns.")
                mask[item] = True
            elif item in names:
                mask[names.index(item)] = True
            else:
                raise ValueError(f"categorical_features names unknown column {item!r}.")
        return mask

    def fit(self, X: Any) -> TabularEncoder:
        """Learn the columns' kinds, modes and categories from ``X`` (a table or a checked ``Table``)."""
        if isinstance(X, Table):
            frame, self.container_ = X.frame, X.container
        else:
            frame, self.container_ = Container.of(X)
        n_rows = frame.shape[0]
        if n_rows == 0 or frame.shape[1] == 0:
            raise ValueError(
                f"Found an empty table of shape {frame.shape}; need at least 1 row and 1 column."
            )
        rng = np.random.default_rng(self.random_state)
        is_cat = self._categorical_mask(frame)
        self.categorical_mask_ = is_cat
        self.columns_: list = []
        cont_values = []
        for position, name in enumerate(frame.columns):
            col = frame[name]
            if is_cat[position]:
                self.columns_.append(self._fit_categorical(name, col, n_rows))
            else:
                spec, values = self._fit_continuous(name, col)
                self.columns_.append(spec)
                cont_values.append(values)
        cont = [c for c in self.columns_ if isinstance(c, _ContinuousColumn)]
        if cont and self.continuous == "scalar":
            values = np.column_stack(cont_values)
            with warnings.catch_warnings():  # all-missing columns
                warnings.simplefilter("ignore", RuntimeWarning)
                self.scalar_mean_ = np.nan_to_num(np.nanmean(values, axis=0))
                std = np.nan_to_num(np.nanstd(values, axis=0))
            self.scalar_std_ = np.where(std > 0, std, 1.0)
            self.mixtures_ = ColumnMixtures(*(np.zeros((len(cont), 0)),) * 3, np.zeros((len(cont), 0), bool))
        elif cont:
            values = np.column_stack(cont_values)
            gauss = self._gaussian_mask(values, cont)
            if self.continuous == "quantile":
                self.quantiles_ = _fit_quantiles(values, gauss)
                values = self._scores(values, gauss)
            self.mixtures_ = fit_column_mixtures(values, gauss, n_components=self.n_modes, rng=rng)
        else:
            self.mixtures_ = ColumnMixtures(*(np.zeros((0, 0)),) * 3, np.zeros((0, 0), bool))
        self.layout_ = self._build_layout()
        return self

    def _fit_categorical(self, name: Any, col: pd.Series, n_rows: int) -> _CategoricalColumn:
        missing = col.isna().to_numpy()
        observed = col[~missing]
        if isinstance(col.dtype, pd.CategoricalDtype):
            categories = np.asarray(col.cat.categories[np.isin(col.cat.categories, observed)], dtype=object)
        else:
            categories = np.asarray(pd.unique(observed), dtype=object)
            try:
                categories = np.asarray(sorted(categories), dtype=object)
            except TypeError:  # mixed, unorderable types keep first-seen order
                pass
        n_observed = len(observed)
        if n_observed >= 20 and len(categories) >= _ID_SHARE * n_observed:
            raise ValueError(
                f"Column {name!r} looks like an identifier: {len(categories)} distinct values in "
                f"{n_observed} rows ({len(categories) / n_observed:.0%}). No category seen once can be "
                "learned, and synthetic rows would copy real identifiers. Drop the column before "
                "fitting (X.drop(columns=...)) and add identifiers of your own to the output if needed."
            )
        has_missing = bool(missing.any()) and self.missing == "category"
        limit = self.max_categories
        if limit is None or len(categories) <= limit:
            return _CategoricalColumn(name, col.dtype, categories, has_missing)
        counts = observed.astype(object).value_counts()  # most frequent first
        kept = set(counts.index[: limit - 1])
        rare_counts = counts.iloc[limit - 1 :]
        warnings.warn(
            f"Column {name!r} has {len(categories):,} categories: the {limit - 1} most frequent "
            f"({counts.iloc[: limit - 1].sum() / n_observed:.0%} of rows) are modelled one by one and the "
            f"other {len(rare_counts):,} share one slot, decoded to one of them at their observed rates "
            f"(max_categories={limit}).",
            HighCardinalityWarning,
            stacklevel=6,
        )
        return _CategoricalColumn(
            name,
            col.dtype,
            np.asarray([c for c in categories if c in kept], dtype=object),
            has_missing,
            np.asarray(rare_counts.index, dtype=object),
            (rare_counts / rare_counts.sum()).to_numpy(dtype=np.float64),
        )

    @staticmethod
    def _numeric_values(name: Any, col: pd.Series, fitted: Any = None) -> np.ndarray:
        """A column as float64, NaN where missing; datetimes and timedeltas as nanoseconds.

        ``fitted`` is the column's dtype at fit when ``col`` is new data: a
        column that no longer holds numbers is then named as numeric at fit.
        """
        if _is_temporal(col.dtype):
            unit = "timedelta64[ns]" if pd.api.types.is_timedelta64_dtype(col.dtype) else "datetime64[ns]"
            values = col.to_numpy(dtype=unit).astype(np.int64).astype(np.float64)
            values[col.isna().to_numpy()] = np.nan
            return values
        try:
            values = pd.to_numeric(col).to_numpy(dtype=np.float64, na_value=np.nan)
        except (ValueError, TypeError) as exc:
            if fitted is not None:
                strays = [v for v in pd.unique(col.dropna()) if pd.isna(pd.to_numeric(v, errors="coerce"))]
                raise ValueError(
                    f"Column {name!r} was numeric at fit (dtype {fitted}) but now holds values that are not "
                    f"numbers, such as {strays[:3]} (dtype {col.dtype}). Pass the same kind of values as "
                    "at fit, with NaN where a value is missing."
                ) from exc
            raise ValueError(
                f"Column {name!r} is not numeric (dtype {col.dtype}); declare it in categorical_features."
            ) from exc
        if np.isinf(values).any():
            raise ValueError(f"Column {name!r} contains infinite values; replace them first.")
        return values

    def _fit_continuous(self, name: Any, col: pd.Series) -> tuple[_ContinuousColumn, np.ndarray]:
        dtype = col.dtype
        is_datetime = _is_temporal(dtype)
        values = self._numeric_values(name, col)
        missing = np.isnan(values)
        observed = values[~missing]
        if observed.size == 0:
            points = np.array([])
            low = high = 0.0
        else:
            uniq, counts = np.unique(observed, return_counts=True)
            share = counts / observed.size
            top = np.argsort(-share, kind="stable")[: self.max_point_masses]
            points = np.sort(uniq[top[share[top] >= self.point_mass_threshold]])
            low, high = float(observed.min()), float(observed.max())
        step = _datetime_step(observed) if is_datetime else None
        if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            step = 1.0
        if self.continuous == "scalar":
            points = np.array([])
        has_missing = bool(missing.any()) and self.missing == "category"
        decimals = _decimals(observed) if step is None and not is_datetime else None
        spec = _ContinuousColumn(name, dtype, points, has_missing, step, is_datetime, low, high, decimals)
        return spec, values

    @staticmethod
    def _point_match(values: np.ndarray, cont: list[_ContinuousColumn]) -> tuple[np.ndarray, np.ndarray]:
        """Whether each entry sits on a point mass of its column, and which one."""
        points = _points_matrix(cont, fill=np.nan)
        match = values[:, :, None] == points[None]
        return match.any(axis=2), match.argmax(axis=2)

    def _gaussian_mask(self, values: np.ndarray, cont: list[_ContinuousColumn]) -> np.ndarray:
        on_point, _ = self._point_match(values, cont)
        return ~np.isnan(values) & ~on_point

    def _build_layout(self) -> EncodedLayout:
        spans: list[Span] = []
        condition: list[int] = []
        start = 0
        n_gauss = self.mixtures_.n_active
        k = 0
        self._mode_counts = []
        for position, col in enumerate(self.columns_):
            if isinstance(col, _ContinuousColumn) and self.continuous == "scalar":
                self._mode_counts.append((0, 0))
                k += 1
                spans.append(Span(start, 1, "linear", position))
                start += 1
            elif isinstance(col, _ContinuousColumn):
                n_modes = int(n_gauss[k]) + len(col.points) + int(col.has_missing)
                self._mode_counts.append((int(n_gauss[k]), len(col.points)))
                k += 1
                spans.append(Span(start, 1, "tanh", position))
                spans.append(Span(start + 1, max(n_modes, 1), "softmax", position))
                start += 1 + max(n_modes, 1)
            else:
                width = col.width
                condition.append(len(spans))
                spans.append(Span(start, max(width, 1), "softmax", position))
                start += max(width, 1)
        return EncodedLayout(tuple(spans), tuple(condition))

    # ------------------------------------------------------------ transform
    def _spans_of(self, kind: type) -> list[tuple[int, list[Span]]]:
        out: dict[int, list[Span]] = {}
        for s in self.layout_.spans:
            if isinstance(self.columns_[s.column], kind):
                out.setdefault(s.column, []).append(s)
        return list(out.items())

    def _check_columns(self, X: Any) -> pd.DataFrame:
        frame, _ = Container.of(X)
        if frame.shape[1] != len(self.columns_):
            raise ValueError(
                f"X has {frame.shape[1]} columns, but the encoder was fitted with {len(self.columns_)}."
            )
        return frame

    def observed(self, X: Any) -> np.ndarray:
        """Which entries of ``X`` are known (not missing), shape (n_rows, n_columns)."""
        return ~self._check_columns(X).isna().to_numpy()

    def unknown_categories(self, X: Any) -> np.ndarray:
        """Entries of categorical columns holding a category not seen at fit, shape (n_rows, n_columns)."""
        frame = self._check_columns(X)
        out = np.zeros(frame.shape, dtype=bool)
        for j, col in enumerate(self.columns_):
            if isinstance(col, _CategoricalColumn):
                series = frame.iloc[:, j]
                out[:, j] = series.notna().to_numpy() & ~series.astype(object).isin(col.known).to_numpy()
        return out

    def plain(self, X: Any) -> np.ndarray:
        """``X`` as plain numbers, one column per column, NaN where missing: what a tree model reads.

        Numeric columns keep their values (datetimes in nanoseconds);
        categorical columns become category codes (the grouped rare
        categories of ``max_categories`` share one code). Unlike
        :meth:`transform` a number is not split into a mixture mode and an
        offset, and a category is one column: the class filter's classifier
        is fitted on this view (:attr:`plain_categorical_` says which columns
        hold codes).
        """
        frame = self._check_columns(X)
        out = np.empty(frame.shape, dtype=np.float64)
        for j, col in enumerate(self.columns_):
            series = frame.iloc[:, j]
            if isinstance(col, _CategoricalColumn):
                values = series.astype(object).where(series.notna(), None)
                codes = pd.Index(col.categories).get_indexer(values).astype(np.float64)
                if col.rare is not None:
                    codes[values.isin(list(col.rare)).to_numpy()] = len(col.categories)
                codes[codes < 0] = np.nan  # missing (and categories unknown to the fit)
                out[:, j] = codes
            else:
                out[:, j] = self._numeric_values(col.name, series, col.dtype)
        return out

    @property
    def plain_categorical_(self) -> np.ndarray:
        """Which columns of :meth:`plain` hold category codes that a tree model can split on.

        Codes of columns with more than :data:`PLAIN_MAX_CODES` codes are read as numbers.
        """
        return np.array(
            [
                isinstance(c, _CategoricalColumn) and c.width - c.has_missing <= PLAIN_MAX_CODES
                for c in self.columns_
            ],
            dtype=bool,
        )

    def transform(self, X: Any) -> np.ndarray:
        """Encode ``X`` into a float32 matrix of width ``layout_.width``.

        With ``missing="unobserved"`` the positions of missing entries stay 0.
        """
        frame = self._check_columns(X)
        n = frame.shape[0]
        out = np.zeros((n, self.layout_.width), dtype=np.float32)
        cont_spans = self._spans_of(_ContinuousColumn)
        if cont_spans:
            cont = [self.columns_[p] for p, _ in cont_spans]
            values = np.column_stack(
                [
                    self._numeric_values(self.columns_[p].name, frame.iloc[:, p], self.columns_[p].dtype)
                    for p, _ in cont_spans
                ]
            )
            missing = np.isnan(values)
            if self.missing == "category":
                unexpected = missing & ~np.array([c.has_missing for c in cont])[None]
                if unexpected.any():
                    name = cont[int(np.nonzero(unexpected.any(axis=0))[0][0])].name
                    raise ValueError(f"Column {name!r} has missing values, but had none at fit.")
            value_pos = np.array([s[0].start for _, s in cont_spans])
            if self.continuous == "scalar":
                out[:, value_pos] = np.where(missing, 0.0, (values - self.scalar_mean_) / self.scalar_std_)
            else:
                on_point, point_idx = self._point_match(values, cont)
                gauss = ~missing & ~on_point
                if self.continuous == "quantile":
                    values = self._scores(values, gauss)
                comp = self.mixtures_.assign(values, gauss)
                n_gauss = np.array([g for g, _ in self._mode_counts])
                n_point = np.array([p for _, p in self._mode_counts])
                mode = np.where(gauss, comp, np.where(on_point, n_gauss + point_idx, n_gauss + n_point))
                safe = np.maximum(comp, 0)
                mean = np.take_along_axis(self.mixtures_.means, safe.T, axis=1).T
                std = np.take_along_axis(self.mixtures_.stds, safe.T, axis=1).T
                alpha = np.where(gauss, (values - mean) / (_ALPHA_SCALE * np.where(gauss, std, 1.0)), 0.0)
                out[:, value_pos] = alpha
                mode_start = np.array([s[1].start for _, s in cont_spans])
                _set_one_hot(out, mode_start, mode, ~missing | (self.missing == "category"))
        cat_spans = self._spans_of(_CategoricalColumn)
        if cat_spans:
            codes = np.column_stack(
                [self._category_codes(self.columns_[p], frame.iloc[:, p]) for p, _ in cat_spans]
            )
            start = np.array([s[0].start for _, s in cat_spans])
            _set_one_hot(out, start, codes, codes >= 0)
        return out

    def _category_codes(self, col: _CategoricalColumn, series: pd.Series) -> np.ndarray:
        """Category index of each entry; the missing slot, or -1 when missing is unobserved."""
        missing = series.isna().to_numpy()
        index = pd.Index(col.categories)
        values = series.astype(object).where(~missing, None)
        codes = index.get_indexer(values)
        if col.rare is not None:
            codes = np.where(values.isin(list(col.rare)).to_numpy(), len(col.categories), codes)
        unknown = (codes < 0) & ~missing
        if unknown.any():
            values = pd.unique(series[unknown])[:5]
            raise ValueError(f"Column {col.name!r} has categories not seen at fit: {list(values)}.")
        if not missing.any():
            return codes
        if col.has_missing:
            return np.where(missing, col.width - 1, codes)
        if self.missing == "category":
            raise ValueError(f"Column {col.name!r} has missing values, but had none at fit.")
        return codes  # -1: unobserved

    # ---------------------------------------------------- inverse_transform
    def inverse_transform(self, Z: np.ndarray, *, as_frame: bool = False, random_state: Any = None) -> Any:
        """Decode an encoded (or generated) matrix back to the fit container.

        With ``as_frame=True`` the result is a DataFrame with the fitted
        column order (positional column labels ``0..n-1``) and column dtypes,
        whatever the fit container was.

        One-hot blocks are read by argmax, so soft outputs decode too.
        Continuous values are clipped to the training range and rounded for
        integer columns; categories come only from the training categories.
        The shared slot of grouped rare categories (``max_categories``)
        decodes to one of them at their observed rates, drawn with
        ``random_state`` (an int seed; ``None`` means 0).
        """
        Z = np.asarray(Z)
        if Z.ndim != 2 or Z.shape[1] != self.layout_.width:
            raise ValueError(f"Expected a matrix with {self.layout_.width} columns, got shape {Z.shape}.")
        n = Z.shape[0]
        decoded: dict[int, Any] = {}
        cont_spans = self._spans_of(_ContinuousColumn)
        if cont_spans:
            cont = [self.columns_[p] for p, _ in cont_spans]
            alpha = Z[:, [s[0].start for _, s in cont_spans]].astype(np.float64)
            if self.continuous == "scalar":
                value = alpha * self.scalar_std_ + self.scalar_mean_
            else:
                value = self._decode_modes(Z, cont_spans, cont, alpha)
            low = np.array([c.low for c in cont])
            high = np.array([c.high for c in cont])
            value = np.clip(value, low, high)
            for i, (position, _) in enumerate(cont_spans):
                decoded[position] = _restore_continuous(cont[i], value[:, i])
        cat_spans = self._spans_of(_CategoricalColumn)
        if cat_spans:
            codes = argmax_spans(Z, [s[0] for _, s in cat_spans])
            rng = np.random.default_rng(0 if random_state is None else random_state)
            for i, (position, _) in enumerate(cat_spans):
                col = self.columns_[position]
                extra = np.array([None] * int(col.rare is not None) + [np.nan], dtype=object)
                table = np.concatenate([col.categories, extra])  # stays 1-D whatever the categories
                values = table[codes[:, i]]
                if col.rare is not None:
                    shared = codes[:, i] == len(col.categories)
                    values[shared] = rng.choice(col.rare, size=int(shared.sum()), p=col.rare_probs)
                decoded[position] = _restore_categorical(col, values)
        frame = pd.DataFrame({p: decoded[p] for p in range(len(self.columns_))}, index=pd.RangeIndex(n))
        return frame if as_frame else self.container_.wrap(frame)

    def _decode_modes(self, Z: np.ndarray, cont_spans: list, cont: list, alpha: np.ndarray) -> np.ndarray:
        """Values of mode-encoded continuous columns (NaN for the missing mode)."""
        mode = argmax_spans(Z, [s[1] for _, s in cont_spans])
        n_gauss = np.array([g for g, _ in self._mode_counts])
        n_point = np.array([p for _, p in self._mode_counts])
        safe = np.clip(mode, 0, max(self.mixtures_.means.shape[1] - 1, 0))
        if self.mixtures_.means.size:
            mean = np.take_along_axis(self.mixtures_.means, safe.T, axis=1).T
            std = np.take_along_axis(self.mixtures_.stds, safe.T, axis=1).T
        else:
            mean = std = np.zeros_like(alpha)
        points = _points_matrix(cont, fill=0.0)
        point_idx = np.clip(mode - n_gauss, 0, points.shape[1] - 1)
        point_val = np.take_along_axis(points, point_idx.T, axis=1).T
        gaussian = mean + _ALPHA_SCALE * std * alpha
        if self.continuous == "quantile":
            gaussian = _from_scores(gaussian, self.quantiles_)
        return np.where(mode < n_gauss, gaussian, np.where(mode < n_gauss + n_point, point_val, np.nan))

    def _scores(self, values: np.ndarray, where: np.ndarray) -> np.ndarray:
        """Normal scores of the entries ``where`` selects (the others are returned as they are)."""
        out = values.copy()
        for j in range(values.shape[1]):
            rows = where[:, j]
            out[rows, j] = _to_scores(values[rows, j], self.quantiles_[j])
        return out


def _fit_quantiles(values: np.ndarray, where: np.ndarray) -> np.ndarray:
    """Per column, ``_N_QUANTILES`` (or fewer, repeated) quantiles of the selected entries."""
    levels = np.linspace(0.0, 1.0, _N_QUANTILES)
    out = np.zeros((values.shape[1], _N_QUANTILES))
    for j in range(values.shape[1]):
        column = values[where[:, j], j]
        if column.size:
            out[j] = np.quantile(column, levels)
    return out


def _to_scores(x: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """Normal scores of ``x`` against a column's quantiles.

    Ties (an integer column's value that spans many quantiles) map to the
    middle of their run, by averaging the interpolation from both ends, as
    scikit-learn's ``QuantileTransformer`` does.
    """
    from scipy.special import ndtri

    levels = np.linspace(0.0, 1.0, quantiles.size)
    p = 0.5 * (np.interp(x, quantiles, levels) - np.interp(-x, -quantiles[::-1], -levels[::-1]))
    return ndtri(_P_CLIP + (1.0 - 2.0 * _P_CLIP) * p)


def _from_scores(z: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """Values of normal scores ``z`` (n_rows, n_columns) through each column's quantiles."""
    from scipy.special import ndtr

    levels = np.linspace(0.0, 1.0, quantiles.shape[1])
    p = np.clip((ndtr(z) - _P_CLIP) / (1.0 - 2.0 * _P_CLIP), 0.0, 1.0)
    return np.column_stack([np.interp(p[:, j], levels, quantiles[j]) for j in range(z.shape[1])])


def _set_one_hot(out: np.ndarray, start: np.ndarray, index: np.ndarray, where: np.ndarray) -> None:
    """``out[r, start[c] + index[r, c]] = 1`` for every entry selected by ``where``."""
    rows, cols = np.nonzero(where)
    out[rows, start[cols] + index[rows, cols]] = 1.0


def _points_matrix(cont: list[_ContinuousColumn], fill: float) -> np.ndarray:
    """Point masses of each column, padded with ``fill``: shape (n_columns, max_points)."""
    width = max((len(c.points) for c in cont), default=0)
    points = np.full((len(cont), max(width, 1)), fill)
    for i, c in enumerate(cont):
        points[i, : len(c.points)] = c.points
    return points


def _datetime_step(nanoseconds: np.ndarray) -> float:
    """The coarsest unit (day ... ns) that every observed timestamp is a whole multiple of."""
    for unit in (86_400e9, 3_600e9, 60e9, 1e9, 1e6, 1e3):
        if np.all(np.mod(nanoseconds, unit) == 0):
            return unit
    return 1.0


def _restore_continuous(col: _ContinuousColumn, values: np.ndarray) -> Any:
    if col.step is not None:
        values = np.round(values / col.step) * col.step
    elif col.decimals is not None:
        values = np.round(values, col.decimals)
    if pd.api.types.is_timedelta64_dtype(col.dtype):
        as_int = np.where(np.isnan(values), 0, values).astype(np.int64)
        out = pd.Series(as_int.astype("timedelta64[ns]"))
        out[np.isnan(values)] = pd.NaT
        return out.astype(col.dtype)
    if col.is_datetime:
        as_int = np.where(np.isnan(values), 0, values).astype(np.int64)
        out = pd.Series(as_int.astype("datetime64[ns]"))
        out[np.isnan(values)] = pd.NaT
        tz = getattr(col.dtype, "tz", None)
        return out.dt.tz_localize("UTC").dt.tz_convert(tz) if tz is not None else out.astype(col.dtype)
    series = pd.Series(values)
    dtype = col.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iub" and np.isnan(values).any():
        return series  # cannot hold NaN in a numpy integer dtype; cannot happen for fitted data
    if isinstance(dtype, pd.SparseDtype):
        dtype = dtype.subtype
    return series.astype(dtype)


def _restore_categorical(col: _CategoricalColumn, values: np.ndarray) -> Any:
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical(values, dtype=dtype)
    if pd.api.types.is_bool_dtype(dtype) and not col.has_missing:
        return pd.Series(values).astype(dtype)
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        return pd.Series(values).astype(dtype)
    series = pd.Series(values, dtype=object)
    if isinstance(dtype, np.dtype) and dtype.kind in "iuf" and not col.has_missing:
        return series.astype(dtype)
    if isinstance(dtype, pd.SparseDtype):
        return series.astype(dtype.subtype)
    return series
