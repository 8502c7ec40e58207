"""ganaug.dask on a real distributed.LocalCluster (2 worker processes, 1 thread each); no mocks."""

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import dask  # noqa: E402
import dask.array as da  # noqa: E402

from ganaug import GANAugmenter, GANImputer  # noqa: E402
from ganaug import dask as gdask  # noqa: E402
from ganaug.core import Seeds  # noqa: E402

TINY = {"generator_dim": (32,), "discriminator_dim": (32,)}


def _table(n: int, seed: int) -> pd.DataFrame:
    """Floats, an int-valued float, strings, a category and a 30-level column, 20% missing each."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "amount": rng.lognormal(3, 1, n),
            "count": rng.integers(0, 100, n).astype(float),
            "city": rng.choice(["paris", "rome", "oslo"], n, p=[0.6, 0.3, 0.1]).astype(object),
            "tier": pd.Categorical(rng.choice(["lo", "hi"], n), categories=["lo", "mid", "hi"]),
            "shop": rng.choice([f"s{i:02d}" for i in range(30)], n).astype(object),
        }
    )
    for column in frame.columns:
        frame.loc[rng.random(n) < 0.2, column] = None
    return frame


def _cluster(n_workers: int) -> distributed.LocalCluster:
    return distributed.LocalCluster(
        n_workers=n_workers, processes=True, threads_per_worker=1, dashboard_address=":0"
    )


@pytest.fixture(scope="module")
def client():
    with _cluster(2) as cluster, distributed.Client(cluster, set_as_default=False) as c, c.as_current():
        yield c


@pytest.fixture(scope="module")
def imputer():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_categories grouping
        return GANImputer(epochs=2, max_categories=10, random_state=0, **TINY).fit(_table(2000, 0))


@pytest.fixture(scope="module")
def augmenter():
    frame = _table(2000, 1).drop(columns="shop")
    y = np.where(np.random.default_rng(1).random(2000) < 0.1, "fraud", "ok")
    return GANAugmenter(max_steps=20, batch_size=100, embedding_dim=16, random_state=0, **TINY).fit(frame, y)


@pytest.fixture(scope="module")
def big(client):
    """200,000 rows in 8 partitions, held by the workers."""
    return dd.from_pandas(_table(200_000, 2), npartitions=8).persist()


def test_sample_without_a_client_uses_one_delayed_key(augmenter):
    """Runs first, before the module's client exists: the model is one delayed key of the graph."""
    rows = gdask.sample(augmenter, 600, npartitions=3, random_state=0)
    assert len(pickle.dumps(dict(rows.__dask_graph__()))) < 2 * len(pickle.dumps(augmenter))
    with dask.config.set(scheduler="threads"):
        assert len(rows.compute()) == 600


@pytest.fixture(scope="module")
def imputed(imputer, big):
    """The lazy imputation of ``big`` and its computed result."""
    out = gdask.impute(imputer, big)
    return out, out.compute()


# ------------------------------------------------------------------ impute
def test_impute_equals_pandas_transform_partition_by_partition(imputer, big, imputed):
    out, result = imputed
    assert result.shape == (200_000, 5)
    assert not result.isna().any().any()
    assert list(result.dtypes) == list(out.dtypes) == list(big.dtypes)  # meta says what comes back
    parts = [imputer.transform(big.partitions[i].compute()) for i in range(big.npartitions)]
    expected = pd.concat(parts).astype(result.dtypes.to_dict())
    pd.testing.assert_frame_equal(result, expected)


def test_impute_matches_one_whole_frame_transform_but_the_rare_slot(imputer, big, imputed):
    result = imputed[1]
    whole = imputer.transform(big.compute())
    for column in ["amount", "count"]:
        np.testing.assert_allclose(result[column], whole[column], rtol=1e-6)
    for column in ["city", "tier"]:
        assert (result[column].astype(object) == whole[column].astype(object)).all()
    # "shop" has 30 levels > max_categories=10: rare-slot entries are drawn per call, same levels.
    assert set(result["shop"].astype(object)) == set(whole["shop"].astype(object))


def test_impute_keeps_observed_values(big, imputed):
    source, result = big.compute(), imputed[1]
    seen = source.notna()
    for column in source.columns:
        assert (
            result[column][seen[column]].astype(object) == source[column][seen[column]].astype(object)
        ).all()


def test_impute_ships_the_model_once(client, imputer, big):
    graph = dict(gdask.impute(imputer, big).__dask_graph__())
    assert len(pickle.dumps(graph)) < len(pickle.dumps(imputer))  # scattered: not in any task


def test_impute_posterior_draws_differ_between_identical_partitions(client):
    frame = _table(400, 3)[["amount", "count"]]
    imp = GANImputer(epochs=2, sample_posterior=True, random_state=0, **TINY).fit(frame)
    twice = dd.from_pandas(pd.concat([frame, frame], ignore_index=True), npartitions=2)
    first = gdask.impute(imp, twice).compute()
    holes = frame["amount"].isna().to_numpy()
    a, b = first["amount"].to_numpy()[:400], first["amount"].to_numpy()[400:]
    assert (a[holes] != b[holes]).mean() > 0.9  # independent streams, not one seed reused
    pd.testing.assert_frame_equal(gdask.impute(imp, twice).compute(), first)  # reproducible


def test_impute_dask_array(client):
    X = np.random.default_rng(4).normal(size=(3000, 4))
    X[np.random.default_rng(5).random(X.shape) < 0.2] = np.nan
    imp = GANImputer(epochs=2, random_state=0, **TINY).fit(X[:500])
    out = gdask.impute(imp, da.from_array(X, chunks=(700, 2)))
    result = out.compute()
    assert result.shape == X.shape and out.dtype == result.dtype == np.float64
    expected = np.concatenate([imp.transform(X[i : i + 700]) for i in range(0, 3000, 700)])
    np.testing.assert_array_equal(result, expected)


def test_dask_ml_parallel_post_fit_gives_the_same_values(client, imputer, big):
    """dask-ml's pattern works too; ganaug.dask.impute differs in shipping the model once and in dtypes."""
    wrappers = pytest.importorskip("dask_ml.wrappers")
    part = big.partitions[:2]
    theirs = wrappers.ParallelPostFit(imputer).transform(part).compute()
    ours = gdask.impute(imputer, part).compute()
    pd.testing.assert_frame_equal(theirs.astype(ours.dtypes.to_dict()), ours)


# ------------------------------------------------------------------ sample
def _sample_1m(augmenter):
    return gdask.sample(augmenter, 1_000_000, y={"ok": 900_000, "fraud": 100_000}, random_state=7)


def test_sample_million_rows_columns_dtypes_counts_and_workers(client, augmenter):
    rows = _sample_1m(augmenter)
    assert rows.npartitions == 10 and rows.known_divisions
    result = rows.compute()
    assert list(result.columns) == ["amount", "count", "city", "tier", "y"]
    assert list(result.dtypes) == list(rows.dtypes)
    assert result["tier"].dtype == pd.CategoricalDtype(["lo", "mid", "hi"])
    assert result.index.equals(pd.RangeIndex(1_000_000))
    assert result["y"].value_counts().to_dict() == {"ok": 900_000, "fraud": 100_000}
    per_partition = [result.iloc[i : i + 100_000]["y"].value_counts() for i in range(0, 1_000_000, 100_000)]
    assert all(0 < part["fraud"] < 20_000 for part in per_partition)  # spread, not one block
    with _cluster(1) as cluster, distributed.Client(cluster, set_as_default=False) as one, one.as_current():
        alone = _sample_1m(augmenter).compute()
    pd.testing.assert_frame_equal(alone, result)


def test_sample_partition_is_the_augmenter_sample(client, augmenter):
    rows = gdask.sample(augmenter, 250, y="fraud", npartitions=3, random_state=3)
    result = rows.compute()
    assert rows.divisions == (0, 84, 167, 249)
    assert (result["y"] == "fraud").all()
    X, _ = augmenter.sample(83, y="fraud", random_state=Seeds.from_random_state(3).seed("partition", 1))
    expected = X.set_axis(pd.RangeIndex(84, 167)).astype(result.dtypes.drop("y").to_dict())
    pd.testing.assert_frame_equal(result.iloc[84:167].drop(columns="y"), expected)


def test_sample_unconditional_and_errors(client, augmenter):
    rows = gdask.sample(augmenter, 1000, partition_size=300, random_state=0).compute()
    assert len(rows) == 1000 and set(rows["y"]) <= {"ok", "fraud"}
    with pytest.raises(ValueError, match="sum to n_rows=10"):
        gdask.sample(augmenter, 10, y={"ok": 5})
    with pytest.raises(ValueError, match="Unknown label"):
        gdask.sample(augmenter, 10, y={"nope": 10})
    with pytest.raises(ValueError, match="one label or a dict"):
        gdask.sample(augmenter, 2, y=["ok", "ok"])
    with pytest.raises(ValueError, match="n_rows=0"):
        gdask.sample(augmenter, 0)


# --------------------------------------------------------------------- fit
def test_fit_on_a_uniform_reproducible_sample_and_report(client):
    frame = _table(20_000, 5).drop(columns="shop")
    frame.loc[[11, 12_345], "city"] = "tromso"  # 2 rows of 20,000: not in a 2,000-row sample
    frame["label"] = np.where(np.random.default_rng(6).random(len(frame)) < 0.2, "b", "a")
    data = dd.from_pandas(frame, npartitions=5)
    with pytest.warns(UserWarning, match=r"column 'city': 1 categories in 2 rows"):
        aug = gdask.fit(GANAugmenter(max_steps=5, random_state=0, **TINY), data, "label", sample_rows=2000)
    assert aug.class_counts_.sum() == 2000
    assert abs(aug.class_counts_[1] / 2000 - 0.2) < 0.04  # uniform: class shares kept
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = gdask.fit(GANAugmenter(max_steps=5, random_state=0, **TINY), data, "label", sample_rows=2000)
    pd.testing.assert_frame_equal(aug.sample(50, random_state=1)[0], again.sample(50, random_state=1)[0])
    imputer = gdask.fit(
        GANImputer(epochs=1, random_state=0, **TINY), data.drop(columns="label"), report=False
    )
    filled = gdask.impute(imputer, data.drop(columns="label")).compute()
    assert (filled.loc[[11, 12_345], "city"] == "tromso").all()  # unseen category kept, not imputed


def test_fit_whole_collection_when_small(client):
    frame = _table(300, 6)[["amount", "count"]]
    imp = gdask.fit(GANImputer(epochs=1, random_state=0, **TINY), dd.from_pandas(frame, 3), report=False)
    assert imp.n_features_in_ == 2
    with pytest.raises(ValueError, match="y_column='nope'"):
        gdask.fit(GANAugmenter(), dd.from_pandas(frame, 3), "nope")


# ----------------------------------------------------------- without dask
def test_ganaug_imports_without_dask():
    code = "import sys, ganaug.dask; assert 'dask' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_dask_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask", None)
    with pytest.raises(ImportError, match=r'pip install "ganaug\[dask\]"'):
        gdask.sample(None, 10)
