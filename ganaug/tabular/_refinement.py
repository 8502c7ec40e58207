"""Tree refinement of the imputation GAN's fill: one ExtraTrees sweep over its completed rows.

GAIN's generator is one network for every column; on numeric tables with
neighbourhood structure it trails the per-column tree imputers (MissForest,
``IterativeImputer(ExtraTreesRegressor)``). :class:`TreeRefinement` adds
one MissForest sweep *after* the GAN: each numeric column gets an
ExtraTrees regressor that predicts it from the other columns of the rows the
GAN completed, and the missing entries of that column get the average of the
GAN's value and the trees'. The average was better than either alone on every
benchmark table (``benchmarks/ablate_impute_refinement.py``); the GAN is a
good first fill, so one sweep does what ten sweeps from a mean fill do.

The fitted trees are kept as plain arrays (:class:`ForestArrays`): they
predict with numpy and save with ``ganaug.save`` like any other array.
"""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import ExtraTreesRegressor

from ganaug.core import draw_seed

#: Trees per refined column.
N_TREES = 10
#: Rows a column's trees learn from at most: ``MAX_TREE_ROWS // n_columns``, within these bounds.
#: Fully grown trees have about two nodes per row, so this bounds the saved model
#: (10 trees x 2 nodes x 200,000 rows = 4 million nodes, about 90 MB).
MAX_TREE_ROWS = 200_000
ROWS_PER_COLUMN = (500, 5000)
#: Weight of the GAN's value in the average with the trees' (the trees get the rest).
GAN_WEIGHT = 0.5


class ForestArrays:
    """Fitted regression trees as flat arrays, grouped by the encoded position they predict.

    Node ``i`` of tree ``t`` is at ``start[t] + i``; leaves have ``left == -1``.
    ``feature`` indexes the full encoded row, so every group reads the same
    completed matrix.
    """

    def __init__(
        self,
        feature: np.ndarray,
        threshold: np.ndarray,
        left: np.ndarray,
        right: np.ndarray,
        value: np.ndarray,
        start: np.ndarray,
        group: np.ndarray,
        n_groups: int,
        depth: int,
    ) -> None:
        self.feature, self.threshold, self.left, self.right = feature, threshold, left, right
        self.value, self.start, self.group = value, start, group
        self.n_groups, self.depth = n_groups, depth

    @classmethod
    def from_sklearn(cls, forests: list[tuple[ExtraTreesRegressor, np.ndarray]]) -> ForestArrays:
        """Export ``(fitted forest, feature positions it was trained on)`` pairs, one group each."""
        parts, start, group, offset, depth = [], [], [], 0, 0
        for g, (forest, columns) in enumerate(forests):
            for estimator in forest.estimators_:
                tree = estimator.tree_
                leaf = tree.children_left == -1
                parts.append(
                    (
                        np.where(leaf, 0, columns[np.maximum(tree.feature, 0)]),
                        tree.threshold,
                        np.where(leaf, -1, tree.children_left + offset),
                        np.where(leaf, -1, tree.children_right + offset),
                        tree.value[:, 0, 0],
                    )
                )
                start.append(offset)
                group.append(g)
                offset += tree.node_count
                depth = max(depth, tree.max_depth)
        if not parts:
            empty = np.zeros(0)
            return cls(
                empty.astype(np.int32),
                empty,
                empty.astype(np.int32),
                empty.astype(np.int32),
                empty,
                empty.astype(np.int64),
                empty.astype(np.int64),
                len(forests),
                0,
            )
        feature, threshold, left, right, value = (np.concatenate(p) for p in zip(*parts, strict=True))
        return cls(
            feature.astype(np.int32),
            threshold.astype(np.float64),
            left.astype(np.int32),
            right.astype(np.int32),
            value.astype(np.float32),
            np.asarray(start, dtype=np.int64),
            np.asarray(group, dtype=np.int64),
            len(forests),
            int(depth),
        )

    def predict(self, X: np.ndarray, chunk: int = 2048) -> np.ndarray:
        """Mean tree output of every group, shape ``(n, n_groups)``, ``chunk`` rows at a time.

        ``X`` is cast to float32 first, as scikit-learn's trees read it, so
        the predictions equal the fitted forests'.
        """
        X = np.asarray(X, dtype=np.float32)
        if len(X) > chunk:
            return np.concatenate([self.predict(X[i : i + chunk], chunk) for i in range(0, len(X), chunk)])
        n = len(X)
        out = np.zeros((n, self.n_groups), dtype=np.float64)
        if not len(self.start) or not n:
            return out
        rows = np.arange(n)
        node = np.repeat(self.start[:, None], n, axis=1)  # (n_trees, n)
        for _ in range(self.depth):
            inner = self.left[node] >= 0
            if not inner.any():
                break
            goes_left = X[rows[None, :], self.feature[node]] <= self.threshold[node]
            node = np.where(inner, np.where(goes_left, self.left[node], self.right[node]), node)
        leaves = self.value[node].astype(np.float64)  # (n_trees, n)
        trees_per_group = np.bincount(self.group, minlength=self.n_groups)
        np.add.at(out.T, self.group, leaves)
        return out / np.maximum(trees_per_group, 1)


class TreeRefinement:
    """One ExtraTrees sweep over the GAN-completed rows, averaged with the GAN's values.

    Parameters
    ----------
    targets : ndarray of int
        Encoded positions refined (the numeric columns' scalars).
    forest : ForestArrays
        One group of trees per target, reading the whole completed row (the
        target's own position is never split on).
    gan_weight : float
        Weight of the GAN's value in the average.
    """

    def __init__(self, targets: np.ndarray, forest: ForestArrays, gan_weight: float = GAN_WEIGHT) -> None:
        self.targets = targets
        self.forest = forest
        self.gan_weight = gan_weight

    @classmethod
    def fit(
        cls,
        completed: np.ndarray,
        known: np.ndarray,
        targets: np.ndarray,
        rng: np.random.RandomState,
    ) -> TreeRefinement:
        """Fit each target's trees on the rows where it is known (``known``: per encoded position).

        Targets with fewer than two known values, or in a one-column table,
        get no trees and keep the GAN's value. Rows beyond ``MAX_TREE_ROWS / len(targets)`` (within
        ``ROWS_PER_COLUMN``) are subsampled.
        """
        width = completed.shape[1]
        cap = int(np.clip(MAX_TREE_ROWS // max(len(targets), 1), *ROWS_PER_COLUMN))
        forests, kept = [], []
        for position in targets:
            rows = np.flatnonzero(known[:, position])
            if len(rows) < 2 or width < 2:  # nothing to learn, or no other column to learn from
                continue
            if len(rows) > cap:
                rows = np.sort(rng.choice(rows, size=cap, replace=False))
            columns = np.delete(np.arange(width), position)
            forest = ExtraTreesRegressor(n_estimators=N_TREES, random_state=draw_seed(rng))
            forest.fit(completed[np.ix_(rows, columns)], completed[rows, position])
            forests.append((forest, columns))
            kept.append(position)
        return cls(np.asarray(kept, dtype=np.int64), ForestArrays.from_sklearn(forests))

    def refine(self, gan: np.ndarray, completed: np.ndarray, known: np.ndarray) -> np.ndarray:
        """``gan`` with every unknown target entry averaged with its trees' prediction.

        ``completed`` is the GAN-completed encoded matrix the trees read;
        ``known`` marks the observed encoded positions (left as they are).
        """
        out = np.array(gan, dtype=np.float32, copy=True)
        if not len(self.targets):
            return out
        unknown = ~known[:, self.targets]
        rows = np.flatnonzero(unknown.any(axis=1))
        if not len(rows):
            return out
        trees = self.forest.predict(completed[rows])
        current = out[np.ix_(rows, self.targets)]
        mixed = self.gan_weight * current + (1 - self.gan_weight) * trees
        out[np.ix_(rows, self.targets)] = np.where(unknown[rows], mixed, current)
        return out
