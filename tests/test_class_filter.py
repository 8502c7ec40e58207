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
from ganaug.exceptions import ClassFilterWarning


def _both_walks(trees: TreeEnsemble, X: np.ndarray) -> list[np.ndarray]:
    """Probabilities through scikit-learn's compiled walk (the one used) and through the numpy fallback."""
    compiled = trees.predict_proba(X)
    trees._compiled = None  # what a scikit-learn without the compiled routine gets
    fallback = trees.predict_proba(X)
    del trees._compiled
    return [compiled, fallback]


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
    for p in _both_walks(TreeEnsemble.from_sklearn(model), probe):
        assert np.allclose(p, model.predict_proba(probe))


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
    return aug.class_filter_.predict_proba(features)


def test_kept_rows_are_placed_in_their_class(fitted):
    rows, labels = fitted.sample(200, y="rare", random_state=1)
    assert len(rows) == 200 and (labels == "rare").all()
    plain = GANAugmenter(**fitted.get_params())
    plain.__dict__.update(fitted.__dict__)
    plain.set_params(class_filter=None)
    unfiltered, _ = plain.sample(200, y="rare", random_state=1)
    passing = (_scores(fitted, rows)[:, 1] >= 0.5).mean()
    # three draws per row: about three times the unfiltered share passes (all of them from a third up)
    assert passing >= min(1.0, 2 * (_scores(fitted, unfiltered)[:, 1] >= 0.5).mean())


def test_fit_resample_keeps_the_originals_and_exact_counts(table):
    X, y = table
    aug = GANAugmenter(max_steps=80, class_filter=0.5, synthetic_fraction=1.0, random_state=0)
    X_res, y_res = aug.fit_resample(X, y)
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X)
    assert (y_res.value_counts() == (y == "common").sum()).all()
    new = X_res.iloc[len(X) :]
    quota = len(new)
    passing = int((_scores(aug, new)[:, 1] >= 0.5).sum())
    assert passing == min(
        quota, round(aug.filter_acceptance_["rare"] * 3 * quota)
    )  # all that passed, up to quota


def test_the_filter_changes_nothing_else_of_the_fit(table, fitted):
    X, y = table
    plain = GANAugmenter(max_steps=80, class_filter=None, random_state=0).fit(X, y)
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


def test_class_fidelity_is_what_the_filter_reads_in_the_unfiltered_draws(table):
    X, y = table
    aug = GANAugmenter(max_steps=80, class_filter=0.5, synthetic_fraction=1.0, random_state=0)
    aug.fit_resample(X, y)
    assert set(aug.class_fidelity_) == {"rare"}
    # the same draws, unfiltered: 3x the quota for the seed of fit_resample
    n = 3 * int((y == "common").sum() - (y == "rare").sum())
    draws = aug.model_.generate_encoded(np.ones(n, dtype=np.int64), aug.seed_)
    read = aug.class_filter_.predict_proba(aug.model_.round_trip(draws, aug.seed_)).argmax(axis=1)
    assert aug.class_fidelity_["rare"] == pytest.approx((read == 1).mean())
    plain = GANAugmenter(max_steps=20, class_filter=None, random_state=0)
    plain.fit_resample(X, y)
    assert plain.class_fidelity_ == {}  # no filter, no judge


def test_a_threshold_no_row_meets_still_fills_the_quota(fitted):
    strict = GANAugmenter(**fitted.get_params())
    strict.__dict__.update(fitted.__dict__)
    strict.set_params(class_filter=0.999999)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows, labels = strict.sample(40, y="rare", random_state=4)
    assert len(rows) == 40 and (labels == "rare").all()
    # filling from the best-scoring draws is the documented behaviour: one warning says so, no other
    assert [w.category for w in caught] == [ClassFilterWarning]


def _scored_rows(codes, seed):
    """Fake generator output for the selection logic: one column, a row's score is its value."""
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.random(len(codes)), codes]).astype(np.float32)


class _ByValue:
    """Class probabilities from the fake rows: P(own class) = the row's first value."""

    def predict_proba(self, X):
        p = X[:, 0].astype(np.float64)
        return np.column_stack([1 - p, p])


@settings(max_examples=25, deadline=None)
@given(
    n_rare=st.integers(0, 60),
    n_common=st.integers(0, 60),
    threshold=st.floats(0.05, 0.95),
    seed=st.integers(0, 1000),
)
def test_selection_keeps_passing_draws_first_then_the_best_of_the_rest(n_rare, n_common, threshold, seed):
    from ganaug._class_filter import OVERSAMPLE, ClassFilter

    codes = np.random.default_rng(seed).permutation(np.repeat([1, 0], [n_rare, n_common]))
    filt = ClassFilter(_ByValue())
    out, acceptance, fidelity = filt.generate(codes, threshold, _scored_rows, lambda rows, s: rows, seed)
    assert out.shape == (len(codes), 2) and np.array_equal(out[:, 1], codes)  # every place, right class
    batch = np.repeat(np.unique(codes), OVERSAMPLE * np.unique(codes, return_counts=True)[1])
    drawn = _scored_rows(batch, seed)
    for k in np.unique(codes):
        mine = drawn[batch == k, 0]
        score = mine if k == 1 else 1 - mine
        got = out[codes == k, 0]
        got_score = got if k == 1 else 1 - got
        n = int((codes == k).sum())
        assert acceptance[int(k)] == pytest.approx((score >= threshold).mean())
        assert fidelity[int(k)] == pytest.approx((score > 1 - score).mean())  # its class the most likely
        if (score >= threshold).sum() >= n:  # enough passed: only passing rows, the first ones drawn
            assert np.array_equal(got, mine[score >= threshold][:n])
        else:  # all that passed, then the best of the rest
            assert np.array_equal(np.sort(got_score), np.sort(score)[::-1][:n][::-1])


def test_set_after_fit_without_filter_asks_to_refit(table):
    X, y = table
    aug = GANAugmenter(max_steps=5, class_filter=None, random_state=0).fit(X, y)
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


def test_images_are_filtered_when_asked():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], [60, 20])
    X = rng.integers(0, 60, size=(80, 8, 8)).astype(np.uint8)
    X[y == 1, 2:6, 2:6] = 250
    aug = GANAugmenter(max_steps=20, class_filter=0.5, random_state=0)
    X_res, y_res = aug.fit_resample(X, y)
    rows = X_res[80:][y_res[80:] == 1][: aug.n_synthetic_]
    assert rows.dtype == np.uint8 and set(aug.filter_acceptance_) == {1}
    scores = aug.class_filter_.predict_proba(aug.model_.features(aug.modality_.check(rows)))
    if aug.filter_acceptance_[1] >= 1 / 3:  # enough draws passed: every generated image did
        assert (scores[:, 1] >= 0.5).all()


def test_auto_filters_tables_and_not_images(table):
    X, y = table
    tab = GANAugmenter(max_steps=5, random_state=0)
    tab.fit_resample(X, y)
    assert tab.class_filter_ is not None and set(tab.filter_acceptance_) == {"rare"}
    assert 0 <= tab.filter_acceptance_["rare"] <= 1
    images = np.random.default_rng(0).integers(0, 255, size=(40, 8, 8)).astype(np.uint8)
    img = GANAugmenter(max_steps=3, random_state=0)
    img.fit_resample(images, np.repeat([0, 1], [30, 10]))
    assert img.class_filter_ is None and img.filter_acceptance_ == {}
    off = GANAugmenter(max_steps=5, class_filter=None, random_state=0)
    off.fit_resample(X, y)
    assert off.class_filter_ is None and off.filter_acceptance_ == {}
    assert GANAugmenter(engine="ctgan")._filter_threshold() is None


def test_categories_reach_the_filter_as_categories():
    # the label is carried by a category only: a filter that splits on it separates the classes
    rng = np.random.default_rng(0)
    colour = rng.choice(["red", "green", "blue", "grey"], 300)
    X = pd.DataFrame({"colour": colour, "noise": rng.normal(size=300)})
    y = np.where(np.isin(colour, ["red", "grey"]), 1, 0)
    aug = GANAugmenter(max_steps=5, random_state=0).fit(X, y)
    assert aug.model_.filter_categorical.tolist() == [True, False]
    probe = pd.DataFrame({"colour": ["red", "grey", "green", "blue"], "noise": 0.0})
    p = aug.class_filter_.predict_proba(aug.model_.features(aug.modality_.check(probe)))
    assert (p[:2, 1] > 0.9).all() and (p[2:, 1] < 0.1).all()


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), n_codes=st.integers(2, 40))
def test_exported_categorical_splits_predict_what_sklearn_predicts(seed, n_codes):
    rng = np.random.default_rng(seed)
    X = np.column_stack(
        [rng.normal(size=300), rng.integers(0, n_codes, 300), rng.integers(0, 3, 300)]
    ).astype(float)
    y = (np.isin(X[:, 1] % 5, [0, 2]) ^ (X[:, 0] > 0.5)).astype(int)
    X[rng.random(X.shape) < 0.05] = np.nan
    cat = np.array([False, True, True])
    model = HistGradientBoostingClassifier(max_iter=10, categorical_features=cat, random_state=0).fit(X, y)
    unseen = np.column_stack([rng.normal(size=40), rng.integers(-3, n_codes + 5, 40), rng.integers(0, 6, 40)])
    probe = np.vstack([X, unseen.astype(float)])
    for p in _both_walks(TreeEnsemble.from_sklearn(model), probe):
        assert np.allclose(p, model.predict_proba(probe))


def test_the_compiled_walk_is_used_and_never_stored():
    X, y = make_classification(300, 5, n_classes=3, n_informative=3, random_state=0)
    model = HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(X, y)
    trees = TreeEnsemble.from_sklearn(model)
    # with the scikit-learn installed here the fast path must be the one taken, not the fallback
    walk = trees._compiled_walk()
    assert walk is not None
    # the same raw scores as scikit-learn's, bit for bit (trees summed in its order), by both walks
    np.testing.assert_array_equal(walk(trees._tree_input(X)), model.decision_function(X))
    np.testing.assert_array_equal(trees._raw_numpy(trees._tree_input(X)), model.decision_function(X))
    assert "_compiled" not in trees.__getstate__()


def test_trees_saved_before_categorical_splits_still_predict():
    X, y = make_classification(200, 4, random_state=0)
    model = HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(X, y)
    trees = TreeEnsemble.from_sklearn(model)
    old = {k: v for k, v in trees.__dict__.items() if k in TREE_FIELDS_BEFORE_CATEGORIES}
    back = TreeEnsemble.__new__(TreeEnsemble)
    back.__setstate__(old)
    for p in _both_walks(back, X):
        assert np.allclose(p, model.predict_proba(X))


TREE_FIELDS_BEFORE_CATEGORIES = (
    *("feature", "threshold", "left", "right", "missing_left", "leaf"),
    *("value", "start", "output", "baseline", "depth"),
)


@settings(max_examples=30, deadline=None)
@given(counts=st.lists(st.integers(1, 300), min_size=2, max_size=5), cap=st.integers(10, 500))
def test_filter_rows_keep_every_class_and_the_cap(counts, cap):
    from ganaug._class_filter import _filter_rows

    codes = np.repeat(np.arange(len(counts)), counts)
    rows = _filter_rows(codes, cap, 0)
    assert len(np.unique(rows)) == len(rows) and np.all(np.diff(rows) > 0)
    if len(codes) <= cap:
        assert len(rows) == len(codes)
        return
    assert len(rows) <= cap
    kept = np.bincount(codes[rows], minlength=len(counts))
    share = cap // len(counts)
    assert np.all(
        kept >= np.minimum(counts, share)
    )  # small classes whole, the others an equal share at least


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


def test_a_column_never_observed_does_not_reach_the_filter():
    X, y = make_classification(120, 3, n_informative=2, n_redundant=0, weights=[0.8], random_state=0)
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).assign(empty=np.nan)
    aug = GANAugmenter(max_steps=5, random_state=0)
    X_res, _ = aug.fit_resample(frame, y)
    assert aug.class_filter_.columns.tolist() == [0, 1, 2]
    assert len(X_res) == 2 * int((y == 0).sum()) and X_res["empty"].isna().all()


def test_a_class_the_filter_rarely_passes_is_named_in_a_warning(table):
    """Two steps make rows no classifier places anywhere: under a third pass, and the class is named."""
    X, y = table
    aug = GANAugmenter(max_steps=2, class_filter=0.99, random_state=0)
    with pytest.warns(ClassFilterWarning, match=r"class\(es\) \{'rare': 0\.\d+\}") as record:
        X_res, _ = aug.fit_resample(X, y)
    assert len(X_res) == 2 * (y == "common").sum()  # the quota is still met
    assert aug.filter_acceptance_["rare"] < 1 / 3
    assert issubclass(record[0].category, UserWarning)  # filters on the builtin keep working
