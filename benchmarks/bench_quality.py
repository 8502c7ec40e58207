"""Synthetic-data quality on UCI Adult: ganaug vs ctgan, same run, equal epochs and equal wall time.

80/20 split (stratified on income). Each model learns the 80% (income
included, unconditional), then generates as many rows. Scores, all from
``ganaug.metrics``: column shapes / pair trends / quality (SDMetrics' quality
report) against the training rows, detection ROC-AUC (gradient boosting and
logistic regression telling training rows from synthetic ones, 10,000 of
each), and TSTR (HistGradientBoosting trained on synthetic rows, tested on the
real 20%). The "real" row is the reference: quality and detection of the
held-out real rows, TSTR of the real training rows (train on real).

    python benchmarks/bench_quality.py --epochs 30 --seeds 3
"""

from __future__ import annotations

import argparse
import time

import pandas as pd
from _common import ADULT_DISCRETE, load_adult, mean_std, write_markdown
from sklearn.model_selection import train_test_split

from ganaug import GANAugmenter, metrics

N_DETECT = 10_000


def score(
    name: str,
    seed: int,
    train: pd.DataFrame,
    test: pd.DataFrame,
    synth: pd.DataFrame,
    epochs: int,
    seconds: float,
    fidelity_rows: pd.DataFrame | None = None,
) -> dict:
    """Scores of ``synth``; ``fidelity_rows`` (default: ``synth``) replace it for quality and detection."""
    synth = synth[train.columns]
    fidelity = synth if fidelity_rows is None else fidelity_rows[train.columns]
    quality = metrics.quality_score(train, fidelity)
    real_d = train.sample(min(N_DETECT, len(train)), random_state=seed)
    synth_d = fidelity.sample(min(N_DETECT, len(fidelity)), random_state=seed)
    row = {
        "method": name,
        "seed": seed,
        "epochs": epochs,
        "fit seconds": seconds,
        **quality,
        "detection AUC (GBM)": metrics.detection_auc(real_d, synth_d, kind="gbm", random_state=seed),
        "detection AUC (logistic)": metrics.detection_auc(
            real_d, synth_d, kind="logistic", random_state=seed
        ),
    }
    private = metrics.privacy(train, fidelity, test, random_state=seed)
    row.update(
        {
            "DCR median (synthetic)": private["dcr_synthetic_median"],
            "DCR median (held-out real)": private["dcr_holdout_median"],
            "exact copies (synthetic)": private["copies_synthetic"],
            "exact copies (held-out real)": private["copies_holdout"],
        }
    )
    X_s, y_s = synth.drop(columns="income"), synth["income"]
    X_t, y_t = test.drop(columns="income"), test["income"]
    if y_s.nunique() < 2:
        row.update(
            {"TSTR accuracy": float("nan"), "TSTR macro F1": float("nan"), "TSTR ROC AUC": float("nan")}
        )
    else:
        t = metrics.tstr(X_s, y_s, X_t, y_t, random_state=seed)
        row.update(
            {"TSTR accuracy": t["accuracy"], "TSTR macro F1": t["macro_f1"], "TSTR ROC AUC": t["roc_auc"]}
        )
    print({k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}, flush=True)
    return row


def fit_ctgan(train: pd.DataFrame, epochs: int, seed: int) -> tuple[pd.DataFrame, float]:
    from ctgan import CTGAN

    model = CTGAN(epochs=epochs, batch_size=500, pac=10, enable_gpu=False)
    model.set_random_state(seed)
    start = time.perf_counter()
    model.fit(train, ADULT_DISCRETE)
    seconds = time.perf_counter() - start
    return model.sample(len(train)), seconds


def fit_ganaug(train: pd.DataFrame, epochs: int, seed: int, device: str) -> tuple[pd.DataFrame, float, float]:
    model = GANAugmenter(epochs=epochs, batch_size=500, pac=10, device=device, random_state=seed)
    start = time.perf_counter()
    model.fit(train)
    seconds = time.perf_counter() - start
    per_epoch = sum(h["seconds"] for h in model.history_) / len(model.history_)
    return model.sample(len(train))[0], seconds, per_epoch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--data", default=None)
    args = parser.parse_args()
    df = load_adult(args.data)
    rows = []
    for seed in range(args.seeds):
        train, test = train_test_split(df, test_size=0.2, stratify=df["income"], random_state=seed)
        # reference: a fresh real sample (the held-out rows) for quality and detection,
        # the training rows themselves for TSTR
        rows.append(score("real", seed, train, test, train, 0, 0.0, fidelity_rows=test))
        synth, ct_seconds = fit_ctgan(train, args.epochs, seed)
        rows.append(score("ctgan", seed, train, test, synth, args.epochs, ct_seconds))
        synth, ga_seconds, per_epoch = fit_ganaug(train, args.epochs, seed, args.device)
        rows.append(score("ganaug, equal epochs", seed, train, test, synth, args.epochs, ga_seconds))
        wall_epochs = max(args.epochs, int(ct_seconds / per_epoch))
        synth, seconds, _ = fit_ganaug(train, wall_epochs, seed, args.device)
        rows.append(score("ganaug, equal wall time", seed, train, test, synth, wall_epochs, seconds))
    frame = pd.DataFrame(rows)
    order = ["real", "ctgan", "ganaug, equal epochs", "ganaug, equal wall time"]
    table = mean_std(frame, ["method"]).reindex(order)
    intro = (
        f"UCI Adult ({len(df):,} rows), 80/20 split stratified on income, {args.seeds} seeds "
        f"(mean ± std). ctgan and ganaug at {args.epochs} epochs, batch 500, pac 10, (256, 256) "
        "networks, on the CPU; the equal-wall-time run gives ganaug as many epochs as fit in "
        "ctgan's measured fit time. Quality scores: higher is better (1 = identical). Detection "
        "AUC: lower is better (0.5 = indistinguishable). TSTR: train on synthetic, test on the real 20%. "
        "Privacy (ganaug.metrics.privacy, 5,000 rows each): distance to the closest training record "
        "(numbers min-max scaled, categories one-hot) and share of exact copies of training rows, for "
        "the synthetic rows and for the held-out real 20% (what a model that copies nothing should match)."
    )
    write_markdown(
        f"quality_adult_{args.device}",
        "Quality: ganaug vs ctgan on Adult",
        intro,
        {"Mean ± std over seeds": table},
    )


if __name__ == "__main__":
    main()
