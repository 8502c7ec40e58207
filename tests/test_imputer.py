"""GANImputer: invariants (observed values untouched, nothing left missing), types, errors, pipelines."""

import pickle
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline

from ganaug import GANImputer
from ganaug.tabular import _imputation

FAST = {"epochs": 20, "random_state": 0}


def _punch_holes(frame: pd.DataFrame, rate: float, seed: int) -> pd.DataFrame:
    holes = np.random.default_rng(seed).random(frame.shape) < rate
    return frame.mask(holes)


@pytest.fixture
def correlated():
    """Three strongly related numeric columns, 20% MCAR."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=600)
    full = np.column_stack([x, 2 * x + rng.normal(scale=0.2, size=600), -x + rng.normal(scale=0.2, size=600)])
    holes = rng.random(full.shape) < 0.2
    holes[holes.all(axis=1), 0] = False  # keep at least one value per row
    X = full.copy()
    X[holes] = np.nan
    return full, X, holes


def test_observed_values_unchanged_and_nothing_left_missing(correlated):
    _, X, holes = correlated
    Xt = GANImputer(**FAST).fit_transform(X)
    assert Xt.shape == X.shape and Xt.dtype == X.dtype
    assert not np.isnan(Xt).any()
    np.testing.assert_array_equal(Xt[~holes], X[~holes])  # bit for bit


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_imputes_in_the_training_precision_and_keeps_observed_values(correlated, precision):
    full, X, holes = correlated
    imputer = GANImputer(epochs=60, random_state=0, precision=precision).fit(X)
    seen = []
    hook = imputer.model_.model.generator.register_forward_hook(lambda m, args, out: seen.append(out.dtype))
    Xt = imputer.transform(X)
    hook.remove()
    assert seen == [getattr(torch, precision)]
    assert Xt.dtype == X.dtype and not np.isnan(Xt).any()
    np.testing.assert_array_equal(Xt[~holes], X[~holes])
    # and it learned the relation in either precision: well below the column means' error
    mean = SimpleImputer().fit_transform(X)
    rmse = lambda Xi: np.sqrt(((Xi - full)[holes] ** 2).mean())  # noqa: E731
    assert rmse(Xt) < 0.7 * rmse(mean)


def test_beats_mean_imputation_on_related_columns(correlated):
    full, X, holes = correlated
    gan = GANImputer(random_state=0).fit_transform(X)
    mean = SimpleImputer().fit_transform(X)
    rmse = lambda Xi: np.sqrt(((Xi - full)[holes] ** 2).mean())  # noqa: E731
    assert rmse(gan) < 0.5 * rmse(mean), (rmse(gan), rmse(mean))


def test_mixed_dataframe_keeps_columns_index_dtypes_and_support(mixed_frame):
    frame = mixed_frame.drop(columns=["joined"]).set_index(pd.RangeIndex(50, 50 + len(mixed_frame)))
    frame["age"] = frame["age"].astype(float)  # a column with holes cannot stay int64 in pandas
    holed = _punch_holes(frame, 0.2, seed=1)
    out = GANImputer(**FAST).fit(holed).transform(holed)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(frame.columns) and out.index.equals(holed.index)
    assert not out.isna().any().any()
    for c in frame.columns:
        known = holed[c].notna()
        pd.testing.assert_series_equal(out[c][known], holed[c][known], check_dtype=False)
        filled = out[c][~known]
        if c in ("age", "gain"):
            assert filled.between(holed[c].min(), holed[c].max()).all()
        else:
            assert set(filled) <= set(holed[c].dropna())
    assert out["tier"].dtype == frame["tier"].dtype


def _dtype_columns(n: int, rng: np.random.Generator) -> dict:
    """One column of each dtype the encoder supports, each with 30% holes."""
    hours = pd.to_timedelta(rng.integers(0, 100, n), unit="h")
    columns = {
        "datetime": pd.Series(pd.to_datetime("2021-06-04") + hours),
        "datetime_tz": pd.Series(pd.to_datetime("2021-06-04").tz_localize("Europe/Paris") + hours),
        "timedelta": pd.Series(hours),
        "bool_object": pd.Series(rng.random(n) < 0.5, dtype=object),
        "boolean": pd.Series(rng.random(n) < 0.5, dtype="boolean"),
        "category": pd.Series(pd.Categorical(rng.choice(["lo", "hi"], n), categories=["lo", "mid", "hi"])),
        "Int64": pd.Series(rng.integers(0, 9, n), dtype="Int64"),
        "Float64": pd.Series(rng.normal(size=n), dtype="Float64"),
        "string": pd.Series(rng.choice(["x", "y"], n), dtype="string"),
        "str": pd.Series(rng.choice(["x", "y"], n)),  # str on pandas 3, object before
        "object": pd.Series(rng.choice(["x", "y"], n), dtype=object),
    }
    return {name: col.mask(rng.random(n) < 0.3) for name, col in columns.items()}


@pytest.mark.parametrize("kind", list(_dtype_columns(3, np.random.default_rng(0))))
def test_filled_cells_keep_the_column_dtype(kind):
    """Every filled cell is a value of the column's own dtype, type and observed range."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=60), kind: _dtype_columns(60, rng)[kind]})
    out = GANImputer(epochs=2, random_state=0).fit_transform(frame)
    assert out[kind].dtype == frame[kind].dtype
    holes = frame[kind].isna().to_numpy()
    observed, filled = frame[kind][~holes], out[kind][holes]
    pd.testing.assert_series_equal(out[kind][~holes], observed, check_exact=True)
    assert filled.notna().all()
    assert {type(v) for v in filled} <= {type(v) for v in observed}
    if kind in ("datetime", "datetime_tz", "timedelta", "Int64", "Float64"):
        assert filled.between(observed.min(), observed.max()).all()
    else:
        assert set(filled) <= set(observed)


def test_integer_columns_get_integers():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"n": rng.integers(0, 10, 300), "m": rng.integers(0, 5, 300)}).astype("Int64")
    holed = frame.mask(rng.random(frame.shape) < 0.2)
    out = GANImputer(**FAST).fit_transform(holed)
    assert (out["n"] == out["n"].round()).all() and out["n"].dtype == "Int64"


def test_inductive_transform_of_new_patterns(correlated):
    _, X, _ = correlated
    imputer = GANImputer(**FAST).fit(X[:400])
    history = list(imputer.history_)
    new = X[400:].copy()
    new[:, 2] = np.nan  # a pattern never seen at fit
    out = imputer.transform(new)
    assert not np.isnan(out).any() and imputer.history_ == history


def test_sample_posterior_gives_multiple_imputations(correlated):
    _, X, holes = correlated
    draws = [GANImputer(sample_posterior=True, epochs=20, random_state=s).fit_transform(X) for s in (0, 1)]
    assert not np.allclose(draws[0][holes], draws[1][holes])
    best = GANImputer(**FAST).fit(X)
    np.testing.assert_array_equal(best.transform(X), best.transform(X))


def test_empty_features_dropped_with_warning_or_kept():
    X = np.array([[1.0, np.nan, 3.0], [2.0, np.nan, np.nan], [np.nan, np.nan, 5.0], [4.0, np.nan, 6.0]])
    with pytest.warns(UserWarning, match="without any observed values"):
        dropped = GANImputer(epochs=2, random_state=0).fit_transform(X)
    assert dropped.shape == (4, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kept = GANImputer(epochs=2, random_state=0, keep_empty_features=True).fit_transform(X)
    assert kept.shape == (4, 3) and (kept[:, 1] == 0).all()


def test_indicator_feature_names_and_pandas_output():
    frame = pd.DataFrame(
        {"a": [1.0, np.nan, 3.0, 4.0], "b": [1.0, 2.0, 3.0, 4.0], "c": [np.nan, 1.0, 2.0, 3.0]}
    )
    imputer = GANImputer(epochs=2, random_state=0, add_indicator=True).set_output(transform="pandas")
    out = imputer.fit_transform(frame)
    names = ["a", "b", "c", "missingindicator_a", "missingindicator_c"]
    assert list(imputer.get_feature_names_out()) == names and list(out.columns) == names
    assert out["missingindicator_a"].tolist() == [0, 1, 0, 0]
    np_out = (
        GANImputer(epochs=2, random_state=0).set_output(transform="pandas").fit_transform(frame.to_numpy())
    )
    assert isinstance(np_out, pd.DataFrame) and list(np_out.columns) == ["x0", "x1", "x2"]


def test_custom_missing_value_placeholder():
    X = np.array([[1.0, -1.0], [2.0, 4.0], [-1.0, 6.0], [4.0, 8.0]])
    out = GANImputer(missing_values=-1.0, epochs=5, random_state=0).fit_transform(X)
    assert (out != -1).all() and out[1, 1] == 4.0


@pytest.mark.parametrize(
    ("frame", "params", "match"),
    [
        (pd.DataFrame({"x": [1.0, np.inf, np.nan]}), {}, "infinite"),
        (pd.DataFrame({"x": ["a", "b", None]}), {"categorical_features": None}, "not numeric"),
    ],
)
def test_bad_fit_input(frame, params, match):
    with pytest.raises(ValueError, match=match):
        GANImputer(epochs=2, **params).fit(frame)


def test_cells_holding_lists_are_refused_naming_the_column():
    frame = pd.DataFrame({"x": [1.0, np.nan, 3.0], "tags": [["a"], None, ["b"]]})
    with pytest.raises(TypeError, match="Column 'tags' holds list values"):
        GANImputer(epochs=1).fit(frame)


def test_a_numeric_column_turned_to_strings_is_named_as_numeric_at_fit():
    frame = pd.DataFrame({"x": [1.0, np.nan, 3.0, 4.0], "y": [1.0, 2.0, np.nan, 4.0]})
    imputer = GANImputer(epochs=1, random_state=0).fit(frame)
    new = pd.DataFrame({"x": ["1.5", "n/a", np.nan], "y": [1.0, np.nan, 2.0]})
    expected = r"Column 'x' was numeric at fit \(dtype float64\).*\['n/a'\]"
    with pytest.raises(ValueError, match=expected) as info:
        imputer.transform(new)
    assert "categorical_features" not in str(info.value)


def test_transform_refuses_unseen_category_and_wrong_width():
    frame = pd.DataFrame({"c": ["a", "b", None, "a"], "x": [1.0, np.nan, 2.0, 3.0]})
    imputer = GANImputer(epochs=2, random_state=0, handle_unknown="error").fit(frame)
    with pytest.raises(ValueError, match=r"not seen at fit: \['z'\]"):
        imputer.transform(pd.DataFrame({"c": ["z", None], "x": [1.0, 2.0]}))
    with pytest.raises(ValueError, match="features"):
        imputer.transform(frame.to_numpy()[:, :1])


def test_unseen_category_is_kept_and_the_rest_imputed():
    frame = pd.DataFrame({"c": ["a", "b", None, "a"] * 5, "x": [1.0, np.nan, 2.0, 3.0] * 5})
    imputer = GANImputer(epochs=2, random_state=0).fit(frame)
    new = pd.DataFrame({"c": ["z", None, "b"], "x": [np.nan, 2.0, np.nan]})
    out = imputer.transform(new)
    assert out.loc[0, "c"] == "z"  # an observed value, never altered
    assert out.loc[1, "c"] in {"a", "b"} and not out["x"].isna().any()


def test_pickle_round_trip(correlated):
    _, X, _ = correlated
    imputer = GANImputer(**FAST).fit(X)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(imputer)).transform(X), imputer.transform(X))


def test_in_pipeline_and_grid_search(correlated):
    _, X, _ = correlated
    y = (np.nan_to_num(X[:, 0]) > 0).astype(int)
    pipe = make_pipeline(GANImputer(epochs=5, random_state=0), LogisticRegression())
    assert cross_val_score(pipe, X, y, cv=3).mean() > 0.6
    grid = GridSearchCV(pipe, {"ganimputer__alpha": [1.0, 10.0]}, cv=2).fit(X, y)
    # GridSearchCV turns failing fits into NaN scores: require every candidate to have scored
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()


@pytest.mark.parametrize("epochs", ["auto", 3])
def test_max_steps_overrides_epochs(correlated, epochs):
    _, X, _ = correlated
    imputer = GANImputer(epochs=epochs, max_steps=7, random_state=0).fit(X)
    assert imputer.n_iter_ == 7
    assert imputer.history_[-1]["step"] == 7
    assert not np.isnan(imputer.transform(X)).any()


def test_early_stopping_holds_out_entries_and_keeps_the_best(correlated):
    _, X, _ = correlated
    imputer = GANImputer(epochs=40, early_stopping=True, n_iter_no_change=2, tol=10.0, random_state=0).fit(X)
    scores = [h["val_score"] for h in imputer.history_]
    assert all(np.isfinite(scores))
    assert imputer.n_iter_ < 40 * (600 // 128)  # a tolerance of 10 stops it after 3 intervals
    assert len(scores) == 3
    # the held-out entries are observed values: transform returns them unchanged
    out = imputer.transform(X)
    known = ~np.isnan(X)
    np.testing.assert_array_equal(out[known], X[known])
    assert not np.isnan(out).any()


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 60),
    p=st.integers(1, 5),
    fraction=st.floats(0.01, 0.5),
    max_rows=st.integers(1, 80),
    max_entries=st.integers(1, 200),
    seed=st.integers(0, 2**16),
)
def test_held_entries_are_observed_hidden_from_training_and_bounded(
    n, p, fraction, max_rows, max_entries, seed
):
    rng = np.random.default_rng(seed)
    observed = rng.random((n, p)) < 0.7
    layout = SimpleNamespace(position_columns=np.repeat(np.arange(p), 2))  # two encoded positions per column
    encoded = rng.normal(size=(n, 2 * p)).astype(np.float32)
    train, train_observed, (held_x, held_seen, hidden) = _imputation._hold_entries(
        encoded, observed, layout, fraction, np.random.RandomState(seed), max_rows, max_entries
    )
    full_hidden = observed & ~train_observed
    assert not (train_observed & ~observed).any()  # nothing unobserved becomes observed
    assert full_hidden.sum() == hidden.sum() <= max_entries
    assert hidden.sum() <= max(1, round(fraction * observed.sum()))
    assert hidden.sum() >= 1 or not observed.any()  # a score needs at least one entry
    assert len(held_x) == min(observed.any(axis=1).sum(), max_rows)
    assert not (held_seen & hidden).any()  # a held entry is never shown as input
    positions = full_hidden[:, layout.position_columns]
    assert (train[positions] == 0).all()  # nor left in the training matrix
    np.testing.assert_array_equal(train[~positions], encoded[~positions])


@pytest.mark.parametrize(
    ("n_columns", "generator_dim", "expected"),
    [
        (3, "auto", (256, 256)),  # encoded width 3: narrow
        (19, "auto", (256, 256)),
        (20, "auto", (512, 512, 512)),  # from 20 encoded values: wider and deeper
        (20, (64, 32), (64, 32)),  # given widths are used as they are
    ],
)
def test_auto_generator_width_follows_the_encoded_width(n_columns, generator_dim, expected):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, n_columns))
    X[rng.random(X.shape) < 0.2] = np.nan
    imp = GANImputer(epochs=1, generator_dim=generator_dim, random_state=0).fit(X)
    assert imp.model_.model.generator_dim == expected
    hidden = [m.out_features for m in imp.model_.model.generator.modules() if isinstance(m, torch.nn.Linear)]
    assert tuple(hidden[:-1]) == expected


def test_auto_generator_width_counts_categories():
    # two numeric columns plus one categorical of 20 levels: 22 encoded values
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"a": rng.normal(size=80), "b": rng.normal(size=80), "c": [f"level{i % 20}" for i in range(80)]}
    )
    imp = GANImputer(epochs=1, random_state=0).fit(_punch_holes(frame, 0.1, 0))
    assert imp.model_.model.generator_dim == (512, 512, 512)
    assert GANImputer(epochs=1, random_state=0).fit(
        _punch_holes(frame[["a", "b"]], 0.1, 0)
    ).model_.model.generator_dim == (
        256,
        256,
    )


@pytest.mark.parametrize(
    ("n_rows", "n_numeric", "expected"),
    [
        (1000, 6, 150),  # Adult at 1,000 rows: 72 by the rule, the 150-step floor
        (10000, 6, 780),  # 720 by the rule, 10 epochs of 78 steps
        (569, 30, 1024),  # breast cancer: the rule itself
        (1797, 64, 3000),  # digits: the 3,000-step ceiling
        (100, 0, 150),  # no numeric column: the floor
        (100_000, 6, 7810),  # 10 epochs above the ceiling, as before the rule
        (127, 100, 2000),  # 2,540 by the rule: at most 2,000 epochs of one step
    ],
)
def test_auto_steps_follow_rows_and_numeric_columns(n_rows, n_numeric, expected):
    steps_per_epoch = max(n_rows // 128, 1)
    assert _imputation.auto_imputation_steps(n_rows, n_numeric, steps_per_epoch) == expected


def test_auto_steps_of_narrow_tables_have_a_higher_floor():
    steps = _imputation.auto_imputation_steps
    assert steps(178, 13, 1, narrow=True) == 600  # wine: 60 by the rule
    assert steps(178, 13, 1) == 150
    assert steps(569, 30, 4, narrow=True) == 1024  # above the floor, the rule decides


def test_auto_steps_grow_with_rows_and_numeric_columns():
    steps = _imputation.auto_imputation_steps
    for n in (200, 1000, 5000, 40_000):
        assert steps(n, 8, max(n // 128, 1)) <= steps(2 * n, 8, max(2 * n // 128, 1))
        assert steps(n, 8, max(n // 128, 1)) <= steps(n, 9, max(n // 128, 1))


@pytest.mark.parametrize(("levels", "expected"), [(10, 150), (3, 600)])
def test_fit_trains_the_auto_steps_of_its_table(levels, expected):
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(rng.normal(size=(n, 12)), columns=[f"x{i}" for i in range(12)])
    frame["c"] = [f"level{i % levels}" for i in range(n)]
    imputer = GANImputer(random_state=0).fit(_punch_holes(frame, 0.1, 0))
    # 0.002 x 400 rows x 12 numeric columns² = 115 steps, lifted to the floor: 150 for a table
    # encoded 22 values wide (the wide generator), 600 for one 15 wide (the narrow generator)
    assert imputer.n_iter_ == expected
