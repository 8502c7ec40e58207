"""Tabular synthesis: the conditional GAN of one table, and the encoder + GAN pair GANAugmenter fits.

- :class:`TabularGAN`: residual generator, output heads and condition sampler
  (the trained model); :meth:`TabularGAN.train` wires the critic, the
  optimisers and the WGAN-GP step of ``ganaug.core``.
- :class:`TabularSynthesizer`: fits a ``TabularEncoder`` and a ``TabularGAN``
  on a checked ``Table`` and generates rows back in the table's container.
- :func:`adapt_batch` / :func:`auto_steps`: batch, PacGAN group and training
  length that follow the table's size.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import torch

from ganaug.core import (
    GeneratorModel,
    MovingAverage,
    Seeds,
    SynthesisConfig,
    Validation,
    adam,
    autocast,
    compiled,
    current_parallel,
    diverged,
    draw_seed,
    resolve_compile,
    seeded,
    steps_trained,
    train,
    wgan_gp_step,
)
from ganaug.exceptions import DataWarning
from ganaug.tabular._container import Container, Table
from ganaug.tabular._dependencies import Dependency, derive_columns, find_dependencies
from ganaug.tabular._encoder import TabularEncoder
from ganaug.tabular._heads import OutputHeads
from ganaug.tabular._layout import EncodedLayout
from ganaug.tabular._losses import class_loss, conditional_loss
from ganaug.tabular._nets import MLP, Discriminator, Generator
from ganaug.tabular._sampler import ConditionSampler

#: Automatic training length for synthesis: epochs, kept within [min, max] generator steps.
AUTO_EPOCHS, AUTO_MIN_STEPS, AUTO_MAX_STEPS = 300, 2000, 20000
#: The rebalancing budget is the synthesis rule with every number divided by this.
REBALANCING_DIVISOR = 5
#: Rows of the critic's groups per batch below which ``pac="auto"`` shrinks the group.
_MIN_GROUPS = 50


def adapt_batch(batch_size: int, pac: int | str, n_rows: int) -> tuple[int, int]:
    """Batch size and PacGAN group for a table of ``n_rows``.

    An int ``pac`` must divide ``batch_size``. A table smaller than the batch
    trains on batches of all its rows (rounded down to a multiple of
    ``pac``); a table smaller than ``pac`` uses groups of all its rows.
    ``pac="auto"`` is 10 (PacGAN's and CTGAN's value) when the batch holds at
    least 50 groups of 10, and smaller otherwise, so that the critic always
    compares about 50 groups: on a 242-row table a group of 10 leaves it 24
    groups per batch and the class conditioning barely trains.
    """
    if pac == "auto":
        pac = int(np.clip(min(batch_size, n_rows) // _MIN_GROUPS, 1, 10))
        batch_size -= batch_size % pac
    elif batch_size % pac:
        raise ValueError(f"batch_size={batch_size} must be a multiple of pac={pac}.")
    pac = min(pac, n_rows)
    return min(batch_size, n_rows // pac * pac), pac


def auto_steps(steps_per_epoch: int, rebalancing: bool = False) -> int:
    """Training length of ``epochs="auto"``: 300 epochs, kept within [2,000, 20,000] steps.

    300 epochs is CTGAN's default and what large tables get (Adult: 19,500
    steps). Small tables get at least 2,000 steps: counted in epochs, a
    242-row table would get 300, and its minority rows would look like the
    majority. The cap keeps a million-row table at about 10 epochs.

    ``rebalancing=True`` (``fit_resample`` with the class filter and half of
    each quota real copies): every number divided by 5, 60 epochs within
    [400, 4,000] steps. On the 9 rebalancing tasks it kept balanced accuracy
    and minority F1 at 1/5 of the fit time and cost a little average
    precision; for synthesis (``fit(X).sample(n)``) the same cut lost pair
    trends and TSTR accuracy (``benchmarks/results/fit_budget_cpu.md``,
    ``fit_budget_synthesis_cpu.md``), so synthesis keeps the full rule.
    """
    divisor = REBALANCING_DIVISOR if rebalancing else 1
    epochs, low, high = AUTO_EPOCHS // divisor, AUTO_MIN_STEPS // divisor, AUTO_MAX_STEPS // divisor
    return int(np.clip(epochs * steps_per_epoch, low, high))


@dataclass
class _Held:
    """Held-out rows for validation: encoded rows and their class codes."""

    encoded: np.ndarray
    codes: np.ndarray


class TabularGAN(GeneratorModel):
    """Generator, output heads and condition sampler of one fitted table.

    Use :meth:`train` to build one; :meth:`generate` draws encoded rows.
    """

    _device_attributes = ("generator", "heads")
    #: Weight of the auxiliary classifier loss (CTAB-GAN+'s classifier loss): a classifier of the
    #: class from an encoded row trains on the real rows of every batch, and the generator pays
    #: ``class_loss_weight`` times its cross-entropy on the generated rows of each class. 0: off.
    class_loss_weight: float = 0.0
    #: With a margin, a generated row pays only the cross-entropy above what the real rows of its
    #: class cost the classifier in the same batch: rows as recognisable as real ones are not pushed
    #: further into their class.
    class_loss_margin: bool = False
    #: Draw the class of each training batch row uniformly over the classes instead of by
    #: log-frequency (which already favours small classes), so the minority is seen as often as
    #: the others. Off: measured in ``benchmarks/ablate_class_fidelity.py``.
    balanced_class_draws: bool = False
    #: Sample from an exponential moving average of the generator's weights (the image engine's
    #: :class:`MovingAverage`), measured for ``fit_resample`` by ``benchmarks/ablate_class_fidelity.py``
    #: (``class_fidelity_ablation_levers_cpu.md``) and for ``fit(X).sample(n)`` by
    #: ``benchmarks/ablate_synthesis.py`` (``synthesis_ablation_cpu.md``: shapes, pairs, detection
    #: and TSTR better).
    #: Without a validation split only: early stopping keeps its best live weights.
    generator_ema: bool = True
    #: Decay and warm-up of that average (:class:`MovingAverage`; ``benchmarks/ablate_synthesis.py``
    #: measured longer and shorter averages beside them).
    ema_decay: float = 0.999
    ema_warmup: float = 10.0
    #: Temperature of the generated rows' categorical draws (mixture modes included): the logits
    #: of every softmax span are divided by it before the Gumbel-max draw. 1: the generator's own
    #: distribution. Measured by ``benchmarks/ablate_synthesis.py``.
    sampling_temperature: float = 1.0
    #: Pair conditions (:meth:`ConditionSampler.condition_on_pairs`): each training condition
    #: names two categorical columns of a real row, not one, and the conditional loss scores
    #: both (each weighs as the one condition did); generation reveals two columns of a random
    #: real row of the class. Tables with fewer than two categorical columns keep one condition;
    #: so does a data-parallel fit (a rank sees its shard only). On by default since
    #: ``benchmarks/ablate_synthesis.py`` (Adult, 62 epochs: TSTR accuracy .836 against .829, pair
    #: trends .909 against .902, GBM detection .831 against .866, ``synthesis_ablation_pairs_cpu.md``)
    #: and ``ablate_class_fidelity.py`` (the rebalancing tasks with categorical columns: balanced
    #: accuracy, minority F1 and AP +0.001 to +0.002, ``class_fidelity_ablation_pairs_cpu.md``).
    #: Models fitted before keep one condition.
    condition_pairs: bool = True
    #: Dropout after each hidden layer of the critic (CTGAN's 0.5). Measured by
    #: ``benchmarks/ablate_synthesis.py``.
    critic_dropout: float = 0.5
    #: The class enters the critic by projection (the inner product of a class embedding with
    #: its last hidden features, as the image critic does) instead of beside the row.
    #: Supervised fits only. Off: measured by ``benchmarks/ablate_class_fidelity.py``.
    projection_critic: bool = False

    def __init__(
        self,
        layout: EncodedLayout,
        sampler: ConditionSampler,
        embedding_dim: int,
        generator_dim: Sequence[int],
        device: torch.device,
    ) -> None:
        self.layout = layout
        self.sampler = sampler
        self.embedding_dim = embedding_dim
        self.generator_dim = tuple(generator_dim)
        self._build(device)

    def _build(self, device: torch.device) -> None:
        self.device = device
        self.sampler = self.sampler.to(device)
        self.generator = Generator(
            self.embedding_dim, self.sampler.cond_width, self.generator_dim, self.layout.width
        ).to(device)
        self.heads = OutputHeads(self.layout).to(device)

    @classmethod
    def train(
        cls,
        encoded: np.ndarray,
        layout: EncodedLayout,
        class_codes: np.ndarray,
        n_classes: int,
        supervised: bool,
        config: SynthesisConfig,
        device: torch.device,
        seed: int,
        held: _Held | None = None,
    ) -> tuple[TabularGAN, list[dict]]:
        """Build and train a model on an encoded table; returns ``(model, history)``.

        ``config.batch_size`` and ``config.pac`` are used as given (already
        adapted to the table). With ``held`` rows, the model is scored on them
        at each logging interval (:meth:`validation_score`) for early stopping.
        """
        parallel = current_parallel()
        n_rows = len(encoded)
        frequencies = (class_codes, layout.condition_codes(encoded)) if parallel.active else None
        encoded, class_codes = parallel.shard(encoded, class_codes)
        feature_codes = layout.condition_codes(encoded)
        sampler = ConditionSampler(
            class_codes,
            n_classes,
            supervised,
            feature_codes,
            layout.condition_widths,
            device,
            frequencies=frequencies,
        )
        if supervised and cls.balanced_class_draws:
            sampler.balance_class_draws()
        if cls.condition_pairs and not parallel.active:
            # a rank's rows are its shard: pairs drawn from them would not follow the whole table
            sampler.condition_on_pairs(feature_codes)
        pac = config.pac
        B = parallel.local_batch(config.batch_size, multiple=pac)
        with seeded(device, seed) as rng:
            model = cls(layout, sampler, config.embedding_dim, config.generator_dim, device)
            model.precision = config.precision
            critic = Discriminator(
                layout.width,
                sampler.cond_width,
                config.discriminator_dim,
                pac,
                cls.critic_dropout,
                n_projected=n_classes if supervised and cls.projection_critic else 0,
            ).to(device)
            parallel.start(model.generator, critic)
            data = torch.as_tensor(encoded, dtype=torch.float32, device=device)
            generator, heads = model.generator, model.heads
            opt_g = adam(
                generator.parameters(), config.generator_lr, device, weight_decay=config.generator_decay
            )
            opt_d = adam(
                critic.parameters(), config.discriminator_lr, device, weight_decay=config.discriminator_decay
            )
            generator.train()
            critic.train()
            auxiliary = None
            if supervised and n_classes > 1 and cls.class_loss_weight > 0:
                auxiliary = _AuxiliaryClassifier(layout.width, sampler, device)

            def draw() -> tuple[torch.Tensor, torch.Tensor, Any]:
                batch = sampler.sample_train(B, rng)
                return data[batch.rows], batch.cond, batch

            compile_now = resolve_compile(config.compile, device)
            forward = compiled(generator, compile_now)

            def generate(batch: Any) -> tuple[torch.Tensor, Any]:
                noise = torch.randn(B, config.embedding_dim, generator=rng, device=device)
                raw = forward(noise, batch.cond)
                fake = heads(raw, rng)

                def aux() -> torch.Tensor:
                    loss = torch.zeros((), device=device)
                    if batch.column2 is not None:  # pair conditions: both columns, one normaliser
                        columns = torch.stack([batch.column, batch.column2], 1)
                        loss = conditional_loss(
                            heads, raw, columns, torch.stack([batch.category, batch.category2], 1)
                        )
                    elif sampler.n_columns:
                        loss = conditional_loss(heads, raw, batch.column, batch.category)
                    if auxiliary is not None:
                        classes = batch.cond[:, 0]
                        level = auxiliary.update(data[batch.rows], classes)
                        margin = level if cls.class_loss_margin else None
                        loss = loss + cls.class_loss_weight * auxiliary.loss(fake, classes, margin)
                    return loss

                return fake, aux

            step = wgan_gp_step(
                draw=draw,
                generate=generate,
                critic=critic,
                opt_g=opt_g,
                opt_d=opt_d,
                rng=rng,
                pac=pac,
                critic_steps=config.discriminator_steps,
                amp=lambda: autocast(device, config.precision),
                compile=compile_now,
            )
            average = None
            if cls.generator_ema and held is None:
                average = MovingAverage(generator, cls.ema_decay, cls.ema_warmup)
            validation = None
            if held is not None:
                score = model.validation_score(held, draw_seed(np.random.RandomState(seed)))
                validation = Validation(score, generator, config.n_iter_no_change, config.tol)
            history = train(
                step,
                ("loss_d", "loss_g", "loss_cond"),
                n_rows=n_rows,
                batch_size=config.batch_size,
                epochs=config.epochs,
                max_steps=config.max_steps,
                auto=lambda steps_per_epoch: auto_steps(steps_per_epoch, config.rebalancing),
                device=device,
                verbose=config.verbose,
                keep=generator,
                validation=validation,
                hooks=[] if average is None else [average],
            )
            parallel.finish(model.generator, *([] if average is None else [average.average]))
        if average is not None and not diverged(history):
            # after a divergence the loop put back the live generator's last finite weights, which
            # the average has not: the live generator is kept then, as for images
            model.generator = average.average
        model.generator.eval()
        return model, history

    def validation_score(self, held: _Held, seed: int, n_projections: int = 128) -> Any:
        """A cheap on-device fidelity score on held-out rows (lower is better).

        The sliced Wasserstein distance between the held-out rows and as many
        generated rows of the same classes, both as ``[encoded row, class
        one-hot]``, over ``n_projections`` fixed random directions. The noise
        is fixed too, so successive scores follow the generator, not the draw.
        """
        device = self.device
        real = torch.as_tensor(held.encoded, dtype=torch.float32, device=device)
        classes = torch.as_tensor(held.codes, dtype=torch.long, device=device)
        label = torch.nn.functional.one_hot(classes, self.sampler.n_classes).float()
        g = torch.Generator(device=device).manual_seed(seed)
        directions = torch.randn(real.shape[1] + label.shape[1], n_projections, generator=g, device=device)
        directions /= directions.norm(dim=0, keepdim=True)
        real_proj = torch.cat([real, label], dim=1) @ directions
        real_sorted = real_proj.sort(dim=0).values

        def score() -> torch.Tensor:
            rng = torch.Generator(device=device).manual_seed(seed)
            cond = self.sampler.sample_condition(classes, rng)
            noise = torch.randn(len(classes), self.embedding_dim, generator=rng, device=device)
            fake = self.heads.sample(self.generator(noise, cond), rng)
            fake_sorted = (torch.cat([fake, label], dim=1) @ directions).sort(dim=0).values
            return (fake_sorted - real_sorted).abs().mean()

        return score

    def generate(self, classes: np.ndarray, seed: int, fixed: np.ndarray | None = None) -> np.ndarray:
        """Encoded rows, one per entry of ``classes`` (class codes), as float32 numpy.

        Softmax spans hold Gumbel-perturbed logits: reading each span by argmax
        (as ``TabularEncoder.inverse_transform`` does) gives exact categorical
        samples of the generator's outputs. The generator runs in eval mode
        with autograd off. ``fixed``: category codes of the condition columns
        (``-1``: free); the first fixed one is the generator's condition
        instead of a drawn one. With pair conditions the first two fixed ones
        are; with one fixed, the second condition is read from a training row
        of the class that holds the fixed value (any row of the class where
        none does). Two fixed values are passed on even when no training row
        holds both: the fixed output spans are overwritten at decode anyway.
        """
        classes_t = torch.as_tensor(classes, dtype=torch.long, device=self.device)
        asked = [] if fixed is None else np.flatnonzero(np.asarray(fixed) >= 0)
        given = [(int(j), int(fixed[j])) for j in asked[:2]]

        def step(rows: slice, rng: torch.Generator) -> torch.Tensor:
            part = classes_t[rows]
            if not given:
                cond = self.sampler.sample_condition(part, rng)
            else:
                column = torch.full_like(part, given[0][0])
                category = torch.full_like(part, given[0][1])
                second = None
                if self.sampler.pairs and len(given) > 1:  # pair conditions: the second fixed column
                    second = torch.full_like(part, given[1][0]), torch.full_like(part, given[1][1])
                elif self.sampler.pairs:  # or another column of a real row holding the fixed value
                    u = torch.rand(part.shape, generator=rng, device=self.device)
                    rows = self.sampler.rows_with(part, column, category, u, fallback=True)
                    second = self.sampler.second_condition(rows, column, rng)
                cond = self.sampler._cond_index(part, column, category, second)
            noise = torch.randn(len(part), self.embedding_dim, generator=rng, device=self.device)
            return self.heads(
                self.generator(noise, cond), rng, hard=True, temperature=self.sampling_temperature
            )

        return self._infer(len(classes_t), seed, step, (self.layout.width,))


class _AuxiliaryClassifier:
    """A classifier of the class from an encoded row, trained on the real rows the GAN draws.

    One hidden layer of 128 units; its cross-entropy is weighted by the
    inverse of each class's draw probability, so it is class-balanced (the
    batches draw classes by log-frequency). :meth:`loss` is the generator's
    side: the cross-entropy of the generated rows against the class they were
    generated for.
    """

    def __init__(self, width: int, sampler: ConditionSampler, device: torch.device) -> None:
        self.network = MLP(width, (128,), sampler.n_classes).to(device)
        self.optimizer = adam(self.network.parameters(), 1e-3, device, betas=(0.9, 0.999), weight_decay=1e-4)
        weight = 1.0 / sampler.class_probs.clamp_min(1e-12)
        self.weight = weight / weight.mean()

    def update(self, real: torch.Tensor, classes: torch.Tensor) -> torch.Tensor:
        """One step on real rows; returns each row's cross-entropy before the step (detached)."""
        per_row = class_loss(self.network(real), classes, reduction="none")
        loss = (per_row * self.weight[classes]).sum() / self.weight[classes].sum()
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return per_row.detach()

    def loss(
        self, fake: torch.Tensor, classes: torch.Tensor, real_level: torch.Tensor | None
    ) -> torch.Tensor:
        """Cross-entropy of generated rows for their classes.

        With ``real_level`` (the real rows' cross-entropies, rows of the same
        classes), only the excess over their class's mean counts.
        """
        per_row = class_loss(self.network(fake), classes, reduction="none")
        if real_level is None:
            return per_row.mean()
        n = self.weight.shape[0]
        count = torch.bincount(classes, minlength=n).clamp_min(1)
        mean = torch.bincount(classes, weights=real_level, minlength=n) / count
        return torch.relu(per_row - mean[classes]).mean()


def _stratified_holdout(codes: np.ndarray, fraction: float, rng: np.random.RandomState) -> np.ndarray:
    """Boolean mask of held-out rows: ``fraction`` of each class, at least one, never a whole class."""
    held = np.zeros(len(codes), dtype=bool)
    for c in np.unique(codes):
        rows = np.flatnonzero(codes == c)
        k = min(max(1, round(fraction * len(rows))), len(rows) - 1)
        held[rng.choice(rows, size=k, replace=False)] = True
    return held


class TabularSynthesizer:
    """Encoder and conditional GAN of one table: what ``GANAugmenter`` fits on tabular input.

    Parameters
    ----------
    config : SynthesisConfig
        Training settings.
    categorical_features : "auto", None, array-like or bool mask
        Passed to :class:`TabularEncoder`.
    max_categories : int or None
        Passed to :class:`TabularEncoder`.
    detect_dependencies : bool
        Find the exact dependencies of the table at fit (``_dependencies.py``)
        and derive each dependent column from the fitted mapping at decode
        (see :attr:`model_dependents`).

    Attributes (after :meth:`fit`)
    ------------------------------
    encoder : TabularEncoder
        The encoder of the modelled columns (all of them unless ``model_dependents`` is False).
    model : TabularGAN
    history : list of dict
    batch_size, pac : int
        The batch size and PacGAN group actually used.
    dependencies : tuple of Dependency
        The dependencies kept exact (empty when none was found or detection is off).
    """

    #: Defaults for models saved before dependencies were detected.
    dependencies: tuple[Dependency, ...] = ()
    kept: np.ndarray | None = None
    container: Container | None = None
    #: Whether the GAN still models the dependent columns, which are overwritten from their
    #: determinant at decode (True), or they are dropped before training (False). Measured on Adult
    #: (``benchmarks/ablate_dependencies.py``): modelled, the critic still sees ``education-num`` as a
    #: number, and column shapes and TSTR stay where they are without detection while pair trends
    #: rise; dropped, shapes and TSTR fall.
    model_dependents: bool = True
    #: How the encoder normalises continuous columns (:class:`TabularEncoder`'s ``continuous``) and
    #: how many mixture modes it fits per column before pruning. ``"quantile"`` (the mixture modes
    #: on each column's normal scores) against ``"modes"`` (ctgan's mode-specific normalisation of
    #: the raw values): on Adult at 62 epochs, GBM detection -0.042, column shapes +0.006, TSTR
    #: and pair trends even (``benchmarks/ablate_synthesis.py``,
    #: ``synthesis_ablation_quantile_cpu.md``); on the 9 rebalancing tasks, balanced accuracy,
    #: minority F1 and average precision higher (``benchmarks/ablate_class_fidelity.py``,
    #: ``class_fidelity_ablation_quantile_cpu.md``). Models fitted before keep their encoding.
    continuous_encoding: str = "quantile"
    n_modes: int = 10

    def __init__(
        self,
        config: SynthesisConfig,
        categorical_features: Any = "auto",
        max_categories: int | None = None,
        detect_dependencies: bool = True,
    ) -> None:
        self.config = config
        self.categorical_features = categorical_features
        self.max_categories = max_categories
        self.detect_dependencies = detect_dependencies

    @property
    def n_columns(self) -> int:
        """Columns of the fitted table (the modelled ones and the derived ones)."""
        if self.kept is None:
            return len(self.encoder.columns_)
        return len(self.kept) + sum(d.dependent not in set(self.kept.tolist()) for d in self.dependencies)

    def _modelled(self, table: Table) -> tuple[Table, Any]:
        """The table of the columns the GAN models, and their categorical mask (or the user's spec)."""
        self.dependencies, self.kept, self.container = (), None, table.container
        if not self.detect_dependencies or table.frame.shape[1] < 2:
            return table, self.categorical_features
        with warnings.catch_warnings():  # the encoder's own fit warns about the data, once
            warnings.simplefilter("ignore", DataWarning)
            mask = TabularEncoder(self.categorical_features)._categorical_mask(table.frame)
        self.dependencies = tuple(find_dependencies(table.frame, mask))
        if not self.dependencies:
            return table, self.categorical_features
        dependent = set() if self.model_dependents else {d.dependent for d in self.dependencies}
        self.kept = np.array([j for j in range(table.frame.shape[1]) if j not in dependent])
        frame = table.frame.iloc[:, self.kept]
        return Table(frame, frame, Container.of(frame)[1]), mask[self.kept]

    def fit(
        self,
        table: Table,
        codes: np.ndarray | None,
        n_classes: int,
        device: torch.device,
        seeds: Seeds,
    ) -> TabularSynthesizer:
        """Encode ``table`` and train the GAN, conditioned on class ``codes`` when given."""
        modelled, categorical = self._modelled(table)
        self.encoder = TabularEncoder(
            categorical,
            n_modes=self.n_modes,
            max_categories=self.max_categories,
            continuous=self.continuous_encoding,
            random_state=seeds.seed("encoder"),
        )
        self.encoder.fit(modelled)
        supervised = codes is not None
        codes = codes if supervised else np.zeros(len(table), dtype=np.int64)
        encoded = self.encoder.transform(modelled.frame)
        held = None
        if self.config.early_stopping:
            mask = _stratified_holdout(codes, self.config.validation_fraction, seeds.rng("validation rows"))
            held = _Held(encoded[mask], codes[mask])
            encoded, codes = encoded[~mask], codes[~mask]
        self.batch_size, self.pac = adapt_batch(self.config.batch_size, self.config.pac, len(encoded))
        self.model, self.history = TabularGAN.train(
            encoded,
            self.encoder.layout_,
            codes,
            n_classes if supervised else 1,
            supervised,
            replace(self.config, batch_size=self.batch_size, pac=self.pac),
            device,
            seeds.seed("training"),
            held,
        )
        return self

    @property
    def device(self) -> torch.device:
        return self.model.device

    @property
    def n_steps(self) -> int:
        """Generator steps actually trained."""
        return steps_trained(self.history)

    def dependency_names(self) -> list[tuple[Any, Any]]:
        """The dependencies as ``(determinant, dependent)`` column labels (positions for arrays)."""
        if not self.dependencies:
            return []
        labels = self.container.columns if self.container.kind == "dataframe" else None
        name = (lambda j: labels[j]) if labels is not None else (lambda j: j)
        return [(name(d.determinant), name(d.dependent)) for d in self.dependencies]

    def generate(self, codes: np.ndarray, seed: int) -> Any:
        """Rows for the given class codes, in the fitted table's container."""
        return self.decode(self.generate_encoded(codes, seed), seed)

    def _modelled_frame(self, table: Table) -> pd.DataFrame:
        return table.frame if self.kept is None else table.frame.iloc[:, self.kept]

    def features(self, table: Table) -> np.ndarray:
        """Rows as plain numbers and category codes (what the class filter is fitted on and scores).

        Only the modelled columns: a dependent column repeats its determinant.
        """
        return self.encoder.plain(self._modelled_frame(table))

    @property
    def filter_categorical(self) -> np.ndarray:
        """Which columns of :meth:`features` are category codes."""
        return self.encoder.plain_categorical_

    def generate_encoded(self, codes: np.ndarray, seed: int, fixed: np.ndarray | None = None) -> np.ndarray:
        """Encoded rows ``(n, width)`` for the given class codes.

        ``fixed``: category codes of the layout's condition columns (``-1``:
        free), one row for all rows; each fixed column's output is that
        category (see ``_conditions.py``).
        """
        encoded = self.model.generate(codes, seed, fixed)
        if fixed is not None:
            layout = self.encoder.layout_
            for j in np.flatnonzero(np.asarray(fixed) >= 0):
                span = layout.spans[layout.condition_spans[j]]
                encoded[:, span.start : span.stop] = 0.0
                encoded[:, span.start + int(fixed[j])] = 1.0
        return encoded

    def decode(self, encoded: np.ndarray, seed: int) -> Any:
        """Encoded rows back in the fitted table's container (dependent columns derived)."""
        if self.kept is None:
            return self.encoder.inverse_transform(encoded, random_state=seed)
        return self.wrap(self.decode_frame(encoded, seed))

    def decode_frame(self, encoded: np.ndarray, seed: int, exact: dict | None = None) -> pd.DataFrame:
        """Encoded rows as a DataFrame of every column (positional labels, fit dtypes).

        ``exact``: per modelled column, values set in every row (conditions),
        before the dependent columns are derived.
        """
        frame = self.encoder.inverse_transform(encoded, as_frame=True, random_state=seed)
        for m, values in (exact or {}).items():
            column = pd.Series(values, index=frame.index, dtype=object)
            try:
                frame[m] = column.astype(frame[m].dtype)
            except (TypeError, ValueError):
                frame[m] = column
        if self.kept is None:
            return frame
        return derive_columns(frame, self.kept, self.dependencies, self.n_columns)

    def wrap(self, frame: pd.DataFrame) -> Any:
        """A positional frame of every column in the fitted table's container."""
        return (self.container or self.encoder.container_).wrap(frame)

    def round_trip(self, encoded: np.ndarray, seed: int) -> np.ndarray:
        """Generated rows decoded, then read as :meth:`features` reads real rows."""
        return self.encoder.plain(self.encoder.inverse_transform(encoded, as_frame=True, random_state=seed))
