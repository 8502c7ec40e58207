"""Save and load fitted estimators as one file, with no pickle: loading runs no code from the file.

:func:`save` writes a zip archive holding exactly two members:

- ``manifest.json``: the format version, the ganaug version that wrote it,
  the estimator's class name and parameters (``get_params(deep=False)``),
  its fitted state as a JSON tree, and the SHA-256 of every other member;
- ``weights.safetensors``: the generator weights and every numeric numpy
  array of the state, in the safetensors format (raw tensors and a JSON
  header, nothing executable).

The archive's comment holds the SHA-256 of every byte before it, so a
flipped byte anywhere in the file, zip headers included, is caught. The file
is written to a temporary file in the same directory, then moved over
``path`` (``os.replace``): an interrupted save never leaves a half-written
file there.

:func:`load` rebuilds the estimator without unpickling anything, in the
spirit of ``skops.io``: every object of the JSON tree names its type, and
only the types of a fixed allowlist are ever built:

- ganaug's own classes: the estimators, their modalities and configs, the
  synthesizers and imputation models, the trained models
  (``GeneratorModel`` subclasses, rebuilt by their ``__setstate__``: the
  generator is built from its recorded sizes, then the stored weights are
  copied into it), encoders, column specs, layouts, spans, mixtures,
  containers, condition samplers and image formats. They are made with
  ``cls.__new__(cls)`` and given their decoded state (``__setstate__`` when
  the class defines one, like pickle; the state holds data only);
- scikit-learn's ``MissingIndicator`` (``add_indicator=True``);
- numpy arrays (numeric ones in ``weights.safetensors``, object and string
  ones element by element in the JSON), numpy scalars and dtypes, and
  ``numpy.random.RandomState`` (by its MT19937 state);
- pandas dtypes (``CategoricalDtype`` with its categories and order,
  ``DatetimeTZDtype``, ``SparseDtype``, ``StringDtype`` and the nullable
  ``Int*``, ``UInt*``, ``Float*`` and ``boolean`` dtypes), ``Index``
  (``RangeIndex`` and ``MultiIndex`` included) and ``Series``,
  ``Timestamp``, ``Timedelta``, ``NaT`` and ``NA``;
- ``torch.device`` and torch tensors (from ``weights.safetensors``);
- builtins: ``None``, ``bool``, ``int``, ``float`` (``nan`` and ``inf``
  included), ``str``, ``list``, ``tuple`` and ``dict`` (any allowlisted
  keys; ``OrderedDict`` too).

:func:`save` refuses anything else with a ``TypeError`` naming the type and
where it sits in the estimator (``GANAugmenter.model_.encoder...``), and
:func:`load` refuses a file with a ``ValueError`` saying what is wrong: not a
zip archive or no manifest, a checksum that does not match ("corrupted or
tampered"), an unknown format version, a file written by a newer ganaug, or a
class that is not on the allowlist. Shared objects stay shared (the
estimator's ``encoder_`` *is* its ``model_.encoder`` after loading, as after
unpickling).

The checksums detect corruption, not forgery: anyone can write a file with
matching checksums. Safety comes from the allowlist: whatever the file says,
loading it only ever builds the data types above and calls no function the
file names.

Devices: weights are stored as CPU tensors; the model goes back to the
device it was trained on, or to the CPU with a ``RuntimeWarning`` when that
device (CUDA) is not available here, exactly as after unpickling.

Two choices:

- An estimator fitted with ``engine="ctgan"`` is refused by :func:`save`.
  Its model is a ``ctgan.CTGAN`` object: its own generator module, an
  ``rdt`` ``ClusterBasedNormalizer`` per column (each wrapping a
  scikit-learn ``BayesianGaussianMixture``), a ``DataSampler`` and its
  random states, third-party classes whose private attributes change
  between ctgan and rdt versions and which offer no way to be rebuilt from
  plain data: only unpickling rebuilds them, and allowlisting them would
  mean trusting every object they may hold. Use pickle or joblib for such
  an estimator, on trusted files only.
- A ``random_state`` given as a ``numpy.random.RandomState`` is neither
  refused nor dropped: it is plain data (its MT19937 key, position and
  cached Gaussian), stored as such and rebuilt as an equal, separate
  ``RandomState``, so the loaded estimator draws the same numbers the saved
  one would have drawn next, as after unpickling.

pickle and joblib keep working for these estimators, but unpickling a file
runs whatever code the file names: use them for files you trust only, and
:func:`ganaug.save` / :func:`ganaug.load` to store or exchange models.

Examples
--------
>>> import os, tempfile
>>> import numpy as np
>>> from sklearn.datasets import make_classification
>>> import ganaug
>>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
>>> aug = ganaug.GANAugmenter(max_steps=3, random_state=0).fit(X, y)
>>> with tempfile.TemporaryDirectory() as folder:
...     path = os.path.join(folder, "augmenter.ganaug")
...     ganaug.save(aug, path)
...     loaded = ganaug.load(path)
>>> X_new, y_new = loaded.sample(5, y=1)
>>> X_new.shape, y_new.shape
((5, 4), (5,))
>>> bool(np.array_equal(X_new, aug.sample(5, y=1)[0]))
True
"""

from __future__ import annotations

import collections
import datetime
import hashlib
import inspect
import io
import json
import math
import os
import re
import secrets
import zipfile
import zoneinfo
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import safetensors
import safetensors.torch
import sklearn
import torch
from sklearn.impute import MissingIndicator

from ganaug._augmenter import GANAugmenter
from ganaug._class_filter import ClassFilter, TreeEnsemble
from ganaug._imputer import GANImputer
from ganaug._modality import ImageModality, TabularModality
from ganaug.core import ImputationConfig, SynthesisConfig
from ganaug.image import ImageEncoder, ImageFormat, ImageGAN, ImageImputation, ImageSynthesizer, InpaintingGAN
from ganaug.tabular import (
    Container,
    CTGANSynthesizer,
    EncodedLayout,
    ImputationGAN,
    Span,
    TabularEncoder,
    TabularGAN,
    TabularImputation,
    TabularSynthesizer,
)
from ganaug.tabular._encoder import _CategoricalColumn, _ContinuousColumn
from ganaug.tabular._mixture import ColumnMixtures
from ganaug.tabular._sampler import ConditionSampler

__all__ = ["FORMAT_VERSION", "load", "save"]

#: Version of the file layout; :func:`load` reads this version and refuses others.
FORMAT_VERSION = 1
_FORMAT = "ganaug"
_MANIFEST = "manifest.json"
_WEIGHTS = "weights.safetensors"
#: The archive comment: this prefix, then the hex SHA-256 of every byte before the comment.
_SEAL_PREFIX = b"ganaug-sha256:"
_SEAL_SIZE = len(_SEAL_PREFIX) + 64
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed member dates: the same estimator gives the same bytes

#: The estimators :func:`save` writes and :func:`load` builds, by the name the manifest gives.
_ESTIMATORS: dict[str, type] = {cls.__name__: cls for cls in (GANAugmenter, GANImputer)}

#: Every class :func:`load` may build, by ``module.qualname``; the estimators included.
_ALLOWED_CLASSES: dict[str, type] = {
    f"{cls.__module__}.{cls.__qualname__}": cls
    for cls in (
        GANAugmenter,
        GANImputer,
        ClassFilter,
        TreeEnsemble,
        TabularModality,
        ImageModality,
        SynthesisConfig,
        ImputationConfig,
        TabularSynthesizer,
        TabularGAN,
        TabularImputation,
        ImputationGAN,
        TabularEncoder,
        _ContinuousColumn,
        _CategoricalColumn,
        EncodedLayout,
        Span,
        ColumnMixtures,
        Container,
        ConditionSampler,
        ImageSynthesizer,
        ImageGAN,
        ImageImputation,
        InpaintingGAN,
        ImageEncoder,
        ImageFormat,
        MissingIndicator,
    )
}

#: Nullable pandas dtypes rebuilt from their name (``pandas.api.types.pandas_dtype``).
_MASKED_DTYPES = frozenset(
    [
        "Int8",
        "Int16",
        "Int32",
        "Int64",
        "UInt8",
        "UInt16",
        "UInt32",
        "UInt64",
        "Float32",
        "Float64",
        "boolean",
    ]
)
_STRING_STORAGES = frozenset(["python", "pyarrow", "pyarrow_numpy"])
_TIME_UNITS = frozenset(["s", "ms", "us", "ns"])
#: How each numpy kind/size is stored in safetensors: the same bits, in a dtype safetensors has.
_STORAGE = {
    ("b", 1): torch.bool,
    ("i", 1): torch.int8,
    ("i", 2): torch.int16,
    ("i", 4): torch.int32,
    ("i", 8): torch.int64,
    ("u", 1): torch.uint8,
    ("u", 2): torch.int16,
    ("u", 4): torch.int32,
    ("u", 8): torch.int64,
    ("f", 2): torch.float16,
    ("f", 4): torch.float32,
    ("f", 8): torch.float64,
    ("M", 8): torch.int64,
    ("m", 8): torch.int64,
}
_VIEW = {torch.int8: "i1", torch.int16: "i2", torch.int32: "i4", torch.int64: "i8"}


# ------------------------------------------------------------------------------------------ writing
class _Writer:
    """Turns an object graph into a JSON tree (plus tensors), refusing what is not allowlisted.

    Objects met twice (lists, dicts, arrays, allowlisted instances, ...) are
    written once with an ``id`` and referred to by ``{"type": "ref"}`` nodes
    afterwards, so sharing survives the round trip.
    """

    def __init__(self) -> None:
        self.tensors: dict[str, torch.Tensor] = {}
        self._memo: dict[int, tuple[int, Any]] = {}  # id(obj) -> (node id, obj kept alive)
        self._nodes: dict[int, dict] = {}
        self._used: set[int] = set()

    def _remember(self, obj: Any) -> int:
        node_id = len(self._memo)
        self._memo[id(obj)] = (node_id, obj)
        return node_id

    def _store(self, tensor: torch.Tensor) -> str:
        key = str(len(self.tensors))
        self.tensors[key] = tensor
        return key

    def encode(self, obj: Any, path: str) -> Any:
        kind = type(obj)
        if obj is None or kind in (bool, int, str):
            return obj
        if kind is float:
            return obj if math.isfinite(obj) else {"type": "float", "value": repr(obj)}
        if obj is pd.NaT:
            return {"type": "NaT"}
        if obj is pd.NA:
            return {"type": "NA"}
        if id(obj) in self._memo:
            node_id = self._memo[id(obj)][0]
            self._used.add(node_id)
            return {"type": "ref", "id": node_id}
        if kind is tuple:
            return {"type": "tuple", "items": [self.encode(v, f"{path}[{i}]") for i, v in enumerate(obj)]}
        if isinstance(obj, np.generic):
            return self._scalar(obj, path)
        if isinstance(obj, np.dtype):
            return self._numpy_dtype(obj, path)
        if isinstance(obj, pd.api.extensions.ExtensionDtype):
            return self._pandas_dtype(obj, path)
        if kind is pd.Timestamp:
            return self._timestamp(obj, path)
        if kind is pd.Timedelta:
            return {"type": "timedelta", "value": int(obj.asm8.view("i8")), "unit": obj.unit}
        if kind is torch.device:
            return {"type": "torch.device", "value": str(obj)}
        node_id = self._remember(obj)
        node = self._new_node(obj, kind, node_id, path)
        self._nodes[node_id] = node
        return node

    def _new_node(self, obj: Any, kind: type, node_id: int, path: str) -> dict:
        """The node of an object met for the first time (it may be referred to later by ``node_id``)."""
        if kind is list:
            items = [self.encode(v, f"{path}[{i}]") for i, v in enumerate(obj)]
            return {"type": "list", "id": node_id, "items": items}
        if kind in (dict, collections.OrderedDict):
            return self._dict(obj, node_id, path)
        if kind is np.ndarray:
            return self._array(obj, node_id, path)
        if kind in (torch.Tensor, torch.nn.Parameter):
            tensor = obj.detach().to("cpu", copy=True).contiguous()
            return {"type": "tensor", "id": node_id, "key": self._store(tensor)}
        if isinstance(obj, pd.Index):
            return self._index(obj, node_id, path)
        if kind is pd.Series:
            return {
                "type": "series",
                "id": node_id,
                "dtype": self.encode(obj.dtype, f"{path}.dtype"),
                "values": self.encode(_pandas_values(obj), f"{path}.values"),
                "index": self.encode(obj.index, f"{path}.index"),
                "name": self.encode(obj.name, f"{path}.name"),
            }
        if kind is np.random.RandomState:
            return self._random_state(obj, node_id, path)
        name = f"{kind.__module__}.{kind.__qualname__}"
        if _ALLOWED_CLASSES.get(name) is not kind:
            raise TypeError(
                f"{path} is a {name}, which ganaug.save cannot store: only ganaug's own classes, "
                "numpy, pandas and torch data and builtins are allowed (see ganaug.io)."
            )
        return {"type": "object", "id": node_id, "class": name, "state": self.attributes(obj, path)}

    def drop_unused_ids(self) -> None:
        """Remove the ``id`` of the nodes no ``ref`` points to (most of them)."""
        for node_id, node in self._nodes.items():
            if node_id not in self._used:
                del node["id"]

    def attributes(self, obj: Any, path: str, skip: tuple[str, ...] = ()) -> dict[str, Any]:
        """The encoded state of an allowlisted object: ``__getstate__`` when it has its own, else ``vars``."""
        getstate = getattr(type(obj), "__getstate__", None)
        if getstate is not None and getstate is not getattr(object, "__getstate__", None):
            state = obj.__getstate__()
        else:
            state = dict(vars(obj))
        if not isinstance(state, dict) or not all(isinstance(k, str) for k in state):
            raise TypeError(f"{path} ({type(obj).__name__}) has a state that is not a dict of attributes.")
        return {k: self.encode(v, f"{path}.{k}") for k, v in state.items() if k not in skip}

    def _dict(self, obj: dict, node_id: int, path: str) -> dict:
        node: dict[str, Any] = {"type": "dict", "id": node_id}
        if type(obj) is collections.OrderedDict:
            node["ordered"] = True
        if all(type(k) is str for k in obj):
            node["value"] = {k: self.encode(v, f"{path}[{k!r}]") for k, v in obj.items()}
        else:
            node["items"] = [
                [self.encode(k, f"{path}.keys()"), self.encode(v, f"{path}[{k!r}]")] for k, v in obj.items()
            ]
        return node

    def _scalar(self, obj: np.generic, path: str) -> dict:
        dtype = obj.dtype
        if dtype.kind == "b":
            value: Any = bool(obj)
        elif dtype.kind in "iu":
            value = int(obj)
        elif dtype.kind == "f" and dtype.itemsize <= 8:
            value = self.encode(float(obj), path)
        elif dtype.kind in "mM":
            value = int(obj.view("i8"))
        elif dtype.kind == "U":
            value = str(obj)
        else:
            raise TypeError(f"{path} is a numpy {dtype} scalar, which ganaug.save cannot store.")
        return {"type": "numpy.scalar", "dtype": self._numpy_dtype(dtype, path)["value"], "value": value}

    @staticmethod
    def _numpy_dtype(dtype: np.dtype, path: str) -> dict:
        if dtype.fields is not None or dtype.kind == "V" or np.dtype(dtype.str) != dtype:
            raise TypeError(f"{path} is a structured numpy dtype ({dtype}), which ganaug.save cannot store.")
        return {"type": "numpy.dtype", "value": dtype.str}

    def _pandas_dtype(self, dtype: Any, path: str) -> dict:
        if isinstance(dtype, pd.CategoricalDtype):
            categories = (
                None if dtype.categories is None else self.encode(dtype.categories, f"{path}.categories")
            )
            return {
                "type": "pandas.dtype",
                "kind": "category",
                "categories": categories,
                "ordered": dtype.ordered,
            }
        if isinstance(dtype, pd.DatetimeTZDtype):
            return {
                "type": "pandas.dtype",
                "kind": "datetimetz",
                "unit": dtype.unit,
                "tz": _tz_name(dtype.tz, path),
            }
        if isinstance(dtype, pd.SparseDtype):
            return {
                "type": "pandas.dtype",
                "kind": "sparse",
                "subtype": self.encode(dtype.subtype, f"{path}.subtype"),
                "fill_value": self.encode(dtype.fill_value, f"{path}.fill_value"),
            }
        if isinstance(dtype, pd.StringDtype):
            na_value = getattr(dtype, "na_value", pd.NA)
            return {
                "type": "pandas.dtype",
                "kind": "string",
                "storage": dtype.storage,
                "na_value": self.encode(na_value, f"{path}.na_value"),
            }
        if dtype.name in _MASKED_DTYPES and type(pd.api.types.pandas_dtype(dtype.name)) is type(dtype):
            return {"type": "pandas.dtype", "kind": "masked", "name": dtype.name}
        raise TypeError(
            f"{path} is a pandas {type(dtype).__name__} ({dtype}), which ganaug.save cannot store."
        )

    def _timestamp(self, obj: pd.Timestamp, path: str) -> dict:
        return {
            "type": "timestamp",
            "value": int(obj.asm8.view("i8")),  # in `unit`, since the epoch, in UTC for tz-aware ones
            "unit": obj.unit,
            "tz": None if obj.tz is None else _tz_name(obj.tz, path),
        }

    def _array(self, obj: np.ndarray, node_id: int, path: str) -> dict:
        dtype = obj.dtype
        node: dict[str, Any] = {
            "type": "ndarray",
            "id": node_id,
            "dtype": self._numpy_dtype(dtype, path)["value"],
        }
        storage = _STORAGE.get((dtype.kind, dtype.itemsize))
        if storage is not None:
            bits = np.array(obj, dtype=dtype.newbyteorder("="), order="C", copy=True)
            if storage in _VIEW:
                bits = bits.view(_VIEW[storage])
            node["key"] = self._store(torch.from_numpy(bits))
            return node
        if dtype.kind not in "OU":
            raise TypeError(f"{path} is a numpy array of dtype {dtype}, which ganaug.save cannot store.")
        node["shape"] = list(obj.shape)
        flat = obj.reshape(-1)
        node["items"] = [
            str(v) if dtype.kind == "U" else self.encode(v, f"{path}[{i}]") for i, v in enumerate(flat)
        ]
        return node

    def _index(self, obj: pd.Index, node_id: int, path: str) -> dict:
        name = self.encode(obj.name, f"{path}.name") if not isinstance(obj, pd.MultiIndex) else None
        if type(obj) is pd.RangeIndex:
            return {
                "type": "index",
                "id": node_id,
                "kind": "range",
                "start": obj.start,
                "stop": obj.stop,
                "step": obj.step,
                "name": name,
            }
        if isinstance(obj, pd.MultiIndex):
            return {
                "type": "index",
                "id": node_id,
                "kind": "multi",
                "levels": [self.encode(level, f"{path}.levels[{i}]") for i, level in enumerate(obj.levels)],
                "codes": [self.encode(np.asarray(c), f"{path}.codes[{i}]") for i, c in enumerate(obj.codes)],
                "names": self.encode(list(obj.names), f"{path}.names"),
            }
        return {
            "type": "index",
            "id": node_id,
            "kind": "values",
            "dtype": self.encode(obj.dtype, f"{path}.dtype"),
            "values": self.encode(_pandas_values(obj), f"{path}.values"),
            "name": name,
        }

    def _random_state(self, obj: np.random.RandomState, node_id: int, path: str) -> dict:
        algorithm, key, pos, has_gauss, cached = obj.get_state(legacy=True)
        if algorithm != "MT19937":
            raise TypeError(f"{path} is a RandomState with a {algorithm} generator; only MT19937 is stored.")
        return {
            "type": "RandomState",
            "id": node_id,
            "key": self.encode(np.asarray(key, dtype=np.uint32), f"{path}.key"),
            "pos": int(pos),
            "has_gauss": int(has_gauss),
            "cached_gaussian": self.encode(float(cached), path),
        }


def _pandas_values(obj: pd.Index | pd.Series) -> np.ndarray:
    """The values of an Index or Series as a numpy array: numeric as they are, anything else as objects."""
    if isinstance(obj.dtype, np.dtype) and obj.dtype.kind in "biufmM":
        return obj.to_numpy(copy=True)
    return np.asarray(obj, dtype=object)


def _tz_name(tz: Any, path: str) -> dict:
    """A time zone as data: UTC, a fixed offset, or the key of a zoneinfo / pytz zone."""
    if tz is datetime.timezone.utc:
        return {"kind": "utc"}
    if type(tz) is datetime.timezone:
        return {"kind": "fixed", "seconds": tz.utcoffset(None).total_seconds()}
    if isinstance(tz, zoneinfo.ZoneInfo) and tz.key:
        return {"kind": "zoneinfo", "key": tz.key}
    if type(tz).__module__.startswith("pytz") and getattr(tz, "zone", None):
        return {"kind": "pytz", "zone": tz.zone}
    raise TypeError(f"{path} has the time zone {tz!r} ({type(tz).__name__}), which ganaug.save cannot store.")


def save(estimator: GANAugmenter | GANImputer, path: str | os.PathLike) -> None:
    """Write a fitted (or unfitted) estimator to one file that :func:`load` reads without pickle.

    Parameters
    ----------
    estimator : GANAugmenter or GANImputer
        The estimator to store; it is not modified.
    path : str or path-like
        The file to write (replaced if it exists). Nothing is written there
        until the whole file is ready: it is written next to ``path`` under a
        temporary name, then moved into place.

    Raises
    ------
    TypeError
        When ``estimator`` is not a ganaug estimator, was fitted with
        ``engine="ctgan"`` (its ctgan model can only be pickled), or holds a
        value of a type outside the allowlist (a callable
        ``sampling_strategy``, for one); the message names the type and
        where it sits.

    See Also
    --------
    load : Read the file back.

    Notes
    -----
    The file is a zip archive of ``manifest.json`` (format version, ganaug
    version, class, parameters, fitted state as JSON, SHA-256 of the other
    member) and ``weights.safetensors`` (weights and numeric arrays); the
    archive comment seals the whole file with a SHA-256. See :mod:`ganaug.io`.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> import ganaug
    >>> X = np.array([[1.0, 2.0], [np.nan, 4.0], [5.0, np.nan], [7.0, 8.0]])
    >>> imputer = ganaug.GANImputer(epochs=1, random_state=0).fit(X)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "imputer.ganaug")
    ...     ganaug.save(imputer, path)
    ...     loaded = ganaug.load(path)
    >>> loaded.transform(X).shape
    (4, 2)
    >>> bool(np.array_equal(loaded.transform(X), imputer.transform(X)))
    True
    """
    kind = type(estimator)
    if _ESTIMATORS.get(kind.__name__) is not kind:
        raise TypeError(
            "ganaug.save stores GANAugmenter and GANImputer estimators; "
            f"got a {kind.__module__}.{kind.__qualname__}."
        )
    if isinstance(getattr(estimator, "model_", None), CTGANSynthesizer):
        raise TypeError(
            f"This {kind.__name__} was fitted with engine='ctgan': its model is a ctgan.CTGAN object, which "
            "can only be rebuilt by unpickling it, so ganaug.save refuses it. Use engine='ganaug', or pickle "
            "/ joblib for files you trust."
        )
    writer = _Writer()
    writer._remember(estimator)  # node 0: the estimator itself
    root = kind.__name__
    params = estimator.get_params(deep=False)
    encoded_params = {k: writer.encode(v, f"{root}.{k}") for k, v in params.items()}
    state = writer.attributes(estimator, root, skip=tuple(params))
    writer.drop_unused_ids()
    try:
        weights = safetensors.torch.save(writer.tensors)
    except Exception as exc:  # pragma: no cover - every stored tensor is a contiguous CPU copy
        raise TypeError(f"The weights of this {root} cannot be written as safetensors: {exc}") from exc
    import ganaug

    manifest = {
        "format": _FORMAT,
        "format_version": FORMAT_VERSION,
        "ganaug_version": ganaug.__version__,
        "estimator": root,
        "params": encoded_params,
        "state": state,
        "members": {_WEIGHTS: hashlib.sha256(weights).hexdigest()},
        "environment": {
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "scikit-learn": sklearn.__version__,
            "torch": torch.__version__,
            "safetensors": safetensors.__version__,
        },
    }
    text = json.dumps(manifest, allow_nan=False, separators=(",", ":")).encode("utf-8")
    _write_atomically(Path(path), [(_MANIFEST, text), (_WEIGHTS, weights)])


def _write_atomically(path: Path, members: list[tuple[str, bytes]]) -> None:
    """Write the sealed archive to a new file beside ``path``, then move it over ``path``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:  # stored, not compressed: no member can unpack to more than its bytes
            archive.writestr(zipfile.ZipInfo(name, date_time=_ZIP_DATE), data)
        archive.comment = b"\0" * _SEAL_SIZE  # placeholder of the seal's size: the header says its length
    body = buffer.getvalue()[:-_SEAL_SIZE]
    sealed = body + _SEAL_PREFIX + hashlib.sha256(body).hexdigest().encode("ascii")
    while True:
        temporary = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:  # mode 0o666 minus the umask, like open(path, "wb")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(sealed)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------------------------------ reading
class _Reader:
    """Builds objects back from a JSON tree, only of allowlisted types."""

    def __init__(self, tensors: dict[str, torch.Tensor]) -> None:
        self.tensors = tensors
        self.used: set[str] = set()
        self._memo: dict[int, Any] = {}

    def remember(self, node: dict, obj: Any) -> Any:
        if "id" in node:
            node_id = node["id"]
            if type(node_id) is not int or node_id in self._memo:
                raise ValueError(f"bad node id {node_id!r}")
            self._memo[node_id] = obj
        return obj

    def tensor(self, key: Any) -> torch.Tensor:
        if type(key) is not str or key not in self.tensors:
            raise ValueError(f"no tensor {key!r} in {_WEIGHTS}")
        self.used.add(key)
        return self.tensors[key]

    def decode(self, node: Any, path: str) -> Any:
        if node is None or type(node) in (bool, int, float, str):
            return node
        if type(node) is list:
            raise ValueError(f"{path}: a bare JSON list")
        if type(node) is not dict:  # pragma: no cover - json gives nothing else
            raise ValueError(f"{path}: unexpected {type(node).__name__}")
        kind = node.get("type")
        if not isinstance(kind, str) or kind not in _NODE_TYPES:
            raise ValueError(f"{path}: unknown node type {kind!r}")
        return getattr(self, "_" + kind.replace(".", "_"))(node, path)

    def _float(self, node: dict, path: str) -> float:
        if node["value"] not in ("nan", "inf", "-inf"):
            raise ValueError(f"{path}: bad float {node['value']!r}")
        return float(node["value"])

    def _NaT(self, node: dict, path: str) -> Any:
        return pd.NaT

    def _NA(self, node: dict, path: str) -> Any:
        return pd.NA

    def _ref(self, node: dict, path: str) -> Any:
        node_id = node["id"]
        if type(node_id) is not int or node_id not in self._memo:
            raise ValueError(f"{path}: reference to an unknown node {node_id!r}")
        return self._memo[node_id]

    def _tuple(self, node: dict, path: str) -> tuple:
        return tuple(self.decode(v, f"{path}[{i}]") for i, v in enumerate(_list(node["items"])))

    def _list(self, node: dict, path: str) -> list:
        out: list = self.remember(node, [])
        out.extend(self.decode(v, f"{path}[{i}]") for i, v in enumerate(_list(node["items"])))
        return out

    def _dict(self, node: dict, path: str) -> dict:
        out: dict = self.remember(node, collections.OrderedDict() if node.get("ordered") is True else {})
        if "value" in node:
            value = node["value"]
            if type(value) is not dict:
                raise ValueError(f"{path}: bad dict")
            for k, v in value.items():
                out[k] = self.decode(v, f"{path}[{k!r}]")
        else:
            for item in _list(node["items"]):
                if type(item) is not list or len(item) != 2:
                    raise ValueError(f"{path}: bad dict item")
                key = self.decode(item[0], f"{path}.keys()")
                out[key] = self.decode(item[1], f"{path}[{key!r}]")
        return out

    def _object(self, node: dict, path: str) -> Any:
        name = node["class"]
        cls = _ALLOWED_CLASSES.get(name) if isinstance(name, str) else None
        if cls is None:
            raise _Refused(
                f"{path} names the class {name!r}, which is not on ganaug.load's allowlist; "
                "refusing to build it (the file was not written by ganaug.save, or was altered)."
            )
        obj = self.remember(node, cls.__new__(cls))
        self.set_state(obj, self.attributes(node["state"], path))
        return obj

    def attributes(self, state: Any, path: str) -> dict[str, Any]:
        if type(state) is not dict:
            raise ValueError(f"{path}: the state is not a JSON object")
        if any(k.startswith("__") and k.endswith("__") for k in state):
            raise ValueError(f"{path}: a special attribute name in the state")
        return {k: self.decode(v, f"{path}.{k}") for k, v in state.items()}

    @staticmethod
    def set_state(obj: Any, state: dict[str, Any]) -> None:
        if hasattr(type(obj), "__setstate__"):
            obj.__setstate__(state)  # GeneratorModel, ConditionSampler, estimators: data in, modules rebuilt
        else:
            obj.__dict__.update(state)

    def _ndarray(self, node: dict, path: str) -> np.ndarray:
        dtype = _dtype(node["dtype"])
        if "key" in node:
            storage = _STORAGE.get((dtype.kind, dtype.itemsize))
            tensor = self.tensor(node["key"])
            if storage is None or tensor.dtype != storage:
                raise ValueError(f"{path}: a {tensor.dtype} tensor cannot hold a {dtype} array")
            array = tensor.numpy().view(dtype.newbyteorder("=")).astype(dtype, copy=True)
        else:
            shape = tuple(_list(node["shape"]))
            if dtype.kind not in "OU" or not all(type(s) is int and s >= 0 for s in shape):
                raise ValueError(f"{path}: bad array of dtype {dtype}")
            items = _list(node["items"])
            if len(items) != math.prod(shape):
                raise ValueError(f"{path}: {len(items)} items for shape {shape}")
            if dtype.kind == "U":
                if not all(type(v) is str for v in items):
                    raise ValueError(f"{path}: a string array with non-string items")
                array = np.array(items, dtype=dtype).reshape(shape)
            else:
                array = np.empty(len(items), dtype=object)
                for i, v in enumerate(items):  # one by one: np.array(list) would unpack tuples
                    array[i] = self.decode(v, f"{path}[{i}]")
                array = array.reshape(shape)
        return self.remember(node, array)

    def _tensor(self, node: dict, path: str) -> torch.Tensor:
        return self.remember(node, self.tensor(node["key"]).clone())

    def _numpy_scalar(self, node: dict, path: str) -> np.generic:
        dtype = _dtype(node["dtype"])
        value = node["value"]
        if dtype.kind == "b" and type(value) is bool:
            return np.bool_(value)
        if dtype.kind in "iu" and type(value) is int:
            return np.array(value, dtype=dtype)[()]
        if dtype.kind == "f" and type(number := self.decode(value, path)) is float:
            return dtype.type(number)
        if dtype.kind in "mM" and type(value) is int:
            return np.array(value, dtype=np.int64).view(dtype)[()]
        if dtype.kind == "U" and type(value) is str:
            return np.str_(value)
        raise ValueError(f"{path}: bad numpy {dtype} scalar {value!r}")

    def _numpy_dtype(self, node: dict, path: str) -> np.dtype:
        return _dtype(node["value"])

    def _pandas_dtype(self, node: dict, path: str) -> Any:
        kind = node["kind"]
        if kind == "category":
            categories = self.decode(node["categories"], f"{path}.categories")
            if categories is not None and not isinstance(categories, pd.Index):
                raise ValueError(f"{path}: categories must be an Index")
            if node["ordered"] not in (True, False, None):
                raise ValueError(f"{path}: bad ordered flag")
            return pd.CategoricalDtype(categories, ordered=node["ordered"])
        if kind == "datetimetz":
            return pd.DatetimeTZDtype(_unit(node["unit"]), tz=_tz(node["tz"]))
        if kind == "sparse":
            subtype = self.decode(node["subtype"], f"{path}.subtype")
            if not isinstance(subtype, np.dtype):
                raise ValueError(f"{path}: a sparse subtype must be a numpy dtype")
            fill_value = self.decode(node["fill_value"], f"{path}.fill_value")
            if not _is_scalar(fill_value):
                raise ValueError(f"{path}: bad sparse fill value")
            return pd.SparseDtype(subtype, fill_value)
        if kind == "string":
            if node["storage"] not in _STRING_STORAGES:
                raise ValueError(f"{path}: unknown string storage {node['storage']!r}")
            na_value = self.decode(node["na_value"], f"{path}.na_value")
            if na_value is pd.NA:
                return pd.StringDtype(node["storage"])
            if not (type(na_value) is float and math.isnan(na_value)):
                raise ValueError(f"{path}: bad string na_value")
            return pd.StringDtype(node["storage"], na_value=na_value)
        if kind == "masked" and node["name"] in _MASKED_DTYPES:
            return pd.api.types.pandas_dtype(node["name"])
        raise ValueError(f"{path}: unknown pandas dtype {kind!r}")

    def _timestamp(self, node: dict, path: str) -> pd.Timestamp:
        value, unit = node["value"], _unit(node["unit"])
        if type(value) is not int:
            raise ValueError(f"{path}: bad timestamp")
        stamp = pd.Timestamp(np.datetime64(value, unit))
        return stamp if node["tz"] is None else stamp.tz_localize("UTC").tz_convert(_tz(node["tz"]))

    def _timedelta(self, node: dict, path: str) -> pd.Timedelta:
        value, unit = node["value"], _unit(node["unit"])
        if type(value) is not int:
            raise ValueError(f"{path}: bad timedelta")
        return pd.Timedelta(np.timedelta64(value, unit))

    def _torch_device(self, node: dict, path: str) -> torch.device:
        value = node["value"]
        if type(value) is not str or not re.fullmatch(r"[a-z]+(:\d+)?", value):
            raise ValueError(f"{path}: bad device {value!r}")
        return torch.device(value)

    def _index(self, node: dict, path: str) -> pd.Index:
        kind = node["kind"]
        if kind == "range":
            bounds = [node["start"], node["stop"], node["step"]]
            if not all(type(b) is int for b in bounds):
                raise ValueError(f"{path}: bad RangeIndex")
            index: pd.Index = pd.RangeIndex(*bounds, name=self._hashable(node["name"], path))
        elif kind == "multi":
            levels = [self.decode(v, f"{path}.levels[{i}]") for i, v in enumerate(_list(node["levels"]))]
            codes = [self.decode(v, f"{path}.codes[{i}]") for i, v in enumerate(_list(node["codes"]))]
            names = self.decode(node["names"], f"{path}.names")
            if not all(isinstance(level, pd.Index) for level in levels) or not all(
                isinstance(c, np.ndarray) and c.dtype.kind == "i" for c in codes
            ):
                raise ValueError(f"{path}: bad MultiIndex")
            index = pd.MultiIndex(levels=levels, codes=codes, names=names, verify_integrity=True)
        elif kind == "values":
            dtype = self.decode(node["dtype"], f"{path}.dtype")
            values = self.decode(node["values"], f"{path}.values")
            if not _is_dtype(dtype) or not isinstance(values, np.ndarray) or values.ndim != 1:
                raise ValueError(f"{path}: bad Index")
            index = pd.Index(values, dtype=dtype, name=self._hashable(node["name"], path))
        else:
            raise ValueError(f"{path}: unknown Index kind {kind!r}")
        return self.remember(node, index)

    def _series(self, node: dict, path: str) -> pd.Series:
        dtype = self.decode(node["dtype"], f"{path}.dtype")
        values = self.decode(node["values"], f"{path}.values")
        index = self.decode(node["index"], f"{path}.index")
        if not _is_dtype(dtype) or not isinstance(values, np.ndarray) or not isinstance(index, pd.Index):
            raise ValueError(f"{path}: bad Series")
        name = self._hashable(node["name"], path)
        return self.remember(node, pd.Series(values, index=index, dtype=dtype, name=name))

    def _RandomState(self, node: dict, path: str) -> np.random.RandomState:
        key = self.decode(node["key"], f"{path}.key")
        pos, has_gauss = node["pos"], node["has_gauss"]
        cached = self.decode(node["cached_gaussian"], path)
        if not (
            isinstance(key, np.ndarray)
            and key.dtype == np.uint32
            and key.shape == (624,)
            and type(pos) is int
            and type(has_gauss) is int
            and type(cached) is float
        ):
            raise ValueError(f"{path}: bad RandomState")
        state = np.random.RandomState()
        state.set_state(("MT19937", key, pos, has_gauss, cached))
        return self.remember(node, state)

    def _hashable(self, node: Any, path: str) -> Any:
        value = self.decode(node, path)
        hash(value)
        return value


#: The node types of the JSON tree (each read by the ``_Reader`` method of the same name).
_NODE_TYPES = frozenset(
    [
        "float",
        "NaT",
        "NA",
        "ref",
        "tuple",
        "list",
        "dict",
        "object",
        "ndarray",
        "tensor",
        "numpy.scalar",
        "numpy.dtype",
        "pandas.dtype",
        "timestamp",
        "timedelta",
        "torch.device",
        "index",
        "series",
        "RandomState",
    ]
)


class _Refused(ValueError):
    """A file :func:`load` refuses on purpose (its message says why); passed through unchanged."""


def _list(value: Any) -> list:
    if type(value) is not list:
        raise ValueError("expected a JSON list")
    return value


def _dtype(value: Any) -> np.dtype:
    if type(value) is not str or len(value) > 32:
        raise ValueError(f"bad numpy dtype {value!r}")
    dtype = np.dtype(value)
    if dtype.fields is not None or dtype.kind == "V":
        raise ValueError(f"bad numpy dtype {value!r}")
    return dtype


def _unit(value: Any) -> str:
    if value not in _TIME_UNITS:
        raise ValueError(f"bad time unit {value!r}")
    return value


def _tz(node: Any) -> Any:
    """A time zone back from :func:`_tz_name`'s data."""
    if type(node) is not dict:
        raise ValueError("bad time zone")
    kind = node.get("kind")
    if kind == "utc":
        return datetime.timezone.utc
    if kind == "fixed" and type(node["seconds"]) in (int, float):
        return datetime.timezone(datetime.timedelta(seconds=node["seconds"]))
    if kind == "zoneinfo" and type(node["key"]) is str:
        return zoneinfo.ZoneInfo(node["key"])
    if kind == "pytz" and type(node["zone"]) is str:
        import pytz

        return pytz.timezone(node["zone"])
    raise ValueError(f"bad time zone {node!r}")


def _is_dtype(value: Any) -> bool:
    return isinstance(value, np.dtype | pd.api.extensions.ExtensionDtype)


def _is_scalar(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or type(value) in (bool, int, float, str)
        or isinstance(value, np.generic)
    )


def _release(version: Any) -> tuple[int, ...]:
    """The release numbers of a version string (``"0.2.0rc1"`` -> ``(0, 2)``, trailing zeros dropped)."""
    match = re.match(r"\d+(\.\d+)*", version) if isinstance(version, str) else None
    if match is None:
        raise _Refused(f"bad ganaug version {version!r} in the manifest")
    numbers = [int(part) for part in match.group(0).split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def _unseal(data: bytes) -> None:
    """Check the archive comment: the SHA-256 of every byte before it."""
    seal = data[-_SEAL_SIZE:]
    if len(data) <= _SEAL_SIZE or not seal.startswith(_SEAL_PREFIX):
        raise _Refused("This zip archive has no ganaug checksum: it was not written by ganaug.save.")
    if hashlib.sha256(data[:-_SEAL_SIZE]).hexdigest().encode("ascii") != seal[len(_SEAL_PREFIX) :]:
        raise _Refused("The file's SHA-256 does not match its checksum: the file is corrupted or tampered.")


def _read_archive(data: bytes) -> tuple[dict, dict[str, torch.Tensor]]:
    """The manifest and the tensors of a sealed archive, every check passed.

    Raises ``_Refused`` with the reason for what is checked here; whatever
    else fails (a zip CRC, the JSON, the safetensors header) is turned into a
    ``ValueError`` by :func:`load`.
    """
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _Refused("Not a ganaug file: not a zip archive.")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        _unseal(data)
        infos = archive.infolist()
        names = [info.filename for info in infos]
        if _MANIFEST not in names:
            raise _Refused(f"Not a ganaug file: the archive has no {_MANIFEST}.")
        if len(set(names)) != len(names) or any(i.compress_type != zipfile.ZIP_STORED for i in infos):
            raise _Refused("The archive's members are not laid out as ganaug.save writes them.")
        manifest = json.loads(archive.read(_MANIFEST).decode("utf-8"))
        if type(manifest) is not dict or manifest.get("format") != _FORMAT:
            raise _Refused(f"Not a ganaug file: {_MANIFEST} does not describe a ganaug estimator.")
        version = manifest.get("format_version")
        if type(version) is not int or not 1 <= version <= FORMAT_VERSION:
            raise _Refused(
                f"Unknown format version {version!r}: this ganaug reads format version {FORMAT_VERSION}."
            )
        import ganaug

        written_by = manifest.get("ganaug_version")
        if _release(written_by) > _release(ganaug.__version__):
            raise _Refused(
                f"This file was written by ganaug {written_by}, newer than the running ganaug "
                f"{ganaug.__version__}; upgrade ganaug to load it."
            )
        members = manifest.get("members")
        if type(members) is not dict or set(members) != set(names) - {_MANIFEST} or _WEIGHTS not in members:
            raise _Refused(
                f"The archive's members {sorted(names)} are not those its manifest lists: the file is "
                "corrupted or tampered."
            )
        contents = {}
        for name, digest in members.items():
            contents[name] = archive.read(name)
            if hashlib.sha256(contents[name]).hexdigest() != digest:
                raise _Refused(
                    f"The SHA-256 of member {name!r} does not match the manifest: the file is corrupted or "
                    "tampered."
                )
    return manifest, safetensors.torch.load(contents[_WEIGHTS])


def load(path: str | os.PathLike) -> GANAugmenter | GANImputer:
    """Read an estimator written by :func:`save`, building only allowlisted types (no pickle).

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.

    Returns
    -------
    estimator : GANAugmenter or GANImputer
        The estimator as it was saved: ``sample`` and ``transform`` give the
        same output as the saved one's. A model trained on a device missing
        here (CUDA) comes back on the CPU, with a ``RuntimeWarning``.

    Raises
    ------
    ValueError
        When the file is not a zip archive or has no manifest, is corrupted
        or tampered (a SHA-256 does not match), has an unknown format
        version, was written by a newer ganaug, names a class outside the
        allowlist, or is otherwise malformed.
    OSError
        When the file cannot be read.

    See Also
    --------
    save : Write the file.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> import ganaug
    >>> import warnings
    >>> images = np.random.default_rng(0).integers(0, 256, (20, 8, 8)).astype(np.uint8)
    >>> with warnings.catch_warnings():  # 3 training steps: the generator has "collapsed"
    ...     warnings.simplefilter("ignore", RuntimeWarning)
    ...     aug = ganaug.GANAugmenter(max_steps=3, random_state=0).fit(images, np.arange(20) % 2)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "images.ganaug")
    ...     ganaug.save(aug, path)
    ...     loaded = ganaug.load(path)
    >>> new, labels = loaded.sample(3, y=0)
    >>> new.shape, new.dtype
    ((3, 8, 8), dtype('uint8'))
    >>> bool(np.array_equal(new, aug.sample(3, y=0)[0]))
    True
    """
    data = Path(path).read_bytes()
    try:
        manifest, tensors = _read_archive(data)
    except _Refused:
        raise
    except Exception as exc:  # zip CRC and header errors, bad JSON or UTF-8, bad safetensors
        raise ValueError(f"The file is corrupted or not a ganaug file: {type(exc).__name__}: {exc}") from exc
    try:
        return _build(manifest, tensors)
    except (_Refused, Warning):  # warnings turned into errors (the CPU fallback's) pass through
        raise
    except Exception as exc:
        raise ValueError(
            f"The manifest is malformed (the file was not written by ganaug.save, or was altered): "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def _build(manifest: dict, tensors: dict[str, torch.Tensor]) -> GANAugmenter | GANImputer:
    """The estimator of a checked manifest."""
    name = manifest["estimator"]
    cls = _ESTIMATORS.get(name) if isinstance(name, str) else None
    if cls is None:
        raise _Refused(
            f"The file holds a {name!r}, which is not on ganaug.load's allowlist; refusing to build it."
        )
    reader = _Reader(tensors)
    estimator = cls.__new__(cls)
    reader._memo[0] = estimator
    params = reader.attributes(manifest["params"], name)
    signature = inspect.signature(cls.__init__).parameters
    unknown = set(params) - set(signature)
    if unknown:
        raise ValueError(f"unknown parameters {sorted(unknown)} for {name}")
    # parameters a future ganaug added are absent from older files: they get their default
    defaults = {
        k: p.default
        for k, p in signature.items()
        if k != "self" and k not in params and p.default is not inspect.Parameter.empty
    }
    state = reader.attributes(manifest["state"], name)
    reader.set_state(estimator, {**params, **defaults, **state})
    unused = set(tensors) - reader.used
    if unused:
        raise ValueError(f"{len(unused)} tensors of {_WEIGHTS} are not used by the manifest")
    return estimator
