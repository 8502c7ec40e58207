"""Imputation cost: GANImputer's training budget and table size against scikit-learn's imputers.

Two questions, each answered beside the sklearn imputers in the same run, on
the protocol of ``bench_impute.py`` (20% MCAR, min-max RMSE over removed
numeric entries, accuracy over removed categorical ones):

``rows``
    Adult sampled to 1,000 ... 20,000 rows, GANImputer at its defaults: where
    does its fixed step budget (about 3,000 steps, a cost that does not grow
    with the rows) meet the ExtraTrees IterativeImputer, whose cost does?
``budget``
    GANImputer's public training knobs (``epochs``, ``learning_rate``,
    ``batch_size``) on Adult's 5,000 rows and on smaller tables: how much
    RMSE does a shorter fit cost?

    python benchmarks/bench_impute_budget.py --parts rows budget --seeds 2

A grid of training lengths (``--steps``: ``GANImputer(max_steps=K)`` beside
the defaults), the measurements behind the imputer's ``epochs="auto"`` rule::

    python benchmarks/bench_impute_budget.py --seeds 2 --rows 1000 2000 5000 10000 \
        --budget-datasets breast_cancer digits wine diabetes \
        --steps 150 300 600 1200 --name impute_steps_grid_cpu

Early stopping against the full budget (``impute_stopping_cpu.md``)::

    python benchmarks/bench_impute_budget.py --seeds 2 --rows 1000 2000 5000 10000 \
        --budget-datasets breast_cancer digits wine diabetes \
        --settings "GANImputer (defaults)" early_stopping=True --name impute_stopping_cpu
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from _common import SHARED_DATA, mean_std, write_markdown
from bench_impute import baselines, categories_of, datasets, impute_baseline, ordinal, remove, score, warm_up

from ganaug import GANImputer

#: GANImputer settings (name: keyword arguments); ``--settings`` picks those a run measures.
SETTINGS = {
    "GANImputer (defaults)": {},
    "learning_rate=2e-3": {"learning_rate": 2e-3},
    "epochs=30, learning_rate=3e-3": {"epochs": 30, "learning_rate": 3e-3},
    "epochs=30, batch_size=256, learning_rate=3e-3": {"epochs": 30, "batch_size": 256, "learning_rate": 3e-3},
    "epochs=25": {"epochs": 25},
    "epochs=10": {"epochs": 10},
    "early_stopping=True": {"early_stopping": True},
}
#: The ``budget`` part's settings unless ``--settings`` names others.
BUDGETS = tuple(list(SETTINGS)[:4])

#: Baselines of both parts (the cheap ones add nothing to these questions).
KEPT_BASELINES = ("KNNImputer", "Iterative(ExtraTrees)")


def run_cell(name: str, truth: pd.DataFrame, seed: int, gan_settings: dict) -> list[dict]:
    """Every kept baseline and every GANImputer setting on one table, 20% MCAR, one seed."""
    is_cat = np.array([not pd.api.types.is_numeric_dtype(truth[c]) for c in truth.columns])
    categories = categories_of(truth)
    holes = remove(truth, "mcar20", np.random.default_rng(seed))
    holed = truth.mask(holes)
    rows = []

    def record(method: str, imputed: np.ndarray, seconds: float, steps: float = np.nan) -> None:
        rows.append(
            {
                "dataset": name,
                "rows": len(truth),
                "method": method,
                "seed": seed,
                **score(truth, imputed, holes, is_cat),
                "fit+transform (s)": seconds,
                "steps": steps,
            }
        )
        print({k: (round(v, 4) if isinstance(v, float) else v) for k, v in rows[-1].items()}, flush=True)

    for method, imputer in baselines(seed).items():
        if method in KEPT_BASELINES:
            start = time.perf_counter()
            imputed = impute_baseline(imputer, holed, is_cat, categories)
            record(method, imputed, time.perf_counter() - start)
    for method, params in gan_settings.items():
        start = time.perf_counter()
        model = GANImputer(random_state=seed, **params)
        out = model.fit_transform(holed)
        record(method, ordinal(out, categories), time.perf_counter() - start, model.n_iter_)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", choices=["rows", "budget"], default=["rows", "budget"])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--rows", nargs="+", type=int, default=[1000, 2000, 5000, 10000, 20000])
    parser.add_argument("--budget-datasets", nargs="+", default=["adult", "digits", "breast_cancer"])
    parser.add_argument("--name", default="impute_budget_cpu", help="result file name (without .md)")
    parser.add_argument(
        "--settings",
        nargs="+",
        choices=list(SETTINGS),
        default=None,
        help="GANImputer settings to measure (default: the defaults in `rows`, the first four in `budget`)",
    )
    parser.add_argument(
        "--steps",
        nargs="+",
        type=int,
        default=[],
        help="also measure GANImputer(max_steps=K) for each K (added to --settings)",
    )
    args = parser.parse_args()
    for k in args.steps:
        SETTINGS[f"max_steps={k}"] = {"max_steps": k}
    if args.steps:
        grid = [f"max_steps={k}" for k in args.steps]
        args.settings = list(args.settings or ["GANImputer (defaults)"]) + grid
    warm_up()
    tables, notes = {}, []
    columns = ["RMSE", "categorical accuracy", "fit+transform (s)", "steps"]
    if "rows" in args.parts:
        path = SHARED_DATA / "adult.csv"
        if not path.exists():
            print("rows part skipped: ../shared/data/adult.csv not found")
        else:
            full = pd.read_csv(path)
            names = args.settings or ["GANImputer (defaults)"]
            row_settings = {"GANImputer" if n == "GANImputer (defaults)" else n: SETTINGS[n] for n in names}
            rows = []
            for n in args.rows:
                sample = full.sample(n, random_state=0).reset_index(drop=True)
                for seed in range(args.seeds):
                    rows += run_cell("adult", sample, seed, row_settings)
            frame = pd.DataFrame(rows).drop(columns="dataset")
            tables["Adult by rows: mean ± std over seeds"] = mean_std(frame, ["rows", "method"]).reindex(
                columns=columns
            )
            seconds = frame.groupby(["rows", "method"])["fit+transform (s)"].mean().unstack("method")
            tables["Adult by rows: mean fit+transform seconds"] = seconds
            notes.append(f"`rows`: Adult sampled to {', '.join(f'{n:,}' for n in args.rows)} rows.")
    if "budget" in args.parts:
        budgets = {n: SETTINGS[n] for n in (args.settings or BUDGETS)}
        rows = [
            r
            for name, truth in datasets(args.budget_datasets)
            for seed in range(args.seeds)
            for r in run_cell(name, truth, seed, budgets)
        ]
        frame = pd.DataFrame(rows).drop(columns="rows")
        tables["Training budget: mean ± std over seeds"] = mean_std(frame, ["dataset", "method"]).reindex(
            columns=columns
        )
        rmse = frame.groupby(["dataset", "method"])["RMSE"].mean().unstack("dataset")
        tables["Training budget: mean RMSE"] = rmse
        notes.append(
            "`budget`: "
            + ", ".join(args.budget_datasets)
            + " (Adult: the 5,000-row sample of bench_impute.py); GANImputer settings: "
            + "; ".join(f"{k} {v}" for k, v in budgets.items())
            + "."
        )
    intro = (
        "20% MCAR, bench_impute.py's protocol and scores; KNNImputer and the ExtraTrees "
        f"IterativeImputer in the same run. {args.seeds} seeds. `steps`: GANImputer's generator steps. "
        + " ".join(notes)
        + " Times include fit and transform, on this machine only, after one 2-step warm-up fit"
        " (torch's start-up in the process, about a second, is paid before any timing)."
    )
    write_markdown(args.name, "Imputation cost: training budget and table size", intro, tables)


if __name__ == "__main__":
    main()
