"""Synthetic-data quality on UCI Adult: ganaug vs ctgan and TVAE, same run.

80/20 split (stratified on income). Each model learns the 80% (income
included, unconditional), then generates as many rows. Scores, all from
``ganaug.metrics``: column shapes / pair trends / quality (SDMetrics' quality
report) against the training rows, detection ROC-AUC (gradient boosting and
logistic regression telling training rows from synthetic ones, 10,000 of
each), and TSTR (HistGradientBoosting trained on synthetic rows, tested on the
real 20%). The "real" row is the reference: quality and detection of the
held-out real rows, TSTR of the real training rows (train on real).

    python benchmarks/bench_quality.py --epochs 30 --seeds 3

``--protocol reference`` runs the references at their own defaults instead:
ctgan at its default 300 epochs and TVAE (``ctgan.TVAE``, defaults), then
ganaug with its defaults and ganaug given 1/10 and 1/20 of ctgan-300's
measured fit time (epochs from the default run's seconds per epoch). A
"fit time / ctgan-300" column gives each method's ratio. ``--raw`` keeps the
rows after each method (a 300-epoch ctgan fit takes about half an hour on
2 cores), ``--merge`` reports from such files:

    python benchmarks/bench_quality.py --protocol reference --seeds 1 --raw /tmp/q0.csv
    python benchmarks/bench_quality.py --protocol reference --seeds 2 --first-seed 1 --raw /tmp/q12.csv
    python benchmarks/bench_quality.py --protocol reference --merge /tmp/q0.csv /tmp/q12.csv
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


def fit_tvae(train: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, float]:
    from ctgan import TVAE

    model = TVAE(enable_gpu=False)
    model.set_random_state(seed)
    start = time.perf_counter()
    model.fit(train, ADULT_DISCRETE)
    seconds = time.perf_counter() - start
    return model.sample(len(train)), seconds


def fit_ganaug(
    train: pd.DataFrame, epochs: int | str, seed: int, device: str, defaults: bool = False
) -> tuple[pd.DataFrame, float, float, float]:
    """Rows, fit seconds, seconds per epoch and epochs; ``defaults``: batch size and pac "auto"."""
    fixed = {} if defaults else {"batch_size": 500, "pac": 10}
    model = GANAugmenter(epochs=epochs, device=device, random_state=seed, **fixed)
    start = time.perf_counter()
    model.fit(train)
    seconds = time.perf_counter() - start
    per_epoch = sum(h["seconds"] for h in model.history_) / model.history_[-1]["epoch"]
    return model.sample(len(train))[0], seconds, per_epoch, model.history_[-1]["epoch"]


PRIVACY_TEXT = (
    "Quality scores: higher is better (1 = identical). Detection AUC: lower is better (0.5 = "
    "indistinguishable). TSTR: train on synthetic, test on the real 20%. Privacy "
    "(ganaug.metrics.privacy, 5,000 rows each): distance to the closest training record (numbers "
    "min-max scaled, categories one-hot) and share of exact copies of training rows, for the "
    "synthetic rows and for the held-out real 20% (what a model that copies nothing should match)."
)
REFERENCE_ORDER = [
    "real",
    "ctgan (300 epochs, defaults)",
    "TVAE (defaults)",
    "ganaug (defaults)",
    "ganaug, 1/10 of ctgan-300's time",
    "ganaug, 1/20 of ctgan-300's time",
]


def run_equal(train, test, seed, args) -> list[dict]:
    """ctgan and ganaug at ``args.epochs``, then ganaug at ctgan's wall time."""
    rows = []
    synth, ct_seconds = fit_ctgan(train, args.epochs, seed)
    rows.append(score("ctgan", seed, train, test, synth, args.epochs, ct_seconds))
    synth, ga_seconds, per_epoch, _ = fit_ganaug(train, args.epochs, seed, args.device)
    rows.append(score("ganaug, equal epochs", seed, train, test, synth, args.epochs, ga_seconds))
    wall_epochs = max(args.epochs, int(ct_seconds / per_epoch))
    synth, seconds, _, _ = fit_ganaug(train, wall_epochs, seed, args.device)
    rows.append(score("ganaug, equal wall time", seed, train, test, synth, wall_epochs, seconds))
    return rows


def run_reference(train, test, seed, args, keep) -> list[dict]:
    """ctgan-300, ganaug's defaults, ganaug at 1/10 and 1/20 of ctgan-300's time, TVAE."""
    rows = []
    synth, ct_seconds = fit_ctgan(train, 300, seed)
    rows.append(score(REFERENCE_ORDER[1], seed, train, test, synth, 300, ct_seconds))
    keep(rows)
    synth, seconds, per_epoch, epochs = fit_ganaug(train, "auto", seed, args.device, defaults=True)
    rows.append(score(REFERENCE_ORDER[3], seed, train, test, synth, epochs, seconds))
    keep(rows)
    for share, name in ((10, REFERENCE_ORDER[4]), (20, REFERENCE_ORDER[5])):
        epochs = max(1, int(ct_seconds / share / per_epoch))
        synth, seconds, _, _ = fit_ganaug(train, epochs, seed, args.device, defaults=True)
        rows.append(score(name, seed, train, test, synth, epochs, seconds))
        keep(rows)
    synth, seconds = fit_tvae(train, seed)
    rows.append(score(REFERENCE_ORDER[2], seed, train, test, synth, 300, seconds))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--protocol", choices=["equal", "reference"], default="equal")
    parser.add_argument("--epochs", type=int, default=30, help="epochs of the equal protocol")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0, help="run seeds first-seed, first-seed + 1, ...")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--data", default=None)
    parser.add_argument("--raw", default=None, help="write the rows so far to this CSV after each method")
    parser.add_argument("--merge", nargs="+", default=None, help="report from these --raw CSVs")
    args = parser.parse_args()
    df = load_adult(args.data)
    rows: list[dict] = []

    def keep(new: list[dict]) -> None:
        if args.raw:
            pd.DataFrame(rows + new).to_csv(args.raw, index=False)

    if args.merge:
        frame = pd.concat([pd.read_csv(p) for p in args.merge], ignore_index=True)
    else:
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            train, test = train_test_split(df, test_size=0.2, stratify=df["income"], random_state=seed)
            # reference: a fresh real sample (the held-out rows) for quality and detection,
            # the training rows themselves for TSTR
            rows.append(score("real", seed, train, test, train, 0, 0.0, fidelity_rows=test))
            if args.protocol == "equal":
                rows += run_equal(train, test, seed, args)
            else:
                rows += run_reference(train, test, seed, args, keep)
            keep([])
        frame = pd.DataFrame(rows)
    n_seeds = frame["seed"].nunique()
    if args.protocol == "equal":
        order = ["real", "ctgan", "ganaug, equal epochs", "ganaug, equal wall time"]
        intro = (
            f"UCI Adult ({len(df):,} rows), 80/20 split stratified on income, {n_seeds} seeds "
            f"(mean ± std). ctgan and ganaug at {args.epochs} epochs, batch 500, pac 10, (256, 256) "
            "networks, on the CPU; the equal-wall-time run gives ganaug as many epochs as fit in "
            f"ctgan's measured fit time. {PRIVACY_TEXT}"
        )
        name, title = f"quality_adult_{args.device}", "Quality: ganaug vs ctgan on Adult"
    else:
        order = [m for m in REFERENCE_ORDER if m in set(frame["method"])]
        ctgan300 = frame[frame["method"] == REFERENCE_ORDER[1]].set_index("seed")["fit seconds"]
        frame["fit time / ctgan-300"] = frame["fit seconds"] / frame["seed"].map(ctgan300)
        intro = (
            f"UCI Adult ({len(df):,} rows), 80/20 split stratified on income, {n_seeds} seeds "
            "(mean ± std), on the CPU. ctgan at its default 300 epochs (batch 500, pac 10) and TVAE "
            "(`ctgan.TVAE()`, 300 epochs) are the references; ganaug runs with its defaults "
            '(`GANAugmenter(random_state=seed).fit(train)`: epochs, batch size and pac "auto"), and '
            "with the epochs that fit in 1/10 and 1/20 of ctgan-300's measured fit time (from the "
            "default run's seconds per epoch; everything else default). The epochs column of "
            f"ganaug (defaults) is the number its rule chose. {PRIVACY_TEXT}"
        )
        name = f"quality_adult_reference_{args.device}"
        title = "Quality: ganaug vs ctgan-300 and TVAE on Adult"
    table = mean_std(frame, ["method"]).reindex(order)
    write_markdown(name, title, intro, {"Mean ± std over seeds": table})


if __name__ == "__main__":
    main()
