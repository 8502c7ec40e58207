"""compile=True: the compiled training path runs on the CPU, agrees with eager, and falls back when it cannot.

How far a compiled fit may differ from an eager one at the same seed: each
network's compiled forward agrees with its eager forward to float32 rounding
(checked below, dropout off); a whole fit is not bit-identical, because the
compiled dropout masks come from inductor's own random stream, and the first
losses stay within 0.05 of the eager fit's. Two compiled fits at one seed
agree to rounding, not bit for bit (inductor's CPU kernels reduce in
parallel), and a long fit can amplify that.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from sklearn.datasets import make_classification

import ganaug
from ganaug import GANAugmenter, GANImputer
from ganaug.core import _compile
from ganaug.exceptions import CompileWarning


@pytest.fixture(autouse=True)
def _compiler_here():
    reason = _compile.unavailable("cpu")
    if reason is not None:
        pytest.skip(f"torch.compile unavailable here: {reason}")


@pytest.fixture(scope="module")
def table():
    return make_classification(300, 5, weights=[0.8], random_state=0)


@pytest.fixture(scope="module")
def compiled_fit(table):
    X, y = table
    return GANAugmenter(max_steps=20, batch_size=100, compile=True, random_state=0).fit(X, y)


def test_compiled_table_fit_samples_and_repeats_to_rounding(table, compiled_fit, tmp_path):
    from torch._dynamo.utils import counters

    X, y = table
    graphs = counters["stats"]["unique_graphs"]
    again = GANAugmenter(max_steps=20, batch_size=100, compile=True, random_state=0).fit(X, y)
    assert counters["stats"]["unique_graphs"] == graphs  # same shapes: the compiled code is reused
    a, labels = compiled_fit.sample(200, y=1)
    np.testing.assert_allclose(a, again.sample(200, y=1)[0], rtol=0, atol=1e-3)
    assert np.isfinite(a).all() and (labels == 1).all()
    # what is kept and saved is the eager module
    assert not isinstance(compiled_fit.model_.model.generator, torch._dynamo.eval_frame.OptimizedModule)
    ganaug.save(compiled_fit, tmp_path / "m.zip")
    np.testing.assert_array_equal(ganaug.load(tmp_path / "m.zip").sample(200, y=1)[0], a)


def test_compiled_fit_differs_from_eager_only_within_the_noise(table, compiled_fit):
    X, y = table
    eager = GANAugmenter(max_steps=20, batch_size=100, compile=False, random_state=0).fit(X, y)
    first_c, first_e = compiled_fit.history_[0], eager.history_[0]
    for loss in ("loss_d", "loss_g"):
        assert abs(first_c[loss] - first_e[loss]) < 0.05, (loss, first_c[loss], first_e[loss])
    assert not np.array_equal(compiled_fit.sample(50, y=1)[0], eager.sample(50, y=1)[0])


def test_auto_is_eager_on_the_cpu(table):
    X, y = table
    auto = GANAugmenter(max_steps=10, batch_size=100, random_state=0).fit(X, y)
    eager = GANAugmenter(max_steps=10, batch_size=100, compile=False, random_state=0).fit(X, y)
    assert auto.compile == "auto"
    np.testing.assert_array_equal(auto.sample(50, y=1)[0], eager.sample(50, y=1)[0])


def test_compiled_forwards_agree_with_eager(compiled_fit):
    from ganaug.tabular._nets import Discriminator

    model = compiled_fit.model_.model
    generator = model.generator.eval()
    critic = Discriminator(model.layout.width, model.sampler.cond_width, (64, 64), 10).eval()
    noise = torch.randn(100, model.embedding_dim)
    cond = model.sampler.sample_condition(torch.ones(100, dtype=torch.long), torch.Generator().manual_seed(0))
    rows = torch.randn(100, model.layout.width)
    with torch.no_grad():
        for module, args in ((generator, (noise, cond)), (critic, (rows, cond))):
            fast = _compile.compiled(module, True)
            torch.testing.assert_close(fast(*args), module(*args), rtol=1e-4, atol=1e-5)


def test_compiled_imputer_keeps_every_observed_value(table):
    X, _ = table
    X = X.copy()
    X[np.random.default_rng(0).random(X.shape) < 0.2] = np.nan
    filled = GANImputer(epochs=2, compile=True, random_state=0).fit_transform(X)
    seen = ~np.isnan(X)
    np.testing.assert_array_equal(filled[seen], X[seen])
    assert np.isfinite(filled).all()


@pytest.mark.slow
def test_compiled_image_fit_samples_images():
    rng = np.random.default_rng(0)
    images = (rng.random((40, 16, 16)) * 255).astype(np.uint8)
    labels = np.repeat([0, 1], 20)
    aug = GANAugmenter(max_steps=4, batch_size=16, compile=True, random_state=0).fit(images, labels)
    out, y_out = aug.sample(8, y=1)
    assert out.shape == (8, 16, 16) and out.dtype == np.uint8 and (y_out == 1).all()


def test_without_a_compiler_training_runs_eagerly_with_a_warning(table, monkeypatch):
    X, y = table
    monkeypatch.setattr(_compile.shutil, "which", lambda name: None)
    _compile.unavailable.cache_clear()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fallback = GANAugmenter(max_steps=10, batch_size=100, compile=True, random_state=0).fit(X, y)
    finally:
        _compile.unavailable.cache_clear()
    said = [w for w in caught if issubclass(w.category, CompileWarning)]
    assert len(said) == 1 and "no C++ compiler" in str(said[0].message)  # once per fit
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileWarning)
        eager = GANAugmenter(max_steps=10, batch_size=100, compile=False, random_state=0).fit(X, y)
    np.testing.assert_array_equal(fallback.sample(50, y=1)[0], eager.sample(50, y=1)[0])


def test_an_estimator_saved_before_the_parameter_existed_gets_its_default(compiled_fit):
    state = compiled_fit.__getstate__()
    del state["compile"]  # what an estimator pickled or saved by an older ganaug holds
    old = GANAugmenter.__new__(GANAugmenter)
    old.__setstate__(state)
    assert old.get_params()["compile"] == "auto"
    assert old.sample(5, y=1)[0].shape == (5, 5)
