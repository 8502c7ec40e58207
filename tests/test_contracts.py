"""Each modality's models conform to the contracts the estimators rely on (ganaug.core._contracts)."""

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_classification

from ganaug import GANAugmenter, GANImputer
from ganaug.core import CheckedData, EncodedSynthesizer, ImputationModel, Synthesizer

TINY = {"max_steps": 2, "random_state": 0}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:60], y[:60]


def test_tabular_and_image_synthesizers_conform(mixed_frame, digits):
    y = np.arange(len(mixed_frame)) % 2
    table = GANAugmenter(**TINY).fit(mixed_frame, y).model_
    images = GANAugmenter(image_shape=(8, 8), **TINY).fit(*digits).model_
    for model in (table, images):
        assert isinstance(model, Synthesizer) and isinstance(model, EncodedSynthesizer), type(model)


def test_the_class_filter_wraps_a_synthesizer_and_is_one(mixed_frame):
    from ganaug._class_filter import FilteredSynthesizer

    y = np.arange(len(mixed_frame)) % 2
    aug = GANAugmenter(**TINY).fit(mixed_frame, y)
    wrapped = aug._sampler()
    assert isinstance(wrapped, FilteredSynthesizer) and wrapped.synthesizer is aug.model_
    assert isinstance(wrapped, Synthesizer) and isinstance(wrapped, EncodedSynthesizer)
    codes = np.array([0, 1, 1, 0])
    rows = wrapped.generate(codes, 5)
    assert len(rows) == 4 and set(wrapped.acceptance) == {0, 1}
    assert GANAugmenter(class_filter=None, **TINY).fit(mixed_frame, y)._sampler() is not None


def test_the_ctgan_engine_is_a_synthesizer_without_the_encoded_members():
    pytest.importorskip("ctgan")
    X, y = make_classification(200, 4, random_state=0)  # ctgan refuses missing numbers
    model = GANAugmenter(engine="ctgan", epochs=1, batch_size=100, random_state=0).fit(X, y).model_
    assert isinstance(model, Synthesizer) and not isinstance(model, EncodedSynthesizer)


def test_tabular_and_image_imputation_models_conform(digits):
    X = digits[0].copy()
    X[np.random.default_rng(0).random(X.shape) < 0.1] = np.nan
    for params in ({}, {"image_shape": (8, 8)}):
        model = GANImputer(epochs=1, random_state=0, **params).fit(X).model_
        assert isinstance(model, ImputationModel), type(model)


def test_a_model_missing_a_member_does_not_conform():
    class Half:
        def generate(self, codes, seed):
            return codes

    assert not isinstance(Half(), Synthesizer)


def test_checked_tables_and_images_conform(mixed_frame, digits):
    from ganaug._modality import for_input

    for X, params in ((mixed_frame, {}), (digits[0], {"image_shape": (8, 8)})):
        data = for_input(X, params).check(X)
        assert isinstance(data, CheckedData), type(data)


# ----------------------------------------------------------------------------- a toy modality
# What docs/design.md ("Adding a modality") describes, done here: a new input type, its modality
# registered through ganaug._modality.register, and the simplest synthesizer (it copies training
# samples of the class asked for). It must work in GANAugmenter and survive ganaug.save / load.
class Points:
    """The toy input: a 2-D float array in a wrapper no built-in modality claims."""

    def __init__(self, array):
        self.array = np.asarray(array, dtype=np.float64)

    def __len__(self):
        return len(self.array)


class CheckedPoints:
    def __init__(self, original):
        self.original = original

    def __len__(self):
        return len(self.original)

    def join(self, *parts):
        return Points(np.concatenate([self.original.array, *(p.array for p in parts)]))

    def take(self, rows):
        return Points(self.original.array[rows])


class IdentitySynthesizer:
    def fit(self, data, codes, n_classes, device, seeds):
        self.rows = data.original.array.copy()
        self.codes = np.zeros(len(data), dtype=np.int64) if codes is None else np.asarray(codes)
        self.encoder, self.history, self.device = None, [], device
        self.batch_size, self.pac, self.n_steps = len(self.rows), 1, 0
        return self

    def generate(self, codes, seed):
        rng = np.random.default_rng(seed)
        return Points([self.rows[rng.choice(np.flatnonzero(self.codes == c))] for c in codes])


class PointsModality:
    name = "points"
    auto_class_filter = None
    saveable = (IdentitySynthesizer,)

    @classmethod
    def from_input(cls, X, params):
        return cls() if isinstance(X, Points) else None

    def check(self, X):
        return CheckedPoints(X)

    @staticmethod
    def features(data):
        return data.original.array

    def synthesizer(self, config, params):
        return IdentitySynthesizer()


@pytest.fixture
def points_modality():
    from ganaug import _modality

    _modality.register(PointsModality)
    yield PointsModality
    _modality._REGISTERED.remove(PointsModality)


def test_a_toy_modality_registered_the_documented_way_works_and_saves(points_modality, tmp_path):
    import ganaug

    rng = np.random.default_rng(0)
    X = Points(np.vstack([rng.normal(0, 1, (30, 2)), rng.normal(5, 1, (10, 2))]))
    y = np.repeat([0, 1], [30, 10])
    aug = GANAugmenter(random_state=0)
    X_res, y_res = aug.fit_resample(X, y)
    assert isinstance(X_res, Points) and len(X_res) == 60 and (np.bincount(y_res) == 30).all()
    np.testing.assert_array_equal(X_res.array[:40], X.array)
    assert isinstance(aug.model_, Synthesizer) and not isinstance(aug.model_, EncodedSynthesizer)
    assert isinstance(aug.modality_.check(X), CheckedData)
    new, labels = aug.sample(5, y=1)
    assert (labels == 1).all() and all(any((row == r).all() for r in X.array[y == 1]) for row in new.array)

    ganaug.save(aug, tmp_path / "points.ganaug")
    loaded = ganaug.load(tmp_path / "points.ganaug")
    np.testing.assert_array_equal(
        loaded.sample(5, y=1, random_state=3)[0].array, aug.sample(5, y=1, random_state=3)[0].array
    )


def test_shared_docstring_fragments_are_filled_in_both_estimators():
    """The estimators' docstrings carry every shared fragment, and no placeholder is left."""
    from ganaug import GANAugmenter, GANImputer
    from ganaug._docstrings import FRAGMENTS

    for estimator in (GANAugmenter, GANImputer):
        doc = estimator.__doc__
        assert "%(" not in doc
        for text in FRAGMENTS.values():
            assert text in doc, (estimator.__name__, text.splitlines()[0])
