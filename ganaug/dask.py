"""Fitted ganaug estimators on Dask collections: impute, sample and fit past one machine's memory.

Three functions over Dask's own primitives (``map_partitions``,
``from_delayed``, ``nsmallest``, ``Client.scatter``); nothing here starts,
sizes or talks to a cluster. They run on whatever scheduler is active: a
``distributed.Client`` when one exists, Dask's local threads otherwise.

- :func:`impute` fills a Dask DataFrame (or 2-D Dask array) with a fitted
  ``GANImputer``, partition by partition.
- :func:`sample` draws a Dask DataFrame of any size from a fitted
  ``GANAugmenter``; each partition has its own seed derived from
  ``(random_state, partition index)``, so the rows do not depend on the
  number of workers.
- :func:`fit` trains either estimator on a uniform, reproducible random
  sample of a Dask DataFrame that fits in memory, and warns about what the
  sample did not see.

The fitted model goes to the workers once: scattered to every worker
(``broadcast=True``) when a distributed client is active, else one
``dask.delayed`` key that every partition's task depends on. (Passing the
model as a plain argument, as ``dask_ml.wrappers.ParallelPostFit`` does,
embeds it in every task: one unpickling per partition.)

Needs ``pip install "ganaug[dask]"``; ``import ganaug`` never imports Dask.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Mapping
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from ganaug.core import Seeds, root_seed
from ganaug.exceptions import DataWarning

__all__ = ["DEFAULT_PARTITION_SIZE", "DEFAULT_SAMPLE_ROWS", "fit", "impute", "sample"]

#: Rows of the in-memory training sample that :func:`fit` draws by default.
DEFAULT_SAMPLE_ROWS = 100_000
#: Rows per partition that :func:`sample` makes by default.
DEFAULT_PARTITION_SIZE = 100_000

_KEY = "__ganaug_sample_key__"


def _import_dask() -> tuple[Any, Any]:
    """``dask`` and ``dask.dataframe``, or an ImportError that names the extra."""
    try:
        import dask
        import dask.dataframe as dd
    except ImportError as exc:
        raise ImportError(
            'ganaug.dask needs Dask: pip install "ganaug[dask]" (dask[dataframe], distributed, dask-ml).'
        ) from exc
    return dask, dd


# ----------------------------------------------------------------- helpers
def _shipped(model: Any) -> Any:
    """The model as one graph dependency: scattered to every worker, or one delayed key.

    With an active ``distributed.Client`` the model is scattered once to
    every worker (``broadcast=True``); otherwise it is
    one ``dask.delayed`` key. Either way the tasks refer to it instead of
    each carrying a pickled copy.
    """
    dask, _ = _import_dask()
    try:
        from distributed import default_client

        client = default_client()
    except (ImportError, ValueError):
        return dask.delayed(model, pure=True)
    # hash=False: a fresh key per call. With content keys, a collection released while an identical
    # call scatters again can drop the data the new one refers to.
    return client.scatter(model, broadcast=True, hash=False)


def _dask_dtypes(dd: Any, frame: pd.DataFrame) -> pd.Series:
    """The dtypes Dask gives ``frame``'s columns (object strings become pyarrow strings when on)."""
    return dd.from_pandas(frame.iloc[:0], npartitions=1)._meta.dtypes


def _conform(frame: pd.DataFrame, dtypes: pd.Series) -> pd.DataFrame:
    """``frame`` with every column cast to ``dtypes`` where it differs (values unchanged)."""
    differ = {c: t for c, t in dtypes.items() if frame[c].dtype != t}
    return frame.astype(differ) if differ else frame


# ----------------------------------------------------------------- impute
def _impute_partition(part: Any, imputer: Any, dtypes: pd.Series | None, root: int | None, info: Any) -> Any:
    if root is not None:  # sample_posterior: one stream per partition
        imputer = copy.copy(imputer)
        imputer.random_state = Seeds(root).seed("partition", info["number"])
    out = imputer.transform(part)
    return out if dtypes is None else _conform(out, dtypes)


def _impute_partition_df(part: Any, imputer: Any, dtypes: Any, root: Any, partition_info: Any = None) -> Any:
    return _impute_partition(part, imputer, dtypes, root, partition_info)


def _impute_block(block: np.ndarray, imputer: Any, root: int | None, block_info: Any = None) -> np.ndarray:
    info = {"number": block_info[None]["chunk-location"][0]} if block_info else {"number": 0}
    return np.asarray(_impute_partition(block, imputer, None, root, info))


def _imputer_meta(imputer: Any, meta: Any, n_features: int) -> Any:
    """The output of ``imputer.transform`` on one row with every entry missing, of ``meta``'s dtypes."""
    if isinstance(meta, pd.DataFrame):
        row = meta.reindex(pd.RangeIndex(1))
    else:
        row = np.full((1, n_features), np.nan, dtype=object if meta.dtype.kind == "O" else np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return imputer.transform(row)


def impute(imputer: Any, X: Any, *, random_state: Any = None) -> Any:
    """Fill the missing entries of a Dask DataFrame or 2-D Dask array with a fitted ``GANImputer``.

    Each partition (block) is passed to ``imputer.transform``; the fitted
    imputer is shipped to the workers once (scattered with a distributed
    client, else one delayed key), not once per partition. Nothing is
    computed until you ask (``.compute()``, ``.to_parquet(...)``).

    Parameters
    ----------
    imputer : GANImputer
        A fitted imputer (tables; images given as flattened rows with
        ``image_shape`` work too, one image per row).
    X : dask.dataframe.DataFrame or dask.array.Array of shape (n_samples, n_features)
        The data, with the columns the imputer was fitted on. A Dask array
        is rechunked to one block across its columns.
    random_state : int, RandomState instance or None, default=None
        Only with ``sample_posterior=True``: the root seed of the
        per-partition streams (``None``: the imputer's ``random_state``).

    Returns
    -------
    X_imputed : dask.dataframe.DataFrame or dask.array.Array
        ``X`` with its missing entries filled, as ``imputer.transform``
        gives them, partition by partition: same divisions and index, the
        columns of ``imputer.get_feature_names_out()``. A DataFrame keeps
        the input's dtypes (a string column stays a string column where
        ``transform`` on pandas would give ``object`` for a partition with
        holes); indicator columns are bool.

    Notes
    -----
    **Guarantee** (``sample_posterior=False``): partition ``i`` of the
    result equals ``imputer.transform(X.partitions[i].compute())`` bit for
    bit, whatever the scheduler or the number of workers (CPU, same torch
    build and thread settings). It also equals the imputation of the whole
    table in one ``transform`` call, with two exceptions: an entry of a
    column with more than ``max_categories`` categories that the network
    imputes as the shared rare slot is drawn among the rare categories by
    row position within the call (so it can differ, with the same
    distribution), and network outputs can differ by float32 rounding
    (about 1e-7 relative) when a call has very few rows, where torch's CPU
    matrix product takes another kernel (seen for 1 to 7 rows).

    With ``sample_posterior=True``, partition ``i`` is imputed with the
    seed ``Seeds(root).seed("partition", i)`` of a root drawn from
    ``random_state`` (see ``ganaug.core.Seeds``): the partitions get independent draws (the estimator's
    ``transform`` alone would reuse one seed, so row ``k`` of every
    partition would share its noise), and the same call on the same
    partitions gives the same draws.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> import pytest
    >>> dd = pytest.importorskip("dask.dataframe")  # pip install "ganaug[dask]"
    >>> from ganaug import GANImputer
    >>> from ganaug import dask as gdask
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"a": rng.normal(size=1000), "b": rng.normal(size=1000)})
    >>> frame = frame.mask(rng.random(frame.shape) < 0.2)
    >>> imputer = GANImputer(epochs=2, random_state=0).fit(frame)
    >>> data = dd.from_pandas(frame, npartitions=4)
    >>> filled = gdask.impute(imputer, data)
    >>> int(filled.isna().sum().sum().compute())
    0
    >>> filled.partitions[1].compute().equals(imputer.transform(data.partitions[1].compute()))
    True

    On a cluster, with data larger than memory:

    >>> from distributed import Client  # doctest: +SKIP
    >>> client = Client("scheduler-address:8786")  # doctest: +SKIP
    >>> big = dd.read_parquet("transactions/")  # doctest: +SKIP
    >>> gdask.impute(imputer, big).to_parquet("filled/")  # doctest: +SKIP
    """
    from sklearn.utils.validation import check_is_fitted

    _, dd = _import_dask()
    import dask.array as da

    check_is_fitted(imputer, "model_")
    root = root_seed(random_state, imputer.random_state) if imputer.sample_posterior else None
    model = _shipped(imputer)
    if isinstance(X, da.Array):
        if X.ndim != 2:
            raise ValueError(f"X must be a 2-D Dask array (rows, features); got {X.ndim} dimensions.")
        X = X.rechunk({1: -1})
        out = np.asarray(_imputer_meta(imputer, X._meta, X.shape[1]))
        return X.map_blocks(
            _impute_block, model, root, dtype=out.dtype, chunks=(X.chunks[0], (out.shape[1],)), meta=out[:0]
        )
    if not isinstance(X, dd.DataFrame):
        raise TypeError(
            f"X must be a dask.dataframe.DataFrame or a dask.array.Array; got {type(X).__name__}."
        )
    out = _imputer_meta(imputer, X._meta, len(X.columns))
    dtypes = out.dtypes.copy()
    for name in out.columns:
        if name in X.columns:
            dtypes[name] = X._meta[name].dtype
    dtypes = _dask_dtypes(dd, out.astype(dtypes.to_dict()))
    meta = out.iloc[:0].astype(dtypes.to_dict())
    return X.map_partitions(_impute_partition_df, model, dtypes, root, meta=meta, enforce_metadata=False)


# ----------------------------------------------------------------- sample
def _sample_partition(
    augmenter: Any,
    n: int,
    start: int,
    labels: Any,
    seed: int,
    shuffle: int,
    y_column: Any,
    dtypes: pd.Series,
) -> pd.DataFrame:
    """Partition rows: ``augmenter.sample`` with this partition's seed, index ``start..start+n``."""
    if isinstance(labels, tuple):  # (classes, counts): this partition's exact class counts, shuffled
        labels = np.random.default_rng(shuffle).permutation(np.repeat(*labels))
    X, y = augmenter.sample(n, y=labels, random_state=seed)
    frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(X, columns=dtypes.index[: np.shape(X)[1]])
    frame = frame.set_axis(pd.RangeIndex(start, start + n))
    if y is not None:
        frame[y_column] = y
    return _conform(frame, dtypes)


def _partition_sizes(n_rows: int, npartitions: int | None, partition_size: int) -> np.ndarray:
    if npartitions is not None:
        if not isinstance(npartitions, Integral) or isinstance(npartitions, bool) or npartitions < 1:
            raise ValueError(f"npartitions={npartitions!r} must be a positive int or None.")
        p = min(int(npartitions), n_rows)
        return np.full(p, n_rows // p) + (np.arange(p) < n_rows % p)
    if not isinstance(partition_size, Integral) or isinstance(partition_size, bool) or partition_size < 1:
        raise ValueError(f"partition_size={partition_size!r} must be a positive int.")
    full, rest = divmod(n_rows, int(partition_size))
    return np.array([partition_size] * full + ([rest] if rest else []), dtype=np.int64)


def _class_plan(augmenter: Any, y: Any, n_rows: int, sizes: np.ndarray, root: int) -> list:
    """What each partition asks ``augmenter.sample`` for as ``y``: None, one label, or (labels, counts)."""
    classes = augmenter.classes_
    if y is None:
        return [None] * len(sizes)
    if classes is None:
        raise ValueError("This GANAugmenter was fitted without y; sample(...) takes no y.")
    if not isinstance(y, Mapping):
        if np.ndim(y) != 0:
            raise ValueError(
                "y must be one label or a dict {label: n_rows}; per-row labels of a Dask-sized sample "
                "would not fit in memory."
            )
        return [y] * len(sizes)
    labels = list(y)
    unknown = [label for label in labels if label not in set(classes.tolist())]
    if unknown:
        raise ValueError(f"Unknown label(s) {unknown[:5]}; the classes seen at fit are {classes.tolist()}.")
    counts = np.array([y[label] for label in labels])
    if (counts < 0).any() or counts.sum() != n_rows:
        raise ValueError(f"The counts of y must be non-negative and sum to n_rows={n_rows}; got {dict(y)}.")
    # Exact per-partition counts: each partition's share drawn from what is left (hypergeometric).
    rng = np.random.default_rng(Seeds(root).seed("class plan"))
    left = counts.astype(np.int64)
    plan = []
    for size in sizes:
        take = rng.multivariate_hypergeometric(left, int(size), method="marginals")
        left -= take
        plan.append((np.asarray(labels, dtype=classes.dtype), take))
    return plan


def sample(
    augmenter: Any,
    n_rows: int,
    y: Any = None,
    *,
    npartitions: int | None = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    y_column: Any = "y",
    random_state: Any = None,
) -> Any:
    """Draw a Dask DataFrame of ``n_rows`` synthetic rows from a fitted ``GANAugmenter``.

    The partitions are built lazily (``dask.dataframe.from_delayed``), each
    by ``augmenter.sample`` with its own seed, so ``n_rows`` can be far
    larger than memory (write it with ``.to_parquet``). The fitted model
    goes to the workers once.

    Parameters
    ----------
    augmenter : GANAugmenter
        A fitted augmenter (tables only).
    n_rows : int
        Number of rows, at least 1.
    y : label, dict or None, default=None
        ``None``: classes drawn at the training frequencies (as
        ``augmenter.sample``). One label: every row of that class. A dict
        ``{label: n}`` whose counts sum to ``n_rows``: exactly that many rows
        of each class, spread over the partitions (each partition's counts
        drawn hypergeometrically from what is left, then shuffled within it).
    npartitions : int or None, default=None
        Number of partitions (equal sizes, the first ones one row longer);
        overrides ``partition_size``.
    partition_size : int, default=100_000
        Rows per partition (the last one holds the rest).
    y_column : hashable, default="y"
        Name of the label column appended to the features (not added for an
        unsupervised augmenter).
    random_state : int, RandomState instance or None, default=None
        Root seed (``None``: the augmenter's ``random_state``). Partition
        ``i`` samples with the seed ``Seeds(root).seed("partition", i)``.

    Returns
    -------
    rows : dask.dataframe.DataFrame
        Known divisions, index ``0 .. n_rows - 1``; the training columns and
        dtypes (``augmenter.sample``'s, as Dask stores them: object strings
        become pyarrow strings when Dask's ``dataframe.convert-string`` is
        on), then ``y_column``.

    Notes
    -----
    The rows depend only on ``random_state``, ``n_rows``, ``y`` and the
    partition sizes: the same call gives the same rows whatever the number of
    workers or the scheduler (bit for bit on the CPU with the same torch
    build and thread settings; identical in distribution on GPUs). Partition
    ``i`` equals ``augmenter.sample(n_i, y=labels_i, random_state=seed_i)``.

    Examples
    --------
    >>> import pytest
    >>> dd = pytest.importorskip("dask.dataframe")  # pip install "ganaug[dask]"
    >>> from sklearn.datasets import make_classification
    >>> from ganaug import GANAugmenter
    >>> from ganaug import dask as gdask
    >>> X, y = make_classification(n_samples=300, n_features=4, weights=[0.9], random_state=0)
    >>> aug = GANAugmenter(max_steps=20, random_state=0).fit(X, y)
    >>> rows = gdask.sample(aug, 1000, y={0: 500, 1: 500}, partition_size=300, random_state=0)
    >>> rows.divisions
    (0, 300, 600, 900, 999)
    >>> sorted(rows["y"].value_counts().compute().items())
    [(0, 500), (1, 500)]
    >>> rows.compute().equals(rows.compute())
    True

    A hundred million rows, written by the workers (on a cluster):

    >>> rows = gdask.sample(aug, 10**8, y={0: 9 * 10**7, 1: 10**7})  # doctest: +SKIP
    >>> rows.to_parquet("synthetic/")  # doctest: +SKIP
    """
    from sklearn.utils.validation import check_is_fitted

    dask, dd = _import_dask()
    check_is_fitted(augmenter, "model_")
    if not isinstance(n_rows, Integral) or isinstance(n_rows, bool) or n_rows < 1:
        raise ValueError(f"n_rows={n_rows!r} must be a positive int.")
    sizes = _partition_sizes(int(n_rows), npartitions, partition_size)
    root = root_seed(random_state, augmenter.random_state)
    plan = _class_plan(augmenter, y, int(n_rows), sizes, root)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        X1, y1 = augmenter.sample(1, y=None if isinstance(y, Mapping) else y, random_state=0)
    if np.ndim(X1) != 2:
        raise ValueError("ganaug.dask.sample draws tables; this augmenter was fitted on images.")
    first = X1 if isinstance(X1, pd.DataFrame) else pd.DataFrame(X1)
    if y1 is not None:
        if y_column in first.columns:
            raise ValueError(f"y_column={y_column!r} is a feature name; pick another name for the labels.")
        first[y_column] = y1
    dtypes = _dask_dtypes(dd, first)
    meta = first.iloc[:0].astype(dtypes.to_dict())
    model = _shipped(augmenter)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    parts = [
        dask.delayed(_sample_partition, pure=True)(
            model,
            int(size),
            int(start),
            labels,
            Seeds(root).seed("partition", i),
            Seeds(root).seed("partition classes", i),
            y_column,
            dtypes,
        )
        for i, (size, start, labels) in enumerate(zip(sizes, starts, plan, strict=True))
    ]
    divisions = (*starts.tolist(), int(n_rows) - 1)
    return dd.from_delayed(parts, meta=meta, divisions=divisions, verify_meta=False)


# -------------------------------------------------------------------- fit
def _with_keys(part: pd.DataFrame, root: int, partition_info: Any = None) -> pd.DataFrame:
    """``part`` with a uniform key per row, from the partition's own stream."""
    number = 0 if partition_info is None else partition_info["number"]
    keys = np.random.default_rng(Seeds(root).seed("row keys", number)).random(len(part))
    return part.assign(**{_KEY: keys})


def _categorical_columns(frame: pd.DataFrame, estimator: Any) -> list:
    """Columns the estimator treats as categories: by dtype, plus names listed in categorical_features."""
    from ganaug.tabular._encoder import _is_categorical_dtype

    named = getattr(estimator, "categorical_features", "auto")
    listed = set() if isinstance(named, str) or named is None else set(np.asarray(named).ravel().tolist())
    return [c for c in frame.columns if _is_categorical_dtype(frame[c].dtype) or c in listed]


def _unseen_report(dask: Any, X: Any, sample_frame: pd.DataFrame, y_column: Any, estimator: Any) -> list[str]:
    """One pass over ``X``: the categories (and their rows) and the classes the sample missed."""
    lines = []
    categorical = [c for c in _categorical_columns(sample_frame, estimator) if c != y_column]
    tasks: dict[str, Any] = {"n": X.shape[0]}
    for c in categorical:
        seen = sample_frame[c].dropna().astype(object).unique().tolist()
        col = X[c]
        tasks[f"cat:{c}"] = col[~col.isna() & ~col.isin(seen)].value_counts(split_out=1)
    if y_column is not None:
        tasks["y"] = X[y_column].value_counts(split_out=1)
    (found,) = dask.compute(tasks)
    n = int(found["n"])
    for c in categorical:
        counts = found[f"cat:{c}"]
        if len(counts):
            lines.append(
                f"column {c!r}: {len(counts):,} categories in {int(counts.sum()):,} rows "
                f"({counts.sum() / n:.3%}) are not in the sample, e.g. {counts.index[:3].tolist()}"
            )
    if y_column is not None:
        in_sample = sample_frame[y_column].value_counts()
        for label, k in found["y"].items():
            if in_sample.get(label, 0) < 2:
                lines.append(
                    f"class {label!r}: {int(k):,} rows in the data, "
                    f"{int(in_sample.get(label, 0))} in the sample"
                )
    return lines


def fit(
    estimator: Any,
    X: Any,
    y_column: Any = None,
    *,
    sample_rows: int = DEFAULT_SAMPLE_ROWS,
    random_state: Any = None,
    report: bool = True,
) -> Any:
    """Fit a ``GANAugmenter`` or ``GANImputer`` on a uniform random sample of a Dask DataFrame.

    Each row gets a uniform key drawn from its partition's own seed
    (``Seeds(root).seed("row keys", i)`` for partition ``i``), and the
    ``sample_rows`` rows with the smallest keys (``DataFrame.nsmallest``, a
    tree reduction: no more than a few samples' worth of rows in memory at
    once) are the training set: a uniform sample without replacement, the
    same for the same ``random_state`` and partitions whatever the number of
    workers. The whole collection when it has fewer rows. The estimator is
    then fitted in this process, as on any pandas table.

    Parameters
    ----------
    estimator : GANAugmenter or GANImputer
        The estimator to fit (refitted in place).
    X : dask.dataframe.DataFrame
        The data; with ``y_column`` it holds the labels too.
    y_column : hashable or None, default=None
        Column of ``X`` holding the class labels (``GANAugmenter``). Without
        it, the estimator is fitted on the features alone.
    sample_rows : int, default=100_000
        Rows of the training sample. 100,000 rows of 100 columns take a few
        hundred MB as pandas, and more rows rarely help: tables train for at
        most 20,000 steps of 500 rows (the mixtures use 20,000 rows).
    random_state : int, RandomState instance or None, default=None
        Root seed of the sample (``None``: the estimator's ``random_state``).
    report : bool, default=True
        Read ``X`` a second time to find what the sample missed: the
        categories absent from it (with their rows) and the classes with
        fewer than 2 rows in it; a ``UserWarning`` lists them. ``False``
        reads ``X`` once.

    Returns
    -------
    estimator : GANAugmenter or GANImputer
        The fitted estimator.

    Notes
    -----
    The encoder sees the sample only: categories, point masses, mixtures,
    minima and maxima all come from it. A category absent from the sample
    is never generated; ``GANImputer`` (``handle_unknown="keep"``) leaves it
    where it is observed and never imputes it. Generated and imputed numbers
    stay within the sample's range (the rows beyond it are about
    ``2 / (sample_rows + 1)`` of the data, whatever its size; not reported).
    A class absent from the sample is not a
    class of the model: a uniform sample keeps a class of share ``p`` with
    about ``p * sample_rows`` rows, so filter the rare classes' rows into a
    collection of their own before fitting when they are very rare.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> import pytest
    >>> dd = pytest.importorskip("dask.dataframe")  # pip install "ganaug[dask]"
    >>> from ganaug import GANAugmenter
    >>> from ganaug import dask as gdask
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"amount": rng.lognormal(size=5000), "label": rng.choice(["a", "b"], 5000)})
    >>> data = dd.from_pandas(frame, npartitions=5)
    >>> small = GANAugmenter(max_steps=5, generator_dim=(32,), discriminator_dim=(32,), random_state=0)
    >>> aug = gdask.fit(small, data, y_column="label", sample_rows=1000)
    >>> int(aug.class_counts_.sum())
    1000

    On a cluster, from files larger than memory:

    >>> big = dd.read_parquet("transactions/")  # doctest: +SKIP
    >>> aug = gdask.fit(GANAugmenter(random_state=0), big, y_column="label")  # doctest: +SKIP
    """
    dask, dd = _import_dask()
    if not isinstance(X, dd.DataFrame):
        raise TypeError(f"X must be a dask.dataframe.DataFrame; got {type(X).__name__}.")
    if not isinstance(sample_rows, Integral) or isinstance(sample_rows, bool) or sample_rows < 2:
        raise ValueError(f"sample_rows={sample_rows!r} must be an int of at least 2.")
    if y_column is not None and y_column not in X.columns:
        raise ValueError(f"y_column={y_column!r} is not a column of X; its columns are {list(X.columns)}.")
    root = root_seed(random_state, getattr(estimator, "random_state", None))
    keyed = X.map_partitions(_with_keys, root, meta=X._meta.assign(**{_KEY: np.float64(0)}))
    frame = keyed.nsmallest(int(sample_rows), _KEY).compute()
    frame = frame.drop(columns=_KEY).reset_index(drop=True)
    if report:
        lines = _unseen_report(dask, X, frame, y_column, estimator)
        if lines:
            warnings.warn(
                f"The {len(frame):,}-row training sample does not see everything in X: "
                + "; ".join(lines)
                + ". The model never generates or imputes what its sample did not see (see ganaug.dask.fit).",
                DataWarning,
                stacklevel=2,
            )
    if y_column is None:
        return estimator.fit(frame)
    return estimator.fit(frame.drop(columns=[y_column]), frame[y_column])
