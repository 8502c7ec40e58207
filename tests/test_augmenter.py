"""GANAugmenter: resampling contract, errors, determinism, pickling, pipelines, conditioning."""

import pickle
from collections import Counter

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from imblearn.pipeline import make_pipeline
from sklearn.datasets import make_blobs, make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import cross_val_score

from ganaug import GANAugmenter

FAST = {"epochs": 2, "batch_size": 100, "random_state": 0}


@pytest.fixture
def imbalanced():
    X, y = make_classification(
        n_samples=400,
        n_features=6,
        n_classes=3,
        weights=[0.8, 0.15, 0.05],
        n_informative=4,
        n_clusters_per_class=1,
        random_state=0,
    )
    return X, y


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ("auto", {0: 320, 1: 320, 2: 320}),
        ("not majority", {0: 320, 1: 320, 2: 320}),
        ("minority", {0: 320, 1: 60, 2: 320}),
        ("not minority", {0: 320, 1: 320, 2: 20}),
        ("all", {0: 320, 1: 320, 2: 320}),
        ({2: 100}, {0: 320, 1: 60, 2: 100}),
        (lambda y: {1: 90}, {0: 320, 1: 90, 2: 20}),
    ],
)
def test_sampling_strategy_counts_follow_imblearn(imbalanced, strategy, expected):
    X, y = imbalanced
    assert Counter(y.tolist()) == {0: 320, 1: 60, 2: 20}
    X_res, y_res = GANAugmenter(sampling_strategy=strategy, **FAST).fit_resample(X, y)
    assert Counter(y_res.tolist()) == expected
    assert X_res.shape == (len(y_res), X.shape[1])


def test_float_strategy_on_binary():
    X, y = make_classification(n_samples=200, weights=[0.9], random_state=1)
    _, y_res = GANAugmenter(sampling_strategy=0.5, **FAST).fit_resample(X, y)
    counts = Counter(y_res.tolist())
    assert counts[1] == counts[0] // 2


def test_original_rows_come_first_unchanged_numpy(imbalanced):
    X, y = imbalanced
    X_res, y_res = GANAugmenter(**FAST).fit_resample(X, y)
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(y_res[: len(y)], y)
    assert X_res.dtype == X.dtype and y_res.dtype == y.dtype


def test_dataframe_in_dataframe_out_with_index_continued(mixed_frame):
    frame = mixed_frame.set_index(pd.RangeIndex(100, 100 + len(mixed_frame)))
    y = pd.Series(np.where(np.arange(len(frame)) % 5 == 0, "rare", "common"), index=frame.index, name="label")
    X_res, y_res = GANAugmenter(**FAST).fit_resample(frame, y)
    assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
    pd.testing.assert_frame_equal(X_res.iloc[: len(frame)], frame)
    assert X_res.dtypes.equals(frame.dtypes)
    new = X_res.iloc[len(frame) :]
    assert list(new.index) == list(range(100 + len(frame), 100 + len(X_res)))
    assert (y_res.index == X_res.index).all() and y_res.name == "label"
    assert set(new["city"].dropna()) <= set(frame["city"].dropna())
    assert set(new["tier"].dropna()) <= {"lo", "hi"}  # 'mid' is a declared but unseen category
    assert new["age"].between(frame["age"].min(), frame["age"].max()).all()
    assert new["joined"].between(frame["joined"].min(), frame["joined"].max()).all()


def test_balanced_table_comes_back_unchanged_without_training(mixed_frame):
    frame = mixed_frame.set_index(pd.RangeIndex(10, 10 + len(mixed_frame)))
    y = pd.Series(np.tile(["a", "b"], len(frame) // 2), index=frame.index, name="label")
    aug = GANAugmenter(random_state=0)  # the default budget: a fit here would take minutes
    X_res, y_res = aug.fit_resample(frame, y)
    pd.testing.assert_frame_equal(X_res, frame)
    pd.testing.assert_series_equal(y_res, y)
    assert aug.n_iter_ == 0 and aug.sampling_strategy_ == {"b": 0} and not hasattr(aug, "model_")


def test_rows_generated_for_a_class_look_like_that_class():
    """Exact conditioning: a classifier trained on real data assigns generated rows to the asked class."""
    X, y = make_blobs(n_samples=[600, 150, 60], n_features=4, cluster_std=1.0, random_state=3)
    aug = GANAugmenter(epochs=250, batch_size=100, random_state=0).fit(X, y)  # ~2000 steps
    judge = HistGradientBoostingClassifier(random_state=0).fit(X, y)
    for label in (0, 1, 2):
        X_new, y_new = aug.sample(300, y=label)
        assert (y_new == label).all()
        agreement = (judge.predict(X_new) == label).mean()
        assert agreement > 0.8, f"class {label}: only {agreement:.0%} of generated rows look like it"


def test_sample_with_labels_array_and_frequencies(imbalanced):
    X, y = imbalanced
    aug = GANAugmenter(**FAST).fit(X, y)
    X_new, y_new = aug.sample(7, y=[2, 2, 1, 0, 0, 0, 2])
    assert X_new.shape == (7, X.shape[1]) and y_new.tolist() == [2, 2, 1, 0, 0, 0, 2]
    _, y_freq = aug.sample(4000)
    share = np.mean(y_freq == 0)
    assert abs(share - 0.8) < 4 * np.sqrt(0.8 * 0.2 / 4000)  # binomial bound


def test_unsupervised_fit_and_sample(mixed_frame):
    aug = GANAugmenter(**FAST).fit(mixed_frame)
    X_new, y_new = aug.sample(20)
    assert y_new is None and isinstance(X_new, pd.DataFrame) and X_new.shape == (20, mixed_frame.shape[1])
    with pytest.raises(ValueError, match="without y"):
        aug.sample(3, y=1)


def test_missing_values_and_point_masses_are_learned(mixed_frame):
    """Synthetic rows carry NaN at a learned rate and reproduce the zero point mass (ctgan: 0.5% zeros)."""
    aug = GANAugmenter(epochs=300, batch_size=50, random_state=0).fit(mixed_frame)  # 1800 steps
    X_new, _ = aug.sample(2000)
    nan_rate = X_new["gain"].isna().mean()
    zero_rate = (X_new["gain"] == 0).mean()
    assert 0.005 < nan_rate < 0.3, nan_rate  # real: 0.08; without missingness modelling it would be 0
    assert 0.4 < zero_rate < 0.95, zero_rate  # real: 0.68
    assert 0.0 < X_new["city"].isna().mean() < 0.2


def test_same_seed_same_rows_and_global_rng_untouched(imbalanced):
    X, y = imbalanced
    torch.manual_seed(123)
    expected_next = torch.rand(3)
    torch.manual_seed(123)
    X1, _ = GANAugmenter(**FAST).fit_resample(X, y)
    assert torch.equal(torch.rand(3), expected_next)
    X2, _ = GANAugmenter(**FAST).fit_resample(X, y)
    X3, _ = GANAugmenter(**{**FAST, "random_state": 1}).fit_resample(X, y)
    np.testing.assert_array_equal(X1, X2)
    assert not np.array_equal(X1, X3)


def test_small_tables_adapt_the_batch():
    X = np.arange(14, dtype=float).reshape(7, 2)
    y = np.array([0, 0, 0, 0, 0, 1, 1])
    aug = GANAugmenter(epochs=2, pac=10, random_state=0)
    _, y_res = aug.fit_resample(X, y)
    assert aug.pac_ == 7 and aug.batch_size_ == 7
    assert Counter(y_res.tolist()) == {0: 5, 1: 5}
    X25 = np.random.default_rng(0).normal(size=(25, 2))
    aug = GANAugmenter(epochs=2, pac=10, random_state=0).fit(X25)
    assert aug.pac_ == 10 and aug.batch_size_ == 20
    # pac="auto" keeps about 50 groups per batch: groups of one row below 100 rows
    aug = GANAugmenter(epochs=2, random_state=0).fit(X25)
    assert aug.pac_ == 1 and aug.batch_size_ == 25
    big = np.random.default_rng(0).normal(size=(1200, 2))
    aug = GANAugmenter(epochs=1, random_state=0).fit(big)
    assert aug.pac_ == 10 and aug.batch_size_ == 500


def test_training_length_follows_the_table():
    """epochs="auto" counts steps: small tables get at least 2,000, not 300 epochs of one step."""
    X = np.random.default_rng(0).normal(size=(60, 2))
    y = np.array([0] * 50 + [1] * 10)
    assert GANAugmenter(max_steps=7, random_state=0).fit(X, y).n_iter_ == 7
    assert GANAugmenter(epochs=3, random_state=0).fit(X, y).n_iter_ == 3  # one step per epoch here
    aug = GANAugmenter(max_steps=25, batch_size=20, random_state=0).fit(X, y)
    assert aug.n_iter_ == 25 and aug.history_[-1]["step"] == 25
    assert aug.history_[-1]["epoch"] == pytest.approx(25 / 3)


def test_rebalancing_trains_a_fifth_of_the_synthesis_budget():
    """fit_resample through the class filter trains on the rebalancing rule; synthesis keeps the full one."""
    from ganaug.tabular._synthesis import auto_steps

    assert [auto_steps(s) for s in (1, 10, 65, 2000)] == [2000, 3000, 19500, 20000]
    assert [auto_steps(s, rebalancing=True) for s in (1, 10, 65, 2000)] == [400, 600, 3900, 4000]
    X = np.random.default_rng(0).normal(size=(60, 2))
    y = np.array([0] * 50 + [1] * 10)
    aug = GANAugmenter(random_state=0)
    aug.fit_resample(X, y)
    assert aug.n_iter_ == 400  # one step per epoch: the rebalancing floor
    # where the output leans on the generator alone, the rule is the synthesis one
    assert aug._rebalancing_budget()
    assert not aug.set_params(class_filter=None)._rebalancing_budget()
    assert not aug.set_params(class_filter="auto", synthetic_fraction=1.0)._rebalancing_budget()


@pytest.mark.parametrize(
    ("X", "y", "params", "error", "match"),
    [
        (np.ones((6, 2)), np.zeros(6), {}, ValueError, "one class"),
        (np.ones((6, 2)), [0, 0, 0, 0, 0, 1], {}, ValueError, "class 1 has 1 row"),
        (
            np.array([[1.0, np.inf], [2.0, 3.0], [1.0, 1.0], [0.0, 1.0], [3.0, 1.0]]),
            [0, 0, 0, 1, 1],
            {},
            ValueError,
            "infinite",
        ),
        (np.zeros((0, 3)), [], {}, ValueError, "0 sample"),
        (
            np.ones((6, 2)),
            [0, 0, 0, 1, 1, 1],
            {"sampling_strategy": "bogus"},
            ValueError,
            "sampling_strategy",
        ),
        (np.ones((6, 2)), [0, 0, 0, 1, 1, 1], {"sampling_strategy": {5: 10}}, ValueError, "5"),
        (
            np.ones((6, 2)),
            [0, 0, 0, 1, 1, 1],
            {"batch_size": 502, "pac": 10},
            ValueError,
            "batch_size=502 must be a multiple of pac=10",
        ),
        (np.ones((6, 2)), [0, 0, 0, 1, 1, 1], {"generator_dim": (0,)}, ValueError, "generator_dim"),
        (np.ones((6, 2)), [0, 0, 0, 1, 1, 1], {"device": "tpu-ish"}, ValueError, "device"),
        (
            pd.DataFrame({"id": [f"u{i}" for i in range(40)]}),
            [0] * 30 + [1] * 10,
            {},
            ValueError,
            "looks like an identifier",
        ),
        (
            pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "tags": [["a"], ["b", "c"], [], ["a"]]}),
            [0, 0, 1, 1],
            {},
            TypeError,
            r"Column 'tags' holds list values \(such as \['a'\]\)",
        ),
        (
            np.array([[1.0, {"k": 1}], [2.0, {"k": 2}], [3.0, {}], [4.0, {}]], dtype=object),
            [0, 0, 1, 1],
            {},
            TypeError,
            "Column 1 holds dict values",
        ),
    ],
)
def test_bad_input_is_refused_clearly(X, y, params, error, match):
    with pytest.raises(error, match=match):
        GANAugmenter(**{**FAST, **params}).fit_resample(X, y)


def test_sample_refuses_bad_requests(imbalanced):
    X, y = imbalanced
    aug = GANAugmenter(**FAST).fit(X, y)
    for n in (0, -3, 2.5):
        with pytest.raises(ValueError, match="n_samples"):
            aug.sample(n)
    with pytest.raises(ValueError, match=r"Unknown label\(s\) \[7\]"):
        aug.sample(3, y=7)
    with pytest.raises(ValueError, match="3 labels"):
        aug.sample(3, y=[0, 1])


def test_pickle_and_joblib_round_trip(imbalanced, tmp_path):
    X, y = imbalanced
    aug = GANAugmenter(**FAST).fit(X, y)
    expected, _ = aug.sample(50, y=2)
    for loaded in (pickle.loads(pickle.dumps(aug)), _joblib_round_trip(aug, tmp_path)):
        got, _ = loaded.sample(50, y=2)
        np.testing.assert_array_equal(got, expected)
    again, _ = aug.sample(50, y=2)  # pickling did not touch the live estimator
    np.testing.assert_array_equal(again, expected)


def _joblib_round_trip(est, tmp_path):
    joblib.dump(est, tmp_path / "aug.joblib")
    return joblib.load(tmp_path / "aug.joblib")


def test_model_trained_on_cuda_loads_on_cpu(imbalanced):
    """A CUDA-trained pickle records its device; without CUDA it falls back to the CPU with a warning."""
    if torch.cuda.is_available():
        pytest.skip("needs a machine without CUDA")
    X, y = imbalanced
    aug = GANAugmenter(**FAST).fit(X, y)
    expected, _ = aug.sample(5, y=1)
    state = aug.__getstate__()
    gan = state["model_"].model
    gan_state = gan.__getstate__()
    gan_state["device"] = "cuda:0"  # what the trained GAN of a CUDA fit pickles
    gan.__class__.__reduce_ex__ = lambda self, protocol: (_rebuild, (type(self), gan_state))
    try:
        blob = pickle.dumps(aug)
    finally:
        del gan.__class__.__reduce_ex__
    with pytest.warns(RuntimeWarning, match="not available here"):
        loaded = pickle.loads(blob)
    assert loaded.device_.type == "cpu"
    got, _ = loaded.sample(5, y=1)
    np.testing.assert_array_equal(got, expected)


def _rebuild(cls, state):
    obj = cls.__new__(cls)
    obj.__setstate__(state)
    return obj


@pytest.mark.cuda
@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_cuda_fit_and_cpu_unpickle(imbalanced, precision):  # pragma: no cover - needs a GPU
    X, y = imbalanced
    aug = GANAugmenter(**FAST, device="cuda", precision=precision).fit(X, y)
    assert aug.device_.type == "cuda"
    X_new, y_new = pickle.loads(pickle.dumps(aug)).sample(10, y=2)
    assert X_new.shape == (10, X.shape[1]) and np.isfinite(X_new).all() and (y_new == 2).all()


def test_early_stopping_scores_held_out_rows(imbalanced):
    X, y = imbalanced
    aug = GANAugmenter(
        max_steps=400, batch_size=100, early_stopping=True, n_iter_no_change=1, tol=1e6, random_state=0
    ).fit(X, y)
    # 360 training rows after the hold-out: 3 steps per epoch, one record per epoch;
    # no interval can improve by 1e6, so training stops after the second record
    assert [h["step"] for h in aug.history_] == [3, 6]
    assert all(np.isfinite(h["val_score"]) for h in aug.history_)
    assert aug.n_iter_ == 6


def test_in_imblearn_pipeline_with_cross_validation(imbalanced):
    X, y = imbalanced
    pipe = make_pipeline(GANAugmenter(**FAST), HistGradientBoostingClassifier(max_iter=20, random_state=0))
    scores = cross_val_score(pipe, X, y, cv=3, scoring="balanced_accuracy")
    assert scores.shape == (3,) and np.all(scores > 1 / 3)  # better than chance on 3 classes


def test_verbose_shows_a_progress_bar_and_history(imbalanced, capsys):
    X, y = imbalanced
    aug = GANAugmenter(epochs=3, batch_size=100, random_state=0, verbose=True).fit(X, y)
    err = capsys.readouterr().err
    assert "ganaug" in err and "loss_d" in err
    assert [h["epoch"] for h in aug.history_] == [1, 2, 3]
    assert all(np.isfinite(h["loss_d"]) for h in aug.history_)


def test_bfloat16_autocast_trains(imbalanced):
    X, y = imbalanced
    X_res, y_res = GANAugmenter(**FAST, precision="bfloat16").fit_resample(X, y)
    assert np.isfinite(X_res).all() and len(X_res) == len(y_res)


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_sampling_runs_in_the_training_precision(imbalanced, precision):
    X, y = imbalanced
    aug = GANAugmenter(**FAST, precision=precision).fit(X, y)
    seen = []
    hook = aug.model_.model.generator.register_forward_hook(lambda module, args, out: seen.append(out.dtype))
    X_new, y_new = aug.sample(20, y=1)
    hook.remove()
    assert seen == [getattr(torch, precision)]  # one inference chunk, in the precision it trained in
    assert X_new.dtype == X.dtype and np.isfinite(X_new).all() and (y_new == 1).all()


def test_ctgan_engine_gives_exact_labels(imbalanced):
    pytest.importorskip("ctgan")
    X, y = imbalanced
    aug = GANAugmenter(engine="ctgan", epochs=1, batch_size=100, random_state=0)
    X_res, y_res = aug.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 320, 1: 320, 2: 320}
    np.testing.assert_array_equal(X_res[: len(X)], X)
    X_new, y_new = aug.sample(5, y=2)
    assert X_new.shape == (5, X.shape[1]) and (y_new == 2).all()


class _RareLabelDraws:
    """Stands in for a fitted ctgan whose conditioning rarely gives the asked label (1 row in 500)."""

    def __init__(self) -> None:
        self.rng = np.random.default_rng(0)
        self.sizes: list[int] = []

    def sample(self, n: int, condition_column: str, condition_value: int) -> pd.DataFrame:
        self.sizes.append(n)
        label = np.where(self.rng.random(n) < 0.002, condition_value, condition_value + 1)
        return pd.DataFrame({"c0": self.rng.normal(size=n), condition_column: label})


def test_ctgan_rejection_draws_what_a_rare_class_needs():
    """Rows of a class ctgan rarely generates: later rounds grow with the hit rate (200 fixed rounds of
    2 x need gave ~2,400 of 3,000 rows here and raised)."""
    from ganaug.tabular._ctgan import _MAX_DRAW, CTGANModel

    draws = _RareLabelDraws()
    rows = CTGANModel(draws, n_columns=1, supervised=True)._rows_of_class(code=1, need=3000)
    assert len(rows) == 3000 and (rows["__ganaug_label__"] == 1).all()
    assert draws.sizes[0] == 6000 and max(draws.sizes) <= _MAX_DRAW
    assert len(draws.sizes) < 20


def test_ctgan_rejection_error_says_what_it_found():
    from ganaug.tabular._ctgan import CTGANModel

    class Never(_RareLabelDraws):
        def sample(self, n, condition_column, condition_value):
            self.sizes.append(n)
            return pd.DataFrame({"c0": np.zeros(n), condition_column: np.full(n, condition_value + 1)})

    draws = Never()
    with pytest.raises(RuntimeError, match=r"only 0 rows of class code 1 in 1000000 conditioned draws"):
        CTGANModel(draws, n_columns=1, supervised=True)._rows_of_class(code=1, need=10)
    assert sum(draws.sizes) == 1_000_000  # the budget: 1,000 draws per row needed, at least a million


def test_sample_random_state_gives_fresh_batches(imbalanced):
    X, y = imbalanced
    aug = GANAugmenter(**FAST).fit(X, y)
    a, _ = aug.sample(20, y=1)
    b, _ = aug.sample(20, y=1)
    c, _ = aug.sample(20, y=1, random_state=1)
    d, _ = aug.sample(20, y=1, random_state=1)
    np.testing.assert_array_equal(a, b)  # the estimator's int seed: reproducible
    np.testing.assert_array_equal(c, d)
    assert not np.array_equal(a, c)


def test_missing_labels_are_named():
    X = np.random.default_rng(0).normal(size=(30, 2))
    y = np.array(["a"] * 15 + ["b"] * 13 + [None] * 2, dtype=object)
    with pytest.raises(ValueError, match=r"y has 2 missing label\(s\)"):
        GANAugmenter(**FAST).fit_resample(X, y)


def test_stray_strings_in_a_numeric_column_are_reported():
    rng = np.random.default_rng(0)
    amount = rng.normal(size=60).round(2).astype(object)
    amount[[3, 7]] = "missing"
    frame = pd.DataFrame({"amount": amount, "x": rng.normal(size=60)})
    with pytest.warns(
        UserWarning, match=r"Column 'amount' holds numbers except for 2 value\(s\) such as \['missing'\]"
    ):
        GANAugmenter(**FAST).fit(frame)


def test_synthetic_floats_keep_the_column_decimals():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"price": rng.uniform(1, 500, 200).round(2), "qty": rng.normal(size=200)})
    X_new, _ = GANAugmenter(**FAST).fit(frame).sample(100)
    assert np.allclose(X_new["price"], X_new["price"].round(2), rtol=0, atol=1e-9)
    # full precision stays (an exact comparison: allclose's default tolerance hides 6-decimal rounding)
    assert not np.allclose(X_new["qty"], X_new["qty"].round(6), rtol=0, atol=1e-12)


def test_near_unique_identifier_with_a_duplicate_is_refused():
    ids = [f"cust_{i:05d}" for i in range(60)]
    ids[5] = ids[4]  # one duplicate does not make it a category
    frame = pd.DataFrame({"id": ids, "x": np.arange(60.0)})
    with pytest.raises(
        ValueError, match=r"Column 'id' looks like an identifier: 59 distinct values in 60 rows"
    ):
        GANAugmenter(**FAST).fit(frame)


def test_high_cardinality_columns_are_grouped_with_a_warning():
    rng = np.random.default_rng(0)
    levels = np.array([f"shop_{i}" for i in range(600)], dtype=object)
    weights = 1.0 / np.arange(1, 601)
    shop = rng.choice(levels, size=1500, p=weights / weights.sum())
    frame = pd.DataFrame({"shop": shop, "amount": rng.gamma(2.0, 10.0, 1500).round(2)})
    with pytest.warns(UserWarning, match=r"Column 'shop' has \d+ categories: the 49 most frequent"):
        aug = GANAugmenter(max_categories=50, **FAST).fit(frame)
    assert aug.encoder_.layout_.width < 50 + 20  # 49 levels + the shared slot + the amount's modes
    X_new, _ = aug.sample(3000)
    assert set(X_new["shop"]) <= set(shop)
    assert X_new["shop"].nunique() > 50  # grouped levels come back as themselves, not as "other"
