"""Rebalancing: GANAugmenter vs no resampling, RandomOverSampler, SMOTE(NC) and ctgan oversampling.

Tasks (each: stratified 70/30 split first, then the minority class of the
*training* part cut to 5% of it; the test part keeps the natural rate):

- adult: UCI Adult from ../shared/data, income >50K (mixed types, SMOTENC);
- digits-9: scikit-learn's bundled digits, "is it a 9" (64 numeric columns, SMOTE).

Each resampled training set feeds LogisticRegression and HistGradientBoosting
(``ganaug.metrics.make_classifier``). Reported on the test part: balanced
accuracy, minority-class F1, average precision of the minority class, and the
resampler's fit time. Mean ± std over seeds, all methods in the same run.

    python benchmarks/bench_rebalance.py --seeds 3
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from _common import SHARED_DATA, mean_std, write_markdown
from imblearn.over_sampling import SMOTE, SMOTENC, RandomOverSampler
from sklearn.datasets import load_digits
from sklearn.metrics import average_precision_score, balanced_accuracy_score, f1_score
from sklearn.model_selection import train_test_split

from ganaug import GANAugmenter
from ganaug.datasets import make_rare
from ganaug.metrics import make_classifier


def tasks():
    adult = SHARED_DATA / "adult.csv"
    if adult.exists():
        df = pd.read_csv(adult)
        yield "adult", df.drop(columns="income"), df["income"], " >50K", 500, 100
    else:
        print("adult skipped: ../shared/data/adult.csv not found")
    digits = load_digits(as_frame=True)
    y = pd.Series(np.where(digits.target == 9, "nine", "other"), name="is_nine")
    yield "digits-9", digits.data, y, "nine", 100, 300


def resamplers(X: pd.DataFrame, seed: int, batch: int, ganaug_epochs: int, ctgan_epochs: int, device: str):
    categorical = [c for c in X.columns if X[c].dtype == object]
    smote = (
        SMOTENC(categorical_features=categorical, random_state=seed)
        if categorical
        else SMOTE(random_state=seed)
    )
    return {
        "none": None,
        "RandomOverSampler": RandomOverSampler(random_state=seed),
        type(smote).__name__: smote,
        f"ctgan oversampling ({ctgan_epochs} ep)": GANAugmenter(
            engine="ctgan", epochs=ctgan_epochs, batch_size=batch, random_state=seed, device=device
        ),
        f"GANAugmenter ({ganaug_epochs} ep)": GANAugmenter(
            epochs=ganaug_epochs, batch_size=batch, random_state=seed, device=device
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--ctgan-epochs", type=int, default=50)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    rows = []
    for task, X, y, minority, batch, ganaug_epochs in tasks():
        for seed in range(args.seeds):
            X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)
            X_tr, y_tr = make_rare(X_tr, y_tr, minority, 0.05, random_state=seed)
            positive = (y_te == minority).to_numpy()
            for method, sampler in resamplers(
                X_tr, seed, batch, ganaug_epochs, args.ctgan_epochs, args.device
            ).items():
                start = time.perf_counter()
                X_fit, y_fit = (X_tr, y_tr) if sampler is None else sampler.fit_resample(X_tr, y_tr)
                seconds = time.perf_counter() - start
                for kind in ("logistic", "gbm"):
                    model = make_classifier(X_fit, kind, seed).fit(X_fit, y_fit)
                    pred = model.predict(X_te) == minority
                    score = model.predict_proba(X_te)[:, list(model.classes_).index(minority)]
                    rows.append(
                        {
                            "task": task,
                            "classifier": "LogisticRegression" if kind == "logistic" else "HistGB",
                            "method": method,
                            "seed": seed,
                            "balanced accuracy": balanced_accuracy_score(positive, pred),
                            "minority F1": f1_score(positive, pred),
                            "average precision": average_precision_score(positive, score),
                            "resampler fit (s)": seconds,
                        }
                    )
                    print(
                        {k: (round(v, 4) if isinstance(v, float) else v) for k, v in rows[-1].items()},
                        flush=True,
                    )
    frame = pd.DataFrame(rows)
    table = mean_std(frame, ["task", "classifier", "method"])
    intro = (
        "Stratified 70/30 split, then the training part's minority class cut to 5% of it; the "
        f"test part keeps the natural rate. {args.seeds} seeds, mean ± std. Both GANs use batch "
        "500 on adult and 100 on digits-9; ctgan oversampling = GANAugmenter(engine='ctgan'), "
        "whose class rows come from conditioned sampling plus rejection. Default "
        "sampling_strategy ('auto': minority raised to the majority count) for every resampler."
    )
    write_markdown(
        f"rebalance_{args.device}",
        "Rebalancing: GANAugmenter vs SMOTE, RandomOverSampler, ctgan",
        intro,
        {"Mean ± std over seeds": table},
    )


if __name__ == "__main__":
    main()
