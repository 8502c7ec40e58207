"""The tabular encoder: round trips, dtypes, bounds, categories, point masses, missing values."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ganaug.tabular import EncodedLayout, Span, TabularEncoder


@st.composite
def tables(draw):
    n = draw(st.integers(5, 60))
    columns = {}
    for i in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["int", "float", "str", "bool", "point"]))
        if kind == "int":
            values = draw(hnp.arrays(np.int64, n, elements=st.integers(-1000, 1000)))
        elif kind == "float":
            values = draw(hnp.arrays(np.float64, n, elements=st.floats(-1e6, 1e6, width=32)))
        elif kind == "point":
            base = draw(hnp.arrays(np.float64, n, elements=st.floats(0, 100, width=32)))
            values = np.where(draw(hnp.arrays(bool, n)), 0.0, base)
        elif kind == "bool":
            values = draw(hnp.arrays(bool, n))
        else:
            values = np.array(
                draw(st.lists(st.sampled_from(["a", "b", " c", "d"]), min_size=n, max_size=n)), dtype=object
            )
        if kind in ("float", "str", "point") and draw(st.booleans()):
            values = values.astype(object if kind == "str" else np.float64)
            values[draw(hnp.arrays(bool, n))] = None if kind == "str" else np.nan
        columns[f"{kind}{i}"] = values
    return pd.DataFrame(columns)


def _assert_same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    assert list(left.columns) == list(right.columns)
    assert left.dtypes.equals(right.dtypes)
    for c in left.columns:
        if pd.api.types.is_float_dtype(left[c]):
            np.testing.assert_allclose(
                left[c], right[c], rtol=1e-5, atol=1e-6 * (1 + np.nanmax(np.abs(right[c].fillna(0))))
            )
        else:  # missing entries may come back as NaN where they were None
            assert left[c].isna().equals(right[c].isna())
            pd.testing.assert_series_equal(left[c].dropna(), right[c].dropna(), check_names=False)


@pytest.mark.parametrize("continuous", ["modes", "quantile"])
@given(frame=tables())
def test_round_trip(frame, continuous):
    encoder = TabularEncoder(continuous=continuous, random_state=0).fit(frame)
    Z = encoder.transform(frame)
    assert Z.dtype == np.float32 and Z.shape == (len(frame), encoder.layout_.width)
    _assert_same(encoder.inverse_transform(Z), frame)


@pytest.mark.parametrize("continuous", ["modes", "quantile"])
@given(frame=tables(), seed=st.integers(0, 2**31 - 1))
def test_decoding_any_output_respects_training_support(frame, seed, continuous):
    """Whatever a generator outputs, decoded values stay in range, categories stay known."""
    encoder = TabularEncoder(continuous=continuous, random_state=0).fit(frame)
    rng = np.random.default_rng(seed)
    Z = rng.uniform(-1, 1, size=(50, encoder.layout_.width))
    out = encoder.inverse_transform(Z)
    assert out.dtypes.equals(frame.dtypes)
    for c in frame.columns:
        observed = frame[c].dropna()
        produced = out[c].dropna()
        if observed.empty:
            assert produced.empty
            continue
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]):
            assert produced.min() >= observed.min() - 1e-9 * abs(observed.min()) - 1e-9
            assert produced.max() <= observed.max() + 1e-9 * abs(observed.max()) + 1e-9
            if pd.api.types.is_integer_dtype(frame[c]):
                assert (produced == np.round(produced)).all()
        else:
            assert set(produced) <= set(observed)
        if not frame[c].isna().any():
            assert not out[c].isna().any()


@given(tables())
def test_layout_offsets_are_cumulative_widths(frame):
    layout = TabularEncoder(random_state=0).fit(frame).layout_
    widths = [s.width for s in layout.spans]
    assert [s.start for s in layout.spans] == list(np.cumsum([0, *widths[:-1]]))
    assert layout.width == sum(widths)
    index, mask = layout.softmax_index()
    assert sorted(index[mask].tolist()) == sorted(
        p for s in layout.spans if s.activation == "softmax" for p in range(s.start, s.stop)
    )


@given(tables())
def test_missing_rate_is_encoded_exactly(frame):
    """Missing entries get their own mode / category, so their rate survives encoding."""
    encoder = TabularEncoder(random_state=0).fit(frame)
    Z = encoder.transform(frame)
    for span in encoder.layout_.softmax_spans:
        column = frame.iloc[:, span.column]
        if column.isna().any():
            last = Z[:, span.stop - 1]  # the missing slot is the last of its span
            assert last.mean() == pytest.approx(column.isna().mean())


def test_point_mass_is_its_own_mode(mixed_frame):
    encoder = TabularEncoder(random_state=0).fit(mixed_frame)
    gain = next(c for c in encoder.columns_ if c.name == "gain")
    assert 0.0 in gain.points
    out = encoder.inverse_transform(encoder.transform(mixed_frame))
    assert (out["gain"] == 0).mean() == (mixed_frame["gain"] == 0).mean()


def test_mixed_dtypes_round_trip(mixed_frame):
    encoder = TabularEncoder(random_state=0).fit(mixed_frame)
    _assert_same(encoder.inverse_transform(encoder.transform(mixed_frame)), mixed_frame)


def test_numpy_object_array_detects_categoricals():
    X = np.array([[1.5, "a"], [2.5, "b"], [3.0, "a"]], dtype=object)
    encoder = TabularEncoder().fit(X)
    assert encoder.categorical_mask_.tolist() == [False, True]
    out = encoder.inverse_transform(encoder.transform(X))
    assert out.dtype == object and out[:, 1].tolist() == ["a", "b", "a"]


def test_explicit_categorical_features_by_name_index_and_mask(mixed_frame):
    frame = mixed_frame[["age", "gain"]]
    for spec in (["age"], [0], [True, False]):
        assert TabularEncoder(spec).fit(frame).categorical_mask_.tolist() == [True, False]


@pytest.mark.parametrize(
    ("frame", "spec", "match"),
    [
        (pd.DataFrame({"x": [1.0, np.inf, 2.0]}), "auto", "infinite"),
        (pd.DataFrame({"x": ["a", "b"]}), None, "not numeric"),
        (pd.DataFrame({"id": [f"u{i}" for i in range(50)]}), "auto", "looks like an identifier"),
        (pd.DataFrame({"x": [1.0, 2.0]}), ["nope"], "unknown column"),
        (pd.DataFrame({"x": [1.0, 2.0]}), [5], "out of range"),
    ],
)
def test_bad_tables_are_refused_with_the_reason(frame, spec, match):
    with pytest.raises(ValueError, match=match):
        TabularEncoder(spec).fit(frame)


def test_transform_refuses_unseen_categories_and_columns(mixed_frame):
    encoder = TabularEncoder(random_state=0).fit(mixed_frame)
    bad = mixed_frame.copy()
    bad.loc[0, "city"] = "lima"
    with pytest.raises(ValueError, match="not seen at fit"):
        encoder.transform(bad)
    with pytest.raises(ValueError, match="columns"):
        encoder.transform(mixed_frame.iloc[:, :2])


def test_layout_rejects_gaps():
    with pytest.raises(ValueError, match="contiguous"):
        EncodedLayout((Span(0, 1, "tanh", 0), Span(2, 3, "softmax", 0)))


@given(tables())
def test_scalar_unobserved_mode_round_trips_observed_entries(frame):
    """The imputer's encoding: missing entries are unknown (zeros), observed ones round-trip."""
    encoder = TabularEncoder(continuous="scalar", missing="unobserved").fit(frame)
    Z = encoder.transform(frame)
    observed = encoder.observed(frame)
    assert observed.tolist() == frame.notna().to_numpy().tolist()
    columns = encoder.layout_.position_columns
    assert (Z[~observed[:, columns]] == 0).all()
    out = encoder.inverse_transform(Z)
    for j, c in enumerate(frame.columns):
        known = observed[:, j]
        left, right = out[c][known], frame[c][known]
        if pd.api.types.is_float_dtype(frame[c]):
            np.testing.assert_allclose(
                left, right, rtol=1e-5, atol=1e-6 * (1 + np.abs(right.to_numpy()).max(initial=0))
            )
        else:
            assert left.tolist() == right.tolist()


def test_quantile_encoding_gaussianises_a_skewed_column_and_keeps_its_point_mass():
    rng = np.random.default_rng(0)
    gain = np.where(rng.random(3000) < 0.6, 0.0, rng.lognormal(8, 1.5, 3000))
    frame = pd.DataFrame({"gain": gain, "ties": rng.integers(0, 40, 3000)})  # each value under 5%
    encoder = TabularEncoder(continuous="quantile", random_state=0).fit(frame)
    positive = gain > 0
    scores = encoder._scores(frame.to_numpy(float), np.column_stack([positive, np.ones(3000, bool)]))
    z = scores[positive, 0]
    assert abs(z.mean()) < 0.05 and abs(z.std() - 1) < 0.05  # log-normal in, standard normal out
    ties = scores[:, 1]
    assert len(np.unique(ties)) == 40  # ties: one score per value
    assert np.all(np.diff(ties[np.argsort(frame["ties"].to_numpy(), kind="stable")]) >= 0)  # monotone
    back = encoder.inverse_transform(encoder.transform(frame))
    assert (back["gain"] == 0).sum() == (~positive).sum()  # the point mass is still its own mode
    np.testing.assert_allclose(back["gain"], frame["gain"], rtol=1e-4)
    assert back["ties"].equals(frame["ties"])
