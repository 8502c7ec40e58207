"""ganaug.metrics: scores behave at their extremes and can tell good from bad synthetic data."""

import numpy as np
import pandas as pd
import pytest

from ganaug import metrics


@pytest.fixture
def tables():
    rng = np.random.default_rng(0)
    n = 600
    x = rng.normal(size=n)
    real = pd.DataFrame(
        {
            "x": x,
            "y": 2 * x + rng.normal(scale=0.3, size=n),
            "c": np.where(x > 0, "pos", "neg").astype(object),
        }
    )
    same = real.sample(frac=1.0, random_state=1).reset_index(drop=True)
    broken = pd.DataFrame(
        {"x": rng.normal(3, 1, n), "y": rng.normal(size=n), "c": rng.choice(["pos", "neg"], n).astype(object)}
    )
    return real, same, broken


def test_quality_is_perfect_on_identical_data_and_low_on_broken(tables):
    real, same, broken = tables
    assert metrics.quality_score(real, same)["quality"] == pytest.approx(1.0)
    q = metrics.quality_score(real, broken)
    assert q["column_shapes"] < 0.8 and q["column_pair_trends"] < 0.8


def test_column_pair_trends_catch_a_broken_correlation(tables):
    real, same, broken = tables
    trends = metrics.column_pair_trends(real, broken)
    assert trends[("x", "y")] < 0.7 and metrics.column_pair_trends(real, same)[("x", "y")] == pytest.approx(
        1.0
    )


def test_detection_auc_near_half_for_same_distribution_and_high_for_broken(tables):
    real, _, broken = tables
    fresh = real.copy()
    fresh["x"] = fresh["x"].sample(frac=1, random_state=3).to_numpy()  # breaks x-y and x-c links
    assert metrics.detection_auc(real.iloc[:300], real.iloc[300:]) < 0.65
    assert metrics.detection_auc(real, broken) > 0.9
    assert metrics.detection_auc(real, fresh) > 0.7  # only the joint structure differs
    assert metrics.detection_auc(real, broken, kind="logistic") > 0.8


def test_tstr_reports_three_scores(tables):
    real, _, broken = tables
    X, y = real[["x", "y"]], real["c"]
    good = metrics.tstr(X.iloc[:300], y.iloc[:300], X.iloc[300:], y.iloc[300:])
    bad = metrics.tstr(broken[["x", "y"]], broken["c"], X.iloc[300:], y.iloc[300:])
    assert set(good) == {"accuracy", "macro_f1", "roc_auc"}
    assert good["accuracy"] > 0.9 > bad["accuracy"]


def test_privacy_sees_copies_and_synthetic_rows_with_a_number_are_not_copies(mixed_frame):
    from ganaug import GANAugmenter

    train, holdout = mixed_frame.iloc[:200], mixed_frame.iloc[200:]
    copied = metrics.privacy(train, train.sample(100, random_state=0), holdout)
    assert copied["copies_synthetic"] == 1.0 and copied["dcr_synthetic_median"] == 0.0
    assert copied["dcr_ratio"] == 0.0
    synthetic, _ = GANAugmenter(epochs=2, batch_size=100, random_state=0).fit(train).sample(300)
    scores = metrics.privacy(train, synthetic, holdout)
    assert scores["copies_synthetic"] == 0.0  # a continuous column: never a training row
    assert scores["dcr_synthetic_median"] > 0 and scores["dcr_holdout_median"] > 0


def test_quality_score_matches_sdmetrics_quality_report(mixed_frame):
    sdmetrics = pytest.importorskip("sdmetrics.reports.single_table")
    rng = np.random.default_rng(0)
    real = mixed_frame.drop(columns="joined").assign(score=lambda f: f["age"] * 2 + rng.normal(size=len(f)))
    real["member"] = real["member"].astype(str)
    synthetic = real.sample(frac=1, random_state=1).reset_index(drop=True)
    synthetic["age"] = rng.permutation(synthetic["age"].to_numpy())  # break some pair trends
    meta = {
        "columns": {
            c: {"sdtype": "numerical" if pd.api.types.is_numeric_dtype(real[c]) else "categorical"}
            for c in real.columns
        }
    }
    report = sdmetrics.QualityReport()
    report.generate(real, synthetic, meta, verbose=False)
    expected = report.get_properties().set_index("Property")["Score"]
    ours = metrics.quality_score(real, synthetic)
    assert ours["column_shapes"] == pytest.approx(expected["Column Shapes"], abs=1e-9)
    assert ours["column_pair_trends"] == pytest.approx(expected["Column Pair Trends"], abs=1e-9)


def test_class_fidelity_of_a_generator_that_copies_one_class(mixed_frame):
    """Every synthetic row a copy of a class-0 row: class 0 at its ceiling, class 1 at 0."""
    from ganaug.metrics import class_fidelity

    X = mixed_frame.drop(columns=["joined"])
    y = np.where(X["city"].eq("paris") & (X["age"] > 40), 1, 0)
    copies = X[y == 0].sample(200, replace=True, random_state=0).reset_index(drop=True)
    scores = class_fidelity(X, y, copies, np.repeat([0, 1], 100))
    assert list(scores.index) == [0, 1] and (scores["n_synthetic"] == 100).all()
    assert 0 < scores.loc[1, "ceiling"] <= 1 and scores.loc[1, "fidelity"] < 0.05
    assert scores.loc[0, "fidelity"] >= 0.95 and scores.loc[0, "ratio"] >= 0.95


def test_class_fidelity_refuses_unknown_classes_and_tiny_classes():
    from ganaug.metrics import class_fidelity

    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match=r"classes the real rows do not: \[7\]"):
        class_fidelity(X, np.repeat([0, 1], 10), X[:4], [0, 1, 7, 7])
    with pytest.raises(ValueError, match="at least 2 real rows"):
        class_fidelity(X, np.r_[np.zeros(19), 1], X[:2], [0, 1])


def test_image_judge_class_fidelity_frechet_and_diversity_on_digits():
    """A judge trained on real digits: real digits score near its ceiling, copies of 0s as 1s do not."""
    from sklearn.datasets import load_digits

    from ganaug.metrics import ImageJudge, class_diversity, class_fidelity, frechet_distance

    X, y = load_digits(return_X_y=True)
    images = X.reshape(-1, 8, 8)
    keep = y < 2
    real, labels = images[keep], y[keep]
    zeros = real[labels == 0]
    fake = np.concatenate([zeros[:50], zeros[50:100]])  # "generated" 0s and, wrongly, 0s for class 1
    judge = ImageJudge(steps=150)
    scores = class_fidelity(real, labels, fake, np.repeat([0, 1], 50), judge=judge, cv=3)
    assert scores.loc[0, "ratio"] > 0.9 and scores.loc[1, "fidelity"] < 0.1

    judge.fit(real, labels)
    ones, other_ones = judge.transform(real[labels == 1][:80]), judge.transform(images[y == 1][80:160])
    floor = frechet_distance(ones, other_ones)
    assert frechet_distance(ones, judge.transform(zeros[:80])) > 3 * floor

    same = class_diversity(real, labels, real[::-1], labels[::-1])
    collapsed = class_diversity(real, labels, np.repeat(real[:1], 20, axis=0), np.zeros(20))
    assert abs(same.loc[0] - 1) < 0.2 and collapsed.loc[0] < 0.05


def test_frechet_distance_refuses_mismatched_features():
    from ganaug.metrics import frechet_distance

    with pytest.raises(ValueError, match="same d"):
        frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))


def test_image_judge_refuses_missing_pixels():
    from ganaug.metrics import ImageJudge

    images = np.random.default_rng(0).random((6, 8, 8))
    images[0, 2, 2] = np.nan
    with pytest.raises(ValueError, match="fill missing pixels first"):
        ImageJudge(steps=1).fit(images, np.arange(6) % 2)
