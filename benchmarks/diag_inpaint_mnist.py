"""Diagnostic: GANImputer on 500 MNIST digits (20% pixels + one 10x10 block missing), short fits.

Prints the RMSE on the missing pixels (0-255) of mean filling, KNNImputer and
GANImputer under a few settings, with each fit's last losses. It is how the
saturating-output defect of the inpainting network was found (alpha=100 and
alpha=1e4 gave identical losses) and how its fix was checked; it writes no
results table (the benchmark is ``bench_images.py --parts inpaint``).

    python benchmarks/diag_inpaint_mnist.py --epochs 100 --configs default
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from _common import SHARED_DATA
from sklearn.impute import KNNImputer

from ganaug import GANImputer

CONFIGS = {
    "default": {},
    "alpha=1e4": {"alpha": 1e4},
    "lr=1e-4": {"learning_rate": 1e-4},
    "hint=0.5": {"hint_rate": 0.5},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=250, help="GANImputer epochs (3 steps each)")
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    args = parser.parse_args()
    path = SHARED_DATA / "mnist_5k_labelled.npz"
    if not path.exists():
        print(f"skipped: {path} not found")
        return
    warnings.filterwarnings("ignore")
    rng = np.random.default_rng(0)
    images = np.load(path)["images"][rng.choice(5000, 500, replace=False)].astype(float)
    n = len(images)
    holes = rng.random(images.shape) < 0.2
    top, left = rng.integers(0, 19, (2, n))
    for i in range(n):
        holes[i, top[i] : top[i] + 10, left[i] : left[i] + 10] = True
    holed = np.where(holes, np.nan, images)

    def rmse(out: np.ndarray) -> float:
        return float(np.sqrt(((out - images)[holes] ** 2).mean()))

    print("mean", round(rmse(np.where(holes, np.nanmean(holed), images)), 2), flush=True)
    knn = KNNImputer().fit_transform(holed.reshape(n, -1)).reshape(images.shape)
    print("KNNImputer", round(rmse(knn), 2), flush=True)
    for name in args.configs:
        start = time.perf_counter()
        imputer = GANImputer(epochs=args.epochs, random_state=0, **CONFIGS[name])
        out = imputer.fit_transform(holed)
        losses = {k: round(v, 3) for k, v in imputer.history_[-1].items() if k.startswith("loss")}
        seconds = time.perf_counter() - start
        print(f"GANImputer {name}: steps {imputer.n_iter_}, RMSE {rmse(out):.2f}, {losses}, {seconds:.0f} s")


if __name__ == "__main__":
    main()
