"""The tabular generator's ablation levers (issue 25): at their defaults, each changes the fit when moved.

``benchmarks/ablate_class_fidelity.py`` measures them; these tests only check
that each one trains, samples finite rows of the asked class, and acts.
"""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.datasets import make_classification

import ganaug
from ganaug import GANAugmenter
from ganaug.tabular._sampler import ConditionSampler
from ganaug.tabular._synthesis import TabularGAN, TabularSynthesizer

LEVERS = {
    "class loss": {"class_loss_weight": 1.0},
    "class loss with margin": {"class_loss_weight": 1.0, "class_loss_margin": True},
    "balanced class draws": {"balanced_class_draws": True},
    "live generator (no EMA)": {"generator_ema": False},
    "mode-specific normalisation (ctgan's encoding)": {"continuous_encoding": "modes"},
    "colder categorical draws": {"sampling_temperature": 0.5},
    "critic without dropout": {"critic_dropout": 0.0},
    "projection critic": {"projection_critic": True},
}


@pytest.fixture(scope="module")
def table():
    return make_classification(300, 5, n_informative=3, weights=[0.85], random_state=0)


def _sample(X, y):
    aug = GANAugmenter(max_steps=30, class_filter=None, random_state=0).fit(X, y)
    return aug, aug.sample(50, y=1, random_state=1)


def test_levers_default():
    assert TabularGAN.class_loss_weight == 0.0
    assert not TabularGAN.class_loss_margin
    assert not TabularGAN.balanced_class_draws
    assert TabularGAN.generator_ema is True  # rows come from the generator's moving average
    assert TabularSynthesizer.continuous_encoding == "quantile"  # normal scores, then mixture modes
    assert TabularGAN.sampling_temperature == 1.0
    assert TabularGAN.condition_pairs  # two columns of a real row per training condition
    assert TabularGAN.critic_dropout == 0.5  # CTGAN's
    assert not TabularGAN.projection_critic


@pytest.mark.parametrize("lever", list(LEVERS))
def test_each_lever_trains_and_acts(lever, table, monkeypatch):
    X, y = table
    _, (base, _) = _sample(X, y)
    for name, value in LEVERS[lever].items():
        monkeypatch.setattr(TabularSynthesizer if name == "continuous_encoding" else TabularGAN, name, value)
    aug, (rows, labels) = _sample(X, y)
    assert np.isfinite(rows).all() and (labels == 1).all()
    assert not np.array_equal(rows, base)
    if "class_loss_weight" in LEVERS[lever]:
        # the classifier's cross-entropy is folded into the conditional loss the history reports
        assert all(np.isfinite(entry["loss_cond"]) for entry in aug.history_ if "loss_cond" in entry)


def _categorical_table(n=400, seed=0):
    rng = np.random.RandomState(seed)
    colour = rng.choice(["red", "green", "blue"], n)
    size = np.where(colour == "red", rng.choice(["S", "M"], n), rng.choice(["M", "L", "XL"], n))
    return pd.DataFrame(
        {"colour": colour, "size": size, "shape": rng.choice(["o", "x"], n), "w": rng.randn(n)}
    )


def test_pair_conditions_name_two_columns_of_one_real_row():
    X = _categorical_table()
    codes = np.stack([pd.factorize(X[c], sort=True)[0] for c in ("colour", "size", "shape")], axis=1)
    widths = [3, 4, 2]
    sampler = ConditionSampler(np.zeros(len(X), int), 1, False, codes, widths, torch.device("cpu"))
    sampler.condition_on_pairs(codes)
    rng = torch.Generator().manual_seed(0)
    batch = sampler.sample_train(256, rng)
    offset = np.cumsum([0, *widths[:-1]])
    rows, cond = batch.rows.numpy(), batch.cond.numpy()
    assert cond.shape == (256, 2)
    assert (batch.column.numpy() != batch.column2.numpy()).all()
    for k, (column, category) in enumerate(
        [(batch.column, batch.category), (batch.column2, batch.category2)]
    ):
        column, category = column.numpy(), category.numpy()
        assert (codes[rows, column] == category).all()  # both are the drawn real row's categories
        assert (cond[:, k] == offset[column] + category).all()
    generated = sampler.sample_condition(torch.zeros(500, dtype=torch.long), rng).numpy()
    assert generated.shape == (500, 2)
    # every revealed pair is a pair some real row holds
    seen = {
        tuple(sorted(offset[[a, b]] + codes[i, [a, b]]))
        for i in range(len(X))
        for a in range(3)
        for b in range(3)
    }
    assert all(tuple(sorted(pair)) in seen for pair in generated)


def test_pair_conditions_fit_sample_condition_and_survive_save(tmp_path, monkeypatch):
    X = _categorical_table()
    aug = GANAugmenter(max_steps=40, random_state=0).fit(X)
    assert aug.model_.model.sampler.pairs
    monkeypatch.setattr(TabularGAN, "condition_pairs", False)  # the lever acts
    single = GANAugmenter(max_steps=40, random_state=0).fit(X)
    assert not single.model_.model.sampler.pairs
    assert not single.sample(50, random_state=3)[0].equals(aug.sample(50, random_state=3)[0])
    rows = aug.sample(200, conditions={"size": "S"}, random_state=0)[0]
    assert (rows["size"] == "S").all() and rows["w"].notna().all()
    path = tmp_path / "pairs.zip"
    ganaug.save(aug, path)
    again = ganaug.load(path)
    pd.testing.assert_frame_equal(again.sample(50, random_state=3)[0], aug.sample(50, random_state=3)[0])


def test_pair_conditions_supervised_offsets_and_rows_without_the_category():
    X = _categorical_table()
    classes = (X["colour"] == "red").to_numpy().astype(int)  # class 1: size S or M only
    codes = np.stack([pd.factorize(X[c], sort=True)[0] for c in ("colour", "size", "shape")], axis=1)
    widths = [3, 4, 2]
    sampler = ConditionSampler(classes, 2, True, codes, widths, torch.device("cpu"))
    sampler.condition_on_pairs(codes)
    rng = torch.Generator().manual_seed(0)
    batch = sampler.sample_train(256, rng)
    rows, cond = batch.rows.numpy(), batch.cond.numpy()
    offset = 2 + np.cumsum([0, *widths[:-1]])  # the class one-hot comes first
    assert (cond[:, 0] == classes[rows]).all()
    assert (cond[:, 2] == offset[batch.column2.numpy()] + codes[rows, batch.column2.numpy()]).all()
    # generation asking class 0 for red, which only class 1 has: a row of class 0, not a
    # neighbour's (without the fallback the sorted lookup lands on class 1's rows)
    red = int(np.flatnonzero(np.sort(X["colour"].unique()) == "red")[0])
    zero = torch.zeros(100, dtype=torch.long)
    ask = zero, torch.zeros_like(zero), torch.full_like(zero, red), torch.rand(100)
    assert (classes[sampler.rows_with(*ask, fallback=True).numpy()] == 0).all()
    assert (classes[sampler.rows_with(*ask).numpy()] == 1).any()


def test_pair_conditions_two_fixed_columns():
    X = _categorical_table()
    aug = GANAugmenter(max_steps=40, random_state=0).fit(X)
    rows = aug.sample(100, conditions={"colour": "green", "shape": "x"}, random_state=0)[0]
    assert (rows["colour"] == "green").all() and (rows["shape"] == "x").all()
    # the generator is told both values (the fixed output spans are overwritten at decode
    # either way, so the rows alone cannot show it): watch what generate() feeds it
    model, seen = aug.model_.model, []
    hook = model.generator.register_forward_pre_hook(lambda _, args: seen.append(args[1]))
    classes = np.zeros(100, dtype=np.int64)
    try:
        model.generate(classes, 0, fixed=np.array([1, -1, 1]))  # colour and shape fixed
        both = torch.cat(seen)
        seen.clear()
        model.generate(classes, 0, fixed=np.array([1, -1, -1]))  # colour alone
        one = torch.cat(seen)
    finally:
        hook.remove()
    assert both.shape[1] == 2 and len(torch.unique(both, dim=0)) == 1
    assert (one[:, 0] == both[0, 0]).all() and len(torch.unique(one[:, 1])) > 1
    assert both[0, 1] in one[:, 1]  # the shape value is among the second conditions drawn


@pytest.mark.parametrize("projection", [False, True])
def test_pair_conditions_supervised_fit_with_categorical_columns(projection, monkeypatch):
    # class + two (column, category) pairs: three condition indices through generator and critic
    monkeypatch.setattr(TabularGAN, "projection_critic", projection)
    X = _categorical_table()
    y = np.where(X["colour"] == "red", "a", "b")
    aug = GANAugmenter(max_steps=40, random_state=0).fit(X, y)
    sampler = aug.model_.model.sampler
    assert sampler.pairs and sampler.sample_train(8, torch.Generator().manual_seed(0)).cond.shape == (8, 3)
    rows, labels = aug.sample(60, y="a", random_state=0)
    assert len(rows) == 60 and (labels == "a").all() and rows["w"].notna().all()


def test_a_model_saved_before_pair_conditions_samples_with_one_condition():
    aug = GANAugmenter(max_steps=40, random_state=0).fit(_categorical_table())
    sampler = aug.model_.model.sampler
    del sampler.pairs, sampler.codes  # what an older model carries: neither
    del sampler._numpy["codes"]
    assert not sampler.pairs
    rows = aug.sample(50, random_state=0)[0]
    assert len(rows) == 50 and rows.notna().all().all()
    cond = sampler.sample_condition(torch.zeros(4, dtype=torch.long), torch.Generator())
    assert cond.shape == (4, 1)


def test_projection_critic_scores_through_the_class_only():
    from ganaug.tabular._nets import Discriminator

    torch.manual_seed(0)
    critic = Discriminator(6, 2 + 3, (8, 8), pac=2, dropout=0.0, n_projected=2)
    x = torch.randn(4, 6)
    features = 2 + torch.tensor([0, 1, 2, 0])
    score = critic(x, torch.stack([torch.tensor([0, 1, 0, 1]), features], 1))
    other = critic(x, torch.stack([torch.tensor([1, 1, 0, 1]), features], 1))
    assert score.shape == (2, 1)
    assert score[0] != other[0] and score[1] == other[1]  # only the group whose class changed moves
    # the class no longer enters the first layer: zeroing its rows there changes nothing
    with torch.no_grad():
        critic.first.embedding[[0, 1, 5, 6]] = 0
    assert torch.equal(critic(x, torch.stack([torch.tensor([0, 1, 0, 1]), features], 1)), score)
