"""engine="ctgan": ``ctgan.CTGAN`` behind the estimators' API, for comparison.

ctgan is an optional dependency (Business Source License since 0.7); it is
imported only when this engine is asked for. Its ``sample(condition_column=...)``
only *raises the probability* of the asked category (and conditions the wrong
bit for some columns, ctgan issues #169 / #273), so rows of a class are
obtained here by rejection: draw conditioned batches, keep the rows whose
generated label is the asked class.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import torch

from ganaug.core import Seeds, SynthesisConfig, step_budget
from ganaug.tabular._container import Table
from ganaug.tabular._encoder import TabularEncoder
from ganaug.tabular._synthesis import adapt_batch, auto_steps

_LABEL = "__ganaug_label__"
#: Conditioned draws for the rows of one class: at most this many rounds, of at most
#: ``_MAX_DRAW`` rows each and ``_DRAWS_PER_ROW`` (at least 1,000,000) rows in all; each round
#: draws what the hit rate so far says is still needed.
_MAX_ROUNDS = 200
_MAX_DRAW = 200_000
_DRAWS_PER_ROW = 1000


def _import_ctgan():
    try:
        from ctgan import CTGAN
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "engine='ctgan' needs the optional ctgan package: pip install 'ganaug[ctgan]'."
        ) from exc
    return CTGAN


class CTGANModel:
    """A fitted ``ctgan.CTGAN`` on a table (plus its label column when supervised)."""

    def __init__(self, synthesizer, n_columns: int, supervised: bool) -> None:
        self.synthesizer = synthesizer
        self.n_columns = n_columns
        self.supervised = supervised

    @classmethod
    def train(
        cls,
        frame: pd.DataFrame,
        categorical: np.ndarray,
        class_codes: np.ndarray | None,
        config: SynthesisConfig,
        use_cuda: bool,
        seed: int,
    ) -> CTGANModel:
        CTGAN = _import_ctgan()
        data = frame.set_axis([f"c{i}" for i in range(frame.shape[1])], axis=1).reset_index(drop=True)
        discrete = [f"c{i}" for i in np.flatnonzero(categorical)]
        if class_codes is not None:
            data[_LABEL] = class_codes
            discrete.append(_LABEL)
        batch = config.batch_size - config.batch_size % (2 * config.pac) or 2 * config.pac
        synthesizer = CTGAN(
            embedding_dim=config.embedding_dim,
            generator_dim=config.generator_dim,
            discriminator_dim=config.discriminator_dim,
            generator_lr=config.generator_lr,
            discriminator_lr=config.discriminator_lr,
            batch_size=batch,
            discriminator_steps=config.discriminator_steps,
            epochs=config.epochs,
            pac=config.pac,
            verbose=config.verbose,
            enable_gpu=use_cuda,
        )
        synthesizer.set_random_state(seed)
        synthesizer.fit(data, discrete_columns=discrete)
        return cls(synthesizer, frame.shape[1], class_codes is not None)

    def generate(self, classes: np.ndarray, seed: int) -> pd.DataFrame:
        """Rows for the given class codes (any rows when unsupervised), columns positional."""
        self.synthesizer.set_random_state(seed)
        if not self.supervised:
            out = self.synthesizer.sample(len(classes))
        else:
            parts = []
            for code in np.unique(classes):
                need = int((classes == code).sum())
                parts.append((code, self._rows_of_class(int(code), need)))
            out = pd.concat([p for _, p in parts], ignore_index=True)
            # put rows back in the order of `classes`
            order = np.argsort(np.argsort(classes, kind="stable"), kind="stable")
            out = out.iloc[order].reset_index(drop=True)
        out = out.drop(columns=[_LABEL], errors="ignore")
        return out.set_axis(range(self.n_columns), axis=1)

    def _rows_of_class(self, code: int, need: int) -> pd.DataFrame:
        """``need`` rows whose generated label is ``code``, by conditioned draws and rejection.

        The first round draws ``max(2 * need, 500)`` rows; later rounds draw
        1.2 times what the hit rate so far says is still missing (at most
        :data:`_MAX_DRAW`), so a class that ctgan generates rarely (a minority
        it learned poorly) costs more rows, not an error.
        """
        kept, total, drawn = [], 0, 0
        size, budget = max(2 * need, 500), max(_DRAWS_PER_ROW * need, 1_000_000)
        for _ in range(_MAX_ROUNDS):
            draw = self.synthesizer.sample(size, condition_column=_LABEL, condition_value=code)
            hit = draw[draw[_LABEL] == code]
            kept.append(hit)
            total += len(hit)
            drawn += len(draw)
            if total >= need:
                return pd.concat(kept, ignore_index=True).iloc[:need]
            rate = max(total, 1) / drawn
            size = int(min(max(1.2 * (need - total) / rate, 500), _MAX_DRAW, budget - drawn))
            if size <= 0:
                break
        raise RuntimeError(
            f"ctgan produced only {total} rows of class code {code} in {drawn} conditioned draws; "
            f"{need} were needed. Its conditioning is approximate; use engine='ganaug'."
        )


class CTGANSynthesizer:
    """``engine="ctgan"``: a ``core.Synthesizer`` backed by ``ctgan.CTGAN`` (not an ``EncodedSynthesizer``).

    A ``TabularEncoder`` is still fitted: it names the categorical columns for
    ctgan and restores the container; ctgan does its own encoding.
    """

    def __init__(
        self, config: SynthesisConfig, categorical_features: Any = "auto", max_categories: int | None = None
    ) -> None:
        self.config = config
        self.categorical_features = (
            categorical_features  # ctgan models every category (max_categories unused)
        )

    def fit(
        self,
        table: Table,
        codes: np.ndarray | None,
        n_classes: int,
        device: torch.device,
        seeds: Seeds,
    ) -> CTGANSynthesizer:
        self.encoder = TabularEncoder(self.categorical_features, random_state=seeds.seed("encoder"))
        self.encoder.fit(table)
        self.batch_size, self.pac = adapt_batch(self.config.batch_size, self.config.pac, len(table))
        self.device = device
        steps_per_epoch = max(len(table) // self.batch_size, 1)
        n_steps = step_budget(
            self.config.epochs, self.config.max_steps, steps_per_epoch, lambda: auto_steps(steps_per_epoch)
        )
        epochs = -(-n_steps // steps_per_epoch)  # ctgan counts epochs; the same number of steps, rounded up
        config = replace(self.config, batch_size=self.batch_size, pac=self.pac, epochs=epochs)
        self.model = CTGANModel.train(
            table.frame,
            self.encoder.categorical_mask_,
            codes,
            config,
            device.type == "cuda",
            seeds.seed("training"),
        )
        self.history: list[dict] = []
        self.n_steps = epochs * steps_per_epoch
        return self

    def generate(self, codes: np.ndarray, seed: int) -> Any:
        """Rows for the given class codes, in the fitted table's container."""
        return self.encoder.container_.wrap(self.model.generate(codes, seed))
