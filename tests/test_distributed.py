"""Data-parallel training: real ``torchrun`` launches of 2 gloo processes on the CPU, no mocks.

``tests/ddp_worker.py`` fits both estimators on both modalities through
``ganaug.distributed.fit``; the same script without torchrun is the
one-process reference with the same global batch.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import ganaug
from ganaug import GANAugmenter, GANImputer
from ganaug.core import DataParallel, current_parallel, data_parallel
from ganaug.distributed import fit

WORKER = Path(__file__).with_name("ddp_worker.py")
FITS = ["tabular_augmenter", "image_augmenter", "tabular_imputer", "image_imputer"]

pytestmark = pytest.mark.skipif(
    not (torch.distributed.is_available() and torch.distributed.is_gloo_available()),
    reason="this torch build has no gloo backend",
)


def _run(args: list[str], out: Path, world: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    env.pop("WORLD_SIZE", None)
    launcher = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={world}"]
    command = [*(launcher if world > 1 else [sys.executable]), str(WORKER), str(out), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ddp")
    for world in (2, 1):
        done = _run([], out, world)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out


def _weights(out: Path, name: str, world: int, rank: int) -> list[torch.Tensor]:
    return torch.load(out / f"{name}_w{world}_{rank}.pt")


def _smooth(x: np.ndarray) -> np.ndarray:
    """A moving average over an eighth of the curve (one point for short curves)."""
    width = max(1, len(x) // 8)
    return np.convolve(x, np.ones(width) / width, mode="valid")


def _history(out: Path, name: str, world: int) -> list[dict]:
    return json.loads((out / f"{name}_h{world}_0.json").read_text())


@pytest.mark.parametrize("name", FITS)
def test_ranks_end_with_the_same_model(runs, name):
    # without the gradient all-reduce the ranks drift apart (checked by hand: up to 0.09 per weight)
    rank0, rank1 = _weights(runs, name, 2, 0), _weights(runs, name, 2, 1)
    assert all(torch.equal(a, b) for a, b in zip(rank0, rank1, strict=True))


@pytest.mark.parametrize("name", FITS)
def test_loss_trajectory_follows_one_process_with_the_same_global_batch(runs, name):
    parallel, single = _history(runs, name, 2), _history(runs, name, 1)
    assert [h["step"] for h in parallel] == [h["step"] for h in single]
    for loss in (k for k in single[0] if k.startswith("loss")):
        a = np.array([h[loss] for h in parallel])
        b = np.array([h[loss] for h in single])
        # the same level: within the one-process curve's spread (5% of its level for a flat curve)
        assert abs(a.mean() - b.mean()) < b.std() + 0.05 * abs(b.mean()), (loss, a, b)
        third = max(1, len(b) // 3)
        trend = abs(b[-third:].mean() - b[:third].mean())
        noise = np.std(np.diff(b)) / np.sqrt(2)
        if trend > 3 * noise:
            # a curve that moves must move the same way; a flat, noisy one (the mode-seeking ratio,
            # a discriminator at equilibrium) has no trajectory to correlate: its noise depends on the
            # batches, which differ between one process and two
            sa, sb = _smooth(a), _smooth(b)
            assert np.corrcoef(sa, sb)[0, 1] > 0.6, (loss, a, b)
            assert np.abs(sa - sb).mean() < 0.3 * np.ptp(sb), (loss, a, b)  # close, relative to the span


def test_rank_zero_writes_a_model_that_loads_and_samples(runs):
    sys.path.insert(0, str(WORKER.parent))
    try:
        import ddp_worker
    finally:
        sys.path.remove(str(WORKER.parent))
    X, _ = ddp_worker.table()
    tab = ganaug.load(runs / "tabular_augmenter.ganaug")
    rows, labels = tab.sample(50, y=1)
    assert list(rows.columns) == list(X.columns) and (labels == 1).all()
    imgs, _ = ddp_worker.images()
    img = ganaug.load(runs / "image_augmenter.ganaug")
    drawn, labels = img.sample(6, y=0)
    assert drawn.shape == (6, 8, 8) and drawn.dtype == np.uint8
    holed = ddp_worker.with_holes(X[["a", "c"]].to_numpy(dtype=float))
    filled = ganaug.load(runs / "tabular_imputer.ganaug").transform(holed)
    seen = ~np.isnan(holed)
    assert np.array_equal(filled[seen], holed[seen]) and not np.isnan(filled).any()
    holed = ddp_worker.with_holes(imgs)
    filled = ganaug.load(runs / "image_imputer.ganaug").transform(holed)
    assert filled.shape == imgs.shape and not np.isnan(filled).any()


def test_ranks_given_different_data_are_refused(tmp_path):
    done = _run(["mismatch"], tmp_path, 2)
    assert done.returncode != 0
    assert "Every process must be given the same X and y" in done.stdout + done.stderr


# ------------------------------------------------------------ in one process
def test_without_torchrun_it_is_an_ordinary_fit(monkeypatch, tmp_path):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(120, 3)), np.repeat([0, 1], 60)
    ours = fit(GANAugmenter(max_steps=10, random_state=0), X, y, path=tmp_path / "m.ganaug")
    plain = GANAugmenter(max_steps=10, random_state=0).fit(X, y)
    assert np.array_equal(ours.sample(20)[0], plain.sample(20)[0])
    assert np.array_equal(ganaug.load(tmp_path / "m.ganaug").sample(20)[0], plain.sample(20)[0])


def test_refuses_ctgan_engine_and_other_estimators():
    with pytest.raises(ValueError, match="ctgan"):
        fit(GANAugmenter(engine="ctgan"), np.zeros((10, 2)), np.repeat([0, 1], 5))
    from sklearn.impute import SimpleImputer

    with pytest.raises(TypeError, match="GANAugmenter or a GANImputer"):
        fit(SimpleImputer(), np.zeros((10, 2)))


def test_single_process_context_changes_nothing():
    assert current_parallel().world_size == 1
    data = np.arange(10)
    assert DataParallel().shard(data)[0] is data
    assert DataParallel().local_batch(500, multiple=10) == 500


def test_shards_and_batches_split_the_rows():
    shards = [DataParallel(r, 3).shard(np.arange(10))[0] for r in range(3)]
    assert sorted(np.concatenate(shards).tolist()) == list(range(10))
    assert DataParallel(1, 4).local_batch(500, multiple=10) == 120
    assert DataParallel(0, 64).local_batch(500, multiple=10) == 10
    with pytest.raises(ValueError, match="cannot be shared"):
        DataParallel(0, 4).shard(np.arange(3))
    with data_parallel(DataParallel(1, 2)):
        assert current_parallel().rank == 1
    assert current_parallel().rank == 0


def test_without_torchrun_an_imputer_fit_is_an_ordinary_fit(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    X = np.array([[1.0, np.nan], [2.0, 3.0], [np.nan, 1.0]] * 10)
    ours = fit(GANImputer(epochs=2, random_state=0), X)
    plain = GANImputer(epochs=2, random_state=0).fit(X)
    assert np.array_equal(ours.transform(X), plain.transform(X))
