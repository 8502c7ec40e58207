"""Figures of the committed benchmark tables (``benchmarks/results/*.md``), for the Benchmarks page.

Every number is read from the markdown tables the benchmark scripts wrote;
nothing is typed in here. Used by ``.. plot::`` directives in
``benchmarks/index.rst``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results"


def tables(name: str) -> list[pd.DataFrame]:
    """Every pipe table of ``benchmarks/results/<name>``, first column as the index."""
    lines = (RESULTS / name).read_text(encoding="utf-8").splitlines()
    found, block = [], []
    for line in [*lines, ""]:
        if line.startswith("|"):
            block.append([cell.strip() for cell in line.strip().strip("|").split("|")])
            continue
        if len(block) > 2:
            header, rows = block[0], block[2:]
            frame = pd.DataFrame(rows, columns=header).set_index(header[0])
            frame.index = [_label(v) for v in frame.index]
            found.append(frame)
        block = []
    if not found:
        raise ValueError(f"benchmarks/results/{name} holds no markdown table")
    return found


def _label(text: str):
    """Row labels written as Python tuples (``('adult', 'HistGB', 'SMOTENC')``) become tuples."""
    if text.startswith("("):
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text
    return text


def mean_std(cell: str) -> tuple[float, float]:
    """``"0.7519 ± 0.0022"`` -> (0.7519, 0.0022); a plain number has std 0."""
    parts = str(cell).split("±")
    return float(parts[0]), float(parts[1]) if len(parts) > 1 else 0.0


def _table_with(name: str, column: str) -> pd.DataFrame:
    for frame in tables(name):
        if column in frame.columns:
            return frame
    raise ValueError(f"no table of benchmarks/results/{name} has a column {column!r}")


def _bars(ax, groups: list[str], series: dict[str, list[tuple[float, float]]], ylabel: str) -> None:
    x = np.arange(len(groups))
    width = 0.8 / max(len(series), 1)
    for i, (label, values) in enumerate(series.items()):
        means = [m for m, _ in values]
        stds = [s for _, s in values]
        ax.bar(x + (i - (len(series) - 1) / 2) * width, means, width, yerr=stds, capsize=2, label=label)
    ax.set_xticks(x, groups, fontsize=8)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=0.3)


def rebalance() -> plt.Figure:
    """Balanced accuracy per task of the main resamplers, one panel per classifier."""
    frame = _table_with("rebalance_cpu.md", "resampler fit (s)")
    cells = {label: row for label, row in frame.iterrows() if isinstance(label, tuple)}
    tasks = list(dict.fromkeys(label[0] for label in cells))
    shown = [
        "none",
        "none + tuned threshold",
        "RandomOverSampler",
        "SMOTE(NC)",
        "GANAugmenter",
        "half-half, no filter",
    ]
    methods = [m for m in shown if any(label[2] == m for label in cells)]
    fig, axes = plt.subplots(2, 1, figsize=(12, 6.8), sharex=True)
    for ax, classifier in zip(axes, ["HistGB", "LogisticRegression"], strict=True):
        series = {
            m: [
                mean_std(cells[(t, classifier, m)]["balanced accuracy"])
                if (t, classifier, m) in cells
                else (np.nan, 0.0)
                for t in tasks
            ]
            for m in methods
        }
        names = {
            "GANAugmenter": "GANAugmenter (default: half generated through the class filter, half copied)",
            "half-half, no filter": "GANAugmenter(class_filter=None)",
        }
        _bars(ax, tasks, {names.get(m, m): v for m, v in series.items()}, "balanced accuracy")
        ax.set_title(classifier, fontsize=10)
        ax.set_ylim(0.45, 1.0)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.suptitle("rebalance_cpu.md: minority cut to 1-10% of the training rows (mean ± std over seeds)")
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    fig.legend(handles, labels, loc="lower center", ncols=3, fontsize=8, frameon=False)
    return fig


def impute() -> plt.Figure:
    """RMSE per imputer at 20% MCAR, one panel per dataset."""
    frame = _table_with("impute_cpu.md", "RMSE")
    cells = {label: row for label, row in frame.iterrows()}
    rows = [label for label in cells if isinstance(label, tuple) and label[1] == "mcar20"]
    datasets = list(dict.fromkeys(label[0] for label in rows))
    # the methods run on every dataset, in one order, so that the shared row labels hold for every
    # panel (digits also has GANImputer(image_shape=(8, 8)), reported in the text)
    names = [
        name
        for name in dict.fromkeys(label[2] for label in rows)
        if all((dataset, "mcar20", name) in cells for dataset in datasets)
    ]
    fig, axes = plt.subplots(1, len(datasets), figsize=(2.4 * len(datasets), 3.4))
    for ax, dataset in zip(np.atleast_1d(axes), datasets, strict=True):
        values = [mean_std(cells[(dataset, "mcar20", name)]["RMSE"]) for name in names]
        colors = ["C3" if n == "GANImputer" else "C0" for n in names]
        ax.barh(np.arange(len(names)), [m for m, _ in values], xerr=[s for _, s in values], color=colors)
        ax.set_yticks(np.arange(len(names)), names if ax is np.atleast_1d(axes)[0] else [], fontsize=7)
        ax.set_title(dataset, fontsize=9)
        ax.set_xlabel("RMSE (lower is better)", fontsize=8)
        ax.set_xlim(0, max(m for m, _ in values) * 1.15)
    fig.suptitle("impute_cpu.md: 20% of entries missing completely at random (mean ± std over seeds)")
    fig.tight_layout()
    return fig


def quality() -> plt.Figure:
    """Quality, detection AUC and TSTR of ctgan and ganaug on Adult."""
    frame = _table_with("quality_adult_cpu.md", "quality")
    metrics = ["quality", "detection AUC (GBM)", "detection AUC (logistic)", "TSTR accuracy", "TSTR ROC AUC"]
    methods = [m for m in frame.index if m != "real"]
    series = {m: [mean_std(frame.loc[m, c]) for c in metrics] for m in methods}
    fig, ax = plt.subplots(figsize=(10, 3.6))
    _bars(ax, [m.replace(" (", "\n(") for m in metrics], series, "score")
    ax.set_ylim(0.5, 1.02)
    ax.legend(fontsize=8, loc="upper right", ncols=3)
    ax.set_title("quality_adult_cpu.md: higher is better except detection AUC (0.5 = indistinguishable)")
    fig.tight_layout()
    return fig


def speed() -> plt.Figure:
    """Encoder fit and seconds per epoch on Adult, ganaug against ctgan."""
    frame = _table_with("speed_adult_cpu.md", "s / epoch")
    fig, axes = plt.subplots(1, 3, figsize=(10, 2.8))
    for ax, column in zip(axes, ["encoder fit (s)", "s / epoch", "fit end to end (s)"], strict=True):
        values = frame[column].astype(float)
        colors = ["C1" if name == "ctgan" else "C0" for name in values.index]
        ax.barh(values.index, values.to_numpy(), color=colors)
        ax.set_title(column, fontsize=9)
        ax.invert_yaxis()
    fig.suptitle("speed_adult_cpu.md: UCI Adult, 32,561 rows, two CPU cores (lower is better)")
    fig.tight_layout()
    return fig
