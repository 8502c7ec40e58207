"""Each modality's models conform to the contracts the estimators rely on (ganaug.core._contracts)."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from ganaug import GANAugmenter, GANImputer
from ganaug.core import EncodedSynthesizer, ImputationModel, Synthesizer

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


def test_the_ctgan_engine_is_a_synthesizer_without_the_encoded_members(mixed_frame):
    pytest.importorskip("ctgan")
    y = np.arange(len(mixed_frame)) % 2
    model = GANAugmenter(engine="ctgan", epochs=1, batch_size=100, random_state=0).fit(mixed_frame, y).model_
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
