"""GANAugmenter's class filter: keep generated rows that a model of the real rows places in their class.

A conditional GAN trained on a few hundred minority rows puts part of the
rows it generates for the minority class where the real data says
"majority"; added to a training set they act as label noise and pull the
downstream model's boundary the wrong way (measured:
``benchmarks/results/rebalance_variants_cpu.md``). The filter is a class-balanced
gradient-boosting classifier (scikit-learn's ``HistGradientBoostingClassifier``)
fitted on the real training rows as the network sees them (the encoder's
output: numbers only); a generated row of class ``k`` is kept when the
classifier gives class ``k`` a probability of at least the threshold. The
generator is asked for more rows, class by class, until every quota is met.

The fitted trees are exported to plain arrays (:class:`TreeEnsemble`), so a
filtered model is stored by ``ganaug.save`` like any other and predicts
without scikit-learn objects.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

#: Rounds of generation before the best rejected rows fill what is still missing.
MAX_ROUNDS = 8
#: Boosting iterations of the filter's classifier.
FILTER_ITERATIONS = 100


class TreeEnsemble:
    """A fitted ``HistGradientBoostingClassifier`` as arrays: predicts class probabilities with numpy.

    Trees are stored end to end: node ``i`` of every tree is at ``start[t] + i``.
    Numeric features only (no categorical splits).
    """

    def __init__(
        self,
        feature: np.ndarray,
        threshold: np.ndarray,
        left: np.ndarray,
        right: np.ndarray,
        missing_left: np.ndarray,
        leaf: np.ndarray,
        value: np.ndarray,
        start: np.ndarray,
        output: np.ndarray,
        baseline: np.ndarray,
        depth: int,
    ) -> None:
        self.feature, self.threshold, self.left, self.right = feature, threshold, left, right
        self.missing_left, self.leaf, self.value = missing_left, leaf, value
        self.start, self.output, self.baseline, self.depth = start, output, baseline, depth

    @classmethod
    def from_sklearn(cls, model) -> TreeEnsemble:
        """Export a fitted ``HistGradientBoostingClassifier`` (its trees and baseline)."""
        nodes, start, output = [], [], []
        offset = 0
        for iteration in model._predictors:
            for k, predictor in enumerate(iteration):
                n = predictor.nodes
                if n["is_categorical"].any():
                    raise ValueError("categorical splits are not exported")
                nodes.append(n)
                start.append(offset)
                output.append(k)
                offset += len(n)
        allnodes = np.concatenate(nodes)
        starts = np.asarray(start, dtype=np.int64)
        tree_of_node = np.repeat(np.arange(len(nodes)), [len(n) for n in nodes])
        shift = starts[tree_of_node]
        return cls(
            feature=allnodes["feature_idx"].astype(np.int64),
            threshold=allnodes["num_threshold"].astype(np.float64),
            left=allnodes["left"].astype(np.int64) + shift,
            right=allnodes["right"].astype(np.int64) + shift,
            missing_left=allnodes["missing_go_to_left"].astype(bool),
            leaf=allnodes["is_leaf"].astype(bool),
            value=allnodes["value"].astype(np.float64),
            start=starts,
            output=np.asarray(output, dtype=np.int64),
            baseline=np.asarray(model._baseline_prediction, dtype=np.float64).reshape(-1),
            depth=int(allnodes["depth"].max()),
        )

    def predict_proba(self, X: np.ndarray, chunk: int = 4096) -> np.ndarray:
        """Class probabilities ``(n, n_classes)`` (binary: two columns), as the exported model gives them.

        Rows go through in chunks: the walk holds one node index per row and tree.
        """
        X = np.asarray(X, dtype=np.float64)
        if len(X) > chunk:
            parts = [self.predict_proba(X[i : i + chunk], chunk) for i in range(0, len(X), chunk)]
            return np.concatenate(parts)
        rows = np.arange(len(X))[:, None]
        node = np.broadcast_to(self.start, (len(X), len(self.start))).copy()  # (n, trees)
        for _ in range(self.depth):
            leaf = self.leaf[node]
            if leaf.all():
                break
            x = X[rows, self.feature[node]]
            go_left = np.where(np.isnan(x), self.missing_left[node], x <= self.threshold[node])
            node = np.where(leaf, node, np.where(go_left, self.left[node], self.right[node]))
        K = len(self.baseline)
        raw = np.tile(self.baseline, (len(X), 1))
        values = self.value[node]
        for k in range(K):
            raw[:, k] += values[:, self.output == k].sum(axis=1)
        if K == 1:
            p = 1.0 / (1.0 + np.exp(-raw[:, 0]))
            return np.stack([1.0 - p, p], axis=1)
        raw -= raw.max(axis=1, keepdims=True)
        e = np.exp(raw)
        return e / e.sum(axis=1, keepdims=True)


class ClassFilter:
    """The classifier of the real rows and the generation rounds that use it.

    Parameters
    ----------
    trees : TreeEnsemble
        Class probabilities of encoded rows, columns in class-code order.
    """

    def __init__(self, trees: TreeEnsemble) -> None:
        self.trees = trees

    @classmethod
    def fit(cls, features: np.ndarray, codes: np.ndarray, seed: int) -> ClassFilter:
        """Fit the class-balanced classifier on encoded real rows and their class codes."""
        from sklearn.ensemble import HistGradientBoostingClassifier

        model = HistGradientBoostingClassifier(
            max_iter=FILTER_ITERATIONS, class_weight="balanced", early_stopping=False, random_state=seed
        )
        model.fit(features, codes)
        if not np.array_equal(model.classes_, np.arange(len(model.classes_))):
            raise ValueError("every class code must occur in the rows the filter is fitted on")
        return cls(TreeEnsemble.from_sklearn(model))

    def generate(
        self,
        codes: np.ndarray,
        threshold: float,
        draw: Callable[[np.ndarray, int], np.ndarray],
        features: Callable[[np.ndarray, int], np.ndarray],
        seed: int,
    ) -> np.ndarray:
        """Encoded rows for ``codes`` (in that order), each kept by the filter where possible.

        ``draw(codes, seed)`` returns encoded rows for the given codes;
        ``features(rows, seed)`` what the classifier scores (the rows decoded
        and encoded again, as the real rows it was fitted on). Each
        round asks every class still short of its quota for as many rows as
        its acceptance so far says it needs (at least 1.5x, at most 20x);
        after :data:`MAX_ROUNDS` the highest-scoring rejected rows fill what
        is missing, with a warning.
        """
        if not len(codes):
            return draw(codes, seed)
        classes, counts = np.unique(codes, return_counts=True)
        need = dict(zip(classes.tolist(), counts.tolist(), strict=True))
        kept: dict[int, list[np.ndarray]] = {k: [] for k in need}
        spare: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {k: [] for k in need}
        drawn = dict.fromkeys(need, 0)
        accepted = dict.fromkeys(need, 0)
        for round_ in range(MAX_ROUNDS):
            short = {k: n for k, n in need.items() if n > 0}
            if not short:
                break
            ask = {}
            for k, n in short.items():
                rate = (accepted[k] + 1) / (drawn[k] + 2)  # smoothed acceptance so far
                ask[k] = int(min(max(math.ceil(1.5 * n), math.ceil(n / rate)), 20 * n))
            batch_codes = np.concatenate([np.full(a, k, dtype=np.int64) for k, a in ask.items()])
            round_seed = int(np.random.SeedSequence([seed, round_]).generate_state(1)[0] >> 1)
            rows = draw(batch_codes, round_seed)
            score = self.trees.predict_proba(features(rows, round_seed))[np.arange(len(rows)), batch_codes]
            for k in ask:
                mine = batch_codes == k
                ok = mine & (score >= threshold)
                drawn[k] += int(mine.sum())
                accepted[k] += int(ok.sum())
                take = np.flatnonzero(ok)[: need[k]]
                kept[k].append(rows[take])
                need[k] -= len(take)
                rejected = np.flatnonzero(mine & ~ok)
                spare[k].append((score[rejected], rows[rejected]))
        short = {k: n for k, n in need.items() if n > 0}
        for k, n in short.items():
            scores = np.concatenate([s for s, _ in spare[k]])
            pool = np.concatenate([r for _, r in spare[k]])
            kept[k].append(pool[np.argsort(-scores, kind="stable")[:n]])
        if short:
            rates = {k: round(accepted[k] / max(drawn[k], 1), 3) for k in short}
            warnings.warn(
                f"The class filter kept too few generated rows of class code(s) {sorted(short)} "
                f"(acceptance {rates}); the best-scoring rejected rows fill {sum(short.values())} places. "
                "Lower class_filter, or train longer.",
                RuntimeWarning,
                stacklevel=4,
            )
        out = np.empty((len(codes), rows.shape[1]), dtype=rows.dtype)
        for k in need:
            out[codes == k] = np.concatenate(kept[k])[: counts[classes == k][0]]
        return out
