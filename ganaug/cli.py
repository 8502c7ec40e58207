"""Command line: ``ganaug demo`` and ``ganaug augment``.

``ganaug demo`` rebalances the bundled Adult sample with GANAugmenter and
shows what it did: class counts before and after, and a classifier's
minority-class scores on a held-out test set with no resampling, with
RandomOverSampler, and with GANAugmenter.

``ganaug demo --images`` trains a conditional image GAN on scikit-learn's
bundled 8x8 digits, writes ``real_vs_generated.png`` (one row per class: real
digits, then generated ones) and prints how often a classifier trained on real
digits reads each generated digit as the class it was asked for.

``ganaug augment data.csv --target y --out balanced.csv`` rebalances a CSV file.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

import pandas as pd


def _counts(y: pd.Series) -> str:
    return ", ".join(f"{k.strip()!s}: {v}" for k, v in sorted(y.value_counts().items()))


def demo(epochs: int, device: str, seed: int) -> int:
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

    augmenter = GANAugmenter(epochs=epochs, device=device, random_state=seed, verbose=True)
    start = time.perf_counter()
    X_res, y_res = augmenter.fit_resample(X_train, y_train)
    seconds = time.perf_counter() - start
    print(
        f"  training rows after:  {_counts(y_res)}  ({len(X_res) - len(X_train)} synthetic rows, "
        f"{epochs} epochs on {augmenter.device_}, {seconds:.1f} s)"
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


def demo_images(device: str, seed: int, out: str) -> int:
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    from ganaug import GANAugmenter
    from ganaug.plotting import plot_images

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)
    print("ganaug demo --images: a conditional GAN on scikit-learn's 8x8 digits (1,257 training images)")
    augmenter = GANAugmenter(image_shape=(8, 8), device=device, random_state=seed, verbose=True)
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


def augment(path: str, target: str, out: str, epochs: int, device: str, seed: int) -> int:
    from ganaug import GANAugmenter

    frame = pd.read_csv(path)
    if target not in frame:
        print(f"error: column {target!r} is not in {path} (columns: {list(frame.columns)})", file=sys.stderr)
        return 2
    y = frame.pop(target)
    X_res, y_res = GANAugmenter(epochs=epochs, device=device, random_state=seed, verbose=True).fit_resample(
        frame, y
    )
    X_res[target] = y_res
    X_res.to_csv(out, index=False)
    print(f"{path}: {_counts(y.astype(str))} -> {out}: {_counts(y_res.astype(str))}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ganaug", description="GAN-based data augmentation.")
    commands = parser.add_subparsers(dest="command", required=True)
    p_demo = commands.add_parser("demo", help="rebalance the bundled Adult sample and compare classifiers")
    p_demo.add_argument("--epochs", type=int, default=200)
    p_demo.add_argument(
        "--images", action="store_true", help="train on 8x8 digits and draw real vs generated"
    )
    p_demo.add_argument("--out", default="real_vs_generated.png", help="picture written by --images")
    p_aug = commands.add_parser("augment", help="rebalance the classes of a CSV file")
    p_aug.add_argument("path")
    p_aug.add_argument("--target", required=True)
    p_aug.add_argument("--out", required=True)
    p_aug.add_argument("--epochs", type=int, default=300)
    for p in (p_demo, p_aug):
        p.add_argument("--device", default="auto")
        p.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.command == "demo" and args.images:
        return demo_images(args.device, args.seed, args.out)
    if args.command == "demo":
        return demo(args.epochs, args.device, args.seed)
    return augment(args.path, args.target, args.out, args.epochs, args.device, args.seed)


if __name__ == "__main__":
    sys.exit(main())
