"""sample(n, conditions=...) (issue 27, part 2): exact categorical values, ranges, clear refusals."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ganaug import GANAugmenter

YEARS = {"HS": 9, "College": 12, "Bachelors": 13, "Masters": 14, "PhD": 16}


@pytest.fixture(scope="module")
def fitted() -> tuple[GANAugmenter, pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    n = 400
    y = (rng.random(n) < 0.3).astype(int)
    level = np.where(y == 1, rng.choice(["Masters", "PhD"], n), rng.choice(["HS", "College", "Bachelors"], n))
    X = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n).round(),
            "level": level,
            "years": [YEARS[v] for v in level],
            "city": rng.choice(["north", "south", "east"], n),
            "hours": rng.normal(40, 5, n).round(1),
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aug = GANAugmenter(max_steps=40, batch_size=80, random_state=0).fit(X, y)
    return aug, X, y


def test_a_categorical_value_is_exact_and_classes_follow_it(fitted):
    aug, _, _ = fitted
    rows, labels = aug.sample(60, conditions={"level": "PhD"}, random_state=1)
    assert (rows["level"] == "PhD").all() and (rows["years"] == 16).all()
    assert (labels == 1).all()  # only class 1 took PhD: y=None follows P(class | value)
    rows, labels = aug.sample(60, y=0, conditions={"city": "east", "level": "HS"}, random_state=1)
    assert (rows["city"] == "east").all() and (rows["level"] == "HS").all() and (labels == 0).all()


def test_a_dependent_column_conditions_its_determinant(fitted):
    aug, _, _ = fitted
    assert aug.dependencies_ == [("level", "years")]
    rows, _ = aug.sample(40, conditions={"years": 12}, random_state=2)
    assert (rows["level"] == "College").all() and (rows["years"] == 12).all()
    rows, _ = aug.sample(80, y=0, conditions={"years": (10, 20)}, random_state=2)
    assert set(rows["level"]) <= {"College", "Bachelors"} and rows["years"].between(10, 20).all()


def test_a_range_of_a_numeric_column_is_met_by_rejection(fitted):
    aug, X, _ = fitted
    low, high = X["age"].quantile([0.4, 0.6])
    rows, _ = aug.sample(50, conditions={"age": (low, high), "city": "north"}, random_state=3)
    assert rows["age"].between(low, high).all() and (rows["city"] == "north").all()
    assert len(rows) == 50 and list(rows.columns) == list(X.columns)


def test_one_condition_per_row_from_a_dataframe(fitted):
    aug, _, _ = fitted
    wanted = pd.DataFrame({"city": ["north", "south", "east"] * 4, "level": ["HS"] * 12})
    rows, _ = aug.sample(12, conditions=wanted, random_state=4)
    assert rows["city"].tolist() == wanted["city"].tolist() and (rows["level"] == "HS").all()


def test_same_seed_same_rows(fitted):
    aug, _, _ = fitted
    a = aug.sample(20, conditions={"city": "south", "age": (30, 50)}, random_state=5)[0]
    b = aug.sample(20, conditions={"city": "south", "age": (30, 50)}, random_state=5)[0]
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(
    ("conditions", "y", "message"),
    [
        ({"nope": 1}, None, r"unknown column\(s\) \['nope'\]"),
        ({"level": "Kindergarten"}, None, r"never took the value 'Kindergarten'.*allowed values"),
        ({"years": 10}, None, r"'years' never took the value 10"),
        ({"age": 30}, None, r"numeric: give a range"),
        ({"city": (1, 2)}, None, r"categorical: a range"),
        ({"age": (500, 600)}, None, r"outside the values seen in training"),
        ({"level": "PhD"}, 0, r"contradict the label"),
        ({"level": "PhD", "years": 9}, None, r"contradict each other"),
        (pd.DataFrame({"city": ["north"]}), None, r"one row per sample"),
        ([("city", "north")], None, r"must be a dict"),
    ],
)
def test_bad_conditions_are_refused_with_the_reason(fitted, conditions, y, message):
    aug, _, _ = fitted
    with pytest.raises((ValueError, TypeError), match=message):
        aug.sample(5, y=y, conditions=conditions)


def test_a_budget_that_runs_out_says_how_many_rows_were_found(fitted):
    aug, X, _ = fitted
    assert (X["age"] == X["age"].round()).all()  # ages are whole numbers: none lies in (40.2, 40.8)
    with pytest.raises(ValueError, match=r"Found 0 of 100 rows meeting the range conditions \{'age'"):
        aug.sample(100, conditions={"age": (40.2, 40.8)}, random_state=0)


def test_conditions_are_for_tables():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 255, (40, 4, 4)).astype(np.uint8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aug = GANAugmenter(max_steps=3, random_state=0).fit(X, np.arange(40) % 2)
    with pytest.raises(ValueError, match="conditions are for tables"):
        aug.sample(3, conditions={0: 1})


def test_unsupervised_and_array_models_take_positions():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.choice(["a", "b"], 200), rng.normal(size=200).round(3)]).astype(object)
    X[:, 1] = X[:, 1].astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aug = GANAugmenter(max_steps=20, random_state=0, categorical_features=[0]).fit(X)
    rows, labels = aug.sample(30, conditions={0: "b"}, random_state=0)
    assert labels is None and rows.shape == (30, 2) and (rows[:, 0] == "b").all()


@settings(max_examples=8, deadline=None)
@given(
    n_rows=st.integers(30, 80),
    n_columns=st.integers(1, 3),
    n_values=st.integers(2, 4),
    seed=st.integers(0, 2**16),
    supervised=st.booleans(),
)
def test_discrete_conditions_hold_in_every_row_of_random_tables(
    n_rows, n_columns, n_values, seed, supervised
):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {f"c{j}": rng.choice([f"v{k}" for k in range(n_values)], n_rows) for j in range(n_columns)}
    )
    X["x"] = rng.normal(size=n_rows)
    y = (np.arange(n_rows) % 2) if supervised else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aug = GANAugmenter(max_steps=3, random_state=seed, detect_dependencies=False).fit(X, y)
    # ask for values that some row holds together, so that no class contradicts them
    row = X.iloc[int(rng.integers(n_rows))]
    asked = {c: row[c] for c in X.columns[:-1] if rng.random() < 0.7} or {"c0": row["c0"]}
    rows, _ = aug.sample(25, conditions=asked, random_state=seed)
    for column, value in asked.items():
        assert (rows[column] == value).all()
