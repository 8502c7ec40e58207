"""Training length against rebalancing quality: today's step budget against a fifth and a tenth of it.

Issue 26 asks for a default ``fit_resample`` at least 5x faster on the 9
rebalancing tasks of ``bench_rebalance.py`` with no metric worse by more
than 0.005 on average. This script measures what a shorter budget costs, in
one run and on the same splits:

- ``today`` : ``GANAugmenter(epochs=300, ...)`` with the pre-issue-26 rule
  (300 epochs kept within [2,000, 20,000] steps), given as ``max_steps``;
- ``/5`` and ``/10`` : the same rule with every number divided by 5 or 10
  (60 epochs within [400, 4,000] steps; 30 epochs within [200, 2,000]);
- ``auto`` : the package's ``epochs="auto"`` as it is when the script runs.

Every variant is otherwise the default ``GANAugmenter(random_state=seed)``
(class filter, half real copies), and the anchors run beside them on the
same splits: no resampling, RandomOverSampler and SMOTE(NC). The tasks,
splits and classifiers are ``bench_rebalance.py``'s (Adult tasks skip
cleanly without ``../shared/data``). Seeds are the outer loop, so a run cut
short still has every task at the seeds done; ``--raw`` keeps the rows after
each task.

Reported: per budget, the fit seconds against today's (ratio of the mean
over seeds, per task, and its mean over tasks) and, per metric, the mean
over the 18 task x classifier cells of (budget - today), with the worst cell.

``--parts synthesis`` (file ``fit_budget_synthesis_cpu.md``): the same
budgets for ``fit(X).sample(n)`` on ``--synthesis-rows`` random Adult rows
(income included), scored as ``ablate_dependencies.py`` scores them:
column shapes and pair trends against the training rows, TSTR accuracy and
macro F1 on income against 5,000 held-out rows, fit seconds.

    python benchmarks/bench_fit_budget.py --seeds 3 --raw /tmp/budget.csv
    python benchmarks/bench_fit_budget.py --merge /tmp/budget.csv
    python benchmarks/bench_fit_budget.py --parts synthesis --seeds 3 --budgets today /5 auto
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

import numpy as np
import pandas as pd
from _common import load_adult, mean_std, write_markdown
from bench_conditions import income_tstr
from bench_rebalance import classifier_scores, split, tasks
from imblearn.over_sampling import SMOTE, SMOTENC, RandomOverSampler

from ganaug import GANAugmenter, metrics
from ganaug.tabular._synthesis import adapt_batch

METRICS = ("balanced accuracy", "minority F1", "average precision")
#: Pre-issue-26 rule of ``epochs="auto"`` for tables: 300 epochs within [2,000, 20,000] steps.
TODAY = (300, 2000, 20000)
FRACTIONS = {"today": 1.0, "/5": 0.2, "/10": 0.1}


def rule_steps(n_rows: int, fraction: float, batch_size: int = 500) -> int:
    """Steps of the pre-issue-26 rule with its numbers scaled by ``fraction``."""
    batch, _ = adapt_batch(batch_size, "auto", n_rows)
    steps_per_epoch = max(n_rows // batch, 1)  # as ganaug.core._loop.train counts them
    epochs, low, high = TODAY
    return int(np.clip(round(fraction * epochs) * steps_per_epoch, fraction * low, fraction * high))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--tasks", nargs="+", default=None)
    parser.add_argument("--adult-rows", type=int, default=8000)
    parser.add_argument("--budgets", nargs="+", default=[*FRACTIONS, "auto"])
    parser.add_argument("--name", default="fit_budget_cpu")
    parser.add_argument("--raw", default=None, help="write the rows so far to this CSV after each task")
    parser.add_argument("--merge", nargs="+", default=None, help="report from these --raw CSVs")
    parser.add_argument("--parts", nargs="+", default=["rebalance"], choices=["rebalance", "synthesis"])
    parser.add_argument("--synthesis-rows", type=int, default=5000)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    if "synthesis" in args.parts:
        synthesis(args)
        if "rebalance" not in args.parts:
            return
    if args.merge:
        frame = pd.concat([pd.read_csv(p) for p in args.merge], ignore_index=True)
        runs = "; ".join(f"`{c}`" for c in dict.fromkeys(frame.pop("run")))
        report(frame, args, f"Reported from: {runs}.")
        return
    command = "python " + " ".join(sys.argv)
    rows = []
    for seed in range(args.seeds):
        for task, X, y, minority, share, cap in tasks(args.tasks, args.adult_rows):
            if args.tasks and task not in args.tasks:
                continue
            X_tr, X_te, y_tr, y_te = split(X, y, minority, share, cap, seed)
            categorical = [c for c in X_tr.columns if not pd.api.types.is_numeric_dtype(X_tr[c])]
            methods = {
                "none": None,
                "RandomOverSampler": RandomOverSampler(random_state=seed),
                "SMOTE(NC)": SMOTENC(categorical_features=categorical, random_state=seed)
                if categorical
                else SMOTE(random_state=seed),
            }
            for budget in args.budgets:
                steps = None if budget == "auto" else rule_steps(len(X_tr), FRACTIONS[budget])
                methods[f"GAN {budget}"] = GANAugmenter(max_steps=steps, random_state=seed)
            for method, sampler in methods.items():
                start = time.perf_counter()
                X_fit, y_fit = (X_tr, y_tr) if sampler is None else sampler.fit_resample(X_tr, y_tr)
                seconds = time.perf_counter() - start
                steps = getattr(sampler, "n_iter_", np.nan)
                for classifier, scores in classifier_scores(X_fit, y_fit, X_te, y_te, minority, seed).items():
                    rows.append(
                        {
                            "task": task,
                            "classifier": classifier,
                            "method": method,
                            "seed": seed,
                            "rows": len(X_tr),
                            "GAN steps": steps,
                            **scores,
                            "fit (s)": seconds,
                        }
                    )
                print(
                    {k: (round(v, 4) if isinstance(v, float) else v) for k, v in rows[-1].items()}, flush=True
                )
            if args.raw:
                pd.DataFrame(rows).assign(run=command).to_csv(args.raw, index=False)
    report(pd.DataFrame(rows), args, f"Command: `{command}`.")


def synthesis(args) -> None:
    """``fit(X).sample(n)`` on Adult at each budget: shapes, pairs, TSTR, fit seconds."""
    adult = load_adult()
    command = "python " + " ".join(sys.argv)
    rows = []
    for seed in range(args.seeds):
        train = adult.sample(args.synthesis_rows, random_state=seed)
        test = adult.drop(train.index).sample(5000, random_state=seed)
        for budget in args.budgets:
            steps = None if budget == "auto" else rule_steps(len(train), FRACTIONS[budget])
            start = time.perf_counter()
            model = GANAugmenter(max_steps=steps, random_state=seed).fit(train)
            seconds = time.perf_counter() - start
            synth = model.sample(5000, random_state=seed)[0]
            tstr = income_tstr(synth, test, seed)
            rows.append(
                {
                    "budget": budget,
                    "seed": seed,
                    "GAN steps": model.n_iter_,
                    **metrics.quality_score(train, synth),
                    "TSTR accuracy": tstr["accuracy"],
                    "TSTR macro F1": tstr["macro_f1"],
                    "fit seconds": seconds,
                }
            )
            print({k: round(v, 4) if isinstance(v, float) else v for k, v in rows[-1].items()}, flush=True)
    write_markdown(
        "fit_budget_synthesis_cpu",
        "Training length: today's budget against shorter ones for Adult synthesis",
        f"{args.synthesis_rows:,} random Adult rows per seed (income included), {args.seeds} seeds, "
        "default GANAugmenter().fit(X).sample(5000) at each budget (as in `fit_budget_cpu.md`). "
        "Shapes and pair trends against the training rows (`ganaug.metrics.quality_score`); TSTR: "
        "a classifier of income fitted on the synthetic rows, scored on 5,000 held-out real rows. "
        f"Mean ± std over seeds. Command: `{command}`.",
        {"Mean ± std over seeds": mean_std(pd.DataFrame(rows), ["budget"]).reset_index()},
    )


def report(frame: pd.DataFrame, args, provenance: str) -> None:
    """Speed-ups and metric differences against today's budget, and the means per task."""
    n_seeds = frame.groupby("task")["seed"].nunique()
    means = frame.groupby(["task", "classifier", "method"])[[*METRICS, "fit (s)", "GAN steps"]].mean()
    gan = [m for m in means.index.get_level_values("method").unique() if m.startswith("GAN ")]
    fit = means["fit (s)"].xs("LogisticRegression", level="classifier").unstack("method")
    steps = means["GAN steps"].xs("LogisticRegression", level="classifier").unstack("method")[gan]
    per_task = pd.concat(
        {
            "rows": frame.groupby("task")["rows"].mean().round(),
            "seeds": n_seeds,
            **{f"steps {m[4:]}": steps[m].round() for m in gan},
            **{f"fit s {m}": fit[m] for m in [*gan, "RandomOverSampler", "SMOTE(NC)"]},
            **{f"speed-up {m[4:]}": fit["GAN today"] / fit[m] for m in gan if m != "GAN today"},
        },
        axis=1,
    )
    summary = []
    for m in gan:
        if m == "GAN today":
            continue
        entry = {"budget": m[4:], "mean speed-up over tasks": float((fit["GAN today"] / fit[m]).mean())}
        for metric in METRICS:
            table = means[metric].unstack("method")
            diff = table[m] - table["GAN today"]
            entry[f"{metric}: mean diff"] = float(diff.mean())
            entry[f"{metric}: worst cell"] = float(diff.min())
        summary.append(entry)
    anchors = []
    for metric in METRICS:
        table = means[metric].unstack("method")
        anchors.append({"metric": metric, **{m: float(table[m].mean()) for m in table.columns}})
    intro = (
        "The 9 tasks of `bench_rebalance.py` (same splits and classifiers), default GANAugmenter "
        "at each training length, anchors on the same splits. 'today': the pre-issue-26 rule of "
        "epochs='auto' (300 epochs within [2,000, 20,000] steps); '/5', '/10': that rule with every "
        "number divided by 5 or 10; 'auto': the package's epochs='auto' when the script ran. "
        "Speed-up: today's mean fit seconds over the budget's, per task; its mean over tasks. "
        "Metric differences: budget minus today, mean over seeds per task x classifier cell, then "
        "mean and minimum over the cells. " + provenance
    )
    write_markdown(
        args.name,
        "Training length: today's budget against shorter ones on the rebalancing tasks",
        intro,
        {
            "Shorter budgets against today's": pd.DataFrame(summary),
            "Per task: rows, seeds, GAN steps, fit seconds, speed-up": per_task,
            "Mean over the task x classifier cells": pd.DataFrame(anchors).set_index("metric").T,
            "Mean per task and classifier": means[list(METRICS)],
        },
    )


if __name__ == "__main__":
    main()
