"""Exact dependencies, ablated: drop the dependent columns before training, or model them and overwrite.

Adult, ``--rows`` random rows per seed, income included, unconditional
default fits. Three variants of ``GANAugmenter``:

- ``off``: ``detect_dependencies=False`` (the GAN models every column; a row
  may pair an education level with any number of years);
- ``drop``: the dependent columns (``education-num``) are left out of the
  GAN and derived from their determinant at decode
  (``TabularSynthesizer.model_dependents = False``);
- ``model + overwrite`` (the default): the GAN still models them (its
  critic sees the ordinal number) and they are overwritten from the
  determinant at decode.

Scores as in ``bench_conditions.py``: rows whose (education, education-num)
pair occurs in the training rows, quality against the training rows, TSTR
accuracy and macro F1 on income against held-out real rows.

    python benchmarks/ablate_dependencies.py --seeds 3
"""

from __future__ import annotations

import argparse
import time
import warnings

import pandas as pd
from _common import load_adult, mean_std, write_markdown
from bench_conditions import _pairs_seen, income_tstr

from ganaug import GANAugmenter, metrics
from ganaug.tabular import TabularSynthesizer

VARIANTS = {
    "off": ({"detect_dependencies": False}, True),
    "drop": ({}, False),
    "model + overwrite (default)": ({}, True),
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    adult = load_adult()
    rows = []
    for seed in range(args.seeds):
        train = adult.sample(args.rows, random_state=seed)
        test = adult.drop(train.index).sample(5000, random_state=seed)
        for name, (params, model_dependents) in VARIANTS.items():
            TabularSynthesizer.model_dependents = model_dependents
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = GANAugmenter(random_state=seed, **params).fit(train)
            seconds = time.perf_counter() - start
            TabularSynthesizer.model_dependents = True
            synth = model.sample(5000, random_state=seed)[0]
            t = income_tstr(synth, test, seed)
            row = {
                "variant": name,
                "seed": seed,
                "rows with a real (education, education-num) pair": _pairs_seen(train, synth),
                **metrics.quality_score(train, synth),
                "TSTR accuracy": t["accuracy"],
                "TSTR macro F1": t["macro_f1"],
                "fit seconds": seconds,
            }
            print({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}, flush=True)
            rows.append(row)
    frame = pd.DataFrame(rows)
    write_markdown(
        "dependencies_ablation_cpu",
        "Exact dependencies on Adult: off, drop, model + overwrite",
        f"{args.rows:,} Adult rows per seed, {args.seeds} seeds, default GANAugmenter fits otherwise "
        "(see the script's docstring). Mean ± std over seeds.",
        {"Mean ± std over seeds": mean_std(frame, ["variant"]).reset_index()},
    )


if __name__ == "__main__":
    main()
