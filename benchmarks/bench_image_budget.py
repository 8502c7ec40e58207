"""Image training length: per-class agreement and Frechet distance against generator steps, 100 MNIST digits.

Issue 26 asks the default image fit on 100 MNIST digits (10 per class) to be
10x faster at the same per-class agreement. ``epochs="auto"`` gives such a fit
3,000 generator steps (100 epochs, at least 3,000). This script measures what
shorter budgets keep, from one default fit per seed:

- ``GANAugmenter(random_state=seed).fit(X, y)`` on 10 digits per class drawn
  (seed) from pool A of ``bench_images.py`` (same split);
- the generator's moving average is copied at each budget's step (nothing in
  the image training depends on the total number of steps: no schedule, the
  average's warm-up counts steps from the start), so the copy at step ``k`` is
  the model a fit of ``max_steps=k`` returns, with the same random stream;
- each copy draws 100 digits per class; the reference CNN of
  ``bench_images.py`` (trained on pool B, 2,500 digits the GAN never saw)
  reads them: per-class agreement, worst class, and the Frechet distance
  to pool A's 2,500 digits in the CNN's features, beside the real-vs-real
  floor (pool B against pool A);
- fit seconds of a budget: wall time from the start of ``fit`` to its step,
  plus the fit's fixed cost after training (encoding, diversity check).

Exits cleanly without ``../shared/data``.

    python benchmarks/bench_image_budget.py --seeds 3
"""

from __future__ import annotations

import argparse
import copy
import time

import numpy as np
import pandas as pd
from _common import mean_std, write_markdown
from bench_images import cnn_features, cnn_predict, load_pools, train_cnn

from ganaug import GANAugmenter
from ganaug.core import _hooks
from ganaug.metrics import frechet_distance

BUDGETS = (150, 300, 600, 1000, 1500, 2000, 3000)


class Snapshots:
    """Copies of the generator's moving average at chosen steps, with the wall time of each."""

    def __init__(self, steps: tuple[int, ...]) -> None:
        self.steps = set(steps)
        self.copies: dict[int, dict] = {}
        self.seconds: dict[int, float] = {}
        self.start = time.perf_counter()
        self._update = _hooks.MovingAverage.update

    def __enter__(self) -> Snapshots:
        snapshots = self

        def update(average: _hooks.MovingAverage) -> None:
            snapshots._update(average)
            if average.steps in snapshots.steps:
                snapshots.seconds[average.steps] = time.perf_counter() - snapshots.start
                snapshots.copies[average.steps] = copy.deepcopy(average.average.state_dict())

        _hooks.MovingAverage.update = update
        return self

    def __exit__(self, *exc: object) -> None:
        _hooks.MovingAverage.update = self._update


def run(XA, yA, XB, yB, seed: int, per_class: int, budgets: tuple[int, ...]) -> list[dict]:
    rng = np.random.default_rng(seed)
    pick = np.concatenate([rng.choice(np.flatnonzero(yA == k), per_class, replace=False) for k in range(10)])
    X, y = XA[pick], yA[pick]
    judge = train_cnn(XB, yB, seed, steps=1500)
    feats_a = cnn_features(judge, XA)
    floor = frechet_distance(cnn_features(judge, XB), feats_a)
    with Snapshots(budgets) as snaps:
        aug = GANAugmenter(random_state=seed).fit(X, y)
        total = time.perf_counter() - snaps.start
    fixed_cost = total - snaps.seconds[max(snaps.seconds)]
    codes = np.repeat(np.arange(10), 100)
    generator = aug.model_.model.generator
    rows = []
    for k in sorted(snaps.copies):
        generator.load_state_dict(snaps.copies[k])
        X_new, _ = aug.sample(len(codes), y=codes, random_state=seed)
        read = cnn_predict(judge, X_new)
        rows.append(
            {
                "steps": k,
                "seed": seed,
                "fit (s)": snaps.seconds[k] + fixed_cost,
                "agreement": float(np.mean(read == codes)),
                "worst class agreement": float(min(np.mean(read[codes == c] == c) for c in range(10))),
                "FD generated vs pool A": frechet_distance(cnn_features(judge, X_new), feats_a),
                "FD floor (pool B vs pool A)": floor,
                "default steps": aug.n_iter_,
            }
        )
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--per-class", type=int, default=10)
    parser.add_argument("--budgets", type=int, nargs="+", default=list(BUDGETS))
    args = parser.parse_args()
    XA, yA, XB, yB = load_pools()
    rows = []
    for seed in range(args.seeds):
        rows += run(XA, yA, XB, yB, seed, args.per_class, tuple(args.budgets))
    frame = pd.DataFrame(rows)
    table = mean_std(frame.drop(columns="default steps"), ["steps"])
    means = frame.groupby("steps").mean(numeric_only=True)
    full = means.loc[means.index.max()]
    ratio = pd.DataFrame(
        {
            "speed-up over the longest": full["fit (s)"] / means["fit (s)"],
            "agreement minus the longest's": means["agreement"] - full["agreement"],
            "FD / floor": means["FD generated vs pool A"] / means["FD floor (pool B vs pool A)"],
        }
    )
    write_markdown(
        f"image_budget_{args.per_class}_per_class_cpu",
        f"Image training length: {args.per_class * 10} MNIST digits, agreement against steps",
        __doc__.split("\n\n")[1].replace("\n", " ")
        + "\n\n"
        + __doc__.split("\n\n")[2]
        + f'\n\n{args.seeds} seeds; `epochs="auto"` gave {int(frame["default steps"].iloc[0])} steps.',
        {"Mean ± std over seeds, per budget (generator steps)": table, "Against the longest budget": ratio},
    )


if __name__ == "__main__":
    main()
