"""Exact dependencies (issue 27): found at fit, kept in every generated row, never invented."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ganaug
from ganaug import GANAugmenter
from ganaug.tabular._dependencies import MIN_ROWS_PER_VALUE, find_dependencies

FAST = {"max_steps": 30, "batch_size": 60, "random_state": 0}
YEARS = {"HS": 9, "College": 12, "Bachelors": 13, "Masters": 14, "PhD": 16}


def _schooling(n: int = 300, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    level = rng.choice(list(YEARS), n, p=[0.35, 0.25, 0.2, 0.12, 0.08])
    y = (rng.random(n) < 0.25).astype(int)
    frame = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n).round(),
            "level": level,
            "years": [YEARS[v] for v in level],
            "hours": rng.normal(40, 5, n).round(1) + 3 * y,
        }
    )
    return frame, y


def _pairs_hold(frame: pd.DataFrame, determinant, dependent) -> bool:
    """Whether every determinant value goes with one dependent value (missing as a value)."""
    pairs = frame[[determinant, dependent]].astype(object).fillna("<missing>")
    return bool((pairs.groupby(determinant)[dependent].nunique() == 1).all())


# ------------------------------------------------------------------ finding them
@settings(max_examples=60, deadline=None)
@given(
    n_rows=st.integers(1, 80),
    n_keys=st.integers(1, 8),
    seed=st.integers(0, 2**16),
    missing=st.booleans(),
)
def test_every_dependency_found_holds_exactly_and_derives_the_column(n_rows, n_keys, seed, missing):
    rng = np.random.default_rng(seed)
    key = rng.integers(0, n_keys, n_rows).astype(str).astype(object)
    if missing:
        key[rng.random(n_rows) < 0.2] = np.nan
    mapping = {str(k): rng.normal() for k in range(n_keys)}
    frame = pd.DataFrame(
        {
            "key": key,
            "mapped": [mapping.get(k, -1.0) if isinstance(k, str) else np.nan for k in key],
            "noise": rng.normal(size=n_rows),
            "coarse": rng.integers(0, 2, n_rows).astype(str),
        }
    )
    found = find_dependencies(frame, np.array([True, False, False, True]))
    for dep in found:
        a, b = frame.columns[dep.determinant], frame.columns[dep.dependent]
        assert _pairs_hold(frame, a, b)
        derived = pd.Series(dep.derive(frame[a]))
        expected = frame[b].astype(object)
        assert (derived.isna() == expected.isna()).all()
        assert (derived[expected.notna()].to_numpy() == expected.dropna().to_numpy()).all()
    assert len({d.dependent for d in found}) == len(found)  # one determinant per dependent column
    assert not {d.dependent for d in found} & {d.determinant for d in found}  # no chain left to resolve


def test_education_fixes_years_and_nothing_else_is_invented():
    frame, _ = _schooling()
    found = find_dependencies(frame, np.array([False, True, False, False]))
    assert [(d.determinant, d.dependent) for d in found] == [(1, 2)]


def test_a_relation_broken_by_one_row_is_not_enforced():
    frame, _ = _schooling()
    frame.loc[7, "years"] = frame.loc[7, "years"] + 1
    assert find_dependencies(frame, np.array([False, True, False, False])) == []


def test_a_near_identifier_determines_nothing():
    rng = np.random.default_rng(0)
    n = 40
    frame = pd.DataFrame({"id": [f"c{i // 2}" for i in range(n)], "x": rng.normal(size=n)})
    frame["x"] = frame.groupby("id")["x"].transform("first")  # holds, but on 2 rows per value
    assert n / frame["id"].nunique() < MIN_ROWS_PER_VALUE
    assert find_dependencies(frame, np.array([True, False])) == []


def test_missing_values_are_a_value_of_their_own():
    level = np.array(["a", "b", None, "a", "b", None] * 10, dtype=object)
    code = np.array([1.0, 2.0, np.nan, 1.0, 2.0, np.nan] * 10)
    frame = pd.DataFrame({"level": level, "code": code})
    [dep] = find_dependencies(frame, np.array([True, False]))
    derived = dep.derive(pd.Series(["b", None, "a"], dtype=object))
    assert derived[0] == 2.0 and pd.isna(derived[1]) and derived[2] == 1.0
    frame.loc[2, "code"] = 3.0  # now a missing level goes with two values: no dependency
    assert find_dependencies(frame, np.array([True, False])) == []


def test_chains_derive_from_the_finest_column_and_one_to_one_keeps_the_first():
    fine = np.tile(np.arange(12), 10)
    frame = pd.DataFrame(
        {
            "coarse": (fine // 4).astype(str),  # determined by fine
            "fine": fine.astype(str),
            "twin": (fine + 100).astype(str),  # one to one with fine
            "value": (fine // 4) * 1.5,  # determined by coarse, hence by fine
        }
    )
    found = find_dependencies(frame, np.array([True, True, True, False]))
    assert [(d.determinant, d.dependent) for d in found] == [(1, 0), (1, 2), (1, 3)]


# ------------------------------------------------------------------ the estimator
def test_generated_rows_keep_the_dependency_and_originals_stay():
    X, y = _schooling()
    aug = GANAugmenter(**FAST)
    X_res, y_res = aug.fit_resample(X, y)
    assert aug.dependencies_ == [("level", "years")]
    assert (y_res[: len(y)] == y).all()
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X)
    new = X_res.iloc[len(X) :]
    assert (new["years"] == new["level"].map(YEARS)).all()
    assert list(X_res.dtypes) == list(X.dtypes)
    X_new, _ = aug.sample(200, y=1, random_state=3)
    assert (X_new["years"] == X_new["level"].map(YEARS)).all()


def test_arrays_and_positional_categorical_features_stay_aligned():
    X, y = _schooling()
    array = X.to_numpy(dtype=object)
    aug = GANAugmenter(categorical_features=[1], **FAST).fit(array, y)
    assert aug.dependencies_ == [(1, 2)]
    rows, _ = aug.sample(100, random_state=1)
    assert rows.shape == (100, 4)
    assert all(YEARS[level] == years for level, years in zip(rows[:, 1], rows[:, 2], strict=True))


def test_detection_can_be_turned_off():
    X, y = _schooling()
    aug = GANAugmenter(detect_dependencies=False, **FAST).fit(X, y)
    assert aug.dependencies_ == [] and aug.model_.dependencies == ()


def test_a_saved_model_keeps_its_dependencies(tmp_path):
    X, y = _schooling()
    aug = GANAugmenter(**FAST).fit(X, y)
    ganaug.save(aug, tmp_path / "m.ganaug")
    loaded = ganaug.load(tmp_path / "m.ganaug")
    assert loaded.dependencies_ == aug.dependencies_
    pd.testing.assert_frame_equal(loaded.sample(50, random_state=2)[0], aug.sample(50, random_state=2)[0])


@pytest.mark.parametrize("engine_kw", [{"image_shape": (2, 2)}])
def test_images_have_no_dependencies(engine_kw):
    rng = np.random.default_rng(0)
    X = rng.integers(0, 255, (40, 4)).astype(np.uint8)
    y = np.arange(40) % 2
    aug = GANAugmenter(max_steps=5, random_state=0, **engine_kw).fit(X, y)
    assert aug.dependencies_ == []
