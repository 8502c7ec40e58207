"""Images in both estimators: encoder round trips, conventions, errors, resampling, inpainting."""

import pickle
import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from imblearn.pipeline import make_pipeline
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

from ganaug import GANAugmenter, GANImputer
from ganaug.image import ImageEncoder, check_images

TINY = {"max_steps": 3, "random_state": 0}
# three steps make a collapsed generator, which the estimator rightly reports
pytestmark = pytest.mark.filterwarnings("ignore:The generator may have collapsed:RuntimeWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X, y


# ----------------------------------------------------------------------------- encoder
@st.composite
def image_sets(draw):
    n = draw(st.integers(1, 4))
    h, w = draw(st.integers(1, 12)), draw(st.integers(2, 12))
    c = draw(st.sampled_from([1, 3, 4]))
    dtype = draw(st.sampled_from([np.uint8, np.int16, np.float32, np.float64]))
    if np.dtype(dtype).kind == "f":
        elements = st.floats(-1e3, 1e3, width=32)
    else:
        info = np.iinfo(dtype)
        elements = st.integers(max(info.min, -1000), min(info.max, 1000))
    layout = draw(st.sampled_from(["nhw", "nchw", "nhwc", "flat"]))
    shape = {"nhw": (n, h, w), "nchw": (n, c, h, w), "nhwc": (n, h, w, c), "flat": (n, c * h * w)}[layout]
    X = draw(hnp.arrays(dtype, shape, elements=elements))
    image_shape = (c, h, w) if layout == "flat" else None
    channels = "last" if layout == "nhwc" else "first" if layout == "nchw" else "auto"
    return X, image_shape, channels


@given(image_sets())
def test_encoder_round_trip_keeps_shape_dtype_and_values(case):
    X, image_shape, channels = case
    images = check_images(X, image_shape, channels)
    encoder = ImageEncoder().fit(images)
    Z = encoder.transform(images)
    side = encoder.size_
    assert Z.dtype == np.float32 and Z.shape[2:] == (side, side) and side >= 8 and side & (side - 1) == 0
    assert np.all(Z >= -1 - 1e-6) and np.all(Z <= 1 + 1e-6)
    back = encoder.inverse_transform(Z)
    assert back.shape == X.shape and back.dtype == X.dtype
    if X.dtype.kind in "ui":
        np.testing.assert_array_equal(back, X)
    else:
        span = float(X.max() - X.min()) or 1.0
        np.testing.assert_allclose(back, X, atol=1e-5 * span)


@given(hnp.arrays(np.float32, (3, 4, 5), elements=st.floats(-5, 5, width=32)), st.integers(0, 2**31 - 1))
def test_decoded_model_output_stays_in_the_training_range(X, seed):
    images = check_images(X)
    encoder = ImageEncoder().fit(images)
    Z = np.random.default_rng(seed).normal(scale=3, size=(7, *encoder.shape_)).astype(np.float32)
    out = encoder.inverse_transform(Z)
    assert out.shape == (7, 4, 5) and out.min() >= X.min() and out.max() <= X.max()


@pytest.mark.parametrize(
    ("shape", "channels", "layout"),
    [
        ((2, 28, 28), "auto", "nhw"),
        ((2, 3, 16, 16), "auto", "nchw"),
        ((2, 16, 16, 3), "auto", "nhwc"),
        ((2, 1, 8, 8), "auto", "nchw"),
        ((2, 3, 8, 3), "auto", "nchw"),  # ambiguous: channels first wins
        ((2, 3, 8, 3), "last", "nhwc"),
    ],
)
def test_layout_rule(shape, channels, layout):
    assert check_images(np.zeros(shape), channels=channels).format.layout == layout


@pytest.mark.parametrize(
    ("X", "params", "match"),
    [
        (np.zeros((5, 63)), {"image_shape": (8, 8)}, r"needs rows of 64 values, but X has 63 columns"),
        ([np.zeros((8, 8)), np.zeros((9, 9))], {}, "mixed sizes"),
        ([np.zeros((8, 8), np.uint8), np.ones((8, 8)), np.zeros((8, 8), np.uint8)], {}, "mixed dtypes"),
        (np.zeros((5, 1, 1)), {}, "too small"),
        (np.array([[["a", "b"], ["c", "d"]]] * 3), {}, "numeric"),
        (np.zeros((5, 8, 8, 7)), {}, "channels='first' or channels='last'"),
        (np.zeros((5, 8, 8)), {"image_shape": (8, 8)}, "flattened images"),
    ],
)
def test_bad_images_are_refused_clearly(X, params, match):
    y = np.arange(len(X)) % 2
    with pytest.raises(ValueError, match=match):
        GANAugmenter(**TINY, **params).fit_resample(X, y)


def test_nan_pixels_point_to_the_imputer(digits):
    X, y = digits
    X = X[:50].copy()
    X[0, 3] = np.nan
    with pytest.raises(ValueError, match="GANImputer first"):
        GANAugmenter(image_shape=(8, 8), **TINY).fit_resample(X, y[:50])


# ----------------------------------------------------------------------------- augmenter
@pytest.mark.parametrize(
    "make",
    [
        lambda rng: rng.integers(0, 256, (40, 12, 10)).astype(np.uint8),
        lambda rng: rng.random((40, 3, 9, 9)).astype(np.float32),
        lambda rng: rng.integers(0, 256, (40, 20, 30, 3)).astype(np.uint8),
        lambda rng: rng.random((40, 64, 64)),
    ],
)
def test_fit_resample_keeps_originals_first_and_the_format(make):
    rng = np.random.default_rng(0)
    X = make(rng)
    y = np.array([0] * 30 + [1] * 10)
    X_res, y_res = GANAugmenter(**TINY).fit_resample(X, y)
    assert X_res.dtype == X.dtype and X_res.shape[1:] == X.shape[1:]
    np.testing.assert_array_equal(X_res[: len(X)], X)
    assert Counter(y_res.tolist()) == {0: 30, 1: 30}
    new = X_res[len(X) :]
    assert new.min() >= X.min() and new.max() <= X.max()


def test_flattened_digits_keep_their_range(digits):
    X, y = digits
    aug = GANAugmenter(image_shape=(8, 8), **TINY)
    X_res, y_res = aug.fit_resample(X, y)
    assert X_res.shape == (len(y_res), 64) and X_res.dtype == X.dtype
    assert X_res.min() >= 0 and X_res.max() <= 16
    assert aug.n_features_in_ == 64 and aug.pac_ == 1 and aug.batch_size_ == 64
    X_new, y_new = aug.sample(5, y=3)
    assert X_new.shape == (5, 64) and (y_new == 3).all()


def test_conditioning_on_digits_with_default_settings(digits):
    """A classifier trained on real digits reads sample(y=k) as k (defaults: about 45 s on 2 cores)."""
    X, y = digits
    judge = LogisticRegression(max_iter=2000).fit(X / 16, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no collapse warning, no divergence
        aug = GANAugmenter(image_shape=(8, 8), random_state=0).fit(X, y)
    codes = np.repeat(np.arange(10), 100)
    X_new, y_new = aug.sample(len(codes), y=codes)
    agreement = (judge.predict(X_new / 16) == y_new).mean()
    assert agreement >= 0.9, agreement
    assert min(aug.model_.diversity.values()) > 0.35


def test_unconditional_images_and_pickle(digits):
    X, _ = digits
    images = X[:60].reshape(-1, 8, 8).astype(np.uint8)
    aug = GANAugmenter(**TINY).fit(images)
    expected, labels = aug.sample(4)
    assert labels is None and expected.shape == (4, 8, 8) and expected.dtype == np.uint8
    got, _ = pickle.loads(pickle.dumps(aug)).sample(4)
    np.testing.assert_array_equal(got, expected)


def test_in_imblearn_pipeline_with_cross_validation(digits):
    X, y = digits
    pipe = make_pipeline(
        GANAugmenter(image_shape=(8, 8), sampling_strategy={0: 200}, max_steps=20, random_state=0),
        LogisticRegression(max_iter=500),
    )
    scores = cross_val_score(pipe, X[:600] / 1.0, y[:600], cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.8


def test_nothing_to_add_returns_the_originals_and_trains_nothing():
    """A balanced set: the originals come back unchanged, no GAN is trained, sample() says why."""
    images = np.random.default_rng(0).integers(0, 256, (100, 8, 8)).astype(np.uint8)
    y = np.repeat([0, 1], 50)
    aug = GANAugmenter(max_steps=10, random_state=0)
    X_res, y_res = aug.fit_resample(images, y)
    assert X_res.dtype == np.uint8 and X_res is not images
    np.testing.assert_array_equal(X_res, images)
    np.testing.assert_array_equal(y_res, y)
    assert aug.n_iter_ == 0 and aug.n_synthetic_ == 0 and aug.history_ == []
    assert not hasattr(aug, "model_")
    with pytest.raises(NotFittedError, match=r"trained no GAN.*fit\(X, y\)"):
        aug.sample(3, y=0)


def test_a_quota_of_one_copy_and_no_generated_image():
    """50 against 49 images: one new image, a copy (synthetic_fraction=0.5 rounds 0.5 to 0 generated)."""
    images = np.random.default_rng(0).integers(0, 256, (99, 8, 8)).astype(np.uint8)
    y = np.repeat([0, 1], [50, 49])
    X_res, y_res = GANAugmenter(**TINY).fit_resample(images, y)
    assert Counter(y_res.tolist()) == {0: 50, 1: 50}
    assert any((X_res[-1] == image).all() for image in images[y == 1])


def test_balanced_folds_in_cross_validation(digits):
    """Stratified folds of a balanced set have nothing to over-sample: scored without training."""
    X, y = digits
    keep = np.concatenate([np.flatnonzero(y == k)[:60] for k in (0, 1)])
    pipe = make_pipeline(GANAugmenter(image_shape=(8, 8), **TINY), LogisticRegression(max_iter=500))
    scores = cross_val_score(pipe, X[keep], y[keep], cv=3)
    assert scores.shape == (3,) and scores.min() > 0.9


def test_engine_ctgan_refuses_images(digits):
    X, y = digits
    with pytest.raises(ValueError, match=r"engine=.ctgan. is for tables"):
        GANAugmenter(image_shape=(8, 8), engine="ctgan", **TINY).fit(X, y)


# ----------------------------------------------------------------------------- inpainting
def _holed_digits(X, seed=0):
    rng = np.random.default_rng(seed)
    images = X.reshape(-1, 8, 8).copy()
    holes = rng.random(images.shape) < 0.2
    rows, cols = rng.integers(0, 6, (2, len(images)))
    for i, (r, c) in enumerate(zip(rows, cols, strict=True)):
        holes[i, r : r + 3, c : c + 3] = True  # one 3x3 block per image
    return images, holes, np.where(holes, np.nan, images)


def test_inpainting_keeps_observed_pixels_and_fills_the_rest(digits):
    X, _ = digits
    images, holes, holed = _holed_digits(X)
    imputer = GANImputer(epochs=50, random_state=0)  # 700 steps; the default 3,000 reach RMSE 2.7
    out = imputer.fit_transform(holed)
    assert out.shape == holed.shape and out.dtype == holed.dtype and not np.isnan(out).any()
    np.testing.assert_array_equal(out[~holes], holed[~holes])  # bit for bit
    assert out.min() >= 0 and out.max() <= 16
    mean = (
        SimpleImputer(keep_empty_features=True).fit_transform(holed.reshape(len(X), -1)).reshape(holed.shape)
    )
    rmse = lambda a: np.sqrt(((a - images)[holes] ** 2).mean())  # noqa: E731
    assert rmse(out) < 0.85 * rmse(mean), (rmse(out), rmse(mean))


def test_inpainting_flattened_rows_and_multiple_imputation(digits):
    X, _ = digits
    _, holes, holed = _holed_digits(X[:200], seed=1)
    flat = holed.reshape(200, 64)
    draws = [
        GANImputer(image_shape=(8, 8), sample_posterior=True, epochs=2, random_state=s).fit_transform(flat)
        for s in (0, 1)
    ]
    assert draws[0].shape == (200, 64) and not np.isnan(draws[0]).any()
    assert not np.allclose(draws[0][holes.reshape(200, 64)], draws[1][holes.reshape(200, 64)])
    with pytest.raises(ValueError, match="add_indicator=True is for tables"):
        GANImputer(image_shape=(8, 8), add_indicator=True, epochs=1).fit(flat)


def test_default_completion_is_a_mean_that_depends_on_the_image_alone(digits):
    X, _ = digits
    _, holes, holed = _holed_digits(X[:120], seed=2)
    imputer = GANImputer(epochs=2, random_state=0).fit(holed)
    out = imputer.transform(holed)
    np.testing.assert_array_equal(out, imputer.transform(holed))  # deterministic
    # the same image completed alone, in another order or among others: the same pixels
    # (the averaged noise images are shared by all images, not drawn per position)
    np.testing.assert_allclose(imputer.transform(holed[::-1])[::-1], out, rtol=0, atol=1e-5)
    np.testing.assert_allclose(imputer.transform(holed[7:8])[0], out[7], rtol=0, atol=1e-5)
    one_draw = imputer.set_params(sample_posterior=True).transform(holed)
    assert not np.allclose(one_draw[holes[:120]], out[holes[:120]])  # a draw, not the mean


def test_inpainting_model_saved_before_the_dilated_bottleneck_still_loads(digits):
    from ganaug.image import InpaintingGAN
    from ganaug.image._nets import InpaintGenerator

    X, _ = digits
    _, _, holed = _holed_digits(X[:60], seed=3)
    model = GANImputer(epochs=1, random_state=0).fit(holed).model_.model
    state = model.__getstate__()
    del state["dilations"]  # what a model of that time recorded: no dilations, and their weights
    state["generator_state"] = InpaintGenerator(model.channels, dilations=()).state_dict()
    old = InpaintingGAN.__new__(InpaintingGAN)
    old.__setstate__(state)
    assert old.dilations == () and len(old.generator.enc3) == 4
    data = np.zeros((2, 1, 8, 8), dtype=np.float32)
    filled = old.impute(data, np.zeros((2, 1, 8, 8), dtype=bool), seed=0, sample=False)
    assert filled.shape == (2, 1, 8, 8) and np.isfinite(filled).all()


# ----------------------------------------------------------------------------- edge cases
def test_flattened_shape_follows_the_channel_rule():
    X = np.zeros((2, 6 * 5 * 3))
    assert check_images(X, image_shape=(6, 5, 3)).format.layout == "flat-hwc"  # only the last axis fits
    assert check_images(X, image_shape=(3, 6, 5)).format.layout == "flat-chw"
    assert check_images(X, image_shape=(3, 10, 3)).format.layout == "flat-chw"  # both fit: first wins
    with pytest.raises(ValueError, match="channels='first' or channels='last'"):
        check_images(np.zeros((2, 60)), image_shape=(5, 6, 2))


def test_padding_next_to_a_missing_edge_pixel_is_missing_too():
    X = np.random.default_rng(0).random((3, 28, 28))
    X[0, 0, 5] = np.nan  # on the border: the padding copies it
    images = check_images(X)
    known = ImageEncoder().fit(images).observed(images)  # 28 -> 32: two rows of padding above
    assert not known[0, 0, :3, 7].any() and known[0, 0, :3, 8].all()


def test_one_image_batches_and_dataframes_of_pixels(digits):
    import pandas as pd

    X, y = digits
    frame = pd.DataFrame(X[:40], columns=[f"px{i}" for i in range(64)], index=range(100, 140))
    aug = GANAugmenter(image_shape=(8, 8), batch_size=1, **TINY)
    X_res, _ = aug.fit_resample(frame, y[:40] % 2)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == list(frame.columns)
    pd.testing.assert_frame_equal(X_res.iloc[:40], frame)
    assert list(X_res.index[40:]) == list(range(140, 140 + len(X_res) - 40))
    holed = frame.mask(np.random.default_rng(0).random(frame.shape) < 0.2)
    out = GANImputer(image_shape=(8, 8), epochs=1, random_state=0).fit_transform(holed)
    assert isinstance(out, pd.DataFrame) and out.index.equals(frame.index) and not out.isna().any().any()


@pytest.mark.parametrize(
    "params", [{"pac": 10}, {"discriminator_steps": 2}, {"early_stopping": True}, {"engine": "ctgan"}]
)
def test_table_only_settings_are_refused_for_images(digits, params):
    X, y = digits
    name = next(iter(params))
    with pytest.raises(ValueError, match=f"{name}=.* is for tables"):
        GANAugmenter(image_shape=(8, 8), **TINY, **params).fit(X[:50], y[:50])
