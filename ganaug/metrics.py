"""Scores for synthetic tables and images: fidelity, detectability and usefulness.

The same functions drive ganaug's benchmarks, so anyone can score their own
synthetic data the way the benchmark tables were made.

- :func:`column_shapes` / :func:`column_pair_trends` / :func:`quality_score`:
  SDMetrics' quality report (``QualityReport``, sdmetrics 0.32), computed
  the same way (a test checks it against sdmetrics). Column shape is ``1 -
  KS statistic`` for numeric columns and ``1 - total variation distance`` for
  categorical ones; pair trend is ``1 - |corr_real - corr_synth| / 2``
  (Pearson) for two numeric columns and contingency similarity (``1 -``
  total variation of the joint frequencies, numbers cut into 10 equal-width
  bins of each table) otherwise. Like SDMetrics, the pair score averages
  only the pairs the real data relates: ``|corr| > 0.5`` or Cramér's V
  ``> 0.3``; set both thresholds to 0 to average every pair (ganaug's first
  tables did: 0.877 where SDMetrics said 0.785). The quality score
  is the mean of the two averages. 1 is perfect.
- :func:`detection_auc`: cross-validated ROC AUC of a classifier telling real
  from synthetic rows. 0.5 is indistinguishable, 1 is trivially detected.
- :func:`tstr`: train on synthetic, test on real.
- :func:`class_fidelity`: the share of synthetic rows of each class that a
  class-balanced model of the real rows reads as that class, beside the
  same model's cross-validated recall on the real rows (its ceiling).
- Images: :class:`ImageJudge` (a small CNN trained on your own images, a
  ``judge`` for :func:`class_fidelity`), :func:`frechet_distance` on its
  features, and :func:`class_diversity` (does a class's generator collapse).
- :func:`privacy`: the memorisation check: distance to the closest
  training record (DCR) of synthetic rows beside that of held-out real
  rows, and the share of exact copies of training rows in each.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "ImageJudge",
    "class_diversity",
    "class_fidelity",
    "column_pair_trends",
    "column_shapes",
    "detection_auc",
    "frechet_distance",
    "make_classifier",
    "privacy",
    "quality_score",
    "tstr",
]


def _frame(X: Any) -> pd.DataFrame:
    return X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X))


def _is_categorical(series: pd.Series) -> bool:
    dtype = series.dtype
    return not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)


def _categorical_columns(frame: pd.DataFrame) -> list:
    return [c for c in frame.columns if _is_categorical(frame[c])]


def _ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.sort(a), np.sort(b)
    if len(a) == 0 or len(b) == 0:
        return 1.0
    grid = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, grid, side="right") / len(a)
    cdf_b = np.searchsorted(b, grid, side="right") / len(b)
    return float(np.max(np.abs(cdf_a - cdf_b)))


def _frequencies(series: pd.Series) -> pd.Series:
    values = series.astype(object)
    return values.where(values.notna(), "<missing>").value_counts(normalize=True)


def _tvd(p: pd.Series, q: pd.Series) -> float:
    p, q = p.align(q, fill_value=0.0)
    return float(0.5 * np.abs(p - q).sum())


def column_shapes(real: Any, synthetic: Any) -> pd.Series:
    """Per-column shape similarity in [0, 1] (KS complement or TV complement).

    Parameters
    ----------
    real, synthetic : DataFrame or array-like
        Tables with the same columns. Columns with a non-numeric or bool
        dtype are categorical.

    Returns
    -------
    scores : Series
        One score per column of ``real``: ``1 - KS statistic`` for numeric
        columns, ``1 - total variation distance`` for categorical ones
        (missing values left out). 1 is a perfect match.

    Examples
    --------
    >>> import pandas as pd
    >>> real = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "c": ["a", "a", "b", "b"]})
    >>> column_shapes(real, real).tolist()
    [1.0, 1.0]
    """
    real, synthetic = _frame(real), _frame(synthetic)
    scores = {}
    for c in real.columns:
        if _is_categorical(real[c]):
            scores[c] = 1.0 - _tvd(_frequencies(real[c]), _frequencies(synthetic[c]))
        else:
            r = pd.to_numeric(real[c]).dropna().to_numpy(float)
            s = pd.to_numeric(synthetic[c]).dropna().to_numpy(float)
            scores[c] = 1.0 - _ks_statistic(r, s)
    return pd.Series(scores, name="column_shape")


def _binned(real: pd.Series, synthetic: pd.Series, bins: int = 10) -> tuple[pd.Series, pd.Series]:
    """Categories as they are; numbers in ``bins`` equal-width bins.

    As SDMetrics' quality report does, each table is cut on its own bin
    edges (``np.histogram_bin_edges`` then ``np.digitize``), so the score
    compares the two tables' shapes of association.
    """
    if _is_categorical(real):
        real, synthetic = real.astype(object), synthetic.astype(object)
        return real.where(real.notna(), "<missing>"), synthetic.where(synthetic.notna(), "<missing>")

    def cut(s: pd.Series) -> pd.Series:
        values = pd.to_numeric(s).to_numpy(float)
        edges = np.histogram_bin_edges(values[~np.isnan(values)], bins=bins)
        return pd.Series(np.digitize(values, edges), index=s.index)

    return cut(real), cut(synthetic)


def _cramers_v(a: pd.Series, b: pd.Series) -> float:
    from scipy.stats.contingency import association

    table = pd.crosstab(a, b).to_numpy()
    if table.sum() == 0 or min(table.shape) < 2:
        return float("nan")
    return float(association(table, method="cramer"))


def column_pair_trends(
    real: Any,
    synthetic: Any,
    *,
    real_correlation_threshold: float = 0.5,
    real_association_threshold: float = 0.3,
    max_pairs: int | None = None,
    random_state: int = 0,
) -> pd.Series:
    """Per-pair trend similarity in [0, 1]: correlation or contingency similarity.

    Pairs the real data does not relate (``|corr| <=
    real_correlation_threshold`` for two numbers, Cramér's V ``<=
    real_association_threshold`` otherwise) score NaN and are left out of
    :func:`quality_score`'s average, as in SDMetrics' quality report.

    Parameters
    ----------
    real, synthetic : DataFrame or array-like
        Tables with the same columns.
    real_correlation_threshold, real_association_threshold : float, default=0.5, 0.3
        SDMetrics' defaults; 0 scores every pair.
    max_pairs : int or None, default=None
        Score a random subset of this many pairs (all pairs when None).
    random_state : int, default=0
        Seed of that subset.

    Returns
    -------
    scores : Series
        One score per pair of columns, indexed by ``(column_a, column_b)``;
        NaN for the pairs the real data does not relate.
    """
    real, synthetic = _frame(real), _frame(synthetic)
    pairs = list(combinations(real.columns, 2))
    if max_pairs is not None and len(pairs) > max_pairs:
        keep = np.random.default_rng(random_state).choice(len(pairs), max_pairs, replace=False)
        pairs = [pairs[i] for i in sorted(keep)]
    scores = {}
    for a, b in pairs:
        if not _is_categorical(real[a]) and not _is_categorical(real[b]):
            r = real[[a, b]].apply(pd.to_numeric).dropna().corr().iloc[0, 1]
            s = synthetic[[a, b]].apply(pd.to_numeric).dropna().corr().iloc[0, 1]
            if real_correlation_threshold > 0 and not abs(r) > real_correlation_threshold:
                scores[(a, b)] = np.nan
                continue
            scores[(a, b)] = 1.0 - abs(np.nan_to_num(r) - np.nan_to_num(s)) / 2.0
        else:
            ra, sa = _binned(real[a], synthetic[a])
            rb, sb = _binned(real[b], synthetic[b])
            if real_association_threshold > 0 and not _cramers_v(ra, rb) > real_association_threshold:
                scores[(a, b)] = np.nan
                continue
            joint_r = pd.Series(list(zip(ra, rb, strict=True))).value_counts(normalize=True)
            joint_s = pd.Series(list(zip(sa, sb, strict=True))).value_counts(normalize=True)
            scores[(a, b)] = 1.0 - _tvd(joint_r, joint_s)
    return pd.Series(scores, name="column_pair_trend", dtype=float)


def quality_score(real: Any, synthetic: Any) -> dict[str, float]:
    """SDMetrics' quality: ``column_shapes``, ``column_pair_trends`` and their mean ``quality``.

    ``column_pair_trends`` averages the pairs the real data relates (see
    :func:`column_pair_trends`); with none, it is the column-shapes score.

    Parameters
    ----------
    real, synthetic : DataFrame or array-like
        Tables with the same columns.

    Returns
    -------
    scores : dict
        ``column_shapes`` (mean of :func:`column_shapes`),
        ``column_pair_trends`` (mean of the scored pairs of
        :func:`column_pair_trends`) and ``quality``, their mean. 1 is
        perfect.

    Examples
    --------
    >>> import pandas as pd
    >>> real = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "c": ["a", "a", "b", "b"]})
    >>> quality_score(real, real)["quality"]
    1.0
    """
    shapes = float(column_shapes(real, synthetic).mean())
    pairs = column_pair_trends(real, synthetic).dropna()
    pair_score = float(pairs.mean()) if len(pairs) else shapes
    return {"column_shapes": shapes, "column_pair_trends": pair_score, "quality": (shapes + pair_score) / 2}


def make_classifier(X: Any, kind: str = "gbm", random_state: int = 0):
    """A preprocessing + classifier pipeline suited to the columns of ``X``.

    ``kind="gbm"``: ordinal-encoded categoricals into a HistGradientBoosting
    classifier (native categorical support). ``kind="logistic"``: one-hot
    categoricals, standardised and mean-imputed numbers into a logistic
    regression.

    Parameters
    ----------
    X : DataFrame or array-like
        A table with the columns the classifier will see; only its dtypes
        are read (non-numeric and bool columns are categorical).
    kind : {"gbm", "logistic"}, default="gbm"
        Which classifier.
    random_state : int, default=0
        Seed of the gradient boosting.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        An unfitted pipeline: a ``ColumnTransformer`` then the classifier.
    """
    frame = _frame(X)
    categorical = _categorical_columns(frame)
    numeric = [c for c in frame.columns if c not in categorical]
    to_str = FunctionTransformer(_as_strings, feature_names_out="one-to-one")
    if kind == "gbm":
        pre = ColumnTransformer(
            [
                (
                    "cat",
                    make_pipeline(
                        to_str, OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan)
                    ),
                    categorical,
                ),
                ("num", "passthrough", numeric),
            ],
            verbose_feature_names_out=False,
        )
        mask = [True] * len(categorical) + [False] * len(numeric)
        model = HistGradientBoostingClassifier(
            categorical_features=mask if categorical else None, random_state=random_state
        )
        return make_pipeline(pre, model)
    if kind == "logistic":
        pre = ColumnTransformer(
            [
                ("cat", make_pipeline(to_str, OneHotEncoder(handle_unknown="ignore")), categorical),
                ("num", make_pipeline(SimpleImputer(), StandardScaler()), numeric),
            ]
        )
        return make_pipeline(pre, LogisticRegression(max_iter=2000))
    raise ValueError(f"kind={kind!r} must be 'gbm' or 'logistic'.")


def _as_strings(X: Any) -> np.ndarray:
    """Categorical columns as strings, missing values as their own category."""
    frame = pd.DataFrame(X).astype(object)
    return frame.where(frame.notna(), "<missing>").astype(str).to_numpy()


def detection_auc(
    real: Any, synthetic: Any, *, kind: str = "gbm", cv: int = 3, random_state: int = 0
) -> float:
    """Cross-validated ROC AUC of a classifier separating real from synthetic rows.

    Both tables are cut to the same number of rows first. 0.5 means the
    classifier cannot tell them apart.

    Parameters
    ----------
    real, synthetic : DataFrame or array-like
        Tables with the same columns.
    kind : {"gbm", "logistic"}, default="gbm"
        The classifier, as in :func:`make_classifier`.
    cv : int, default=3
        Number of stratified cross-validation folds.
    random_state : int, default=0
        Seed of the row subsets, the folds and the classifier.

    Returns
    -------
    auc : float
        Out-of-fold ROC AUC of telling synthetic from real rows.
    """
    real, synthetic = _frame(real), _frame(synthetic)
    n = min(len(real), len(synthetic))
    rng = np.random.default_rng(random_state)
    real = real.iloc[rng.choice(len(real), n, replace=False)]
    synthetic = synthetic.iloc[rng.choice(len(synthetic), n, replace=False)]
    both = pd.concat([real, synthetic.astype(real.dtypes.to_dict(), errors="ignore")], ignore_index=True)
    label = np.r_[np.zeros(n), np.ones(n)]
    model = make_classifier(both, kind, random_state)
    folds = StratifiedKFold(cv, shuffle=True, random_state=random_state)
    proba = cross_val_predict(model, both, label, cv=folds, method="predict_proba")[:, 1]
    return float(roc_auc_score(label, proba))


def tstr(
    X_synthetic: Any,
    y_synthetic: Any,
    X_test: Any,
    y_test: Any,
    *,
    estimator: Any = None,
    random_state: int = 0,
) -> dict[str, float]:
    """Train on synthetic rows, test on real ones: accuracy, macro F1 and ROC AUC.

    ``estimator`` defaults to :func:`make_classifier` (HistGradientBoosting).
    ROC AUC is one-vs-rest for more than two classes.

    Parameters
    ----------
    X_synthetic, y_synthetic : DataFrame or array-like, array-like
        Synthetic rows and their labels: the training set.
    X_test, y_test : DataFrame or array-like, array-like
        Real rows and their labels: the test set.
    estimator : classifier or None, default=None
        Cloned and fitted on the synthetic rows; it needs
        ``predict_proba``.
    random_state : int, default=0
        Seed of the default classifier.

    Returns
    -------
    scores : dict
        ``accuracy``, ``macro_f1`` and ``roc_auc`` on the real test rows.
    """
    model = clone(estimator) if estimator is not None else make_classifier(X_synthetic, "gbm", random_state)
    model.fit(X_synthetic, np.asarray(y_synthetic))
    pred = model.predict(X_test)
    y_test = np.asarray(y_test)
    proba = model.predict_proba(X_test)
    classes = model.classes_
    if len(classes) == 2:
        auc = roc_auc_score(y_test == classes[1], proba[:, 1])
    else:
        auc = roc_auc_score(y_test, proba, multi_class="ovr", labels=classes)
    return {
        "accuracy": float(accuracy_score(y_test, pred)),
        "macro_f1": float(f1_score(y_test, pred, average="macro")),
        "roc_auc": float(auc),
    }


def class_fidelity(
    X_real: Any,
    y_real: Any,
    X_synthetic: Any,
    y_synthetic: Any,
    *,
    judge: Any = None,
    cv: int = 5,
    random_state: int = 0,
) -> pd.DataFrame:
    """How often a model of the real data reads synthetic rows as the class they were generated for.

    A class-balanced *judge* is fitted on the real rows (by default
    :func:`make_classifier`'s HistGradientBoosting, native categorical
    splits, ``class_weight="balanced"``). Its cross-validated recall of each
    class on the real rows is the *ceiling*: what a row of that class can
    hope for, since real rows are not all recognisable either. The
    *fidelity* of a class is the share of its synthetic rows the judge,
    fitted on every real row, assigns to it; *ratio* is fidelity over
    ceiling (1: synthetic rows are as recognisable as real ones).

    Images work as flattened rows (``X.reshape(len(X), -1)``) with this
    pixel-wise judge; a judge suited to pixels (a small CNN trained on the
    real images) can be passed as ``judge``.

    Parameters
    ----------
    X_real, y_real : DataFrame or array-like, array-like
        The real rows and their labels.
    X_synthetic, y_synthetic : DataFrame or array-like, array-like
        Synthetic rows (same columns) and the class each was generated for.
    judge : classifier or None, default=None
        Cloned, cross-validated and fitted on the real rows.
    cv : int, default=5
        Folds of the ceiling's cross-validation (fewer where a class has
        fewer rows; at least 2).
    random_state : int, default=0
        Seed of the default judge and of the folds.

    Returns
    -------
    scores : DataFrame
        One row per class of ``y_synthetic``: ``n_synthetic``,
        ``fidelity``, ``ceiling`` and ``ratio``.

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug.metrics import class_fidelity
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (100, 2)), rng.normal(4, 1, (100, 2))])
    >>> y = np.repeat([0, 1], 100)
    >>> fake = np.vstack([rng.normal(0, 1, (50, 2)), rng.normal(0, 1, (50, 2))])  # class 1 drawn wrong
    >>> scores = class_fidelity(X, y, fake, np.repeat([0, 1], 50))
    >>> bool(scores.loc[0, "ratio"] > 0.9), bool(scores.loc[1, "fidelity"] < 0.1)
    (True, True)
    """
    y_real, y_synthetic = np.asarray(y_real), np.asarray(y_synthetic)
    unknown = sorted(set(y_synthetic.tolist()) - set(y_real.tolist()), key=str)
    if unknown:
        raise ValueError(f"y_synthetic has classes the real rows do not: {unknown[:5]}.")
    if judge is None:
        model = make_classifier(X_real, "gbm", random_state)
        model.set_params(histgradientboostingclassifier__class_weight="balanced")
    else:
        model = clone(judge)
    folds = min(cv, int(np.unique(y_real, return_counts=True)[1].min()))
    if folds < 2:
        raise ValueError("class_fidelity needs at least 2 real rows of every class for its ceiling.")
    splitter = StratifiedKFold(folds, shuffle=True, random_state=random_state)
    real_pred = cross_val_predict(model, X_real, y_real, cv=splitter)
    synthetic_pred = model.fit(X_real, y_real).predict(X_synthetic)
    rows = {}
    for label in pd.unique(y_synthetic):
        mine = y_synthetic == label
        fidelity = float(np.mean(synthetic_pred[mine] == label))
        ceiling = float(np.mean(real_pred[y_real == label] == label))
        rows[label] = {
            "n_synthetic": int(mine.sum()),
            "fidelity": fidelity,
            "ceiling": ceiling,
            "ratio": fidelity / ceiling if ceiling > 0 else float("nan"),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


class ImageJudge(ClassifierMixin, BaseEstimator):
    """A small convolutional classifier trained on your own images: the judge of image metrics.

    Two 3x3 convolutions, pooling, a 128-unit feature layer and a class head,
    trained with Adam from a seeded random start on the images given to
    :meth:`fit` (no weights are ever downloaded). :meth:`predict` makes it a
    ``judge`` for :func:`class_fidelity`; :meth:`transform` gives the
    features of :func:`frechet_distance`. Images are taken as the estimators
    take them (``(n, H, W)``, ``(n, C, H, W)``, ``(n, H, W, C)``, or
    flattened rows with ``image_shape``) and trained on the CPU.

    Parameters
    ----------
    steps : int, default=600
        Adam steps.
    batch_size : int, default=64
        Images per step.
    learning_rate : float, default=1e-3
        Adam learning rate.
    image_shape : tuple of int or None, default=None
        ``(H, W)`` or ``(C, H, W)`` when ``X`` holds flattened images.
    channels : {"auto", "first", "last"}, default="auto"
        Where a 4-D array keeps its channels.
    random_state : int, default=0
        Seeds the initialisation, the batches and dropout.

    Attributes
    ----------
    classes_ : ndarray
        Class labels seen at fit.
    encoder_ : ImageEncoder
        Maps images to the network's padded ``[-1, 1]`` input.
    network_ : torch.nn.Module
        The trained network.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from ganaug.metrics import ImageJudge
    >>> X, y = load_digits(return_X_y=True)
    >>> judge = ImageJudge(steps=200, image_shape=(8, 8)).fit(X[:1000], y[:1000])
    >>> bool(judge.score(X[1000:], y[1000:]) > 0.8), judge.transform(X[:3]).shape
    (True, (3, 128))
    """

    def __init__(
        self,
        steps: int = 600,
        batch_size: int = 64,
        learning_rate: float = 1e-3,
        image_shape: Any = None,
        channels: str = "auto",
        random_state: int = 0,
    ) -> None:
        self.steps = steps
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.image_shape = image_shape
        self.channels = channels
        self.random_state = random_state

    def _encode(self, X: Any, fit: bool = False) -> np.ndarray:
        from ganaug.image import ImageEncoder, check_images

        images = check_images(X, self.image_shape, self.channels)
        if fit:
            self.encoder_ = ImageEncoder().fit(images)
        encoded = self.encoder_.transform(images)  # NaN pixels stay NaN
        if np.isnan(encoded).any():
            raise ValueError("ImageJudge takes complete images; fill missing pixels first (GANImputer).")
        return encoded

    def fit(self, X: Any, y: Any) -> ImageJudge:
        """Train the network on images ``X`` and their labels ``y``."""
        from ganaug.image._judge import train_judge

        y = np.asarray(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        encoded = self._encode(X, fit=True)
        if len(encoded) != len(y):
            raise ValueError(f"X has {len(encoded)} images but y has {len(y)} labels.")
        self.network_ = train_judge(
            encoded,
            codes,
            len(self.classes_),
            self.steps,
            self.batch_size,
            self.learning_rate,
            self.random_state,
        )
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        from ganaug.image._judge import judge_outputs

        check_is_fitted(self, "network_")
        return judge_outputs(self.network_, self._encode(X), features=False)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each image."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def transform(self, X: Any) -> np.ndarray:
        """The 128 features of each image (the penultimate layer): what :func:`frechet_distance` compares."""
        from ganaug.image._judge import judge_outputs

        check_is_fitted(self, "network_")
        return judge_outputs(self.network_, self._encode(X), features=True)


def frechet_distance(real_features: Any, synthetic_features: Any) -> float:
    """Fréchet distance between two sets of feature vectors (the FID formula, on any features).

    ``|mu_r - mu_s|^2 + tr(C_r + C_s - 2 (C_r C_s)^(1/2))`` with a ridge of
    1e-6 on the covariances (ReLU features with dead units make them
    singular, as pytorch-fid also guards against). For images, pass
    :meth:`ImageJudge.transform` of real and generated images: features
    learned from your own data, never downloaded. Compare it with the
    distance between two real sets (the floor) rather than read it alone.

    Parameters
    ----------
    real_features, synthetic_features : array-like of shape (n, d)
        Feature vectors, at least 2 of each.

    Returns
    -------
    distance : float
        0 for identical Gaussian statistics; larger is further apart.

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug.metrics import frechet_distance
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=(500, 3)), rng.normal(size=(500, 3))
    >>> bool(frechet_distance(a, b) < 0.1), bool(frechet_distance(a, b + 2) > 11)
    (True, True)
    """
    from scipy import linalg

    a, b = np.asarray(real_features, dtype=np.float64), np.asarray(synthetic_features, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1] or min(len(a), len(b)) < 2:
        raise ValueError(
            f"Expected two (n, d) feature sets with n >= 2 and the same d; got {a.shape}, {b.shape}."
        )
    ridge = 1e-6 * np.eye(a.shape[1])
    cov_a, cov_b = np.cov(a, rowvar=False) + ridge, np.cov(b, rowvar=False) + ridge
    root = linalg.sqrtm(cov_a @ cov_b).real
    return float(((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(cov_a + cov_b - 2 * root))


def class_diversity(X_real: Any, y_real: Any, X_synthetic: Any, y_synthetic: Any) -> pd.Series:
    """Per class, how varied synthetic samples are against real ones: the mean pairwise distance ratio.

    1 means as varied as the real samples of the class; near 0 means the
    generator collapsed to a few samples (``GANAugmenter`` warns under
    0.35 after an image fit). Samples are compared as flat vectors (images
    flattened), at most 256 of each class and kind, the first ones.

    Parameters
    ----------
    X_real, y_real : array-like, array-like
        Real samples and labels.
    X_synthetic, y_synthetic : array-like, array-like
        Synthetic samples and the class each was generated for.

    Returns
    -------
    ratios : Series
        One ratio per class of ``y_synthetic`` that has at least 2 real and 2 synthetic samples.

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug.metrics import class_diversity
    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(100, 5))
    >>> collapsed = np.repeat(real[:1], 50, axis=0) + 0.01 * rng.normal(size=(50, 5))
    >>> float(class_diversity(real, np.zeros(100), collapsed, np.zeros(50)).loc[0]) < 0.05
    True
    """
    from ganaug.image import diversity

    real, synthetic = np.asarray(X_real, dtype=np.float64), np.asarray(X_synthetic, dtype=np.float64)
    real, synthetic = real.reshape(len(real), -1), synthetic.reshape(len(synthetic), -1)
    y_real, y_synthetic = np.asarray(y_real), np.asarray(y_synthetic)
    out = {}
    for label in pd.unique(y_synthetic):
        mine_real, mine_synthetic = real[y_real == label][:256], synthetic[y_synthetic == label][:256]
        if len(mine_real) >= 2 and len(mine_synthetic) >= 2:
            out[label] = diversity(mine_real, mine_synthetic)
    return pd.Series(out, dtype=np.float64, name="diversity ratio")


def _row_keys(frame: pd.DataFrame) -> pd.Series:
    """One hashable key per row (missing values equal to each other), for exact-copy counts."""
    return pd.Series(pd.util.hash_pandas_object(pd.DataFrame(_as_strings(frame)), index=False).to_numpy())


def privacy(train: Any, synthetic: Any, holdout: Any, *, max_rows: int = 5000, random_state: int = 0) -> dict:
    """Memorisation check: how close synthetic rows sit to the training rows, against real unseen rows.

    Rows are compared in one space: numeric columns scaled to [0, 1] by the
    training range (missing values at -1), categorical ones one-hot. The
    distance to the closest training record (DCR) of each synthetic row is
    set beside the DCR of held-out real rows, which the model never saw: a
    model that copies its training rows puts synthetic rows *closer* than
    unseen real rows. Exact copies are counted the same way; in all-discrete
    tables real rows repeat, so some matches are expected, and the held-out
    share says how many.

    Parameters
    ----------
    train : DataFrame or array-like
        The rows the model was trained on.
    synthetic : DataFrame or array-like
        Rows the model generated.
    holdout : DataFrame or array-like
        Real rows from the same source that the model never saw.
    max_rows : int, default=5000
        Synthetic and held-out rows scored (a random subset of each).
    random_state : int, default=0
        Seed of those subsets.

    Returns
    -------
    dict
        ``dcr_synthetic_median`` / ``dcr_holdout_median`` (and the 5th
        percentiles ``dcr_*_p05``), ``copies_synthetic`` / ``copies_holdout``
        (share of rows equal to a training row) and ``dcr_ratio`` (median
        synthetic DCR / median held-out DCR; about 1 when nothing is copied).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> train = pd.DataFrame({"x": rng.normal(size=200), "c": rng.choice(["a", "b"], 200)})
    >>> holdout = pd.DataFrame({"x": rng.normal(size=200), "c": rng.choice(["a", "b"], 200)})
    >>> copied = privacy(train, train.iloc[:100], holdout)
    >>> copied["copies_synthetic"], copied["copies_holdout"]
    (1.0, 0.0)
    """
    from sklearn.neighbors import NearestNeighbors

    train, synthetic, holdout = _frame(train), _frame(synthetic), _frame(holdout)
    synthetic = synthetic.astype(train.dtypes.to_dict(), errors="ignore")
    rng = np.random.default_rng(random_state)

    def subset(frame: pd.DataFrame) -> pd.DataFrame:
        return (
            frame.iloc[np.sort(rng.choice(len(frame), max_rows, replace=False))]
            if len(frame) > max_rows
            else frame
        )

    synthetic, holdout = subset(synthetic), subset(holdout)
    categorical = _categorical_columns(train)
    numeric = [c for c in train.columns if c not in categorical]
    low = train[numeric].apply(pd.to_numeric).min()
    span = (train[numeric].apply(pd.to_numeric).max() - low).replace(0, 1.0)
    one_hot = (
        OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(_as_strings(train[categorical]))
        if categorical
        else None
    )

    def embed(frame: pd.DataFrame) -> np.ndarray:
        parts = []
        if numeric:
            parts.append(((frame[numeric].apply(pd.to_numeric) - low) / span).fillna(-1.0).to_numpy(float))
        if categorical:
            parts.append(one_hot.transform(_as_strings(frame[categorical])))
        return np.hstack(parts)

    index = NearestNeighbors(n_neighbors=1).fit(embed(train))
    dcr_syn = index.kneighbors(embed(synthetic))[0][:, 0]
    dcr_hold = index.kneighbors(embed(holdout))[0][:, 0]
    keys = set(_row_keys(train))
    copies = lambda frame: float(_row_keys(frame).isin(keys).mean())  # noqa: E731
    hold_median = float(np.median(dcr_hold))
    return {
        "dcr_synthetic_median": float(np.median(dcr_syn)),
        "dcr_holdout_median": hold_median,
        "dcr_synthetic_p05": float(np.quantile(dcr_syn, 0.05)),
        "dcr_holdout_p05": float(np.quantile(dcr_hold, 0.05)),
        "dcr_ratio": float(np.median(dcr_syn) / hold_median) if hold_median > 0 else float("nan"),
        "copies_synthetic": copies(synthetic),
        "copies_holdout": copies(holdout),
    }
