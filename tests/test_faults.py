"""Faults during training and parallel use: an interrupted fit leaves nothing half done; threads and
processes give the same results as one fit after another."""

import os
import signal
import subprocess
import sys
import threading

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import cross_val_score
from sklearn.utils.validation import check_is_fitted

from ganaug import GANAugmenter, GANImputer


@pytest.fixture
def data():
    return make_classification(n_samples=300, n_features=5, weights=[0.85], random_state=0)


def _interrupt_after(seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    return timer


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="needs POSIX signals")
def test_keyboard_interrupt_leaves_the_estimator_unfitted_and_usable(data):
    X, y = data
    aug = GANAugmenter(max_steps=3, random_state=0).fit(X, y)  # fitted once
    aug.set_params(max_steps=100_000)
    # a shell that starts the tests in the background (``nohup ... &``) ignores SIGINT, and Python
    # then keeps it ignored: put Python's own handler in for the test
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = _interrupt_after(1.0)
    try:
        with pytest.raises(KeyboardInterrupt):
            aug.fit(X, y)
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    with pytest.raises(NotFittedError):
        check_is_fitted(aug)
    assert not hasattr(aug, "classes_") and not hasattr(aug, "model_")
    aug.set_params(max_steps=3).fit(X, y)  # the process and the estimator still work
    assert aug.sample(5, y=1)[0].shape == (5, 5)


def test_a_failed_refit_does_not_keep_the_old_model(data):
    X, _ = data
    imputer = GANImputer(epochs=1, random_state=0).fit(X)
    with pytest.raises(ValueError, match="infinite"):
        imputer.fit(np.where(X > 2, np.inf, X))
    with pytest.raises(NotFittedError):
        imputer.transform(X)


def test_two_threads_give_the_rows_of_two_sequential_fits(data):
    X, y = data
    expected = [GANAugmenter(max_steps=20, random_state=s).fit_resample(X, y)[0] for s in (0, 1)]
    results = {}

    def fit(seed):
        results[seed] = GANAugmenter(max_steps=20, random_state=seed).fit_resample(X, y)[0]

    threads = [threading.Thread(target=fit, args=(s,)) for s in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for seed in (0, 1):
        np.testing.assert_array_equal(results[seed], expected[seed])


def test_cross_val_score_in_two_processes_matches_one(data):
    from imblearn.pipeline import make_pipeline

    X, y = data
    pipe = make_pipeline(
        GANAugmenter(max_steps=10, random_state=0),
        HistGradientBoostingClassifier(max_iter=20, random_state=0),
    )
    one = cross_val_score(pipe, X, y, cv=2, n_jobs=1)
    two = cross_val_score(pipe, X, y, cv=2, n_jobs=2)
    np.testing.assert_array_equal(one, two)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs RLIMIT_AS and /proc")
def test_running_out_of_memory_names_the_settings_to_lower():
    """A real allocation failure (address space capped in a child process) becomes a MemoryError naming
    batch_size, and leaves the estimator unfitted."""
    script = """
import os, resource
import numpy as np
from sklearn.utils.validation import check_is_fitted
from ganaug import GANAugmenter
X = np.random.default_rng(0).normal(size=(400, 20))
y = np.r_[np.zeros(300), np.ones(100)]
pages = int(open("/proc/self/statm").read().split()[0])
limit = pages * os.sysconf("SC_PAGE_SIZE") + 1_500_000_000
resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
aug = GANAugmenter(max_steps=2, generator_dim=(20000, 20000), random_state=0)
try:
    aug.fit(X, y)
except MemoryError as exc:
    assert "batch_size" in str(exc), exc
    assert not hasattr(aug, "model_")
    print("refused:", exc)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "refused: Out of memory while fitting GANAugmenter" in done.stdout


def test_divergence_in_a_real_fit_warns_and_never_samples_nan(data):
    """Learning rates of 1e30 make the losses non-finite within a few steps: the fit stops with a
    warning naming the step and a remedy, and the generator put back samples finite rows."""
    X, y = data
    aug = GANAugmenter(max_steps=300, generator_lr=1e30, discriminator_lr=1e30, random_state=0)
    with pytest.warns(RuntimeWarning, match="non-finite by step .* lower learning rate"):
        aug.fit(X, y)
    assert aug.n_iter_ < 300
    X_new, _ = aug.sample(200, y=1)
    assert np.isfinite(X_new).all()
