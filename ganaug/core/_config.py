"""Training settings handed from the estimators to a modality (validated, plain data)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SynthesisConfig:
    """Settings of one synthesis fit (``GANAugmenter``); a modality adapts them to its data.

    The values are the user's: ``"auto"`` settings are resolved per modality
    (``ganaug._modality.AUTO``), and a table smaller than a batch trains on
    smaller batches (see ``TabularSynthesizer``).
    """

    epochs: int | str
    max_steps: int | None
    batch_size: int | str  # "auto" until the modality resolves it
    pac: int | str
    embedding_dim: int | str
    generator_dim: tuple[int, ...]
    discriminator_dim: tuple[int, ...]
    generator_lr: float | str
    discriminator_lr: float | str
    generator_decay: float = 1e-6
    discriminator_decay: float = 1e-6
    discriminator_steps: int = 1
    precision: str = "float32"
    verbose: bool = False
    early_stopping: bool = False
    validation_fraction: float = 0.1
    n_iter_no_change: int = 10
    tol: float = 1e-4
    #: The fit serves ``fit_resample`` with the class filter on and at most half of each quota
    #: generated: ``epochs="auto"`` then follows the modality's rebalancing rule (tables: a fifth
    #: of the synthesis budget; ``benchmarks/results/fit_budget_cpu.md``).
    rebalancing: bool = False
    #: Train through ``torch.compile`` (``ganaug.core._compile``); resolved from ``"auto"`` by the model.
    compile: bool | str = False


@dataclass(frozen=True)
class ImputationConfig:
    """Settings of one imputation fit (``GANImputer``)."""

    epochs: int | str
    batch_size: int
    generator_dim: tuple[int, ...] | str  # "auto" until the table's encoded width resolves it
    discriminator_dim: tuple[int, ...]
    hint_rate: float = 0.9
    alpha: float = 100.0
    drop_rate: float = 0.2
    lr: float = 1e-3
    precision: str = "float32"
    verbose: bool = False
    early_stopping: bool | str = False
    validation_fraction: float = 0.1
    n_iter_no_change: int = 10
    tol: float = 1e-4
    compile: bool | str = False
    max_steps: int | None = None
