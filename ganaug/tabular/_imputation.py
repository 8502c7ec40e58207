"""Tabular imputation: GAIN's networks on an encoded table, and what GANImputer fits on tabular input.

- :class:`ImputationGAN`: the trained generator and its heads;
  :meth:`ImputationGAN.train` wires the hint discriminator and the GAIN step
  of ``ganaug.core`` to the encoded layout (per-column masks, categorical
  spans, reconstruction loss).
- :class:`TabularImputation`: placeholders, empty features, unknown
  categories, indicator columns and the container round trip, around an
  ``ImputationGAN``. Observed values are never changed.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.impute import MissingIndicator

from ganaug.core import (
    AUTO_IMPUTATION_STEPS,
    GeneratorModel,
    ImputationConfig,
    Seeds,
    Validation,
    autocast,
    current_parallel,
    gain_step,
    resolve_compile,
    seeded,
    train_imputation,
)
from ganaug.exceptions import DataWarning
from ganaug.tabular._container import Container, Table
from ganaug.tabular._encoder import TabularEncoder
from ganaug.tabular._heads import OutputHeads
from ganaug.tabular._layout import EncodedLayout
from ganaug.tabular._losses import reconstruction_loss
from ganaug.tabular._nets import MLP
from ganaug.tabular._refinement import TreeRefinement


class ImputationGAN(GeneratorModel):
    """Imputation generator and heads of one fitted table."""

    _device_attributes = ("generator", "heads", "position_columns")

    def __init__(self, layout: EncodedLayout, n_columns: int, generator_dim: Sequence[int], device) -> None:
        self.layout = layout
        self.n_columns = n_columns
        self.generator_dim = tuple(generator_dim)
        self._build(device)

    def _build(self, device: torch.device) -> None:
        self.device = device
        self.generator = MLP(self.layout.width + self.n_columns, self.generator_dim, self.layout.width).to(
            device
        )
        self.heads = OutputHeads(self.layout).to(device)
        self.position_columns = torch.as_tensor(self.layout.position_columns, device=device)

    @classmethod
    def train(
        cls,
        encoded: np.ndarray,
        observed: np.ndarray,
        layout: EncodedLayout,
        config: ImputationConfig,
        device: torch.device,
        seed: int,
        held: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    ) -> tuple[ImputationGAN, list[dict]]:
        """Build and train on encoded rows and their (n, n_columns) observed mask.

        With ``held`` (encoded rows, their training mask, their held-out
        entries), the reconstruction error on the held-out entries is the
        validation score of early stopping.
        """
        n, n_columns = observed.shape
        n_numeric = sum(span.activation == "linear" for span in layout.spans)
        B = min(config.batch_size, n)
        parallel = current_parallel()
        encoded, observed = parallel.shard(encoded, observed)
        with seeded(device, seed) as rng:
            generator_dim = imputation_generator_dim(config.generator_dim, layout.width)
            model = cls(layout, n_columns, generator_dim, device)
            model.precision = config.precision
            critic = MLP(layout.width + n_columns, tuple(config.discriminator_dim), n_columns).to(device)
            parallel.start(model.generator, critic)
            data = torch.as_tensor(encoded, dtype=torch.float32, device=device)
            seen = torch.as_tensor(observed, dtype=torch.bool, device=device)
            heads, position_columns = model.heads, model.position_columns
            step = gain_step(
                data=data,
                observed=seen,
                generator=model.generator,
                discriminator=critic,
                lr=config.lr,
                rng=rng,
                batch_size=parallel.local_batch(B),
                hint_rate=config.hint_rate,
                alpha=config.alpha,
                hide=lambda known: torch.rand(known.shape, generator=rng, device=device) < config.drop_rate,
                expand=lambda seen_f: seen_f[:, position_columns],
                activate=lambda raw: heads(raw, rng),
                reconstruction=lambda raw, x, known: reconstruction_loss(
                    raw, x, known, heads, position_columns
                ),
                amp=lambda: autocast(device, config.precision),
                compile=resolve_compile(config.compile, device),
            )
            validation = None
            if held is not None:
                validation = Validation(
                    model.validation_score(*held), model.generator, config.n_iter_no_change, config.tol
                )
            history = train_imputation(
                step,
                n_rows=n,
                batch_size=B,
                epochs=config.epochs,
                max_steps=config.max_steps,
                auto=lambda steps_per_epoch: auto_imputation_steps(
                    n, n_numeric, steps_per_epoch, narrow=generator_dim == NARROW_GENERATOR
                ),
                device=device,
                verbose=config.verbose,
                generator=model.generator,
                validation=validation,
            )
            parallel.finish(model.generator)
        model.generator.eval()
        return model, history

    def _complete(self, x: torch.Tensor, seen: torch.Tensor, noise: Any) -> torch.Tensor:
        """Raw generator outputs for rows ``x`` whose entries ``seen`` (float, per column) are known."""
        seen_pos = seen[:, self.position_columns]
        return self.generator(torch.cat([seen_pos * x + (1 - seen_pos) * noise, seen], dim=1))

    def validation_score(self, encoded: np.ndarray, observed: np.ndarray, hidden: np.ndarray) -> Any:
        """Reconstruction error on the ``hidden`` entries, given the ``observed`` ones (lower is better)."""
        x = torch.as_tensor(encoded, dtype=torch.float32, device=self.device)
        seen = torch.as_tensor(observed, dtype=torch.float32, device=self.device)
        target = torch.as_tensor(hidden, dtype=torch.bool, device=self.device)

        def score() -> torch.Tensor:
            raw = self._complete(x, seen, 0.0)
            return reconstruction_loss(raw, x, target, self.heads, self.position_columns)

        return score

    def impute(self, encoded: np.ndarray, observed: np.ndarray, seed: int, sample: bool) -> np.ndarray:
        """Generator outputs for every entry, ready for ``inverse_transform``.

        ``sample=False``: no input noise and categories by argmax, the
        deterministic best guess (each row depends on itself only).
        ``sample=True``: input noise and Gumbel-max categories, one draw of
        the learned conditional distribution.
        """

        def step(rows: slice, rng: torch.Generator) -> torch.Tensor:
            x = torch.as_tensor(encoded[rows], device=self.device)
            seen = torch.as_tensor(observed[rows], device=self.device).float()
            noise = torch.randn(x.shape, generator=rng, device=self.device) if sample else 0.0
            raw = self._complete(x, seen, noise)
            return self.heads(raw, rng, hard=True) if sample else raw

        return self._infer(len(encoded), seed, step, (self.layout.width,))

    def complete(self, encoded: np.ndarray, observed: np.ndarray, raw: np.ndarray) -> np.ndarray:
        """Encoded rows with their unobserved positions taken from the noise-free outputs ``raw``.

        Numeric positions get the generator's value, categorical spans its
        probabilities: the completed matrix that :class:`TreeRefinement` reads.
        """
        expected = self.heads.expected(torch.as_tensor(raw, device=self.device)).cpu().numpy()
        known = observed[:, self.layout.position_columns].astype(bool)
        return np.where(known, encoded, expected).astype(np.float32)


#: Encoded width from which ``generator_dim="auto"`` picks the wider, deeper generator.
AUTO_WIDE_TABLE = 20
#: The auto generator widths of wide and narrow tables.
WIDE_GENERATOR, NARROW_GENERATOR = (512, 512, 512), (256, 256)

#: ``epochs="auto"`` for tables: generator steps per row and per squared numeric column, so the
#: budget grows with the rows and with the numeric columns' pairwise relations, as the ExtraTrees
#: ``IterativeImputer``'s cost does. Chosen on ``benchmarks/bench_impute_budget.py --steps``
#: (``impute_steps_grid_cpu.md``): Adult (6 numeric columns) beat the ExtraTrees imputer's RMSE
#: from 150 steps at 1,000-10,000 rows and was faster up to about rows / 8 steps; breast cancer
#: (30 numeric columns, 569 rows) needed 600+ steps and digits (64) 3,000 to beat it.
AUTO_STEPS_PER_ROW_PAIR = 2e-3
#: Least steps of that rule (the most is the fixed budget it replaced; at least 10 epochs and at
#: most 2,000 still hold, as before). Narrow tables (the ``(256, 256)`` generator of
#: :func:`imputation_generator_dim`) get at least ``AUTO_MIN_STEPS_NARROW``: wine at 150 steps
#: lost to KNN and the ExtraTrees imputer under MAR and MNAR (``bench_impute.py``, 2026-12-08,
#: before this floor), and a narrow generator's step costs about a third of a wide one's.
AUTO_MIN_STEPS = 150
AUTO_MIN_STEPS_NARROW = 600


def auto_imputation_steps(n_rows: int, n_numeric: int, steps_per_epoch: int, narrow: bool = False) -> int:
    """Training length of ``epochs="auto"`` on a table: ``2e-3 x rows x numeric columns²`` steps.

    Within [150, 3,000] steps (at least 600 for a ``narrow`` table, one
    with the small generator), then within [10, 2,000] epochs. Adult (6
    numeric columns): 150 steps at 1,000 and 2,000 rows, then the 10-epoch
    floor (390 at 5,000, 780 at 10,000); breast cancer 1,024; digits 3,000;
    wine and diabetes (narrow) 600.
    """
    least = AUTO_MIN_STEPS_NARROW if narrow else AUTO_MIN_STEPS
    steps = min(max(AUTO_STEPS_PER_ROW_PAIR * n_rows * n_numeric**2, least), AUTO_IMPUTATION_STEPS)
    return int(min(max(steps, 10 * steps_per_epoch), 2000 * steps_per_epoch))


def imputation_generator_dim(generator_dim: tuple[int, ...] | str, width: int) -> tuple[int, ...]:
    """The generator's hidden widths: as given, or by the encoded width for ``"auto"``.

    Tables at least ``AUTO_WIDE_TABLE`` values wide get ``(512, 512, 512)``,
    narrower ones ``(256, 256)`` (see ``GANImputer``'s ``generator_dim``).
    """
    if not isinstance(generator_dim, str):
        return tuple(generator_dim)
    return WIDE_GENERATOR if width >= AUTO_WIDE_TABLE else NARROW_GENERATOR


class TabularImputation:
    """What ``GANImputer`` fits on a table: encoder, ``ImputationGAN``, indicator, empty features.

    Parameters
    ----------
    config : ImputationConfig
        Training settings.
    categorical_features : "auto", None, array-like or bool mask
        Passed to :class:`TabularEncoder`.
    add_indicator, keep_empty_features, handle_unknown, refine
        As in ``GANImputer``.

    Attributes (after :meth:`fit`)
    ------------------------------
    encoder, model, history, indicator, empty_features, refinement
        ``refinement`` is the :class:`TreeRefinement` of the numeric columns,
        or None (``refine=False``, or no numeric column).
    """

    #: Fitted before refinement existed: the GAN's fill alone.
    refinement: TreeRefinement | None = None

    def __init__(
        self,
        config: ImputationConfig,
        categorical_features: Any = "auto",
        *,
        max_categories: int | None = None,
        add_indicator: bool = False,
        keep_empty_features: bool = False,
        handle_unknown: str = "keep",
        refine: bool = True,
    ) -> None:
        self.config = config
        self.refine = refine
        self.categorical_features = categorical_features
        self.max_categories = max_categories
        self.add_indicator = add_indicator
        self.keep_empty_features = keep_empty_features
        self.handle_unknown = handle_unknown

    @property
    def device(self) -> torch.device:
        return self.model.device

    def fit(self, table: Table, device: torch.device, seeds: Seeds) -> TabularImputation:
        """Learn the columns and train the imputation network on the observed entries of ``table``."""
        frame = table.frame
        missing = frame.isna().to_numpy()
        self.empty_features = missing.all(axis=0)
        if self.empty_features.any() and not self.keep_empty_features:
            names = list(frame.columns[self.empty_features])
            warnings.warn(
                f"Skipping features without any observed values: {names}. At least one non-missing "
                "value is needed for imputation; keep_empty_features=True keeps them.",
                DataWarning,
                stacklevel=4,
            )
        # Empty features stay in the encoding (never observed, never trained
        # on); transform drops them or fills them as sklearn does.
        self.encoder = TabularEncoder(
            self.categorical_features,
            max_categories=self.max_categories,
            continuous="scalar",
            missing="unobserved",
            random_state=seeds.seed("encoder"),
        )
        self.indicator = (
            MissingIndicator(missing_values=1.0, error_on_new=False).fit(missing.astype(float))
            if self.add_indicator
            else None
        )
        self.encoder.fit(frame)
        encoded = self.encoder.transform(frame)
        observed = self.encoder.observed(frame)
        every = encoded, observed
        held = None
        if _early_stopping(self.config, len(frame)):
            fraction, rng = self.config.validation_fraction, seeds.rng("validation")
            encoded, observed, held = _hold_entries(encoded, observed, self.encoder.layout_, fraction, rng)
        self.model, self.history = ImputationGAN.train(
            encoded, observed, self.encoder.layout_, self.config, device, seeds.seed("training"), held
        )
        self.refinement = self._fit_refinement(*every, seeds.rng("refinement")) if self.refine else None
        return self

    def _fit_refinement(
        self, encoded: np.ndarray, observed: np.ndarray, rng: np.random.RandomState
    ) -> TreeRefinement | None:
        """Trees for every numeric column, on the rows the fitted GAN completes (all rows of the fit)."""
        layout = self.model.layout
        targets = np.asarray([s.start for s in layout.spans if s.activation == "linear"], dtype=np.int64)
        if not len(targets):
            return None
        completed = self.model.complete(
            encoded, observed, self.model.impute(encoded, observed, 0, sample=False)
        )
        known = observed[:, layout.position_columns].astype(bool)
        return TreeRefinement.fit(completed, known, targets, rng)

    def _generate(self, encoded: np.ndarray, observed: np.ndarray, seed: int, sample: bool) -> np.ndarray:
        """The generator's outputs, refined by the trees where numeric entries are missing.

        ``sample=True`` keeps the draw's spread around the refined guess: each
        numeric entry is the refined deterministic value plus the draw's
        departure from the GAN's deterministic value.
        """
        guess = self.model.impute(encoded, observed, seed, sample=False)
        out = self.model.impute(encoded, observed, seed, sample=True) if sample else guess
        if self.refinement is None:
            return out
        known = observed[:, self.model.layout.position_columns].astype(bool)
        refined = self.refinement.refine(guess, self.model.complete(encoded, observed, guess), known)
        targets = self.refinement.targets
        out = np.array(out, copy=True)
        out[:, targets] = refined[:, targets] + (out[:, targets] - guess[:, targets])
        return out

    def transform(self, table: Table, seed: int, sample: bool) -> Any:
        """Fill the missing entries of ``table``; observed entries come back unchanged."""
        frame = table.frame
        missing = frame.isna().to_numpy()
        keep = ~self.empty_features
        out = frame.copy()
        if self.handle_unknown == "keep":
            unknown = self.encoder.unknown_categories(frame)
            if unknown.any():  # hide them from the network; `missing` stays as it was, so they stay
                frame = frame.mask(unknown)
        encoded = self.encoder.transform(frame)
        observed = self.encoder.observed(frame)
        decoded = self.encoder.inverse_transform(
            self._generate(encoded, observed, seed, sample), as_frame=True, random_state=seed
        )
        for position in np.flatnonzero(keep & missing.any(axis=0)):
            holes = missing[:, position]
            out.isetitem(position, _fill(out.iloc[:, position], holes, decoded.iloc[:, position]))
        for position in np.flatnonzero(self.empty_features):
            if self.keep_empty_features and pd.api.types.is_numeric_dtype(frame.iloc[:, position]):
                out.isetitem(position, frame.iloc[:, position].fillna(0))
        if not self.keep_empty_features:
            out = out.loc[:, keep]
        if self.indicator is not None:
            flags = self.indicator.transform(missing.astype(float))
            names = self.indicator.get_feature_names_out(np.asarray(frame.columns, dtype=object).astype(str))
            out = pd.concat([out, pd.DataFrame(flags, index=out.index, columns=names)], axis=1)
        return _restore(out, table.container)

    def feature_names_out(self, names: np.ndarray) -> np.ndarray:
        """Output names given the input feature names: kept features, then indicator columns."""
        out = names if self.keep_empty_features else names[~self.empty_features]
        if self.indicator is not None:
            out = np.concatenate([out, self.indicator.get_feature_names_out(names)])
        return np.asarray(out, dtype=object)


#: Rows from which ``early_stopping="auto"`` holds out a validation set.
AUTO_EARLY_STOPPING_ROWS = 1000


def _early_stopping(config: ImputationConfig, n_rows: int) -> bool:
    if config.early_stopping == "auto":
        return n_rows >= AUTO_EARLY_STOPPING_ROWS
    return bool(config.early_stopping)


#: Rows that carry early stopping's held-out entries, at most (the score is computed on them at every record).
MAX_VALIDATION_ROWS = 10_000
#: Observed entries held out for early stopping, at most: enough for a steady score, few enough that
#: training loses little of a large table.
MAX_VALIDATION_ENTRIES = 2_500


def _hold_entries(
    encoded: np.ndarray,
    observed: np.ndarray,
    layout: Any,
    fraction: float,
    rng: np.random.RandomState,
    max_rows: int = MAX_VALIDATION_ROWS,
    max_entries: int = MAX_VALIDATION_ENTRIES,
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Hide ``fraction`` of the observed entries of up to ``max_rows`` rows from training
    (at most ``max_entries`` entries).

    Returns the training matrix and mask (the held entries zeroed and marked
    missing) and ``held``: those rows' encoding, training mask and held
    entries. The entries are held out *within* the training rows because that
    is what ``transform`` is asked to do: complete the rows the model was
    fitted on. A score on whole held-out rows got worse while the training
    rows' holes were still being filled better, and stopped digits early at a
    worse RMSE than the full budget.
    """
    with_values = np.flatnonzero(observed.any(axis=1))
    rows = np.sort(rng.choice(with_values, size=min(len(with_values), max_rows), replace=False))
    hidden = np.zeros_like(observed, dtype=bool)
    candidates = np.flatnonzero(observed[rows])
    k = min(max(1, round(fraction * len(candidates))), max_entries, len(candidates))
    chosen = np.zeros(observed[rows].size, dtype=bool)
    chosen[rng.choice(candidates, size=k, replace=False)] = True
    hidden[rows] = chosen.reshape(len(rows), -1)
    observed = observed & ~hidden
    held = (encoded[rows], observed[rows], hidden[rows])
    return np.where(hidden[:, layout.position_columns], 0, encoded).astype(encoded.dtype), observed, held


def _restore(out: pd.DataFrame, container: Container) -> Any:
    if container.kind == "dataframe":
        return out
    dtype = np.dtype(container.dtypes)
    if dtype.kind == "O":
        return out.to_numpy(dtype=object)
    return out.to_numpy(dtype=np.float64).astype(dtype if dtype.kind == "f" else np.float64)


def _fill(column: pd.Series, holes: np.ndarray, values: pd.Series) -> pd.Series:
    """``column`` with the entries at ``holes`` taken from ``values`` (others untouched), in its dtype.

    The filled cells are cast to the column's dtype (datetimes keep their unit
    and time zone, nullable and string dtypes stay as they are); only where
    the values cannot be held by it (an integer column with missing values is
    float already) does the column keep the values' own type.
    """
    values = values.set_axis(column.index)
    if values.dtype != column.dtype:
        try:
            values = values.astype(column.dtype)
        except (TypeError, ValueError):  # e.g. an object column mixing types: keep the decoded values
            pass
    if values.dtype == column.dtype:
        return column.where(~holes, values)
    filled = column.astype(object)
    filled[holes] = values.astype(object).to_numpy()[holes]
    return filled
