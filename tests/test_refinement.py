"""GANImputer's tree refinement: the exported trees, the average, and the hard tables of its first fill."""

import warnings

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.ensemble import ExtraTreesRegressor

import ganaug
from ganaug import GANImputer
from ganaug.tabular import TreeRefinement
from ganaug.tabular._refinement import ForestArrays

FAST = {"epochs": 20, "random_state": 0}


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(2, 60),
    width=st.integers(2, 6),
    seed=st.integers(0, 2**16),
    ties=st.booleans(),
)
def test_exported_trees_predict_what_the_forest_predicts(n, width, seed, ties):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, width))
    if ties:  # repeated values: thresholds between float32 neighbours
        X = np.round(X, 1)
    target = int(rng.integers(width))
    columns = np.delete(np.arange(width), target)
    forest = ExtraTreesRegressor(n_estimators=3, random_state=seed).fit(X[:, columns], X[:, target])
    exported = ForestArrays.from_sklearn([(forest, columns)])
    new = rng.normal(size=(7, width)) * 3
    np.testing.assert_allclose(
        exported.predict(new)[:, 0], forest.predict(new[:, columns]), rtol=1e-6, atol=1e-6
    )
    np.testing.assert_allclose(
        exported.predict(X, chunk=5)[:, 0], forest.predict(X[:, columns]), rtol=1e-6, atol=1e-6
    )


def test_only_unknown_target_entries_move_and_by_the_average():
    rng = np.random.default_rng(0)
    completed = rng.normal(size=(50, 3)).astype(np.float32)
    known = rng.random((50, 3)) > 0.3
    refinement = TreeRefinement.fit(completed, known, np.array([0, 2]), np.random.RandomState(0))
    gan = completed + 1.0
    out = refinement.refine(gan, completed, known)
    trees = refinement.forest.predict(completed)
    np.testing.assert_array_equal(out[:, 1], gan[:, 1])  # not a target
    for j, position in enumerate([0, 2]):
        np.testing.assert_array_equal(out[known[:, position], position], gan[known[:, position], position])
        hole = ~known[:, position]
        np.testing.assert_allclose(
            out[hole, position], 0.5 * gan[hole, position] + 0.5 * trees[hole, j], rtol=1e-6
        )


def _curve(n: int = 500, seed: int = 0):
    """A curve in 3-D: x, its cube and a wave of it; any two columns fix the third, nonlinearly."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.5, 1.5, n)
    full = np.column_stack([x, x**3, np.sin(3 * x)]) + rng.normal(scale=0.02, size=(n, 3))
    holes = rng.random(full.shape) < 0.2
    holes[holes.all(axis=1), 0] = False
    return full, np.where(holes, np.nan, full), holes


def test_refinement_lowers_the_error_of_a_short_fit():
    full, X, holes = _curve()
    errors = {}
    for refine in (False, True):
        Xt = GANImputer(refine=refine, **FAST).fit_transform(X)
        errors[refine] = np.sqrt(np.mean((Xt - full)[holes] ** 2))
        np.testing.assert_array_equal(Xt[~holes], X[~holes])
    assert errors[True] < 0.9 * errors[False], errors


def test_gan_weight_one_is_refine_false():
    _, X, _ = _curve(200)
    plain = GANImputer(refine=False, **FAST).fit(X)
    refined = GANImputer(**FAST).fit(X)
    assert plain.model_.refinement is None and refined.model_.refinement is not None
    refined.model_.refinement.gan_weight = 1.0
    np.testing.assert_array_equal(refined.transform(X), plain.transform(X))


def test_sample_posterior_still_varies_around_the_refined_guess():
    _, X, holes = _curve(300)
    draws = [
        GANImputer(sample_posterior=True, **{**FAST, "random_state": s}).fit(X).transform(X) for s in (1, 2)
    ]
    assert (draws[0][holes] != draws[1][holes]).mean() > 0.9
    for draw in draws:
        np.testing.assert_array_equal(draw[~holes], X[~holes])


def test_first_fill_with_an_empty_column_a_single_row_and_categories_only():
    _, X, _ = _curve(120)
    X = np.column_stack([X, np.full(len(X), np.nan)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ganaug.exceptions.DataWarning)
        dropped = GANImputer(**FAST).fit(X)
        kept = GANImputer(keep_empty_features=True, **FAST).fit(X)
    assert dropped.transform(X).shape == (120, 3) and not np.isnan(dropped.transform(X)).any()
    assert (kept.transform(X)[:, 3] == 0).all()
    # the empty column has no trees: only columns with known values are refined
    assert set(kept.model_.refinement.targets) == {0, 1, 2}

    single = GANImputer(**FAST).fit(np.array([[1.0, np.nan, 3.0]]))
    assert single.model_.refinement is not None  # one known value per column: no trees, the GAN's fill
    assert not np.isnan(single.transform(np.array([[np.nan, np.nan, 2.0]]))).any()

    one_column = GANImputer(**FAST).fit(X[:, :1])
    assert len(one_column.model_.refinement.targets) == 0  # nothing to predict it from
    assert not np.isnan(one_column.transform(X[:, :1])).any()

    cats = pd.DataFrame({"a": list("xyxyxy") * 10, "b": list("ppqqpq") * 10}).mask(
        np.random.default_rng(0).random((60, 2)) < 0.2
    )
    imputer = GANImputer(**FAST).fit(cats)
    assert imputer.model_.refinement is None  # no numeric column: nothing to refine
    assert not imputer.transform(cats).isna().any().any()


def test_refined_imputer_saves_and_loads(tmp_path):
    _, X, _ = _curve(200)
    imputer = GANImputer(**FAST).fit(X)
    ganaug.save(imputer, tmp_path / "imputer.ganaug")
    loaded = ganaug.load(tmp_path / "imputer.ganaug")
    np.testing.assert_array_equal(loaded.transform(X), imputer.transform(X))
    assert isinstance(loaded.model_.refinement, TreeRefinement)
