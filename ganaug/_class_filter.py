"""GANAugmenter's class filter: keep generated rows that a model of the real rows places in their class.

A conditional GAN trained on a few hundred minority rows puts part of the
rows it generates for the minority class where the real data says
"majority"; added to a training set they act as label noise and pull the
downstream model's boundary the wrong way (measured:
``benchmarks/results/rebalance_variants_cpu.md``). The filter is a class-balanced
gradient-boosting classifier (scikit-learn's ``HistGradientBoostingClassifier``)
fitted on the real training rows as a tree model reads them (a table's
numbers as numbers and its categories as category codes,
``TabularEncoder.plain``; an image's pixels). The generator draws three
times each class's quota; a generated row of class ``k`` is kept when the
classifier gives class ``k`` a probability of at least the threshold, and
when too few pass, the highest-scoring of the others fill the quota
(measured: ``benchmarks/results/rebalance_cpu.md``).

The fitted trees are exported to plain arrays (:class:`TreeEnsemble`), so a
filtered model is stored by ``ganaug.save`` like any other and predicts
without scikit-learn objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

#: Rows drawn per row returned.
OVERSAMPLE = 3
#: The filter's classifier is fitted on at most this many real rows.
FILTER_MAX_ROWS = 100_000
#: Boosting iterations of the filter's classifier.
FILTER_ITERATIONS = 100


class TreeEnsemble:
    """A fitted ``HistGradientBoostingClassifier`` as arrays: predicts class probabilities with numpy.

    Trees are stored end to end: node ``i`` of every tree is at ``start[t] + i``.
    Categorical splits (``categorical_features``) are kept as scikit-learn
    keeps them: 256-bit sets of the categories that go left (``left_bits``,
    one row per categorical node, row 0 unused) and of the categories seen at
    fit per feature (``known_bits``, row ``known_row[feature]``); a category
    that is negative or was not seen at fit goes where missing values go.
    scikit-learn re-encodes categorical columns before its trees see them
    (ordinal codes of the sorted values seen at fit, categorical columns
    first): ``order`` is the trees' column order and ``category_values``
    (split at ``category_start``) the values behind each categorical
    column's codes.
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
        categorical: np.ndarray | None = None,
        bitset: np.ndarray | None = None,
        left_bits: np.ndarray | None = None,
        known_bits: np.ndarray | None = None,
        known_row: np.ndarray | None = None,
        order: np.ndarray | None = None,
        category_values: np.ndarray | None = None,
        category_start: np.ndarray | None = None,
    ) -> None:
        self.feature, self.threshold, self.left, self.right = feature, threshold, left, right
        self.missing_left, self.leaf, self.value = missing_left, leaf, value
        self.start, self.output, self.baseline, self.depth = start, output, baseline, depth
        n = len(feature)
        self.categorical = np.zeros(n, dtype=bool) if categorical is None else categorical
        self.bitset = np.zeros(n, dtype=np.int64) if bitset is None else bitset
        self.left_bits = np.zeros((1, 8), dtype=np.uint32) if left_bits is None else left_bits
        self.known_bits = np.zeros((1, 8), dtype=np.uint32) if known_bits is None else known_bits
        self.known_row = np.zeros(0, dtype=np.int64) if known_row is None else known_row
        self.order = order  # None: the trees read the columns as given
        self.category_values = category_values
        self.category_start = category_start

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if "categorical" not in state:  # saved before categorical splits were exported
            n = len(self.feature)
            self.categorical, self.bitset = np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64)
            self.left_bits = self.known_bits = np.zeros((1, 8), dtype=np.uint32)
            self.known_row = np.zeros(0, dtype=np.int64)
            self.order = self.category_values = self.category_start = None

    @classmethod
    def from_sklearn(cls, model) -> TreeEnsemble:
        """Export a fitted ``HistGradientBoostingClassifier`` (its trees, category sets and baseline)."""
        nodes, start, output, bitsets, bitset_rows = [], [], [], [np.zeros((1, 8), np.uint32)], []
        offset, bit_offset = 0, 1
        for iteration in model._predictors:
            for k, predictor in enumerate(iteration):
                n = predictor.nodes
                nodes.append(n)
                start.append(offset)
                output.append(k)
                offset += len(n)
                raw = np.asarray(predictor.raw_left_cat_bitsets, dtype=np.uint32).reshape(-1, 8)
                local = n["bitset_idx"].astype(np.int64) + bit_offset
                bitset_rows.append(np.where(n["is_categorical"], local, 0))
                bitsets.append(raw)
                bit_offset += len(raw)
        allnodes = np.concatenate(nodes)
        starts = np.asarray(start, dtype=np.int64)
        tree_of_node = np.repeat(np.arange(len(nodes)), [len(n) for n in nodes])
        shift = starts[tree_of_node]
        categorical = allnodes["is_categorical"].astype(bool)
        order, values, value_start = _category_mapping(model)
        known_bits, known_row = np.zeros((1, 8), np.uint32), np.zeros(model.n_features_in_, np.int64)
        if categorical.any():
            known, f_idx_map = model._bin_mapper.make_known_categories_bitsets()
            known_bits = np.asarray(known, dtype=np.uint32).reshape(-1, 8)
            known_row = np.asarray(f_idx_map, dtype=np.int64)
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
            categorical=categorical,
            bitset=np.concatenate(bitset_rows).astype(np.int64),
            left_bits=np.concatenate(bitsets),
            known_bits=known_bits,
            known_row=known_row,
            order=order,
            category_values=values,
            category_start=value_start,
        )

    def _tree_input(self, X: np.ndarray) -> np.ndarray:
        """``X`` as the trees read it: columns in their order, categories as ordinal codes (NaN unknown)."""
        if self.order is None:
            return X
        X = X[:, self.order]
        for j in range(len(self.category_start) - 1):
            known = self.category_values[self.category_start[j] : self.category_start[j + 1]]
            if not len(known):
                X[:, j] = np.nan
                continue
            index = np.minimum(np.searchsorted(known, X[:, j]), len(known) - 1)
            X[:, j] = np.where(known[index] == X[:, j], index, np.nan)
        return X

    def _goes_left(self, node: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Whether rows at ``node`` (values ``x`` of the node's feature) go to the left child."""
        missing = np.isnan(x)
        go_left = np.where(missing, self.missing_left[node], x <= self.threshold[node])
        cat = self.categorical[node] & ~missing
        if cat.any():
            n, v = node[cat], x[cat]
            code = np.clip(v, 0, 255).astype(np.int64)
            word, bit = code >> 5, (code & 31).astype(np.uint32)
            in_left = (self.left_bits[self.bitset[n], word] >> bit) & 1
            known = (self.known_bits[self.known_row[self.feature[n]], word] >> bit) & 1
            as_missing = (v < 0) | (v > 255) | (known == 0)
            go_left[cat] = np.where(as_missing, self.missing_left[n], in_left == 1)
        return go_left

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_compiled"}  # a cache, rebuilt on use

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities ``(n, n_classes)`` (binary: two columns), as the exported model gives them.

        The trees run in scikit-learn's compiled tree walk (its
        ``_predict_from_raw_data``, fed node records rebuilt from the arrays;
        filtered sampling of 20,000 Adult rows took 1.2 s with it against 4.1 s
        with the numpy walk, which stays as the fallback for a scikit-learn
        without it).
        """
        X = self._tree_input(np.asarray(X, dtype=np.float64))
        compiled = self._compiled_walk()
        raw = compiled(X) if compiled is not None else self._raw_numpy(X)
        if raw.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-raw[:, 0]))
            return np.stack([1.0 - p, p], axis=1)
        raw -= raw.max(axis=1, keepdims=True)
        e = np.exp(raw)
        return e / e.sum(axis=1, keepdims=True)

    def _compiled_walk(self) -> Callable[[np.ndarray], np.ndarray] | None:
        """``X -> raw scores`` through scikit-learn's compiled predictor; None where it is missing."""
        if "_compiled" not in self.__dict__:
            self._compiled = _compiled_walk(self)
        return self._compiled

    def _raw_numpy(self, X: np.ndarray, chunk: int = 4096) -> np.ndarray:
        """Raw scores ``(n, K)`` of rows given as the trees read them, by a numpy walk of every tree.

        Rows go through in chunks: the walk holds one node index per row and tree.
        Trees are added in order, as scikit-learn adds them.
        """
        if len(X) > chunk:
            return np.concatenate([self._raw_numpy(X[i : i + chunk], chunk) for i in range(0, len(X), chunk)])
        rows = np.arange(len(X))[:, None]
        node = np.broadcast_to(self.start, (len(X), len(self.start))).copy()  # (n, trees)
        for _ in range(self.depth):
            leaf = self.leaf[node]
            if leaf.all():
                break
            x = X[rows, self.feature[node]]
            go_left = self._goes_left(node, x)
            node = np.where(leaf, node, np.where(go_left, self.left[node], self.right[node]))
        raw = np.tile(self.baseline, (len(X), 1))
        values = self.value[node]
        for t, k in enumerate(self.output):
            raw[:, k] += values[:, t]
        return raw


def _compiled_walk(trees: TreeEnsemble) -> Callable[[np.ndarray], np.ndarray] | None:
    """scikit-learn's own tree walk over node records rebuilt from ``trees`` (None if unavailable).

    Uses scikit-learn's private predictor routine, as its
    ``HistGradientBoostingClassifier.predict_proba`` does; a scikit-learn
    whose routine or record layout differs gets the numpy walk instead (the
    tests compare both with scikit-learn's own predictions).
    """
    try:
        from sklearn.ensemble._hist_gradient_boosting._predictor import _predict_from_raw_data
        from sklearn.ensemble._hist_gradient_boosting.common import PREDICTOR_RECORD_DTYPE
        from sklearn.utils._openmp_helpers import _openmp_effective_n_threads
    except ImportError:
        return None
    fields = {
        "value": trees.value,
        "feature_idx": trees.feature,
        "num_threshold": trees.threshold,
        "missing_go_to_left": trees.missing_left,
        "is_leaf": trees.leaf,
        "is_categorical": trees.categorical,
        "bitset_idx": trees.bitset,  # rows of the shared left_bits, used as given
    }
    if not set(fields) | {"left", "right"} <= set(PREDICTOR_RECORD_DTYPE.names):
        return None
    stops = [*trees.start[1:], len(trees.feature)]
    records = []
    for start, stop in zip(trees.start, stops, strict=True):
        nodes = np.zeros(stop - start, dtype=PREDICTOR_RECORD_DTYPE)
        for name, values in fields.items():
            nodes[name] = values[start:stop]
        nodes["left"] = trees.left[start:stop] - start  # children are numbered inside each tree
        nodes["right"] = trees.right[start:stop] - start
        records.append(nodes)
    left_bits = np.ascontiguousarray(trees.left_bits, dtype=np.uint32)
    known_bits = np.ascontiguousarray(trees.known_bits, dtype=np.uint32)
    known_row = np.ascontiguousarray(trees.known_row, dtype=np.uint32)

    def walk(X: np.ndarray) -> np.ndarray:
        X = np.ascontiguousarray(X, dtype=np.float64)
        n_threads = _openmp_effective_n_threads()  # per call, as scikit-learn (threadpool limits apply)
        raw = np.tile(trees.baseline, (len(X), 1))
        out = np.empty(len(X), dtype=np.float64)
        for nodes, k in zip(records, trees.output, strict=True):
            _predict_from_raw_data(nodes, X, left_bits, known_bits, known_row, n_threads, out)
            raw[:, k] += out
        return raw

    # a routine whose arguments or meaning changed fails here, on a probe, not in a user's sampling
    width = max(len(trees.known_row), int(trees.feature.max(initial=0)) + 1)
    probe = np.array([np.zeros(width), np.ones(width), np.full(width, np.nan)])
    try:
        agrees = np.allclose(walk(probe), trees._raw_numpy(probe), rtol=0, atol=1e-9)
    except (TypeError, ValueError):
        agrees = False
    return walk if agrees else None


def _category_mapping(model) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """The column order and category values of a fitted model's categorical preprocessing (None: none)."""
    pre = getattr(model, "_preprocessor", None)
    if pre is None:
        return None, None, None
    is_cat = np.asarray(model.is_categorical_, dtype=bool)
    order = np.concatenate([np.flatnonzero(is_cat), np.flatnonzero(~is_cat)]).astype(np.int64)
    values = []
    for categories in pre.named_transformers_["encoder"].categories_:
        categories = np.asarray(categories, dtype=np.float64)
        values.append(categories[~np.isnan(categories)])
    start = np.concatenate([[0], np.cumsum([len(v) for v in values])]).astype(np.int64)
    return order, np.concatenate(values) if values else np.zeros(0), start


class ClassFilter:
    """The classifier of the real rows and the over-generation that uses it.

    Parameters
    ----------
    trees : TreeEnsemble
        Class probabilities of rows as :meth:`fit` saw them, columns in class-code order.
    """

    def __init__(self, trees: TreeEnsemble, columns: np.ndarray | None = None) -> None:
        self.trees = trees
        self.columns = columns  # the feature columns the trees read (None: all)

    def _select(self, features: np.ndarray) -> np.ndarray:
        columns = getattr(self, "columns", None)  # filters saved before columns were selected: all
        if columns is None:
            return features
        return features[:, columns] if len(columns) else np.zeros((len(features), 1))

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Class probabilities of rows given as :meth:`fit` was (all columns)."""
        return self.trees.predict_proba(self._select(features))

    @classmethod
    def fit(
        cls, features: np.ndarray, codes: np.ndarray, seed: int, categorical: np.ndarray | None = None
    ) -> ClassFilter:
        """Fit the class-balanced classifier on real rows (``features``) and their class codes.

        ``categorical`` marks the columns of category codes (split as sets
        of categories). Beyond :data:`FILTER_MAX_ROWS` rows, a random
        subset with every class kept in full up to an equal share is used.
        """
        from sklearn.ensemble import HistGradientBoostingClassifier

        rows = _filter_rows(codes, FILTER_MAX_ROWS, seed)
        # columns with no observed value carry nothing (and scikit-learn cannot bin them)
        columns = np.flatnonzero(~np.isnan(features[rows]).all(axis=0))
        if categorical is not None:
            categorical = categorical[columns]
        select = cls(None, columns)._select
        model = HistGradientBoostingClassifier(
            max_iter=FILTER_ITERATIONS,
            class_weight="balanced",
            early_stopping=False,
            categorical_features=None if categorical is None or not categorical.any() else categorical,
            random_state=seed,
        )
        model.fit(select(features[rows]), codes[rows])
        if not np.array_equal(model.classes_, np.arange(len(model.classes_))):
            raise ValueError("every class code must occur in the rows the filter is fitted on")
        return cls(TreeEnsemble.from_sklearn(model), columns)

    def generate(
        self,
        codes: np.ndarray,
        threshold: float,
        draw: Callable[[np.ndarray, int], np.ndarray],
        features: Callable[[np.ndarray, int], np.ndarray],
        seed: int,
    ) -> tuple[np.ndarray, dict[int, float], dict[int, float]]:
        """Encoded rows for ``codes`` (in that order); per class, the shares of draws that passed and
        that the classifier reads as their class.

        ``draw(codes, seed)`` returns encoded rows for the given codes;
        ``features(rows, seed)`` what the classifier scores (the rows as
        :meth:`fit` saw the real ones). Every class is drawn
        :data:`OVERSAMPLE` times its quota; the rows whose probability of
        their own class is at least ``threshold`` are kept in the order
        drawn, and where fewer than the quota pass, the highest-scoring of
        the rest fill the places left: at worst a class gets the best-scoring
        third of its draws, and the quota is always met. The second share
        (the class has the highest probability, whatever the threshold) is
        the class fidelity of the unfiltered draws, as
        :func:`ganaug.metrics.class_fidelity` defines it, with the filter's
        classifier as the judge.
        """
        if not len(codes):
            return draw(codes, seed), {}, {}
        classes, counts = np.unique(codes, return_counts=True)
        batch_codes = np.repeat(classes, OVERSAMPLE * counts)
        rows = draw(batch_codes, seed)
        proba = self.predict_proba(features(rows, seed))
        score = proba[np.arange(len(rows)), batch_codes]
        read_as_own = proba.argmax(axis=1) == batch_codes
        out = np.empty((len(codes), rows.shape[1]), dtype=rows.dtype)
        acceptance, fidelity = {}, {}
        for k, n in zip(classes.tolist(), counts.tolist(), strict=True):
            mine = np.flatnonzero(batch_codes == k)
            ok = score[mine] >= threshold
            acceptance[k] = float(ok.mean())
            fidelity[k] = float(read_as_own[mine].mean())
            rest = mine[~ok][np.argsort(-score[mine[~ok]], kind="stable")]
            take = np.concatenate([mine[ok], rest])[:n]
            out[codes == k] = rows[take]
        return out, acceptance, fidelity


def _filter_rows(codes: np.ndarray, cap: int, seed: int) -> np.ndarray:
    """Row indices to fit the filter on: all of them up to ``cap``, else an equal share per class.

    Classes smaller than their share are kept whole and leave their unused
    places to the others.
    """
    if len(codes) <= cap:
        return np.arange(len(codes))
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(codes, return_counts=True)
    share = np.zeros(len(classes), dtype=np.int64)
    left, open_ = cap, np.ones(len(classes), dtype=bool)
    while open_.any():  # water-filling: small classes whole, the rest split evenly
        even = left // open_.sum()
        small = open_ & (counts - share <= even)
        if not small.any():
            share[open_] += even
            break
        left -= int((counts[small] - share[small]).sum())
        share[small] = counts[small]
        open_ &= ~small
    picked = [
        rng.choice(np.flatnonzero(codes == k), size=n, replace=False)
        for k, n in zip(classes, share, strict=True)
    ]
    return np.sort(np.concatenate(picked))


#: The classes a fitted class filter is made of: ``ganaug.save`` may store them.
SAVEABLE: tuple[type, ...] = (ClassFilter, TreeEnsemble)


class FilteredSynthesizer:
    """A synthesizer whose samples of each class pass the class filter: it wraps one, and is one.

    :meth:`fit` trains the wrapped synthesizer, then the filter's classifier
    on the same checked data, so ``GANAugmenter.fit_resample`` goes down into
    the models once and comes back once. :meth:`generate_encoded` draws
    :data:`OVERSAMPLE` times each quota through the wrapped synthesizer and
    keeps the rows the classifier places in their class
    (:meth:`ClassFilter.generate`); :attr:`acceptance` holds, per class code,
    the share of the last draws that passed, and :attr:`fidelity` the share
    the classifier reads as their class (the generator's class fidelity,
    before the filter). Every other member (encoder,
    history, decoding) is the wrapped synthesizer's.

    Parameters
    ----------
    synthesizer : EncodedSynthesizer
        The modality's synthesizer (fitted, or to fit through :meth:`fit`).
    threshold : float
        Probability of its own class a generated sample needs to pass.
    class_filter : ClassFilter or None, default=None
        The fitted classifier (after ``fit``, or when re-wrapping a fitted pair).
    unlabelled_code : int or None, default=None
        The class code of rows without a label: the synthesizer trains on
        them, the filter's classifier does not (and they are never generated).
    """

    def __init__(
        self,
        synthesizer: Any,
        threshold: float,
        class_filter: ClassFilter | None = None,
        unlabelled_code: int | None = None,
    ) -> None:
        self.synthesizer = synthesizer
        self.threshold = threshold
        self.class_filter = class_filter
        self.unlabelled_code = unlabelled_code
        self.acceptance: dict[int, float] = {}
        self.fidelity: dict[int, float] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or "synthesizer" not in self.__dict__:
            raise AttributeError(name)
        return getattr(self.__dict__["synthesizer"], name)

    def fit(
        self, data: Any, codes: np.ndarray | None, n_classes: int, device: Any, seeds: Any
    ) -> FilteredSynthesizer:
        """Fit the wrapped synthesizer, then (with class ``codes``) the filter's classifier on ``data``."""
        self.synthesizer = self.synthesizer.fit(data, codes, n_classes, device, seeds)
        if codes is not None:
            features = self.synthesizer.features(data)
            if self.unlabelled_code is not None:
                labelled = codes != self.unlabelled_code
                features, codes = features[labelled], codes[labelled]
            self.class_filter = ClassFilter.fit(
                features,
                codes,
                seeds.seed("class filter"),
                self.synthesizer.filter_categorical,
            )
        return self

    def generate_encoded(self, codes: np.ndarray, seed: int, fixed: np.ndarray | None = None) -> np.ndarray:
        """Encoded samples for the class codes, each class's the best of :data:`OVERSAMPLE` x its quota.

        ``fixed`` (tables): condition codes passed to the wrapped synthesizer.
        """
        inner = self.synthesizer

        def draw(batch_codes: np.ndarray, draw_seed: int) -> np.ndarray:
            if fixed is None:
                return inner.generate_encoded(batch_codes, draw_seed)
            return inner.generate_encoded(batch_codes, draw_seed, fixed)

        if self.class_filter is None:
            self.acceptance, self.fidelity = {}, {}
            return draw(codes, seed)
        encoded, self.acceptance, self.fidelity = self.class_filter.generate(
            codes, self.threshold, draw, inner.round_trip, seed
        )
        return encoded

    def generate(self, codes: np.ndarray, seed: int) -> Any:
        """Filtered samples for the class codes, decoded into the fitted container."""
        return self.synthesizer.decode(self.generate_encoded(codes, seed), seed)
