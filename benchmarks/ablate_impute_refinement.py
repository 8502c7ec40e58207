"""Ablation of GANImputer's tree refinement: the weight of the GAN's value in its average with the trees'.

One default fit per dataset and seed (20% MCAR, GAIN's protocol as in
``bench_impute.py``); after the fit, the fitted refinement's ``gan_weight`` is
set to 0 (the trees' sweep alone), 0.25, 0.5 (the default), 0.75 and 1 (the
GAN alone: exactly ``refine=False``) and the same holes are imputed again.
Also in the run: ``Iterative(ExtraTrees)`` and ``KNNImputer``, the rivals.

    python benchmarks/ablate_impute_refinement.py --seeds 3
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from _common import write_markdown
from bench_impute import (
    baselines,
    categories_of,
    datasets,
    impute_baseline,
    is_categorical,
    ordinal,
    remove,
    score,
)

from ganaug import GANImputer

WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--datasets", nargs="+", default=["breast_cancer", "wine", "diabetes", "digits", "adult", "mnist_7x7"]
    )
    args = parser.parse_args()
    rows = []
    for name, truth in datasets(args.datasets):
        is_cat = np.array([is_categorical(truth[c]) for c in truth.columns])
        categories = categories_of(truth)
        for seed in range(args.seeds):
            holes = remove(truth, "mcar20", np.random.default_rng(seed))
            holed = truth.mask(holes)
            for method in ("KNNImputer", "Iterative(ExtraTrees)"):
                imputed = impute_baseline(baselines(seed)[method], holed, is_cat, categories)
                rows.append(
                    {"dataset": name, "seed": seed, "method": method, **score(truth, imputed, holes, is_cat)}
                )
            start = time.perf_counter()
            imputer = GANImputer(random_state=seed).fit(holed)
            print(f"{name} seed {seed}: fit {time.perf_counter() - start:.1f} s", flush=True)
            for weight in WEIGHTS:
                imputer.model_.refinement.gan_weight = weight
                imputed = ordinal(imputer.transform(holed), categories)
                method = f"GAN weight {weight:g}" + (" (default)" if weight == 0.5 else "")
                rows.append(
                    {"dataset": name, "seed": seed, "method": method, **score(truth, imputed, holes, is_cat)}
                )
            print(pd.DataFrame(rows[-7:]).to_string(), flush=True)
    frame = pd.DataFrame(rows)
    tables = {
        "Mean RMSE over seeds (rows: dataset)": frame.pivot_table("RMSE", "dataset", "method"),
        "Std of RMSE over seeds": frame.pivot_table("RMSE", "dataset", "method", aggfunc="std"),
    }
    if "categorical accuracy" in frame:
        tables["Categorical accuracy (Adult)"] = frame.pivot_table(
            "categorical accuracy", "dataset", "method"
        )
    intro = (
        f"20% MCAR, {args.seeds} seeds, RMSE over the removed numeric entries of min-max scaled columns. "
        "'GAN weight w': the missing numeric entries get w x the GAN's value + (1 - w) x the trees' "
        "(w = 1 is refine=False, w = 0 the trees' sweep over the GAN's fill alone)."
    )
    write_markdown("impute_refinement_cpu", "Imputation: the tree refinement's GAN weight", intro, tables)


if __name__ == "__main__":
    main()
