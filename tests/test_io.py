"""ganaug.save / ganaug.load: round trips, refusals, integrity, atomic writes, no pickle."""

import copy
import hashlib
import json
import pickle
import tempfile
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ganaug
import ganaug.io
from ganaug import GANAugmenter, GANImputer

TINY = {"generator_dim": (8,), "discriminator_dim": (8,), "random_state": 0}


def _round_trip(estimator, tmp_path, name="model.ganaug"):
    path = tmp_path / name
    ganaug.save(estimator, path)
    return ganaug.load(path)


def _frame(n: int = 40, seed: int = 0) -> pd.DataFrame:
    """Every column kind the encoder takes: ints, floats with NaN, strings, category, bool, datetimes."""
    rng = np.random.default_rng(seed)
    city = rng.choice(["paris", "rome", "oslo"], n).astype(object)
    city[::7] = None
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, n),
            "gain": np.where(rng.random(n) < 0.2, np.nan, rng.normal(size=n)),
            "city": city,
            "tier": pd.Categorical(rng.choice(["lo", "hi"], n), categories=["lo", "mid", "hi"], ordered=True),
            "member": rng.random(n) < 0.3,
            "joined": pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 100, n), unit="D"),
            "seen": pd.date_range("2021-03-01", periods=n, freq="h", tz="Europe/Paris"),
            "visits": pd.array(np.where(rng.random(n) < 0.1, None, rng.integers(0, 5, n)), dtype="Int64"),
            "code": pd.array(rng.choice(["x", "y"], n), dtype="string"),
        },
        index=pd.RangeIndex(100, 100 + n),
    )


def assert_same(a, b, where="estimator"):
    """Recursive equality of two object graphs, types and dtypes included."""
    assert type(a) is type(b), f"{where}: {type(a)} vs {type(b)}"
    if a is b:  # None, pd.NA, pd.NaT, interned values
        return
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        if a.dtype == object:
            for i, (x, y) in enumerate(zip(a.ravel(), b.ravel(), strict=True)):
                assert_same(x, y, f"{where}[{i}]")
        else:
            np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, torch.Tensor):
        assert a.dtype == b.dtype and torch.equal(a.cpu(), b.cpu()), where
    elif isinstance(a, pd.Index):
        pd.testing.assert_index_equal(a, b, exact=True, obj=where)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, obj=where)
    elif isinstance(a, dict):
        assert list(a) == list(b) or set(a) == set(b), where
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, float | np.floating):
        assert (np.isnan(a) and np.isnan(b)) or a == b, where
    elif isinstance(a, np.random.RandomState):
        assert_same(a.get_state(), b.get_state(), where)
    elif type(a).__module__.startswith(("ganaug", "sklearn")):
        assert_same(_state(a), _state(b), where)
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _state(obj):
    state = obj.__getstate__() if hasattr(obj, "__getstate__") else vars(obj)
    return dict(state if state is not None else {})


def _read(path):
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json")), archive.read("weights.safetensors")


def _rewrite(path, manifest, weights, update_checksums=True):
    """Write an archive as ganaug.save would (sealed), from an edited manifest and weights."""
    if update_checksums:
        manifest = {**manifest, "members": {"weights.safetensors": hashlib.sha256(weights).hexdigest()}}
    text = json.dumps(manifest).encode()
    ganaug.io._write_atomically(Path(path), [("manifest.json", text), ("weights.safetensors", weights)])


def _find(node, predicate):
    """The first JSON node of the manifest tree for which ``predicate`` holds (depth first)."""
    if isinstance(node, dict):
        if predicate(node):
            return node
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _find(child, predicate)
        if found is not None:
            return found
    return None


@pytest.fixture(scope="module")
def table():
    return _frame()


@pytest.fixture(scope="module")
def saved_augmenter(tmp_path_factory, table):
    """A small supervised GANAugmenter on the mixed table, and the path of its file."""
    y = np.arange(len(table)) % 3
    aug = GANAugmenter(max_steps=3, **TINY).fit(table, y)
    path = tmp_path_factory.mktemp("io") / "augmenter.ganaug"
    ganaug.save(aug, path)
    return aug, path


# ----------------------------------------------------------------------------------------- round trips
def test_augmenter_dataframe_round_trip(saved_augmenter, table):
    aug, path = saved_augmenter
    loaded = ganaug.load(path)
    assert type(loaded) is GANAugmenter
    assert loaded.get_params() == aug.get_params()
    for y in (1, None, [0, 2, 2, 1, 0]):
        X_new, y_new = aug.sample(5, y=y)
        got, got_y = loaded.sample(5, y=y)
        pd.testing.assert_frame_equal(got, X_new)
        np.testing.assert_array_equal(got_y, y_new)
    assert list(got.dtypes) == list(table.dtypes)
    assert_same(loaded, aug)
    # what was shared stays shared, as after unpickling
    assert loaded.encoder_ is loaded.model_.encoder
    assert loaded.history_ is loaded.model_.history
    assert loaded.model_.model.layout is loaded.encoder_.layout_


@pytest.mark.parametrize("kind", ["float", "object", "unsupervised"])
def test_augmenter_numpy_round_trip(kind, tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 3))
    y = np.where(np.arange(40) % 4 == 0, "rare", "common")
    if kind == "object":
        X = X.astype(object)
        X[:, 1] = rng.choice(["a", "b", None], 40)
    aug = GANAugmenter(max_steps=3, **TINY)
    aug.fit(X) if kind == "unsupervised" else aug.fit(X, y)
    loaded = _round_trip(aug, tmp_path)
    label = None if kind == "unsupervised" else "rare"
    X_new, y_new = aug.sample(6, y=label)
    got, got_y = loaded.sample(6, y=label)
    assert got.dtype == X_new.dtype
    # frames: a missing category is a NaN object, equal to another only as a missing value
    pd.testing.assert_frame_equal(pd.DataFrame(got), pd.DataFrame(X_new))
    np.testing.assert_array_equal(got_y, y_new)
    assert_same(loaded, aug)


def test_augmenter_fit_resample_state_and_list_input(tmp_path):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(30, 2)).tolist()
    y = [0] * 24 + [1] * 6
    aug = GANAugmenter(max_steps=3, **TINY)
    aug.fit_resample(X, y)
    loaded = _round_trip(aug, tmp_path)
    assert loaded.sampling_strategy_ == aug.sampling_strategy_
    assert type(loaded.sampling_strategy_) is type(aug.sampling_strategy_)
    assert loaded.sample(4, y=1)[0] == aug.sample(4, y=1)[0]  # lists of rows


@pytest.mark.parametrize("as_frame", [True, False])
def test_imputer_table_round_trip(as_frame, tmp_path, table):
    rng = np.random.default_rng(3)
    if as_frame:
        holes = table.mask(rng.random(table.shape) < 0.15)
    else:
        holes = rng.normal(size=(40, 4))
        holes[rng.random(holes.shape) < 0.2] = np.nan
    imputer = GANImputer(epochs=2, add_indicator=True, **TINY).fit(holes)
    loaded = _round_trip(imputer, tmp_path)
    expected = imputer.transform(holes)
    got = loaded.transform(holes)
    if as_frame:
        pd.testing.assert_frame_equal(got, expected)
    else:
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(loaded.get_feature_names_out(), imputer.get_feature_names_out())
    assert_same(loaded, imputer)
    assert loaded.indicator_ is loaded.model_.indicator


def test_imputer_sample_posterior_round_trip(tmp_path):
    X = np.where(np.random.default_rng(6).random((30, 3)) < 0.2, np.nan, np.arange(90.0).reshape(30, 3))
    imputer = GANImputer(epochs=1, sample_posterior=True, **TINY).fit(X)
    np.testing.assert_array_equal(_round_trip(imputer, tmp_path).transform(X), imputer.transform(X))


def test_image_augmenter_round_trip(tmp_path):
    images = np.random.default_rng(7).integers(0, 256, (24, 8, 8)).astype(np.uint8)
    y = np.arange(24) % 2
    with warnings.catch_warnings():  # three steps of training: the generator may have collapsed
        warnings.simplefilter("ignore", RuntimeWarning)
        aug = GANAugmenter(max_steps=3, random_state=0).fit(images, y)
    loaded = _round_trip(aug, tmp_path)
    for label in (0, 1, None):
        X_new, y_new = aug.sample(5, y=label)
        got, got_y = loaded.sample(5, y=label)
        assert got.shape == (5, 8, 8) and got.dtype == np.uint8
        np.testing.assert_array_equal(got, X_new)
        np.testing.assert_array_equal(got_y, y_new)
    assert_same(loaded, aug)


def test_image_imputer_round_trip(tmp_path):
    rng = np.random.default_rng(8)
    X = rng.random((20, 64))
    X[rng.random(X.shape) < 0.2] = np.nan
    imputer = GANImputer(epochs=1, image_shape=(8, 8), random_state=0).fit(X)
    loaded = _round_trip(imputer, tmp_path)
    got = loaded.transform(X)
    assert got.shape == (20, 64) and not np.isnan(got).any()
    np.testing.assert_array_equal(got, imputer.transform(X))
    assert_same(loaded, imputer)


def test_unfitted_estimator_round_trip(tmp_path):
    aug = GANAugmenter(sampling_strategy={0: 5}, device=torch.device("cpu"), image_shape=(8, 8), max_steps=7)
    loaded = _round_trip(aug, tmp_path)
    assert loaded.get_params() == aug.get_params()
    assert not hasattr(loaded, "model_")


def test_random_state_instance_is_restored_exactly(tmp_path, table):
    aug = GANAugmenter(max_steps=3, generator_dim=(8,), discriminator_dim=(8,))
    aug.set_params(random_state=np.random.RandomState(42)).fit(table, np.arange(len(table)) % 2)
    aug.sample(3)  # move the stream on: the file holds the state at save time
    loaded = _round_trip(aug, tmp_path)
    assert loaded.random_state is not aug.random_state
    for _ in range(2):  # the two estimators draw the same streams from here on
        pd.testing.assert_frame_equal(loaded.sample(5)[0], aug.sample(5)[0])


def test_saving_leaves_the_estimator_alone_and_is_reproducible(saved_augmenter, tmp_path):
    aug, path = saved_augmenter
    before, _ = aug.sample(8, y=0)
    ganaug.save(aug, tmp_path / "again.ganaug")
    pd.testing.assert_frame_equal(aug.sample(8, y=0)[0], before)
    assert (tmp_path / "again.ganaug").read_bytes() == path.read_bytes()


def test_model_trained_on_cuda_loads_on_cpu(saved_augmenter, tmp_path):
    """A file that records a CUDA device loads on a CPU-only machine, with a warning."""
    if torch.cuda.is_available():
        pytest.skip("needs a machine without CUDA")
    aug, path = saved_augmenter
    manifest, weights = _read(path)
    gan = _find(manifest["state"], lambda n: n.get("class") == "ganaug.tabular._synthesis.TabularGAN")
    gan["state"]["device"] = "cuda:0"  # what the trained GAN of a CUDA fit records
    manifest["state"]["device_"]["value"] = "cuda:0"
    _rewrite(tmp_path / "cuda.ganaug", manifest, weights)
    with pytest.warns(RuntimeWarning, match="not available here"):
        loaded = ganaug.load(tmp_path / "cuda.ganaug")
    assert loaded.device_.type == "cpu" and loaded.model_.device.type == "cpu"
    pd.testing.assert_frame_equal(loaded.sample(5, y=1)[0], aug.sample(5, y=1)[0])


@pytest.mark.cuda
def test_cuda_fit_saves_and_loads(table, tmp_path):  # pragma: no cover - needs a GPU
    aug = GANAugmenter(max_steps=3, device="cuda", **TINY).fit(table, np.arange(len(table)) % 2)
    loaded = _round_trip(aug, tmp_path)
    assert loaded.device_.type == "cuda"
    X_new, y_new = loaded.sample(10, y=1)
    assert X_new.shape == (10, table.shape[1]) and (y_new == 1).all()


# ------------------------------------------------------------------------------- property: tables
_KINDS = ["int", "float_nan", "object", "category", "bool", "datetime"]


@st.composite
def tables(draw):
    n = draw(st.integers(8, 20))
    kinds = draw(st.lists(st.sampled_from(_KINDS), min_size=1, max_size=4))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    columns = {}
    for j, kind in enumerate(kinds):
        if kind == "int":
            values = rng.integers(-5, 50, n)
        elif kind == "float_nan":
            values = np.where(rng.random(n) < 0.25, np.nan, rng.normal(size=n) * 10)
        elif kind == "object":
            values = rng.choice(["a", "b", "c"], n).astype(object)
            values[rng.random(n) < 0.2] = None
        elif kind == "category":
            values = pd.Categorical(rng.choice(["lo", "hi"], n), categories=["hi", "lo", "never"])
        elif kind == "bool":
            values = rng.random(n) < 0.5
        else:
            values = pd.to_datetime("2022-06-01") + pd.to_timedelta(rng.integers(0, 30, n), unit="D")
        columns[f"{kind}_{j}"] = values
    return pd.DataFrame(columns), np.arange(n) % 2


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=tables(), n_samples=st.integers(1, 12))
def test_property_save_load_gives_identical_samples(data, n_samples):
    X, y = data
    aug = GANAugmenter(max_steps=3, **TINY).fit(X, y)
    with tempfile.TemporaryDirectory() as folder:
        loaded = _round_trip(aug, Path(folder))
    for label in (0, 1):
        pd.testing.assert_frame_equal(loaded.sample(n_samples, y=label)[0], aug.sample(n_samples, y=label)[0])


# ------------------------------------------------------------------------------ integrity, refusals
@pytest.fixture(scope="module")
def small_file(tmp_path_factory):
    """The bytes of a small saved GANAugmenter."""
    rng = np.random.default_rng(9)
    aug = GANAugmenter(max_steps=2, **TINY).fit(rng.normal(size=(20, 2)), np.arange(20) % 2)
    path = tmp_path_factory.mktemp("io") / "small.ganaug"
    ganaug.save(aug, path)
    return path.read_bytes()


def _load_bytes(data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "flipped.ganaug"
        path.write_bytes(data)
        return ganaug.load(path)


@settings(max_examples=20, deadline=None)
@given(position=st.floats(0, 1, exclude_max=True), mask=st.integers(1, 255))
def test_any_flipped_byte_is_refused(small_file, position, mask):
    data = bytearray(small_file)
    data[int(position * len(data))] ^= mask
    with pytest.raises(ValueError):
        _load_bytes(bytes(data))


def test_flipped_bytes_in_zip_headers_are_refused(small_file):
    """Every byte of the first local header, the central directory and the seal."""
    positions = [*range(64), *range(len(small_file) - 300, len(small_file))]
    for position in positions:
        data = bytearray(small_file)
        data[position] ^= 0x01
        with pytest.raises(ValueError):
            _load_bytes(bytes(data))


def test_truncated_or_empty_or_foreign_files_are_refused(small_file, tmp_path):
    for data in (small_file[: len(small_file) // 2], small_file[:-1], b"", b"not a zip at all"):
        with pytest.raises(ValueError, match=r"not a zip|checksum|corrupted"):
            _load_bytes(data)
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("other.txt", "hello")
    with pytest.raises(ValueError, match="checksum"):
        ganaug.load(foreign)
    _, weights = _read(_write(small_file, tmp_path))
    ganaug.io._write_atomically(tmp_path / "nomanifest.ganaug", [("weights.safetensors", weights)])
    with pytest.raises(ValueError, match=r"no manifest\.json"):
        ganaug.load(tmp_path / "nomanifest.ganaug")


def _write(data: bytes, folder: Path) -> Path:
    path = folder / "original.ganaug"
    path.write_bytes(data)
    return path


def test_file_is_one_zip_with_the_expected_members(saved_augmenter):
    aug, path = saved_augmenter
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["manifest.json", "weights.safetensors"]
        assert archive.comment.startswith(b"ganaug-sha256:")
    manifest, weights = _read(path)
    assert manifest["format"] == "ganaug"
    assert manifest["format_version"] == ganaug.io.FORMAT_VERSION == 1
    assert manifest["ganaug_version"] == ganaug.__version__
    assert manifest["estimator"] == "GANAugmenter"
    assert set(manifest["params"]) == set(aug.get_params(deep=False))
    assert manifest["params"]["max_steps"] == 3
    assert manifest["params"]["generator_dim"] == {"type": "tuple", "items": [8]}
    assert manifest["members"] == {"weights.safetensors": hashlib.sha256(weights).hexdigest()}
    assert "model_" in manifest["state"] and "max_steps" not in manifest["state"]
    body = path.read_bytes()[: -len(archive.comment)]
    assert archive.comment == b"ganaug-sha256:" + hashlib.sha256(body).hexdigest().encode()


def test_crc_and_json_errors_become_value_errors(small_file, tmp_path):
    """Damage under a valid seal (as a buggy writer could leave): zip CRC, UTF-8, JSON, safetensors."""
    manifest, weights = _read(_write(small_file, tmp_path))
    path = tmp_path / "damaged.ganaug"
    text = json.dumps(manifest).encode()
    for members in (
        [("manifest.json", b"{not json"), ("weights.safetensors", weights)],
        [("manifest.json", b"\xff\xfe"), ("weights.safetensors", weights)],
        [("manifest.json", b"[1, 2]"), ("weights.safetensors", weights)],
        [("manifest.json", text), ("weights.safetensors", b"not safetensors")],
    ):
        ganaug.io._write_atomically(path, members)
        with pytest.raises(ValueError):
            ganaug.load(path)
    ganaug.io._write_atomically(path, [("manifest.json", text), ("weights.safetensors", weights)])
    data = bytearray(path.read_bytes())
    data[data.index(b'"format"') + 2] ^= 0x01  # a byte of the stored manifest: its CRC-32 no longer matches
    body = bytes(data[: -len(b"ganaug-sha256:") - 64])
    path.write_bytes(body + b"ganaug-sha256:" + hashlib.sha256(body).hexdigest().encode())
    with pytest.raises(ValueError, match="CRC"):
        ganaug.load(path)


def test_refuses_a_file_from_a_newer_ganaug(saved_augmenter, tmp_path):
    manifest, weights = _read(saved_augmenter[1])
    major, minor, patch = (int(part) for part in ganaug.__version__.split(".")[:3])
    for version in (f"{major + 1}.0.0", f"{major}.{minor + 1}", f"{major}.{minor}.{patch + 1}.dev0"):
        _rewrite(tmp_path / "newer.ganaug", {**manifest, "ganaug_version": version}, weights)
        with pytest.raises(ValueError, match=f"written by ganaug {version}, newer"):
            ganaug.load(tmp_path / "newer.ganaug")
    for version in (ganaug.__version__, f"{ganaug.__version__}rc1", "0.0.1"):  # older or the same: loads
        _rewrite(tmp_path / "older.ganaug", {**manifest, "ganaug_version": version}, weights)
        assert isinstance(ganaug.load(tmp_path / "older.ganaug"), GANAugmenter)


@pytest.mark.parametrize("version", [2, 0, "1", None])
def test_refuses_an_unknown_format_version(saved_augmenter, tmp_path, version):
    manifest, weights = _read(saved_augmenter[1])
    _rewrite(tmp_path / "format.ganaug", {**manifest, "format_version": version}, weights)
    with pytest.raises(ValueError, match="Unknown format version"):
        ganaug.load(tmp_path / "format.ganaug")


def test_refuses_a_tampered_member(saved_augmenter, tmp_path):
    manifest, weights = _read(saved_augmenter[1])
    tampered = bytearray(weights)
    tampered[-1] ^= 0x01  # a weight changed, the file resealed, the manifest's SHA-256 kept
    _rewrite(tmp_path / "tampered.ganaug", manifest, bytes(tampered), update_checksums=False)
    with pytest.raises(
        ValueError, match=r"member 'weights\.safetensors' does not match.*corrupted or tampered"
    ):
        ganaug.load(tmp_path / "tampered.ganaug")
    path = tmp_path / "resealed.ganaug"  # the whole-file seal catches what the member list cannot
    path.write_bytes(saved_augmenter[1].read_bytes())
    data = bytearray(path.read_bytes())
    data[-1] = ord("0") if data[-1] != ord("0") else ord("1")
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="corrupted or tampered"):
        ganaug.load(path)


@pytest.mark.parametrize("name", ["builtins.eval", "os.system", "subprocess.Popen", "ganaug.cli.main"])
def test_refuses_a_class_not_on_the_allowlist(saved_augmenter, tmp_path, name):
    manifest, weights = _read(saved_augmenter[1])
    node = _find(manifest["state"], lambda n: n.get("class") == "ganaug.tabular._layout.Span")
    node["class"] = name
    _rewrite(tmp_path / "evil.ganaug", manifest, weights)
    with pytest.raises(ValueError, match=f"{name!r}, which is not on ganaug.load's allowlist"):
        ganaug.load(tmp_path / "evil.ganaug")


def test_refuses_an_estimator_not_on_the_allowlist(saved_augmenter, tmp_path):
    manifest, weights = _read(saved_augmenter[1])
    _rewrite(tmp_path / "evil.ganaug", {**manifest, "estimator": "Pipeline"}, weights)
    with pytest.raises(ValueError, match=r"'Pipeline', which is not on ganaug\.load's allowlist"):
        ganaug.load(tmp_path / "evil.ganaug")


@pytest.mark.parametrize(
    "edit",
    [
        lambda m: m["state"].update(n_features_in_={"type": "pickle", "value": "gASVAAAA"}),
        lambda m: m["state"].update(classes_={"type": "ndarray", "dtype": "<f8", "key": "nope"}),
        lambda m: m["state"].update(classes_={"type": "ref", "id": 10**6}),
        lambda m: m["params"].update(bogus=1),
        lambda m: m.update(state=[]),
    ],
)
def test_refuses_a_malformed_manifest(saved_augmenter, tmp_path, edit):
    manifest, weights = _read(saved_augmenter[1])
    edit(manifest)
    _rewrite(tmp_path / "malformed.ganaug", manifest, weights)
    with pytest.raises(ValueError, match="malformed"):
        ganaug.load(tmp_path / "malformed.ganaug")


def test_parameters_missing_from_an_older_file_get_their_default(saved_augmenter, tmp_path):
    manifest, weights = _read(saved_augmenter[1])
    del manifest["params"]["tol"]
    _rewrite(tmp_path / "older.ganaug", manifest, weights)
    assert ganaug.load(tmp_path / "older.ganaug").tol == GANAugmenter().tol


def test_load_never_unpickles(saved_augmenter, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("ganaug.load must not unpickle")

    monkeypatch.setattr(pickle, "load", forbidden)
    monkeypatch.setattr(pickle, "loads", forbidden)
    monkeypatch.setattr(pickle, "Unpickler", forbidden)
    monkeypatch.setattr(torch, "load", forbidden)
    aug, path = saved_augmenter
    loaded = ganaug.load(path)
    pd.testing.assert_frame_equal(loaded.sample(3, y=2)[0], aug.sample(3, y=2)[0])


# -------------------------------------------------------------------------------------- save side
def test_save_refuses_ctgan_engine(tmp_path):
    pytest.importorskip("ctgan")
    X = np.random.default_rng(10).normal(size=(40, 2))
    aug = GANAugmenter(engine="ctgan", max_steps=1, batch_size=20, pac=1, **TINY).fit(X)
    with pytest.raises(TypeError, match=r"engine='ctgan'.*only be rebuilt by unpickling"):
        ganaug.save(aug, tmp_path / "ctgan.ganaug")
    assert not (tmp_path / "ctgan.ganaug").exists()


def test_save_refuses_what_is_not_allowlisted(saved_augmenter, tmp_path):
    def strategy(y):
        return {0: 5}

    with pytest.raises(TypeError, match=r"GANAugmenter.sampling_strategy is a .*function"):
        ganaug.save(GANAugmenter(sampling_strategy=strategy), tmp_path / "f.ganaug")
    aug = copy.deepcopy(saved_augmenter[0])
    aug.model_.encoder.columns_[0].name = Path("age")
    with pytest.raises(TypeError, match=r"GANAugmenter\.model_\.encoder\.columns_\[0\]\.name is a pathlib\."):
        ganaug.save(aug, tmp_path / "f.ganaug")
    with pytest.raises(TypeError, match="GANAugmenter and GANImputer"):
        ganaug.save(object(), tmp_path / "f.ganaug")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_an_interrupted_save_leaves_the_old_file(saved_augmenter, tmp_path, monkeypatch, failing):
    aug, _ = saved_augmenter
    target = tmp_path / "model.ganaug"
    target.write_bytes(b"the previous file")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(ganaug.io.os, failing, interrupted)
    with pytest.raises(KeyboardInterrupt):
        ganaug.save(aug, target)
    assert target.read_bytes() == b"the previous file"
    assert [p.name for p in tmp_path.iterdir()] == ["model.ganaug"]  # no temporary file left behind
