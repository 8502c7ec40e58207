"""GANAugmenter's class filter: the exported trees, what it keeps, and that it changes nothing else."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier

import ganaug
from ganaug import GANAugmenter
from ganaug._class_filter import TreeEnsemble


@settings(max_examples=8)
@given(
    n_classes=st.integers(2, 4),
    seed=st.integers(0, 10_000),
    missing=st.sampled_from([0.0, 0.1]),
)
def test_exported_trees_predict_what_sklearn_predicts(n_classes, seed, missing):
    X, y = make_classification(200, 6, n_informative=4, n_classes=n_classes, random_state=seed)
    rng = np.random.default_rng(seed)
    X[rng.random(X.shape) < missing] = np.nan
    model = HistGradientBoostingClassifier(max_iter=10, class_weight="balanced", random_state=0).fit(X, y)
    probe = np.vstack([X, rng.normal(scale=3, size=(50, 6))])
    assert np.allclose(TreeEnsemble.from_sklearn(model).predict_proba(probe), model.predict_proba(probe))


@pytest.fixture(scope="module")
def table():
    X, y = make_classification(400, 5, weights=[0.85], class_sep=0.7, random_state=3)
    frame = pd.DataFrame(X, columns=list("abcde"))
    frame["kind"] = np.where(X[:, 0] > 0, "hi", "lo")
    return frame, pd.Series(np.where(y == 1, "rare", "common"), name="label")


@pytest.fixture(scope="module")
def fitted(table):
    X, y = table
    return GANAugmenter(max_steps=80, class_filter=0.5, random_state=0).fit(X, y)


def _scores(aug, rows):
    features = aug.model_.features(aug.modality_.check(rows))
    return aug.class_filter_.trees.predict_proba(features)


def test_kept_rows_are_placed_in_their_class(fitted):
    rows, labels = fitted.sample(200, y="rare", random_state=1)
    assert len(rows) == 200 and (labels == "rare").all()
    assert (_scores(fitted, rows)[:, 1] >= 0.5).all()


def test_fit_resample_keeps_the_originals_and_exact_counts(table):
    X, y = table
    aug = GANAugmenter(max_steps=80, class_filter=0.5, synthetic_fraction=1.0, random_state=0)
    X_res, y_res = aug.fit_resample(X, y)
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X)
    assert (y_res.value_counts() == (y == "common").sum()).all()
    new = X_res.iloc[len(X) :]
    assert (_scores(aug, new)[:, 1] >= 0.5).all()


def test_the_filter_changes_nothing_else_of_the_fit(table, fitted):
    X, y = table
    plain = GANAugmenter(max_steps=80, random_state=0).fit(X, y)
    filtered = ganaug.GANAugmenter(**fitted.get_params())
    filtered.__dict__.update(fitted.__dict__)
    filtered.set_params(class_filter=None)
    a, _ = filtered.sample(50, y="rare", random_state=2)
    b, _ = plain.sample(50, y="rare", random_state=2)
    pd.testing.assert_frame_equal(a, b)
    assert filtered.seed_ == plain.seed_


def test_unfiltered_rows_of_this_short_fit_are_often_rejected(fitted):
    # the filter has work to do here: without it, many "rare" rows sit in the common class's region
    plain = GANAugmenter(**fitted.get_params())
    plain.__dict__.update(fitted.__dict__)
    plain.set_params(class_filter=None)
    rows, _ = plain.sample(300, y="rare", random_state=3)
    assert (_scores(fitted, rows)[:, 1] < 0.5).mean() > 0.1


def test_a_threshold_no_row_meets_still_fills_the_quota_with_a_warning(fitted):
    strict = GANAugmenter(**fitted.get_params())
    strict.__dict__.update(fitted.__dict__)
    strict.set_params(class_filter=0.999999)
    with pytest.warns(RuntimeWarning, match="class filter kept too few"):
        rows, labels = strict.sample(40, y="rare", random_state=4)
    assert len(rows) == 40 and (labels == "rare").all()


def test_set_after_fit_without_filter_asks_to_refit(table):
    X, y = table
    aug = GANAugmenter(max_steps=5, random_state=0).fit(X, y)
    aug.set_params(class_filter=0.5)
    with pytest.raises(ValueError, match="fit again"):
        aug.sample(5, y="rare")


def test_refused_with_the_ctgan_engine(table):
    X, y = table
    with pytest.raises(ValueError, match="class_filter is for engine"):
        GANAugmenter(engine="ctgan", class_filter=0.5).fit(X, y)


def test_saved_and_loaded_filter_draws_the_same_rows(fitted, tmp_path):
    ganaug.save(fitted, tmp_path / "f.ganaug")
    back = ganaug.load(tmp_path / "f.ganaug")
    a, _ = fitted.sample(30, y="rare", random_state=5)
    b, _ = back.sample(30, y="rare", random_state=5)
    pd.testing.assert_frame_equal(a, b)


def test_images_are_filtered_too():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], [60, 20])
    X = rng.integers(0, 60, size=(80, 8, 8)).astype(np.uint8)
    X[y == 1, 2:6, 2:6] = 250
    aug = GANAugmenter(max_steps=20, class_filter=0.5, random_state=0).fit(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows, labels = aug.sample(10, y=1, random_state=0)
    assert rows.shape == (10, 8, 8) and rows.dtype == np.uint8 and (labels == 1).all()
    scores = aug.class_filter_.trees.predict_proba(aug.model_.features(aug.modality_.check(rows)))
    filled = any("class filter kept too few" in str(w.message) for w in caught)
    assert filled or (scores[:, 1] >= 0.5).all()


# ------------------------------------------------------------------ synthetic_fraction
@pytest.mark.parametrize("container", ["frame", "array", "list"])
def test_synthetic_fraction_fills_the_rest_with_copies_of_real_rows(table, container):
    X, y = table
    X = X.drop(columns="kind")
    X_in = {"frame": X, "array": X.to_numpy(), "list": X.to_numpy().tolist()}[container]
    aug = GANAugmenter(max_steps=5, synthetic_fraction=0.5, random_state=0)
    X_res, y_res = aug.fit_resample(X_in, y)
    res = pd.DataFrame(np.asarray(X_res, dtype=float), columns=X.columns)
    assert np.array_equal(res.iloc[: len(X)].to_numpy(), X.to_numpy())  # originals first, unchanged
    quota = aug.sampling_strategy_["rare"]
    new, new_y = res.iloc[len(X) :], np.asarray(y_res)[len(X) :]
    assert len(new) == quota and (new_y == "rare").all()
    real_rare = {tuple(r) for r in X[y == "rare"].to_numpy()}
    copies = [tuple(r) in real_rare for r in new.to_numpy()]
    assert sum(copies) == quota - round(quota * 0.5)  # the copies, and no generated row copies one
    assert all(copies[round(quota * 0.5) :])


def test_synthetic_fraction_one_generates_every_new_row(table):
    X, y = table
    X = X.drop(columns="kind")
    aug = GANAugmenter(max_steps=5, synthetic_fraction=1.0, random_state=0)
    X_res, _ = aug.fit_resample(X, y)
    new = X_res.iloc[len(X) :]
    assert len(new) == aug.sampling_strategy_["rare"]
    real = {tuple(r) for r in X.to_numpy()}
    assert not any(tuple(r) in real for r in new.to_numpy())


def test_synthetic_fraction_on_images():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], [30, 10])
    X = rng.integers(0, 255, size=(40, 8, 8)).astype(np.uint8)
    X_res, y_res = GANAugmenter(max_steps=3, synthetic_fraction=0.5, random_state=0).fit_resample(X, y)
    assert X_res.shape == (60, 8, 8) and X_res.dtype == np.uint8 and (y_res[40:] == 1).all()
    copies = [any(np.array_equal(img, real) for real in X[y == 1]) for img in X_res[40:]]
    assert sum(copies) == 10 and all(copies[10:])
