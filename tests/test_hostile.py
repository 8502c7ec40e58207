"""Hostile tables, fuzzed: either a clear error from validation, or a result that loses and changes nothing.

Property, for ``fit_resample`` / ``sample`` of GANAugmenter and ``fit`` /
``transform`` of GANImputer on DataFrames built to be ugly (nullable dtypes,
categoricals with unused or missing categories, objects mixing numbers and
strings, all-missing and constant columns, huge and tiny magnitudes, -0.0,
time zones, duplicated and non-string column names, 1-3 rows, a class of one
row): either a ValueError / TypeError raised by ganaug's or scikit-learn's
validation (never from inside torch, numpy or pandas), or a result in the
input's container with its columns and dtypes, every original row / observed
value unchanged, and no missing value where none may be.

The CI profile tries ~30 tables per property; ``-m slow`` runs ~500.
"""

import os
import traceback

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ganaug import GANAugmenter, GANImputer

EXAMPLES = int(os.environ.get("GANAUG_FUZZ_EXAMPLES", "30"))
SLOW_EXAMPLES = 500
FAST = {"max_steps": 2, "random_state": 0}
pytestmark = [
    pytest.mark.filterwarnings("ignore::UserWarning"),
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),
]


@st.composite
def ugly_columns(draw, n):
    kind = draw(
        st.sampled_from(
            [
                "float",
                "extreme",
                "int",
                "Int64",
                "boolean",
                "string",
                "category",
                "mixed",
                "all_nan",
                "constant",
                "datetime_tz",
                "datetime",
                "timedelta",
                "Float64",
                "str",
                "bool_object",
            ]
        )
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    holes = rng.random(n) < draw(st.sampled_from([0.0, 0.3]))
    if kind == "float":
        values = pd.Series(rng.normal(size=n)).mask(holes)
    elif kind == "extreme":
        pool = np.array([1e300, -1e300, 1e-300, -0.0, 0.0, 5e-324, 3.5])
        values = pd.Series(rng.choice(pool, n))
    elif kind == "int":
        values = pd.Series(rng.integers(-5, 5, n))
    elif kind == "Int64":
        values = pd.Series(rng.integers(0, 9, n), dtype="Int64").mask(holes)
    elif kind == "boolean":
        values = pd.Series(rng.random(n) < 0.5, dtype="boolean").mask(holes)
    elif kind == "string":
        values = pd.Series(rng.choice(["x", "y", "z"], n), dtype="string").mask(holes)
    elif kind == "category":
        values = pd.Series(pd.Categorical(rng.choice(["lo", "hi"], n), categories=["lo", "mid", "hi"])).mask(
            holes
        )
    elif kind == "mixed":
        values = pd.Series(rng.choice(np.array([1, 2.5, "a", "b"], dtype=object), n), dtype=object)
    elif kind == "all_nan":
        values = pd.Series(np.full(n, np.nan))
    elif kind == "constant":
        values = pd.Series(np.full(n, 7.0))
    elif kind == "datetime_tz":
        values = pd.Series(pd.date_range("2021-01-01", periods=n, freq="D", tz="Europe/Paris")).mask(holes)
    elif kind == "timedelta":
        values = pd.Series(pd.to_timedelta(rng.integers(0, 100, n), unit="m")).mask(holes)
    elif kind == "Float64":
        values = pd.Series(rng.normal(size=n), dtype="Float64").mask(holes)
    elif kind == "str":  # pandas 3's default string dtype (object on pandas 2)
        values = pd.Series(rng.choice(["u", "v"], n)).mask(holes)
    elif kind == "bool_object":
        values = pd.Series(rng.random(n) < 0.5, dtype=object).mask(holes)
    else:
        values = pd.Series(
            pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 100, n), unit="h")
        ).mask(holes)
    return values


@st.composite
def ugly_tables(draw):
    n = draw(st.sampled_from([1, 2, 3, 7, 25]))
    k = draw(st.integers(1, 4))
    columns = [draw(ugly_columns(n)) for _ in range(k)]
    names = draw(
        st.sampled_from(
            [
                [f"c{i}" for i in range(k)],
                list(range(k)),
                ["same"] * k,
                [("tuple", i) for i in range(k)],
            ]
        )
    )
    frame = pd.concat(columns, axis=1, ignore_index=True)
    frame.columns = names
    return frame


def _is_clear_refusal(exc: BaseException) -> bool:
    """A ValueError/TypeError raised by ganaug's, scikit-learn's or imbalanced-learn's own code."""
    if not isinstance(exc, ValueError | TypeError):
        return False
    origin = traceback.extract_tb(exc.__traceback__)[-1].filename
    return any(part in origin for part in ("ganaug", "sklearn", "imblearn")) and str(exc).strip() != ""


def _same_values(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(left, right, check_exact=True)


def _settings(examples: int):
    return settings(
        max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
    )


def check_augmenter(frame: pd.DataFrame, seed: int) -> None:
    y = np.where(np.random.default_rng(seed).random(len(frame)) < 0.5, "a", "b")
    try:
        X_res, y_res = GANAugmenter(**FAST).fit_resample(frame, y)
    except Exception as exc:
        assert _is_clear_refusal(exc), f"{type(exc).__name__}: {exc}"
        return
    assert isinstance(X_res, pd.DataFrame) and len(X_res) == len(y_res)
    assert list(X_res.columns) == list(frame.columns)
    assert [str(t) for t in X_res.dtypes] == [str(t) for t in frame.dtypes]
    _same_values(X_res.iloc[: len(frame)], frame)
    new = X_res.iloc[len(frame) :]
    for j in range(frame.shape[1]):
        if not frame.iloc[:, j].isna().any():
            assert not new.iloc[:, j].isna().any(), f"column {j} gained missing values"


def check_imputer(frame: pd.DataFrame, keep_empty: bool) -> None:
    imputer = GANImputer(epochs=1, keep_empty_features=keep_empty, random_state=0)
    try:
        out = imputer.fit(frame).transform(frame)
    except Exception as exc:
        assert _is_clear_refusal(exc), f"{type(exc).__name__}: {exc}"
        return
    assert isinstance(out, pd.DataFrame) and out.index.equals(frame.index)
    kept = [j for j in range(frame.shape[1]) if keep_empty or frame.iloc[:, j].notna().any()]
    assert out.shape[1] == len(kept)
    for position, j in enumerate(kept):
        original, filled = frame.iloc[:, j], out.iloc[:, position]
        known = original.notna().to_numpy()
        pd.testing.assert_series_equal(
            filled[known].astype(object), original[known].astype(object), check_names=False, check_exact=True
        )
        if not known.any():
            continue
        assert not filled.isna().any(), f"column {j} still has missing values"
        # The filled cells: the column's dtype, and values of the types (and range) observed at fit.
        assert filled.dtype == original.dtype, f"column {j}: {original.dtype} came back {filled.dtype}"
        new = filled[~known]
        observed = original[known]
        assert {type(v) for v in new} <= {type(v) for v in observed}, f"column {j}: new types"
        if pd.api.types.is_datetime64_any_dtype(original.dtype) or pd.api.types.is_timedelta64_dtype(
            original.dtype
        ):
            assert new.between(observed.min(), observed.max()).all(), f"column {j}: out of range"


@_settings(EXAMPLES)
@given(ugly_tables(), st.integers(0, 2**16))
def test_augmenter_never_crashes_deep_and_keeps_every_row(frame, seed):
    check_augmenter(frame, seed)


@_settings(EXAMPLES)
@given(ugly_tables(), st.booleans())
def test_imputer_never_crashes_deep_and_never_changes_an_observed_value(frame, keep_empty):
    check_imputer(frame, keep_empty)


@pytest.mark.slow
@_settings(SLOW_EXAMPLES)
@given(ugly_tables(), st.integers(0, 2**16))
def test_augmenter_fuzzed_at_length(frame, seed):
    check_augmenter(frame, seed)


@pytest.mark.slow
@_settings(SLOW_EXAMPLES)
@given(ugly_tables(), st.booleans())
def test_imputer_fuzzed_at_length(frame, keep_empty):
    check_imputer(frame, keep_empty)
