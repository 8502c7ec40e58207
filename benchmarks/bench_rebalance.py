"""Rebalancing: GANAugmenter vs no resampling, RandomOverSampler, SMOTE(NC), ADASYN and ctgan oversampling.

Tasks (each: stratified 70/30 split first, then the minority class of the
*training* part cut to the task's share of it; the test part keeps the
natural rate):

- adult-1%, adult-2%, adult-5%: UCI Adult from ../shared/data, income >50K
  (mixed types). The training part is a random ``--adult-rows`` rows of the
  70% (default 8,000: a default GAN fit on all 22,800 rows takes ~4 minutes
  here, and 3 tasks x 3 seeds of it would not fit a session);
- digits-9, digits-3: scikit-learn's bundled digits, one digit against the
  rest, cut to 5% (64 numeric columns);
- mixed-a, mixed-b, mixed-c: ``make_classification`` (3,000 rows, low class
  separation) with 3 of the features binned into categorical columns, cut
  to 5%, 3% and 5% (different seeds, feature counts and separations);
- breast-cancer: the bundled table cut to 10% malignant (sanity check).

Methods: none, none with a decision threshold tuned for balanced accuracy
(``TunedThresholdClassifierCV``, 5 folds: the baseline Elor &
Averbuch-Elor 2022 found no oversampler to beat consistently),
RandomOverSampler, SMOTE (SMOTENC with categorical columns), ADASYN
(numeric tasks only: it has no categorical variant), GANAugmenter with its
defaults (``GANAugmenter(random_state=seed).fit_resample``: half of
each quota generated through the class filter, ``class_filter="auto"`` =
0.5 on tables, half real rows copied, ``synthetic_fraction=0.5``), ctgan
oversampling (``GANAugmenter(engine="ctgan")``, ``--ctgan-epochs``, every
new row from ctgan, no filter) on the Adult tasks only, and variants that
reuse the default's fitted GAN (``class_filter`` and ``synthetic_fraction``
only change what is generated, not the fit):

- "half-half, no filter": the generated half drawn with ``class_filter=None``
  (the default before the filter was on);
- "all generated, filtered (synthetic_fraction=1)": the whole quota from
  ``sample`` through the filter.

Earlier runs of this protocol: ``rebalance_variants_cpu.md`` (the first: the
filter on the encoded rows, strict rounds) and ``rebalance_filter_bench_cpu.md``
(the filter written in this script, on the raw table: the lever the library's
filter now is).

Every resampled training set feeds LogisticRegression and HistGradientBoosting
(``ganaug.metrics.make_classifier``). Reported on the test part: balanced
accuracy, minority-class F1, average precision of the minority class, and the
resampler's fit time. Mean ± std over seeds, and per (task, classifier,
metric) which method has the best mean: the count of wins per method.

    python benchmarks/bench_rebalance.py --seeds 3
    python benchmarks/bench_rebalance.py --seeds 1 --tasks mixed-a digits-9 --name rebalance_smoke
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

import numpy as np
import pandas as pd
from _common import SHARED_DATA, mean_std, write_markdown
from imblearn.over_sampling import ADASYN, SMOTE, SMOTENC, RandomOverSampler
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.metrics import average_precision_score, balanced_accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV, train_test_split

from ganaug import GANAugmenter
from ganaug.datasets import make_rare
from ganaug.metrics import class_fidelity, make_classifier

METRICS = ("balanced accuracy", "minority F1", "average precision")
#: The choices a user has out of the box: issue 25's comparison set (no GAN variants, no ctgan).
SHIPPED = ("none", "none + tuned threshold", "RandomOverSampler", "SMOTE(NC)", "ADASYN", "GANAugmenter")
GAN_VARIANTS = (
    "GANAugmenter",
    "half-half, no filter",
    "all generated, filtered (synthetic_fraction=1)",
)


def _mixed(seed: int, n_features: int, sep: float) -> tuple[pd.DataFrame, pd.Series]:
    X, y = make_classification(
        n_samples=3000,
        n_features=n_features,
        n_informative=max(3, n_features // 2),
        n_redundant=1,
        class_sep=sep,
        flip_y=0.02,
        weights=[0.7, 0.3],
        random_state=seed,
    )
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(n_features)])
    for i, levels in zip(range(3), ("abc", "pqrs", "uvwxyz"), strict=True):
        edges = np.quantile(frame[f"x{i}"], np.linspace(0, 1, len(levels) + 1)[1:-1])
        frame[f"x{i}"] = np.array(list(levels), dtype=object)[np.searchsorted(edges, frame[f"x{i}"])]
    return frame, pd.Series(np.where(y == 1, "pos", "neg"), name="target")


def tasks(names: list[str] | None, adult_rows: int):
    """(name, X, y, minority label, share, training-rows cap)."""
    adult = SHARED_DATA / "adult.csv"
    if adult.exists():
        df = pd.read_csv(adult)
        for share in (0.01, 0.02, 0.05):
            yield f"adult-{share:.0%}", df.drop(columns="income"), df["income"], " >50K", share, adult_rows
    else:
        print("adult tasks skipped: ../shared/data/adult.csv not found")
    digits = load_digits(as_frame=True)
    for digit in (9, 3):
        y = pd.Series(np.where(digits.target == digit, "yes", "no"), name=f"is_{digit}")
        yield f"digits-{digit}", digits.data, y, "yes", 0.05, None
    for name, (seed, features, sep, share) in {
        "mixed-a": (0, 10, 0.6, 0.05),
        "mixed-b": (1, 14, 0.5, 0.03),
        "mixed-c": (2, 8, 0.8, 0.05),
    }.items():
        X, y = _mixed(seed, features, sep)
        yield name, X, y, "pos", share, None
    cancer = load_breast_cancer(as_frame=True)
    y = pd.Series(np.where(cancer.target == 0, "malignant", "benign"), name="diagnosis")
    yield "breast-cancer", cancer.data, y, "malignant", 0.10, None


def split(X, y, minority, share: float, cap: int | None, seed: int):
    """The task's split: stratified 70/30, the training part capped at ``cap`` rows, its minority cut."""
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)
    if cap is not None and len(X_tr) > cap:
        X_tr, _, y_tr, _ = train_test_split(X_tr, y_tr, train_size=cap, stratify=y_tr, random_state=seed)
    X_tr, y_tr = make_rare(X_tr, y_tr, minority, share, random_state=seed)
    return X_tr.reset_index(drop=True), X_te, y_tr.reset_index(drop=True), y_te


def classifier_scores(
    X_fit, y_fit, X_te, y_te, minority, seed: int, tuned: bool = False
) -> dict[str, dict[str, float]]:
    """Per classifier (logistic regression, HistGB) fitted on the resampled rows: the test metrics.

    ``tuned=True``: each classifier's decision threshold is tuned for balanced
    accuracy by 5-fold cross-validation on the fitted rows
    (``TunedThresholdClassifierCV``, the no-resampling baseline of Elor &
    Averbuch-Elor 2022); its probabilities, hence average precision, are the
    untuned model's.
    """
    positive = (y_te == minority).to_numpy()
    out = {}
    for kind in ("logistic", "gbm"):
        model = make_classifier(X_fit, kind, seed)
        if tuned:
            model = TunedThresholdClassifierCV(
                model, scoring="balanced_accuracy", cv=StratifiedKFold(5, shuffle=True, random_state=seed)
            )
        model.fit(X_fit, y_fit)
        pred = model.predict(X_te) == minority
        score = model.predict_proba(X_te)[:, list(model.classes_).index(minority)]
        out["LogisticRegression" if kind == "logistic" else "HistGB"] = {
            "balanced accuracy": balanced_accuracy_score(positive, pred),
            "minority F1": f1_score(positive, pred),
            "average precision": average_precision_score(positive, score),
        }
    return out


def _add(X_tr, y_tr, new_rows, minority, seconds: float):
    """The training table with ``new_rows`` of the minority class appended (and the fit seconds)."""
    X_fit = pd.concat([X_tr, new_rows], ignore_index=True)
    y_fit = pd.concat([y_tr, pd.Series([minority] * len(new_rows), name=y_tr.name)], ignore_index=True)
    return X_fit, y_fit, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--ctgan-epochs", type=int, default=50)
    parser.add_argument("--adult-rows", type=int, default=8000, help="Adult training rows (before the cut)")
    parser.add_argument("--tasks", nargs="+", default=None, help="run only these tasks")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--name", default=None, help="result file name (default rebalance_<device>)")
    parser.add_argument(
        "--raw",
        default=None,
        help="also write the measurements so far to this CSV (and the notes to <raw>.notes.csv) after "
        "each task and seed, so that runs split by --tasks can be merged",
    )
    parser.add_argument(
        "--merge", nargs="+", default=None, help="write the tables from these --raw CSVs of earlier runs"
    )
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    if args.merge:
        frame = pd.concat([pd.read_csv(p) for p in args.merge], ignore_index=True)
        notes = pd.concat([pd.read_csv(f"{p}.notes.csv") for p in args.merge], ignore_index=True)
        runs = "; ".join(f"`{c}`" for c in dict.fromkeys(frame.pop("run")))
        origin = "Merged from runs split by task" if len(args.merge) > 1 else "Tables rewritten from the run"
        report(frame, notes, args, f"{origin}: {runs}. ")
        return
    rows, notes = [], []
    command = "python " + " ".join(sys.argv)
    for task, X, y, minority, share, cap in tasks(args.tasks, args.adult_rows):
        if args.tasks and task not in args.tasks:
            continue
        for seed in range(args.seeds):
            X_tr, X_te, y_tr, y_te = split(X, y, minority, share, cap, seed)
            quota = int((y_tr != minority).sum() - (y_tr == minority).sum())
            categorical = [c for c in X_tr.columns if not pd.api.types.is_numeric_dtype(X_tr[c])]
            methods = {
                "none": None,
                "RandomOverSampler": RandomOverSampler(random_state=seed),
                "SMOTE(NC)": SMOTENC(categorical_features=categorical, random_state=seed)
                if categorical
                else SMOTE(random_state=seed),
            }
            if not categorical:
                methods["ADASYN"] = ADASYN(random_state=seed)
            if task.startswith("adult") and args.ctgan_epochs:
                methods[f"ctgan oversampling ({args.ctgan_epochs} ep)"] = GANAugmenter(
                    engine="ctgan",
                    epochs=args.ctgan_epochs,
                    synthetic_fraction=1.0,  # every new row from ctgan, as ctgan users oversample
                    random_state=seed,
                    device=args.device,
                )
            fitted = {"none + tuned threshold": (X_tr, y_tr, 0.0)}
            for method, sampler in methods.items():
                start = time.perf_counter()
                fitted[method] = (X_tr, y_tr) if sampler is None else sampler.fit_resample(X_tr, y_tr)
                fitted[method] = (*fitted[method], time.perf_counter() - start)
            aug = GANAugmenter(random_state=seed, device=args.device)
            start = time.perf_counter()
            X_gan, y_gan = aug.fit_resample(X_tr, y_tr)
            gan_seconds = time.perf_counter() - start
            fitted["GANAugmenter"] = (X_gan, y_gan, gan_seconds)
            # the other variants reuse this fit (class_filter and synthetic_fraction do not change it)
            acceptance = aug.filter_acceptance_.get(minority, float("nan"))
            all_new, _ = aug.sample(quota, y=minority, random_state=seed + 1)
            fitted["all generated, filtered (synthetic_fraction=1)"] = _add(
                X_tr, y_tr, all_new, minority, gan_seconds
            )
            aug.set_params(class_filter=None)
            plain_half, _ = aug.sample(aug.n_synthetic_, y=minority, random_state=seed + 3)
            aug.set_params(class_filter="auto")
            plain_labels = np.repeat(minority, len(plain_half))
            fidelity = class_fidelity(X_tr, y_tr, plain_half, plain_labels, random_state=seed)
            real_minority = X_tr[y_tr == minority]
            half = quota - aug.n_synthetic_
            copies = real_minority.iloc[np.random.default_rng(seed).integers(0, len(real_minority), half)]
            fitted["half-half, no filter"] = _add(
                X_tr, y_tr, pd.concat([plain_half, copies]), minority, gan_seconds
            )
            notes.append(
                {
                    "task": task,
                    "seed": seed,
                    "filter acceptance": acceptance,
                    "class fidelity (no filter)": float(fidelity.loc[minority, "ratio"]),
                    "GAN steps": aug.n_iter_,
                    "generated rows (default)": aug.n_synthetic_,
                    "quota": quota,
                }
            )
            for method, (X_fit, y_fit, seconds) in fitted.items():
                tuned = method == "none + tuned threshold"
                scores_of = classifier_scores(X_fit, y_fit, X_te, y_te, minority, seed, tuned=tuned)
                for classifier, scores in scores_of.items():
                    rows.append(
                        {
                            "task": task,
                            "classifier": classifier,
                            "method": method,
                            "seed": seed,
                            **scores,
                            "resampler fit (s)": seconds,
                        }
                    )
                    print(
                        {k: (round(v, 4) if isinstance(v, float) else v) for k, v in rows[-1].items()},
                        flush=True,
                    )
            if args.raw:
                pd.DataFrame(rows).assign(run=command).to_csv(args.raw, index=False)
                pd.DataFrame(notes).to_csv(f"{args.raw}.notes.csv", index=False)
    report(pd.DataFrame(rows), pd.DataFrame(notes), args)


def report(frame: pd.DataFrame, notes: pd.DataFrame, args, provenance: str = "") -> None:
    """Wins, GAN variants against RandomOverSampler, notes and mean ± std, into the results file."""
    n_seeds = frame["seed"].nunique()
    means = frame.groupby(["task", "classifier", "method"])[list(METRICS)].mean()
    wins = []
    for metric in METRICS:
        best = means[metric].groupby(level=["task", "classifier"]).idxmax()
        counts = pd.Series([b[2] for b in best]).value_counts()
        wins.append(counts.rename(metric))
    wins_table = pd.concat(wins, axis=1).fillna(0).astype(int)
    wins_table["total"] = wins_table.sum(axis=1)
    shipped = means[means.index.get_level_values("method").isin(SHIPPED)]
    shipped_wins = []
    for metric in METRICS:
        best = shipped[metric].groupby(level=["task", "classifier"]).idxmax()
        shipped_wins.append(pd.Series([b[2] for b in best]).value_counts().rename(metric))
    shipped_table = pd.concat(shipped_wins, axis=1).reindex(list(SHIPPED)).fillna(0).astype(int)
    shipped_table["total"] = shipped_table.sum(axis=1)
    cells = len(means.groupby(level=["task", "classifier"]))
    gan_vs_ros = []
    for metric in METRICS:
        m = means[metric].unstack("method")
        for variant in GAN_VARIANTS:
            gan_vs_ros.append(
                {
                    "method": variant,
                    "metric": metric,
                    "beats RandomOverSampler (cells)": int((m[variant] > m["RandomOverSampler"]).sum()),
                    "mean difference": float((m[variant] - m["RandomOverSampler"]).mean()),
                }
            )
    head = []
    for metric in METRICS:
        m = means[metric].unstack("method")
        diff = m["GANAugmenter"] - m["half-half, no filter"]
        head.append(
            {
                "metric": metric,
                "filter better (cells)": int((diff > 0).sum()),
                "filter worse (cells)": int((diff < 0).sum()),
                "mean difference": float(diff.mean()),
            }
        )
    ap = means["average precision"].unstack("method")
    ap_kept = pd.DataFrame(
        {
            "AP within 0.01 of none (cells)": (ap.sub(ap["none"], axis=0) >= -0.01).sum(),
            "worst AP - none": ap.sub(ap["none"], axis=0).min(),
        }
    ).drop(index="none")
    intro = (
        "Stratified 70/30 split, then the training part's minority class cut to the task's share; "
        f"Adult's training part first cut to {args.adult_rows:,} random rows. The test part keeps the "
        f"natural rate. {n_seeds} seeds, mean ± std. Every resampler at its defaults "
        "(sampling_strategy 'auto': minority raised to the majority count); GANAugmenter with "
        "its defaults (class_filter='auto' = 0.5 on tables, synthetic_fraction=0.5). The other GAN "
        "variants reuse the default's fitted GAN "
        "(fit time = its fit_resample). "
        "ADASYN runs on the numeric tasks only; ctgan oversampling on the Adult tasks only. "
        "Wins: per (task, classifier, metric), the method with the best mean "
        f"({cells} task x classifier cells per metric). Fit seconds are wall time on this machine "
        "and only indicative when other jobs ran; 'none + tuned threshold' resamples nothing (0 s): "
        "its cost is the classifier's 5-fold threshold search. " + provenance
    )
    write_markdown(
        args.name or f"rebalance_{args.device}",
        "Rebalancing: GANAugmenter vs RandomOverSampler, SMOTE(NC), ADASYN, ctgan",
        intro,
        {
            "Wins per method (best mean per task x classifier)": wins_table.sort_values(
                "total", ascending=False
            ),
            "Wins among the shipped choices (the default GANAugmenter against no resampling, the tuned "
            "threshold and imblearn's oversamplers; no GAN variants, no ctgan)": shipped_table.sort_values(
                "total", ascending=False
            ),
            "GAN variants against RandomOverSampler (task x classifier cells)": pd.DataFrame(gan_vs_ros),
            "The class filter: default against the same fit without it (task x classifier cells)": (
                pd.DataFrame(head)
            ),
            "Ranking kept: average precision against no resampling (task x classifier cells)": ap_kept,
            "GAN steps, generated rows, filter acceptance (share of the 3x draws at or above 0.5), "
            "class fidelity of unfiltered minority rows (ganaug.metrics.class_fidelity ratio)": notes,
            "Mean ± std over seeds": mean_std(frame, ["task", "classifier", "method"]),
        },
    )


if __name__ == "__main__":
    main()
