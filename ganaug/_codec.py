"""The generic codec behind ``ganaug.save`` / ``ganaug.load``: objects <-> a JSON tree plus tensors.

:class:`Writer` turns an object graph into JSON-ready nodes and a dict of
CPU tensors; :class:`Reader` builds it back. Both know builtins and numpy,
pandas and torch data, and build or write no other class than those of the
*allowlist* they are given (``{"module.qualname": class}``): anything else
is refused (``TypeError`` on writing, :class:`Refused` on reading). Which
classes may be saved each package declares in its ``SAVEABLE`` tuple; the
archive, its checksums and the manifest are ``ganaug.io``'s.
"""

from __future__ import annotations

import collections
import datetime
import math
import re
import zoneinfo
from typing import Any

import numpy as np
import pandas as pd
import torch

__all__ = ["Reader", "Refused", "Writer"]

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
class Writer:
    """Turns an object graph into a JSON tree (plus tensors), refusing what is not allowlisted.

    Objects met twice (lists, dicts, arrays, allowlisted instances, ...) are
    written once with an ``id`` and referred to by ``{"type": "ref"}`` nodes
    afterwards, so sharing survives the round trip.
    """

    def __init__(self, allowed: dict[str, type]) -> None:
        self.allowed = allowed  # {"module.qualname": class}: the only classes written as objects
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
        if self.allowed.get(name) is not kind:
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


class Reader:
    """Builds objects back from a JSON tree, only of allowlisted types."""

    def __init__(self, tensors: dict[str, torch.Tensor], allowed: dict[str, type]) -> None:
        self.tensors = tensors
        self.allowed = allowed  # {"module.qualname": class}: the only classes built
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
            raise ValueError(f"no tensor {key!r} in the weights")
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
        cls = self.allowed.get(name) if isinstance(name, str) else None
        if cls is None:
            raise Refused(
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


#: The node types of the JSON tree (each read by the ``Reader`` method of the same name).
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


class Refused(ValueError):
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
