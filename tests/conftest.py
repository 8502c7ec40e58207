"""Shared fixtures: small mixed-type tables and the optional real data in ../shared/data."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=40, deadline=None)
settings.load_profile("ci")

SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def pytest_collection_modifyitems(config, items):
    """Tests marked ``cuda`` skip, with the reason, where no GPU is present."""
    import torch

    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU")
    for item in items:
        if "cuda" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def mixed_frame() -> pd.DataFrame:
    """300 rows: ints, floats with a point mass and NaN, strings, category, bool, datetime."""
    rng = np.random.default_rng(0)
    n = 300
    gain = np.where(rng.random(n) < 0.8, 0.0, rng.lognormal(8, 1, n))
    gain[rng.random(n) < 0.1] = np.nan
    city = rng.choice(["paris", "rome", "oslo"], size=n, p=[0.6, 0.3, 0.1]).astype(object)
    city[rng.random(n) < 0.05] = None
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, n),
            "gain": gain,
            "city": city,
            "tier": pd.Categorical(rng.choice(["lo", "hi"], n), categories=["lo", "mid", "hi"]),
            "member": rng.random(n) < 0.3,
            "joined": pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D"),
        }
    )


@pytest.fixture
def adult() -> pd.DataFrame:
    path = SHARED_DATA / "adult.csv"
    if not path.exists():
        pytest.skip("../shared/data/adult.csv is not available")
    return pd.read_csv(path)
