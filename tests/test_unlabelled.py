"""Rows without a label (``y == -1``, scikit-learn's semi-supervised mark) in GANAugmenter."""

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import make_pipeline
from sklearn.datasets import load_digits, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.semi_supervised import SelfTrainingClassifier

from ganaug import GANAugmenter

FAST = {"max_steps": 20, "random_state": 0}


@pytest.fixture
def partly_labelled():
    """200 rows of 3 unequal classes, 50 of them (from two classes) marked -1."""
    X, y = make_classification(
        n_samples=200,
        n_features=5,
        n_informative=3,
        n_classes=3,
        weights=[0.5, 0.2, 0.3],
        flip_y=0,
        random_state=0,
    )
    order = np.argsort(y, kind="stable")
    X, y = X[order], y[order].copy()
    y[np.r_[100 + np.arange(20), 160 + np.arange(30)]] = -1  # 50 unlabelled rows
    return X, y


def test_unlabelled_rows_come_back_unchanged_and_are_never_generated(partly_labelled):
    X, y = partly_labelled
    aug = GANAugmenter(**FAST)
    X_res, y_res = aug.fit_resample(X, y)
    labelled = y[y != -1]
    assert aug.n_unlabelled_ == 50
    assert aug.classes_.tolist() == sorted(set(labelled.tolist()))
    assert aug.class_counts_.tolist() == np.bincount(labelled).tolist()
    # the counts follow the labelled rows only: -1 is not a class to balance
    assert -1 not in aug.sampling_strategy_
    top = np.bincount(labelled).max()
    assert aug.sampling_strategy_ == {c: top - n for c, n in enumerate(np.bincount(labelled)) if top > n}
    # every original first, unchanged, -1 included
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(y_res[: len(y)], y)
    new = y_res[len(y) :]
    assert (new != -1).all() and len(new) == sum(aug.sampling_strategy_.values())
    assert (np.bincount(y_res[y_res != -1]) == top).all()


def test_sample_never_draws_the_unlabelled_rows(partly_labelled):
    X, y = partly_labelled
    aug = GANAugmenter(**FAST).fit(X, y)
    _, labels = aug.sample(300)
    assert set(labels.tolist()) <= {0, 1, 2}
    with pytest.raises(ValueError, match="never generated"):
        aug.sample(5, y=-1)


def test_save_and_load_keep_the_unlabelled_count(partly_labelled, tmp_path):
    import ganaug

    X, y = partly_labelled
    aug = GANAugmenter(**FAST).fit(X, y)
    ganaug.save(aug, tmp_path / "model.zip")
    back = ganaug.load(tmp_path / "model.zip")
    assert back.n_unlabelled_ == 50
    before, after = aug.sample(40, y=1, random_state=3)[0], back.sample(40, y=1, random_state=3)[0]
    np.testing.assert_array_equal(after, before)


def test_conditions_with_unlabelled_rows():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"colour": rng.choice(["red", "blue"], 120), "size": rng.normal(0, 1, 120)})
    y = np.where(rng.random(120) < 0.3, -1, rng.integers(0, 2, 120))
    aug = GANAugmenter(**FAST).fit(X, y)
    rows, labels = aug.sample(40, conditions={"colour": "red"})
    assert (rows["colour"] == "red").all() and set(labels.tolist()) <= {0, 1}


@pytest.mark.parametrize(
    "y, match",
    [
        (np.full(6, -1), "Every label in y is -1"),
        (np.array(["a", "b", -1, "a", "b", "a"], dtype=object), "mixes -1"),
        (np.array([0, 0, -1, -1, 0, 0]), "one class only"),
    ],
)
def test_unlabelled_rows_refused_clearly(y, match):
    X = np.arange(12, dtype=float).reshape(6, 2)
    with pytest.raises(ValueError, match=match):
        GANAugmenter(**FAST).fit_resample(X, y)


def test_string_minus_one_is_an_ordinary_class():
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = np.array(["-1"] * 30 + ["1"] * 10)
    aug = GANAugmenter(**FAST)
    _, y_res = aug.fit_resample(X, y)
    assert aug.n_unlabelled_ == 0 and aug.classes_.tolist() == ["-1", "1"]
    assert (y_res == "1").sum() == 30


def test_in_a_semi_supervised_pipeline_with_cross_validation(partly_labelled):
    X, y = partly_labelled
    pipe = make_pipeline(GANAugmenter(**FAST), SelfTrainingClassifier(LogisticRegression(max_iter=500)))
    scores = cross_val_score(pipe, X, y, cv=StratifiedKFold(3, shuffle=True, random_state=0))
    assert np.isfinite(scores).all()


def test_images_with_unlabelled_rows():
    digits = load_digits()
    X, y = digits.images[:150], digits.target[:150].copy()
    y[::3] = -1  # a third without a label
    aug = GANAugmenter(sampling_strategy={0: 20}, **FAST)
    X_res, y_res = aug.fit_resample(X, y)
    np.testing.assert_array_equal(X_res[:150], X)
    np.testing.assert_array_equal(y_res[:150], y)
    assert (y_res[150:] == 0).all() and len(y_res) == 150 + aug.sampling_strategy_[0] > 150
    assert aug.n_unlabelled_ == 50 and -1 not in aug.classes_
