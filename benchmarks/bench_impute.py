"""Imputation: GANImputer vs scikit-learn's imputers, GAIN's protocol, same run.

Each column is min-max normalised with the complete data's min and range;
entries are removed by a mechanism, imputed, and scored by the RMSE over the
removed numeric entries (pooled) and the accuracy over removed categorical
entries. Mechanisms: MCAR at 20% / 50%; MAR (a column's entries go missing
three times as often when the row's first, always-observed, column is above
its median); MNAR (entries above their column's median go missing three times
as often). Methods: SimpleImputer (mean / most frequent), KNNImputer,
IterativeImputer(BayesianRidge), IterativeImputer(ExtraTreesRegressor) as a
MissForest stand-in, GANImputer; datasets: scikit-learn's breast cancer, wine,
diabetes and digits, a 5,000-row sample of Adult and ``mnist_7x7`` (the first
5,000 of the 10,000 unlabelled MNIST digits of ../shared/data, average-pooled
4x4 to 7x7 = 49 numeric columns with neighbourhood structure); on digits also GANImputer(image_shape=(8, 8)),
which sees the 64 pixels as an image (convolutional inpainting). Baselines see categoricals as ordinal codes
(rounded back to a valid code); GANImputer takes the table as it is.

    python benchmarks/bench_impute.py --seeds 3
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from _common import SHARED_DATA, mean_std, write_markdown
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine
from sklearn.ensemble import ExtraTreesRegressor, HistGradientBoostingClassifier
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from ganaug import GANImputer
from ganaug.metrics import make_classifier

ADULT_ROWS = 5000
MNIST_ROWS = 5000


def datasets(names: list[str]):
    loaders = {
        "breast_cancer": load_breast_cancer,
        "wine": load_wine,
        "diabetes": load_diabetes,
        "digits": load_digits,
    }
    for name in names:
        if name == "adult":
            path = SHARED_DATA / "adult.csv"
            if not path.exists():
                print("adult skipped: ../shared/data/adult.csv not found")
                continue
            df = pd.read_csv(path).sample(ADULT_ROWS, random_state=0).reset_index(drop=True)
            yield name, df
        elif name == "mnist_7x7":
            path = SHARED_DATA / "mnist_images_10k.npz"
            if not path.exists():
                print("mnist_7x7 skipped: ../shared/data/mnist_images_10k.npz not found")
                continue
            with np.load(path) as f:
                pixels = f["data"][:MNIST_ROWS].astype(float)
            pooled = pixels.reshape(-1, 7, 4, 7, 4).mean(axis=(2, 4)).reshape(len(pixels), 49)
            yield name, pd.DataFrame(pooled, columns=[f"p{i}" for i in range(49)])
        else:
            yield name, loaders[name](as_frame=True).data


def remove(frame: pd.DataFrame, mechanism: str, rng: np.random.Generator) -> np.ndarray:
    """Boolean mask of the entries to remove (never a whole row; MAR keeps column 0)."""
    n, p = frame.shape
    u = rng.random((n, p))
    if mechanism.startswith("mcar"):
        holes = u < int(mechanism[4:]) / 100
    else:
        rate = 0.2
        if mechanism == "mar":
            driver = pd.to_numeric(frame.iloc[:, 0], errors="coerce").rank(pct=True).to_numpy()
            high = np.repeat((driver > 0.5)[:, None], p, axis=1)
        else:  # mnar: by the entry's own value (categoricals: by their code)
            codes = frame.apply(lambda c: c.astype("category").cat.codes if is_categorical(c) else c)
            high = (codes.rank(pct=True) > 0.5).to_numpy()
        holes = u < np.where(high, 1.5 * rate, 0.5 * rate)
        if mechanism == "mar":
            holes[:, 0] = False
    full = holes.all(axis=1)
    holes[full, rng.integers(0, p, full.sum())] = False
    return holes


def categories_of(frame: pd.DataFrame) -> dict:
    """The categories of each object column, fixed once from the complete data."""
    return {c: sorted(frame[c].dropna().unique()) for c in frame.columns if is_categorical(frame[c])}


def is_categorical(column: pd.Series) -> bool:
    """Strings (object under pandas 2, ``str`` under pandas 3) are the categorical columns."""
    return not pd.api.types.is_numeric_dtype(column)


def ordinal(frame: pd.DataFrame, categories: dict) -> np.ndarray:
    """Numeric matrix with categoricals as codes of ``categories`` (missing as NaN)."""
    cols = []
    for c in frame.columns:
        if c in categories:
            codes = pd.Categorical(frame[c], categories=categories[c]).codes.astype(float)
            codes[codes < 0] = np.nan
            cols.append(codes)
        else:
            cols.append(pd.to_numeric(frame[c]).to_numpy(float))
    return np.column_stack(cols)


def baselines(seed: int) -> dict:
    return {
        "mean / most frequent": None,
        "KNNImputer": KNNImputer(),
        "Iterative(BayesianRidge)": IterativeImputer(random_state=seed, max_iter=10),
        "Iterative(ExtraTrees)": IterativeImputer(
            ExtraTreesRegressor(n_estimators=10, random_state=seed, n_jobs=1), random_state=seed, max_iter=10
        ),
    }


def impute_baseline(method, holed: pd.DataFrame, is_cat: np.ndarray, categories: dict) -> np.ndarray:
    X = ordinal(holed, categories)
    if method is None:
        out = X.copy()
        for j in range(X.shape[1]):
            col = X[:, j]
            fill = pd.Series(col).mode().iloc[0] if is_cat[j] else np.nanmean(col)
            out[np.isnan(col), j] = fill
        return out
    lo, hi = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
    scale = np.where(hi > lo, hi - lo, 1.0)
    out = method.fit_transform((X - lo) / scale) * scale + lo  # scaled, as KNN needs
    out[:, is_cat] = np.clip(np.round(out[:, is_cat]), lo[is_cat], hi[is_cat])
    return out


def score(truth: pd.DataFrame, imputed: np.ndarray, holes: np.ndarray, is_cat: np.ndarray) -> dict:
    true_num = ordinal(truth, categories_of(truth))
    num = ~is_cat
    lo, hi = true_num.min(axis=0), true_num.max(axis=0)
    rng_ = np.where(hi > lo, hi - lo, 1.0)
    err = ((imputed[:, num] - true_num[:, num]) / rng_[num])[holes[:, num]]
    row = {"RMSE": float(np.sqrt(np.mean(err**2)))}
    if is_cat.any():
        row["categorical accuracy"] = float(
            np.mean((imputed[:, is_cat] == true_num[:, is_cat])[holes[:, is_cat]])
        )
    return row


def downstream(seed: int) -> list[dict]:
    path = SHARED_DATA / "adult.csv"
    if not path.exists():
        return []
    df = pd.read_csv(path).sample(ADULT_ROWS, random_state=seed).reset_index(drop=True)
    y = df.pop("income")
    holed = df.mask(np.random.default_rng(seed).random(df.shape) < 0.2)
    categories = categories_of(df)
    to_codes = FunctionTransformer(lambda X: ordinal(pd.DataFrame(X, columns=df.columns), categories))
    pipes = {
        "GANImputer + HistGB": make_pipeline(GANImputer(random_state=seed), make_classifier(df, "gbm", seed)),
        "IterativeImputer + HistGB": make_pipeline(
            to_codes, IterativeImputer(random_state=seed), HistGradientBoostingClassifier(random_state=seed)
        ),
    }
    rows = []
    for name, pipe in pipes.items():
        start = time.perf_counter()
        acc = cross_val_score(pipe, holed, y, cv=3).mean()
        rows.append(
            {"pipeline": name, "seed": seed, "CV accuracy": acc, "seconds": time.perf_counter() - start}
        )
        print(rows[-1], flush=True)
    return rows


def warm_up() -> None:
    """One tiny GANImputer fit before any timing: the process's one-time torch start-up.

    The first fit in a process pays about a second of torch start-up (thread
    pool, first kernels) that later fits do not; without this, whichever
    setting runs first pays it.
    """
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(64, 3)), columns=["a", "b", "c"])
    GANImputer(max_steps=2, random_state=0).fit_transform(frame.mask(rng.random(frame.shape) < 0.2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--datasets",
        nargs="+",
        default=["breast_cancer", "wine", "diabetes", "digits", "adult", "mnist_7x7"],
    )
    parser.add_argument("--mechanisms", nargs="+", default=["mcar20", "mcar50", "mar", "mnar"])
    parser.add_argument(
        "--extra-seeds",
        type=int,
        default=None,
        help="seeds for the mechanisms other than mcar20 (default: --seeds)",
    )
    parser.add_argument(
        "--extra-datasets",
        nargs="+",
        default=None,
        help="datasets that get the mechanisms other than mcar20 (default: all)",
    )
    parser.add_argument("--no-downstream", action="store_true")
    parser.add_argument("--bf16", action="store_true", help="also GANImputer(precision='bfloat16')")
    parser.add_argument("--name", default="impute_cpu", help="result file name (without .md)")
    parser.add_argument(
        "--downstream-only",
        action="store_true",
        help="run only the downstream pipeline check (writes impute_downstream_cpu.md)",
    )
    args = parser.parse_args()
    if args.downstream_only:
        down = pd.DataFrame([r for s in range(args.seeds) for r in downstream(s)])
        intro = (
            "Pipeline(imputer, HistGradientBoosting) on a 5,000-row sample of Adult with 20% MCAR "
            f"entries removed, 3-fold cross-validated accuracy, {args.seeds} seeds."
        )
        write_markdown(
            "impute_downstream_cpu",
            "Imputation downstream: GANImputer vs IterativeImputer",
            intro,
            {"Mean ± std over seeds": mean_std(down, ["pipeline"])},
        )
        return
    warm_up()
    rows = []
    for name, truth in datasets(args.datasets):
        is_cat = np.array([is_categorical(truth[c]) for c in truth.columns])
        categories = categories_of(truth)
        for mechanism in args.mechanisms:
            if mechanism != "mcar20" and args.extra_datasets is not None and name not in args.extra_datasets:
                continue
            n_seeds = args.seeds if mechanism == "mcar20" or args.extra_seeds is None else args.extra_seeds
            for seed in range(n_seeds):
                holes = remove(truth, mechanism, np.random.default_rng(seed))
                holed = truth.mask(holes)
                for method, imputer in baselines(seed).items():
                    start = time.perf_counter()
                    imputed = impute_baseline(imputer, holed, is_cat, categories)
                    seconds = time.perf_counter() - start
                    rows.append(
                        {
                            "dataset": name,
                            "mechanism": mechanism,
                            "method": method,
                            "seed": seed,
                            **score(truth, imputed, holes, is_cat),
                            "fit+transform (s)": seconds,
                        }
                    )
                variants = {"GANImputer": {}}
                if args.bf16:
                    variants["GANImputer (bfloat16)"] = {"precision": "bfloat16"}
                if name == "digits":
                    # the same pixels seen as 8x8 images: the convolutional inpainting model
                    variants["GANImputer(image_shape=(8, 8))"] = {"image_shape": (8, 8)}
                for method, params in variants.items():
                    start = time.perf_counter()
                    out = GANImputer(random_state=seed, **params).fit_transform(holed)
                    seconds = time.perf_counter() - start
                    imputed = (
                        out.to_numpy(dtype=float) if "image_shape" in params else ordinal(out, categories)
                    )
                    rows.append(
                        {
                            "dataset": name,
                            "mechanism": mechanism,
                            "method": method,
                            "seed": seed,
                            **score(truth, imputed, holes, is_cat),
                            "fit+transform (s)": seconds,
                        }
                    )
                for r in rows[-(len(baselines(seed)) + len(variants)) :]:
                    print({k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()}, flush=True)
    frame = pd.DataFrame(rows)
    tables = {"Mean ± std over seeds": mean_std(frame, ["dataset", "mechanism", "method"])}
    best = frame.groupby(["dataset", "mechanism", "method"])["RMSE"].mean().unstack("method")
    tables["Mean RMSE (rows: dataset, mechanism)"] = best
    if "GANImputer" in best and {"KNNImputer", "Iterative(ExtraTrees)"} <= set(best):
        rival = best[["KNNImputer", "Iterative(ExtraTrees)"]].min(axis=1)
        others = best.drop(columns=[c for c in best if c.startswith("GANImputer")]).min(axis=1)
        tables["Targets: GANImputer's mean RMSE against the best of the others"] = pd.DataFrame(
            {
                "GANImputer": best["GANImputer"],
                "best of KNN, Iterative(ExtraTrees)": rival,
                "no worse than both": best["GANImputer"] <= rival,
                "lowest of all": best["GANImputer"] <= others,
            }
        )
    if not args.no_downstream:
        down = pd.DataFrame([r for s in range(args.seeds) for r in downstream(s)])
        if len(down):
            tables["Downstream: Adult (5,000 rows), 20% MCAR, 3-fold CV accuracy"] = mean_std(
                down, ["pipeline"]
            )
    intro = (
        f"GAIN's protocol (see the script's docstring). {args.seeds} seeds"
        + (f" ({args.extra_seeds} for the mechanisms other than mcar20)" if args.extra_seeds else "")
        + (
            f"; mechanisms other than mcar20 on {', '.join(args.extra_datasets)} only"
            if args.extra_datasets
            else ""
        )
        + f". Adult is a {ADULT_ROWS:,}-row random sample (numeric RMSE + categorical accuracy). "
        "GANImputer with its defaults (epochs='auto': 0.002 x rows x numeric columns² steps within "
        "[150, 3,000], at least 600 for narrow tables, and at least 10 epochs); times include fit "
        "and transform, after one 2-step warm-up fit (torch's start-up in the process)."
    )
    write_markdown(args.name, "Imputation: GANImputer vs scikit-learn imputers", intro, tables)


if __name__ == "__main__":
    main()
