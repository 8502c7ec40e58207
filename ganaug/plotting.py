"""Pictures of what a model learned: image grids, loss curves, real vs synthetic marginals.

Needs matplotlib (``pip install "ganaug[plot]"``). Every function returns the
matplotlib ``Figure``; save it with ``fig.savefig(path)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ganaug.image import check_images

__all__ = ["plot_history", "plot_images", "plot_marginals"]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("ganaug.plotting needs matplotlib: pip install 'ganaug[plot]'.") from exc
    return plt


def plot_images(
    images: Any,
    labels: Any = None,
    *,
    image_shape: Any = None,
    channels: str = "auto",
    per_row: int = 10,
    title: str | None = None,
    cmap: str = "gray_r",
):
    """A grid of images; with ``labels``, one row per class (up to ``per_row`` images each).

    Parameters
    ----------
    images : array-like
        ``(n, H, W)``, ``(n, C, H, W)``, ``(n, H, W, C)``, or flattened rows
        with ``image_shape``.
    labels : array-like of shape (n,), optional
        Class of each image; rows are labelled with it.
    image_shape, channels
        As in ``GANAugmenter``.
    per_row : int, default=10
        Images per row.
    title : str, optional
        Figure title.
    cmap : str, default="gray_r"
        Colour map of one-channel images.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> X, y = load_digits(return_X_y=True)
    >>> fig = plot_images(X[:50], y[:50], image_shape=(8, 8), per_row=5)
    >>> len(fig.axes)
    50
    """
    plt = _pyplot()
    checked = check_images(images, image_shape, channels)
    pixels = checked.pixels  # (n, C, H, W)
    low, high = np.nanmin(pixels), np.nanmax(pixels)
    scaled = (pixels - low) / (high - low if high > low else 1.0)
    if labels is None:
        rows = [np.arange(i, min(i + per_row, len(scaled))) for i in range(0, len(scaled), per_row)]
        names = [None] * len(rows)
    else:
        labels = np.asarray(labels)
        names = list(pd.unique(labels))
        names.sort(key=lambda v: (str(type(v)), v))
        rows = [np.flatnonzero(labels == k)[:per_row] for k in names]
    fig, axes = plt.subplots(
        len(rows), per_row, figsize=(per_row * 0.8, len(rows) * 0.8 + 0.4), squeeze=False
    )
    for r, (index, name) in enumerate(zip(rows, names, strict=True)):
        for c in range(per_row):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            for side in ax.spines.values():
                side.set_visible(False)
            if c < len(index):
                image = scaled[index[c]]
                if image.shape[0] == 1:
                    ax.imshow(image[0], cmap=cmap, vmin=0, vmax=1)
                else:
                    ax.imshow(np.clip(image[:3].transpose(1, 2, 0), 0, 1))
        if name is not None:
            axes[r, 0].set_ylabel(str(name), rotation=0, ha="right", va="center")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(estimator: Any, *, title: str | None = None):
    """Loss curves of a fitted ``GANAugmenter`` or ``GANImputer`` against training steps.

    One panel per recorded quantity (``loss_d``, ``loss_g``, ``loss_cond`` /
    ``loss_rec``, and ``val_score`` when early stopping scored the model).

    Parameters
    ----------
    estimator : GANAugmenter or GANImputer
        A fitted estimator; its ``history_`` is drawn.
    title : str, optional
        Figure title.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Raises
    ------
    ValueError
        When the estimator has no history (not fitted, or
        ``engine="ctgan"``).

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug import GANAugmenter
    >>> X = np.random.default_rng(0).normal(size=(100, 3))
    >>> fig = plot_history(GANAugmenter(max_steps=20, random_state=0).fit(X))
    >>> [ax.get_title() for ax in fig.axes]
    ['loss_d', 'loss_g', 'loss_cond']
    """
    plt = _pyplot()
    history = pd.DataFrame(getattr(estimator, "history_", []))
    if history.empty:
        raise ValueError("This estimator has no training history (not fitted, or engine='ctgan').")
    names = [c for c in history.columns if c.startswith("loss_") or c == "val_score"]
    fig, axes = plt.subplots(1, len(names), figsize=(3.6 * len(names), 3), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        ax.plot(history["step"], history[name])
        ax.set_title(name)
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_marginals(real: Any, synthetic: Any, *, columns: Any = None, max_columns: int = 12, bins: int = 30):
    """Each column's distribution in real and synthetic tables, side by side.

    Numeric columns as overlaid histograms (densities on the real data's
    bins), categorical ones as grouped bars of category shares (the real
    data's 10 most frequent categories).

    Parameters
    ----------
    real, synthetic : DataFrame or array-like
        Tables with the same columns.
    columns : list, optional
        Columns to draw (default: every column of ``real``).
    max_columns : int, default=12
        At most this many columns are drawn, four panels per row.
    bins : int, default=30
        Histogram bins of numeric columns.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> real = pd.DataFrame({"x": [1.0, 2.0, 2.5, 3.0], "c": ["a", "b", "a", "a"]})
    >>> fig = plot_marginals(real, real.sample(frac=1, random_state=0))
    >>> [ax.get_title() for ax in fig.axes]
    ['x', 'c']
    """
    plt = _pyplot()
    real = real if isinstance(real, pd.DataFrame) else pd.DataFrame(np.asarray(real))
    synthetic = synthetic if isinstance(synthetic, pd.DataFrame) else pd.DataFrame(np.asarray(synthetic))
    columns = list(real.columns if columns is None else columns)[:max_columns]
    n_cols = min(4, len(columns))
    n_rows = -(-len(columns) // n_cols)
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(3.6 * n_cols, 2.8 * n_rows), squeeze=False)
    for ax, name in zip(axes.ravel(), columns, strict=False):
        r, s = real[name], synthetic[name]
        numeric = pd.api.types.is_numeric_dtype(r) and not pd.api.types.is_bool_dtype(r)
        if numeric:
            edges = np.histogram_bin_edges(r.dropna().astype(float), bins=bins)
            ax.hist(r.dropna().astype(float), bins=edges, density=True, alpha=0.5, label="real")
            ax.hist(s.dropna().astype(float), bins=edges, density=True, alpha=0.5, label="synthetic")
        else:
            top = r.astype(object).value_counts(normalize=True).head(10)
            share = s.astype(object).value_counts(normalize=True).reindex(top.index, fill_value=0.0)
            x = np.arange(len(top))
            ax.bar(x - 0.2, top.to_numpy(), width=0.4, label="real")
            ax.bar(x + 0.2, share.to_numpy(), width=0.4, label="synthetic")
            ax.set_xticks(x, [str(v).strip()[:10] for v in top.index], rotation=60, fontsize=7)
        ax.set_title(str(name))
    for ax in axes.ravel()[len(columns) :]:
        ax.axis("off")
    axes.ravel()[0].legend(fontsize=7)
    fig.tight_layout()
    return fig
