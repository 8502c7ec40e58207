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
  plus the fit's fixed cost after training (encoding, diversity check);
- ``--ref REV``: the same default fit, on the same digits and seed, with the
  package as it was at git revision ``REV`` (a temporary worktree, run in a
  subprocess after this package's fits, never beside them), judged alike:
  issue 26's "against today's main in the same run".

Exits cleanly without ``../shared/data``.

    python benchmarks/bench_image_budget.py --seeds 3
    python benchmarks/bench_image_budget.py --seeds 2 --budgets 3000 --ref e8f97f7 \
        --name image_fit_vs_issue26_main_cpu
"""

from __future__ import annotations

import argparse
import copy
import subprocess
import sys
import time

import numpy as np
import pandas as pd
from _common import mean_std, worktree, write_markdown
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


#: Run in a subprocess with an older package first on the path: a default fit, 100 digits per class.
_AT_REVISION = """
import sys, time, numpy as np
sys.path.insert(0, sys.argv[1])
import ganaug
from ganaug import GANAugmenter
assert ganaug.__file__.startswith(sys.argv[1]), ganaug.__file__
data = np.load(sys.argv[2])
start = time.perf_counter()
aug = GANAugmenter(random_state=int(sys.argv[3])).fit(data["X"], data["y"])
seconds = time.perf_counter() - start
codes = np.repeat(np.arange(10), 100)
X_new, _ = aug.sample(len(codes), y=codes, random_state=int(sys.argv[3]))
np.savez(sys.argv[2], X_new=X_new, seconds=seconds, steps=aug.n_iter_)
"""


def fit_at_revision(rev: str, X: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, float, int]:
    """A default fit on ``(X, y)`` at git revision ``rev``: (1,000 generated digits, seconds, steps)."""
    with worktree(rev) as tree:
        data = tree.parent / "data.npz"
        np.savez(data, X=X, y=y)
        subprocess.run([sys.executable, "-c", _AT_REVISION, str(tree), str(data), str(seed)], check=True)
        out = np.load(data)
        return out["X_new"], float(out["seconds"]), int(out["steps"])


def judged(judge, feats_a: np.ndarray, X_new: np.ndarray, codes: np.ndarray) -> dict:
    read = cnn_predict(judge, X_new)
    return {
        "agreement": float(np.mean(read == codes)),
        "worst class agreement": float(min(np.mean(read[codes == c] == c) for c in range(10))),
        "FD generated vs pool A": frechet_distance(cnn_features(judge, X_new), feats_a),
    }


def run(
    XA, yA, XB, yB, seed: int, per_class: int, budgets: tuple[int, ...], refs: tuple[str, ...] = ()
) -> list[dict]:
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
        rows.append(
            {
                "package": "this tree",
                "steps": k,
                "seed": seed,
                "fit (s)": snaps.seconds[k] + fixed_cost,
                **judged(judge, feats_a, X_new, codes),
                "FD floor (pool B vs pool A)": floor,
                "default steps": aug.n_iter_,
            }
        )
        print(rows[-1], flush=True)
    for rev in refs:
        X_new, seconds, steps = fit_at_revision(rev, X, y, seed)
        rows.append(
            {
                "package": f"at {rev}",
                "steps": steps,
                "seed": seed,
                "fit (s)": seconds,
                **judged(judge, feats_a, X_new, codes),
                "FD floor (pool B vs pool A)": floor,
                "default steps": steps,
            }
        )
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--per-class", type=int, default=10)
    parser.add_argument("--budgets", type=int, nargs="+", default=list(BUDGETS))
    parser.add_argument("--ref", nargs="*", default=[], help="git revisions whose default fit runs too")
    parser.add_argument("--name", default=None, help="results file stem")
    args = parser.parse_args()
    XA, yA, XB, yB = load_pools()
    rows = []
    for seed in range(args.seeds):
        rows += run(XA, yA, XB, yB, seed, args.per_class, tuple(args.budgets), tuple(args.ref))
    frame = pd.DataFrame(rows)
    by = ["package", "steps"]
    table = mean_std(frame.drop(columns="default steps"), by)
    means = frame.groupby(by).mean(numeric_only=True)
    full = means.loc[("this tree", max(args.budgets))]
    ratio = pd.DataFrame(
        {
            "speed-up over this tree's longest": full["fit (s)"] / means["fit (s)"],
            "agreement minus this tree's longest": means["agreement"] - full["agreement"],
            "FD / floor": means["FD generated vs pool A"] / means["FD floor (pool B vs pool A)"],
        }
    )
    write_markdown(
        args.name or f"image_budget_{args.per_class}_per_class_cpu",
        f"Image training length: {args.per_class * 10} MNIST digits, agreement against steps",
        __doc__.split("\n\n")[1].replace("\n", " ")
        + "\n\n"
        + __doc__.split("\n\n")[2]
        + f'\n\n{args.seeds} seeds; `epochs="auto"` gave {int(frame["default steps"].iloc[0])} steps.',
        {"Mean ± std over seeds, per budget (generator steps)": table, "Against the longest budget": ratio},
    )


if __name__ == "__main__":
    main()
