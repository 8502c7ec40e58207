"""Why pair trends and TSTR lag TVAE on Adult: one lever at a time, at 1/10 of ctgan-300's time.

Issue 27's ablation. ``bench_quality.py --protocol reference`` put ganaug at
1/10 of ctgan-300's fit time (62 epochs) at pair trends .874 and TSTR accuracy
.819, against TVAE's .881 and .836. Each variant below changes one thing of
``GANAugmenter(epochs=62, random_state=seed).fit(train).sample(len(train))``
and is scored by ``bench_quality.score`` on the same 80/20 splits:

``live generator``
    Sample the generator as trained (the default of ``fit(X).sample(n)``
    before this ablation).
``EMA generator``
    Sample from the exponential moving average of the generator's weights
    (the image engine's and ``fit_resample``'s default; the default of every
    fit since this ablation).
``critic (512, 512)`` / ``generator (512, 512)``
    Wider networks (capacity), on the live generator.
``critic steps 2``
    Two critic steps per generator step, on the live generator.
``EMA, learning rates ...`` / ``EMA, TTUR ...``
    The EMA generator with other Adam learning rates (default 2e-4 for
    both, ctgan's): higher ones, which the average may steady at this short
    budget, and the two time-scale rule (a faster critic).
``EMA, longer average ...`` / ``EMA, shorter average ...``
    How far back the average reaches. At 62 epochs (about 3,200 steps) the
    default's warm-up ramp ``(1 + t) / (10 + t)``, not its 0.999 decay,
    sets it: about the last 360 steps. Decay 0.9995 with warm-up 2 reaches
    about 2,000 steps back; warm-up 30 about 110. (A run of decays 0.998
    and 0.9995 with the default warm-up gave the default's scores exactly
    on its first two seeds, as the ramp predicts, and was stopped: no table.)
``EMA, quantile transform`` / ``EMA, quantile transform, 1 mode`` / ``EMA, mode-specific normalisation``
    Continuous columns encoded on their normal scores (an empirical quantile
    transform, as scikit-learn's ``QuantileTransformer``) before the mixture
    modes, with the default 10 modes per column before pruning or one mode
    (a plain Gaussianised scalar); or, as ctgan does, by mode-specific
    normalisation of the raw values (the default until this ablation,
    ``synthesis_ablation_quantile_cpu.md``). Point masses and missing values
    keep their modes. The other variants use the package's default encoding
    (the quantile transform since this ablation).
``EMA, sampling temperature T``
    The same fitted model as ``EMA generator`` (the fit is reused, so its
    fit seconds repeat), sampled with every categorical draw (mixture modes
    included) at temperature ``T`` (``TabularGAN.sampling_temperature``):
    the logits divided by ``T`` before the Gumbel-max draw. Below 1 a row's
    columns lean to their likelier categories given the generator's noise,
    which may keep the categories of a row together.
``EMA, pair conditions``
    Training-by-sampling names two categorical columns per condition, not
    one: after the row matching the first is drawn, another column and that
    row's category in it join the condition, and the conditional loss
    scores both (``TabularGAN.condition_pairs``). Generation reveals two
    columns of a random training row. The categories of a row are then
    coupled by construction in pairs, which the category-combination gap
    (47% of synthetic rows against 78% held-out at 62 epochs) points at.
    The default since ``synthesis_ablation_pairs_cpu.md`` (where ``EMA
    generator`` had one condition); ``EMA, single conditions`` is the earlier
    one-condition training-by-sampling.
``EMA, critic dropout 0.25`` / ``EMA, critic dropout 0``
    The critic's dropout after each hidden layer (CTGAN's 0.5,
    ``TabularGAN.critic_dropout``): a less regularised critic may see
    which categories go together.

The first variant listed is the row the others are compared with.

Every row also reports the label's drift: the share of ">50K" in the synthetic
rows minus its share in the training rows (turn 2 measured 28.9% against
24.1%), and the share of rows whose categorical columns, all together, hold a
combination of values that some training row holds, for the synthetic rows
and the held-out real ones (added with the temperature variants).

    python benchmarks/ablate_synthesis.py --seeds 3
    python benchmarks/ablate_synthesis.py --seeds 3 --epochs auto --variants "EMA generator"
"""

from __future__ import annotations

import argparse
import time

import pandas as pd
from _common import load_adult, mean_std, write_markdown
from bench_quality import score
from sklearn.model_selection import train_test_split

from ganaug import GANAugmenter
from ganaug.tabular._synthesis import TabularGAN, TabularSynthesizer

EPOCHS = 62
#: Variant name: (GANAugmenter keyword arguments, sample from the generator's EMA: False, True
#: (the default average) or the average's (decay, warm-up)).
VARIANTS = {
    "live generator": ({}, False),
    "EMA generator": ({}, True),
    "critic (512, 512)": ({"discriminator_dim": (512, 512)}, False),
    "generator (512, 512)": ({"generator_dim": (512, 512)}, False),
    "critic steps 2": ({"discriminator_steps": 2}, False),
    "EMA, learning rates 5e-4": ({"generator_lr": 5e-4, "discriminator_lr": 5e-4}, True),
    "EMA, learning rates 1e-3": ({"generator_lr": 1e-3, "discriminator_lr": 1e-3}, True),
    "EMA, TTUR (generator 1e-4, critic 4e-4)": ({"generator_lr": 1e-4, "discriminator_lr": 4e-4}, True),
    "EMA, longer average (decay 0.9995, warm-up 2)": ({}, (0.9995, 2.0)),
    "EMA, shorter average (warm-up 30)": ({}, (0.999, 30.0)),
    "EMA, quantile transform": ({}, True),
    "EMA, quantile transform, 1 mode": ({}, True),
    "EMA, mode-specific normalisation": ({}, True),
    "EMA, sampling temperature 0.8": ({}, True),
    "EMA, sampling temperature 0.6": ({}, True),
    "EMA, sampling temperature 0.4": ({}, True),
    "EMA, pair conditions": ({}, True),
    "EMA, critic dropout 0.25": ({}, True),
    "EMA, critic dropout 0": ({}, True),
    "EMA, single conditions": ({}, True),
}
#: Variant name: ``TabularGAN.sampling_temperature`` (a sampling lever: the fit is shared).
TEMPERATURES = {name: float(name.rsplit(" ", 1)[1]) for name in VARIANTS if "sampling temperature" in name}
#: Fitted models and their fit seconds, by everything that shapes the fit (temperature variants share one).
_FITS: dict = {}
#: Variant name: ``TabularSynthesizer`` encoder settings (continuous encoding, modes per column).
ENCODINGS = {
    "EMA, quantile transform": ("quantile", 10),
    "EMA, quantile transform, 1 mode": ("quantile", 1),
    "EMA, mode-specific normalisation": ("modes", 10),
}


#: Variant name: ``TabularGAN`` class levers it sets for its fit.
LEVERS = {
    "EMA, pair conditions": {"condition_pairs": True},
    "EMA, critic dropout 0.25": {"critic_dropout": 0.25},
    "EMA, critic dropout 0": {"critic_dropout": 0.0},
    "EMA, single conditions": {"condition_pairs": False},
}


def seen_together(train: pd.DataFrame, rows: pd.DataFrame) -> float:
    """Share of ``rows`` whose categorical columns, all together, hold values some training row holds."""
    categorical = [c for c in train.columns if not pd.api.types.is_numeric_dtype(train[c])]

    def keys(frame: pd.DataFrame) -> pd.Series:
        return frame[categorical].astype(str).agg("\x1f".join, axis=1)

    return float(keys(rows).isin(set(keys(train))).mean())


def run(train: pd.DataFrame, test: pd.DataFrame, seed: int, name: str, epochs: int | str = EPOCHS) -> dict:
    params, ema = VARIANTS[name]
    default_average = TabularGAN.ema_decay, TabularGAN.ema_warmup
    default_encoding = TabularSynthesizer.continuous_encoding, TabularSynthesizer.n_modes
    TabularSynthesizer.continuous_encoding, TabularSynthesizer.n_modes = ENCODINGS.get(name, default_encoding)
    TabularGAN.generator_ema = bool(ema)
    levers = LEVERS.get(name, {})
    default_levers = {attr: getattr(TabularGAN, attr) for attr in levers}
    if not isinstance(ema, bool):
        TabularGAN.ema_decay, TabularGAN.ema_warmup = ema
    key = (
        seed,
        epochs,
        repr(params),
        repr(ema),
        repr(levers),
        TabularSynthesizer.continuous_encoding,
        TabularSynthesizer.n_modes,
    )
    try:
        for attr, value in levers.items():
            setattr(TabularGAN, attr, value)
        if key not in _FITS:
            _FITS.clear()  # one seed's models at a time
            model = GANAugmenter(epochs=epochs, random_state=seed, **params)
            start = time.perf_counter()
            model.fit(train)
            _FITS[key] = model, time.perf_counter() - start
        model, seconds = _FITS[key]
        TabularGAN.sampling_temperature = TEMPERATURES.get(name, 1.0)
        synth = model.sample(len(train), random_state=seed)[0]
    finally:
        for attr, value in default_levers.items():
            setattr(TabularGAN, attr, value)
        TabularGAN.sampling_temperature = 1.0
        TabularGAN.generator_ema = True
        TabularGAN.ema_decay, TabularGAN.ema_warmup = default_average
        TabularSynthesizer.continuous_encoding, TabularSynthesizer.n_modes = default_encoding
    row = score(name, seed, train, test, synth, model.history_[-1]["epoch"], seconds)

    def rich(frame: pd.DataFrame) -> float:
        return float((frame["income"].astype(str).str.strip() == ">50K").mean())

    row["label drift (>50K share, synthetic - real)"] = rich(synth) - rich(train)
    print(name, "label drift", round(row["label drift (>50K share, synthetic - real)"], 4), flush=True)
    row["categories seen together (synthetic)"] = seen_together(train, synth)
    row["categories seen together (held-out real)"] = seen_together(train, test)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--data", default=None)
    parser.add_argument("--name", default=None, help="results file stem (default: from the epochs)")
    parser.add_argument(
        "--epochs", default=str(EPOCHS), help='epochs of every fit; "auto": the default rule (300 on Adult)'
    )
    args = parser.parse_args()
    epochs = args.epochs if args.epochs == "auto" else int(args.epochs)
    df = load_adult(args.data)
    rows = []
    for seed in range(args.seeds):
        train, test = train_test_split(df, test_size=0.2, stratify=df["income"], random_state=seed)
        for name in args.variants:
            rows.append(run(train, test, seed, name, epochs))
    frame = pd.DataFrame(rows)
    keep = [c for c in frame.columns if c not in ("method", "seed")]
    table = mean_std(frame, ["method"]).reindex(args.variants)
    means = frame.groupby("method")[keep].mean().reindex(args.variants)
    tables = {"Mean ± std over seeds": table}
    reference = args.variants[0]  # the row the others are compared with
    if len(means) > 1:
        tables[f"Mean difference from {reference}"] = (means - means.loc[reference]).drop(index=reference)
    budget = (
        f"`GANAugmenter(epochs={EPOCHS}, random_state=seed)` (1/10 of ctgan-300's measured fit time, "
        "`quality_adult_reference_cpu.md`)"
        if epochs == EPOCHS
        else f"`GANAugmenter(epochs={epochs!r}, random_state=seed)`"
    )
    intro = (
        f"UCI Adult ({len(df):,} rows), 80/20 split stratified on income, {args.seeds} seeds, CPU. "
        f"{budget} with one lever changed per row; scores from "
        "`bench_quality.score`. Label drift: share of '>50K' in the synthetic rows minus the training "
        "rows'."
    )
    suffix = "" if epochs == EPOCHS else f"_epochs_{epochs}"
    write_markdown(
        args.name or f"synthesis_ablation{suffix}_cpu",
        "Synthesis levers on Adult, "
        + (f"{EPOCHS} epochs (1/10 of ctgan-300's time)" if epochs == EPOCHS else f"epochs={epochs}"),
        intro,
        tables,
    )


if __name__ == "__main__":
    main()
