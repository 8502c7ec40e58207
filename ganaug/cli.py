"""Command line: ``ganaug demo`` and ``ganaug augment``.

``ganaug demo`` rebalances the bundled Adult sample with GANAugmenter and
shows what it did: class counts before and after, and a classifier's
minority-class scores on a held-out test set with no resampling, with
RandomOverSampler, and with GANAugmenter.

``ganaug demo --images`` trains a conditional image GAN on scikit-learn's
bundled 8x8 digits, writes ``real_vs_generated.png`` (one row per class: real
digits, then generated ones) and prints how often a classifier trained on real
digits reads each generated digit as the class it was asked for.

``ganaug augment data.csv --target y --out balanced.csv`` rebalances a CSV file;
``ganaug impute data.csv --out filled.csv`` fills its empty cells.
``ganaug fit data.csv --out model.ganaug [--target y]`` fits a GANAugmenter and
saves it; ``ganaug sample model.ganaug --n 1000 --where "sex=Female" --where
"age=30..40"`` draws rows from it (exact categorical values, numeric ranges).
``ganaug --help`` and each command's ``--help`` list the options with their
defaults.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import Any


def _counts(y: Any) -> str:
    return ", ".join(f"{k.strip()!s}: {v}" for k, v in sorted(y.value_counts().items()))


def demo(epochs: Any, device: str, seed: int, verbose: bool = True) -> int:
    import pandas as pd
    from imblearn.over_sampling import RandomOverSampler
    from sklearn.metrics import (
        average_precision_score,
        balanced_accuracy_score,
        f1_score,
        precision_score,
        recall_score,
    )
    from sklearn.model_selection import train_test_split

    from ganaug import GANAugmenter
    from ganaug.datasets import load_adult_sample, make_rare
    from ganaug.metrics import make_classifier

    X, y = load_adult_sample()
    minority = " >50K"
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)
    X_train, y_train = make_rare(X_train, y_train, minority, 0.05, random_state=seed)
    print("ganaug demo: rebalancing UCI Adult (bundled 8,000-row sample) with a conditional GAN")
    print(f"  task: predict income{minority!s}; training set cut to 5% minority, test set kept natural")
    print(f"  training rows before: {_counts(y_train)}")

    augmenter = GANAugmenter(epochs=epochs, device=device, random_state=seed, verbose=verbose)
    start = time.perf_counter()
    X_res, y_res = augmenter.fit_resample(X_train, y_train)
    seconds = time.perf_counter() - start
    passed = augmenter.filter_acceptance_.get(minority)
    filtered = "" if passed is None else f" through the class filter ({passed:.0%} of 3x draws passed)"
    print(
        f"  training rows after:  {_counts(y_res)}  ({len(X_res) - len(X_train)} new rows: "
        f"{augmenter.n_synthetic_} generated{filtered}, the rest copies of real ones; "
        f"{augmenter.n_iter_} steps on {augmenter.device_}, {seconds:.1f} s)"
    )
    print("  a few synthetic minority rows:")
    with pd.option_context("display.width", 160, "display.max_columns", 8):
        print(X_res.iloc[len(X_train) :].head(3).to_string(max_cols=8))

    results = {}
    ros = RandomOverSampler(random_state=seed)
    for name, (Xf, yf) in {
        "no resampling": (X_train, y_train),
        "RandomOverSampler": ros.fit_resample(X_train, y_train),
        "GANAugmenter": (X_res, y_res),
    }.items():
        model = make_classifier(Xf, "gbm", seed).fit(Xf, yf)
        pred = model.predict(X_test)
        score = model.predict_proba(X_test)[:, list(model.classes_).index(minority)]
        positive = y_test == minority
        results[name] = {
            "balanced acc": balanced_accuracy_score(y_test, pred),
            "minority precision": precision_score(positive, pred == minority),
            "minority recall": recall_score(positive, pred == minority),
            "minority F1": f1_score(positive, pred == minority),
            "average precision": average_precision_score(positive, score),
        }
    print("\n  HistGradientBoosting on the held-out test set (natural class rates):")
    print(pd.DataFrame(results).T.round(3).to_string())
    print("\n  Benchmarks over more data, seeds and anchors: benchmarks/results/*.md")
    return 0


def demo_images(device: str, seed: int, out: str, verbose: bool = True) -> int:
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    from ganaug import GANAugmenter
    from ganaug.plotting import plot_images

    _check_out(out)
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)
    print("ganaug demo --images: a conditional GAN on scikit-learn's 8x8 digits (1,257 training images)")
    augmenter = GANAugmenter(image_shape=(8, 8), device=device, random_state=seed, verbose=verbose)
    start = time.perf_counter()
    augmenter.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    print(f"  trained {augmenter.n_iter_} steps on {augmenter.device_} in {seconds:.1f} s")
    codes = np.repeat(np.arange(10), 100)
    X_new, y_new = augmenter.sample(len(codes), y=codes)
    judge = LogisticRegression(max_iter=2000).fit(X_train / 16, y_train)
    print(f"  real-data classifier: {judge.score(X_test / 16, y_test):.3f} accuracy on held-out real digits")
    read = judge.predict(X_new / 16)
    print("  generated digits read as the class asked for:")
    print("    " + "  ".join(f"{k}: {np.mean(read[y_new == k] == k):.2f}" for k in range(10)))
    print(f"    all: {np.mean(read == y_new):.3f}")
    shown_real = np.stack([X_train[y_train == k][:8] for k in range(10)])
    shown_new = np.stack([X_new[y_new == k][:8] for k in range(10)])
    gap = np.full((10, 1, 64), np.nan)  # a blank column between real and generated
    grid = np.concatenate([shown_real, gap, shown_new], axis=1).reshape(-1, 64)
    fig = plot_images(
        grid,
        np.repeat(np.arange(10), 17),
        image_shape=(8, 8),
        per_row=17,
        title="real digits (left) and generated ones (right), one row per class",
    )
    fig.savefig(out, dpi=100)
    print(f"  wrote {out}")
    return 0


def _read_csv(path: str) -> Any:
    import pandas as pd

    try:
        return pd.read_csv(path)
    except FileNotFoundError:
        raise SystemExit(f"ganaug: error: no such file: {path}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise SystemExit(f"ganaug: error: cannot read {path} as CSV: {exc}") from None


def _check_out(path: str) -> None:
    """Refuse, before any training, an output path that cannot be written."""
    import os
    from pathlib import Path

    target = Path(path)
    folder = target.parent.resolve()
    if target.is_dir():
        raise SystemExit(f"ganaug: error: --out {path} is a folder; give a file name")
    if not folder.is_dir():
        raise SystemExit(f"ganaug: error: cannot write --out {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise SystemExit(f"ganaug: error: cannot write --out {path}: permission denied")


def _sampling_strategy(text: str) -> Any:
    """``auto``, ``minority``, ..., a float, or ``label=count,label=count``."""
    if "=" in text:
        pairs = [item.split("=", 1) for item in text.split(",")]
        return {label.strip(): int(count) for label, count in pairs}
    try:
        return float(text)
    except ValueError:
        return text


def augment(
    path: str, target: str, out: str, epochs: Any, strategy: str, device: str, seed: int, verbose: bool
) -> int:
    from ganaug import GANAugmenter

    _check_out(out)
    frame = _read_csv(path)
    if target not in frame:
        raise SystemExit(
            f"ganaug: error: column {target!r} is not in {path} (columns: {list(frame.columns)})"
        )
    y = frame.pop(target)
    strategy_value = _sampling_strategy(strategy)
    if isinstance(strategy_value, dict) and y.dtype != object:  # labels read from the command line are str
        strategy_value = {y.dtype.type(k): v for k, v in strategy_value.items()}
    augmenter = GANAugmenter(
        sampling_strategy=strategy_value, epochs=epochs, device=device, random_state=seed, verbose=verbose
    )
    try:
        X_res, y_res = augmenter.fit_resample(frame, y)
    except ValueError as exc:
        raise SystemExit(f"ganaug: error: {exc}") from None
    X_res[target] = y_res
    X_res.to_csv(out, index=False)
    print(f"{path}: {_counts(y.astype(str))} -> {out}: {_counts(y_res.astype(str))}")
    return 0


def impute(path: str, out: str, epochs: Any, device: str, seed: int, verbose: bool) -> int:
    from ganaug import GANImputer

    _check_out(out)
    frame = _read_csv(path)
    holes = int(frame.isna().to_numpy().sum())
    try:
        filled = GANImputer(epochs=epochs, device=device, random_state=seed, verbose=verbose).fit_transform(
            frame
        )
    except ValueError as exc:
        raise SystemExit(f"ganaug: error: {exc}") from None
    filled.to_csv(out, index=False)
    print(f"{path}: {holes} empty cells in {frame.shape[0]} rows x {frame.shape[1]} columns -> {out}")
    return 0


def fit(path: str, out: str, target: str | None, epochs: Any, device: str, seed: int, verbose: bool) -> int:
    """Fit a GANAugmenter on a CSV file (conditioned on ``target`` when given) and save it to ``out``."""
    import ganaug
    from ganaug import GANAugmenter

    _check_out(out)
    frame = _read_csv(path)
    y = None
    if target is not None:
        if target not in frame:
            raise SystemExit(
                f"ganaug: error: column {target!r} is not in {path} (columns: {list(frame.columns)})"
            )
        y = frame.pop(target)
    augmenter = GANAugmenter(epochs=epochs, device=device, random_state=seed, verbose=verbose)
    try:
        augmenter.fit(frame, y)
    except ValueError as exc:
        raise SystemExit(f"ganaug: error: {exc}") from None
    ganaug.save(augmenter, out)
    found = ", ".join(f"{a} -> {b}" for a, b in augmenter.dependencies_) or "none"
    print(f"{path}: {frame.shape[0]} rows x {frame.shape[1]} columns -> {out} (exact dependencies: {found})")
    return 0


def _condition_value(text: str, numeric: bool) -> Any:
    """A ``--where`` value: a number for numeric columns, else the text."""
    if not numeric:
        return text
    try:
        number = float(text)
    except ValueError:
        raise SystemExit(f"ganaug: error: --where expects a number here, got {text!r}") from None
    return int(number) if number.is_integer() else number


def _conditions(where: list[str], model: Any) -> dict:
    """``--where col=value`` and ``--where col=low..high`` as ``sample``'s conditions."""
    import pandas as pd

    dtypes = model.model_.container.dtypes if model.model_.container is not None else None
    conditions: dict = {}
    for item in where:
        column, sep, value = item.partition("=")
        if not sep or not column:
            raise SystemExit(f"ganaug: error: --where takes column=value or column=low..high, got {item!r}")
        numeric = dtypes is not None and column in dtypes and pd.api.types.is_numeric_dtype(dtypes[column])
        if ".." in value:
            low, high = value.split("..", 1)
            conditions[column] = (float(_condition_value(low, True)), float(_condition_value(high, True)))
        else:
            conditions[column] = _condition_value(value, numeric)
    return conditions


def sample(
    path: str, n: int, where: list[str], label: str | None, out: str | None, target: str, seed: int
) -> int:
    """Draw ``n`` rows from a model saved by ``ganaug fit``; write them as CSV (stdout without ``out``)."""
    import numpy as np

    import ganaug

    if out is not None:
        _check_out(out)
    try:
        model = ganaug.load(path)
    except FileNotFoundError:
        raise SystemExit(f"ganaug: error: no such file: {path}") from None
    if not hasattr(model, "sample"):
        raise SystemExit(f"ganaug: error: {path} holds a {type(model).__name__}, not a GANAugmenter")
    y = None
    if label is not None:
        if model.classes_ is None:
            raise SystemExit("ganaug: error: --y: this model was fitted without a target column")
        matches = [c for c in model.classes_ if str(c) == label]
        if not matches:
            raise SystemExit(
                f"ganaug: error: --y {label!r} is not a class; the classes are {model.classes_.tolist()}"
            )
        y = matches[0]
    try:
        rows, labels = model.sample(n, y=y, random_state=seed, conditions=_conditions(where, model) or None)
    except ValueError as exc:
        raise SystemExit(f"ganaug: error: {exc}") from None
    if labels is not None:
        rows[target] = np.asarray(labels)
    if out is None:
        rows.to_csv(sys.stdout, index=False)
    else:
        rows.to_csv(out, index=False)
        print(f"{path}: {n} rows -> {out}")
    return 0


def _epochs(text: str) -> Any:
    if text == "auto":
        return text
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive int or 'auto', got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive int or 'auto', got {text!r}")
    return value


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ganaug")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="ganaug",
        description="GAN-based data augmentation and imputation (scikit-learn / imbalanced-learn).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="{demo,augment,impute,fit,sample}"
    )
    fmt = {"formatter_class": argparse.ArgumentDefaultsHelpFormatter}
    p_demo = commands.add_parser(
        "demo", help="rebalance the bundled Adult sample and compare classifiers (or --images)", **fmt
    )
    p_demo.add_argument("--epochs", type=_epochs, default=200, help="training passes, or 'auto'")
    p_demo.add_argument(
        "--images", action="store_true", help="train on 8x8 digits and draw real vs generated instead"
    )
    p_demo.add_argument("--out", default="real_vs_generated.png", help="picture written by --images")
    p_aug = commands.add_parser("augment", help="rebalance the classes of a CSV file", **fmt)
    p_aug.add_argument("path", help="CSV file with a header row")
    p_aug.add_argument("--target", required=True, help="the column holding the class labels")
    p_aug.add_argument("--out", required=True, help="CSV file to write: the original rows, then the new ones")
    p_aug.add_argument(
        "--sampling-strategy",
        default="auto",
        help="as in imbalanced-learn: auto, minority, 'not majority', all, a ratio, or label=count,...",
    )
    p_imp = commands.add_parser("impute", help="fill the empty cells of a CSV file", **fmt)
    p_imp.add_argument("path", help="CSV file with a header row; empty cells are missing")
    p_imp.add_argument("--out", required=True, help="CSV file to write")
    p_fit = commands.add_parser("fit", help="fit a GANAugmenter on a CSV file and save it", **fmt)
    p_fit.add_argument("path", help="CSV file with a header row")
    p_fit.add_argument("--out", required=True, help="model file to write (read by 'ganaug sample')")
    p_fit.add_argument("--target", default=None, help="the column holding class labels, if any")
    p_smp = commands.add_parser("sample", help="draw rows from a model saved by 'ganaug fit'", **fmt)
    p_smp.add_argument("path", help="model file written by 'ganaug fit'")
    p_smp.add_argument("--n", type=int, required=True, help="number of rows")
    p_smp.add_argument(
        "--where",
        action="append",
        default=[],
        help="a condition, column=value or column=low..high (numeric columns); repeat for several",
    )
    p_smp.add_argument("--y", default=None, help="draw rows of this class only")
    p_smp.add_argument("--out", default=None, help="CSV file to write (default: standard output)")
    p_smp.add_argument("--target", default="target", help="name of the label column written")
    p_smp.add_argument("--seed", type=int, default=0, help="random seed")
    for p in (p_aug, p_imp, p_fit):
        p.add_argument("--epochs", type=_epochs, default="auto", help="training passes, or 'auto'")
    for p in (p_demo, p_aug, p_imp, p_fit):
        p.add_argument("--device", default="auto", help="'auto' (CUDA when present), 'cpu', 'cuda', 'cuda:1'")
        p.add_argument("--seed", type=int, default=0, help="random seed")
        p.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.command == "sample":
        if args.n < 1:
            parser.error("--n must be at least 1")
        return sample(args.path, args.n, args.where, args.y, args.out, args.target, args.seed)
    verbose = not args.quiet
    if args.command == "demo" and args.images:
        return demo_images(args.device, args.seed, args.out, verbose)
    if args.command == "demo":
        return demo(args.epochs, args.device, args.seed, verbose)
    if args.command == "impute":
        return impute(args.path, args.out, args.epochs, args.device, args.seed, verbose)
    if args.command == "fit":
        return fit(args.path, args.out, args.target, args.epochs, args.device, args.seed, verbose)
    return augment(
        args.path, args.target, args.out, args.epochs, args.sampling_strategy, args.device, args.seed, verbose
    )


if __name__ == "__main__":
    sys.exit(main())
