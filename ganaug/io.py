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

import hashlib
import inspect
import io
import json
import os
import re
import secrets
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import safetensors
import safetensors.torch
import sklearn
import torch
from sklearn.impute import MissingIndicator

from ganaug import _class_filter, _modality, core
from ganaug._augmenter import GANAugmenter
from ganaug._codec import Reader, Refused, Writer
from ganaug._imputer import GANImputer
from ganaug.tabular import CTGANSynthesizer

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


def _allowed_classes() -> dict[str, type]:
    """Every class :func:`load` may build (and :func:`save` write), by ``module.qualname``.

    The estimators, the class filter, ``MissingIndicator``, the core
    settings, and what each registered modality declares (its ``saveable``
    classes: see ``ganaug._modality``).
    """
    classes = (
        GANAugmenter,
        GANImputer,
        MissingIndicator,
        *_class_filter.SAVEABLE,
        *core.SAVEABLE,
        *_modality.saveable(),
    )
    return {f"{cls.__module__}.{cls.__qualname__}": cls for cls in classes}


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
    writer = Writer(_allowed_classes())
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


def _release(version: Any) -> tuple[int, ...]:
    """The release numbers of a version string (``"0.2.0rc1"`` -> ``(0, 2)``, trailing zeros dropped)."""
    match = re.match(r"\d+(\.\d+)*", version) if isinstance(version, str) else None
    if match is None:
        raise Refused(f"bad ganaug version {version!r} in the manifest")
    numbers = [int(part) for part in match.group(0).split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def _unseal(data: bytes) -> None:
    """Check the archive comment: the SHA-256 of every byte before it."""
    seal = data[-_SEAL_SIZE:]
    if len(data) <= _SEAL_SIZE or not seal.startswith(_SEAL_PREFIX):
        raise Refused("This zip archive has no ganaug checksum: it was not written by ganaug.save.")
    if hashlib.sha256(data[:-_SEAL_SIZE]).hexdigest().encode("ascii") != seal[len(_SEAL_PREFIX) :]:
        raise Refused("The file's SHA-256 does not match its checksum: the file is corrupted or tampered.")


def _read_archive(data: bytes) -> tuple[dict, dict[str, torch.Tensor]]:
    """The manifest and the tensors of a sealed archive, every check passed.

    Raises ``Refused`` with the reason for what is checked here; whatever
    else fails (a zip CRC, the JSON, the safetensors header) is turned into a
    ``ValueError`` by :func:`load`.
    """
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise Refused("Not a ganaug file: not a zip archive.")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        _unseal(data)
        infos = archive.infolist()
        names = [info.filename for info in infos]
        if _MANIFEST not in names:
            raise Refused(f"Not a ganaug file: the archive has no {_MANIFEST}.")
        if len(set(names)) != len(names) or any(i.compress_type != zipfile.ZIP_STORED for i in infos):
            raise Refused("The archive's members are not laid out as ganaug.save writes them.")
        manifest = json.loads(archive.read(_MANIFEST).decode("utf-8"))
        if type(manifest) is not dict or manifest.get("format") != _FORMAT:
            raise Refused(f"Not a ganaug file: {_MANIFEST} does not describe a ganaug estimator.")
        version = manifest.get("format_version")
        if type(version) is not int or not 1 <= version <= FORMAT_VERSION:
            raise Refused(
                f"Unknown format version {version!r}: this ganaug reads format version {FORMAT_VERSION}."
            )
        import ganaug

        written_by = manifest.get("ganaug_version")
        if _release(written_by) > _release(ganaug.__version__):
            raise Refused(
                f"This file was written by ganaug {written_by}, newer than the running ganaug "
                f"{ganaug.__version__}; upgrade ganaug to load it."
            )
        members = manifest.get("members")
        if type(members) is not dict or set(members) != set(names) - {_MANIFEST} or _WEIGHTS not in members:
            raise Refused(
                f"The archive's members {sorted(names)} are not those its manifest lists: the file is "
                "corrupted or tampered."
            )
        contents = {}
        for name, digest in members.items():
            contents[name] = archive.read(name)
            if hashlib.sha256(contents[name]).hexdigest() != digest:
                raise Refused(
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
    except Refused:
        raise
    except Exception as exc:  # zip CRC and header errors, bad JSON or UTF-8, bad safetensors
        raise ValueError(f"The file is corrupted or not a ganaug file: {type(exc).__name__}: {exc}") from exc
    try:
        return _build(manifest, tensors)
    except (Refused, Warning):  # warnings turned into errors (the CPU fallback's) pass through
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
        raise Refused(
            f"The file holds a {name!r}, which is not on ganaug.load's allowlist; refusing to build it."
        )
    reader = Reader(tensors, _allowed_classes())
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
