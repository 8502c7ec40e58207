"""The torch engine, modality-agnostic: training loop, GAN steps, losses, devices, model base.

Nothing here knows about tables or images; ``ganaug.tabular`` and
``ganaug.image`` build on it and never import each other.
"""

from ganaug.core._compile import compiled
from ganaug.core._compile import resolve as resolve_compile
from ganaug.core._config import ImputationConfig, SynthesisConfig
from ganaug.core._contracts import CheckedData, EncodedSynthesizer, ImputationModel, Synthesizer
from ganaug.core._device import autocast, loadable_device, resolve_device
from ganaug.core._gan import gain_step, hinge_step, wgan_gp_step
from ganaug.core._hooks import Hook, KeepFinite, MovingAverage, Validation
from ganaug.core._loop import (
    AUTO_IMPUTATION_STEPS,
    adam,
    diverged,
    imputation_steps,
    log_interval,
    run_steps,
    step_budget,
    steps_trained,
    train,
    train_imputation,
)
from ganaug.core._model import GeneratorModel, seeded
from ganaug.core._parallel import DataParallel, data_parallel
from ganaug.core._parallel import current as current_parallel
from ganaug.core._sampling import class_groups, log_frequency, rows_of_classes
from ganaug.core._seeding import SEED_MAX, Seeds, draw_seed, root_seed, stream, stream_seed

#: The core classes a fitted model holds (its settings): ``ganaug.save`` may store them.
SAVEABLE: tuple[type, ...] = (SynthesisConfig, ImputationConfig)

__all__ = [
    "AUTO_IMPUTATION_STEPS",
    "SAVEABLE",
    "SEED_MAX",
    "CheckedData",
    "DataParallel",
    "EncodedSynthesizer",
    "GeneratorModel",
    "Hook",
    "ImputationConfig",
    "ImputationModel",
    "KeepFinite",
    "MovingAverage",
    "Seeds",
    "SynthesisConfig",
    "Synthesizer",
    "Validation",
    "adam",
    "autocast",
    "class_groups",
    "compiled",
    "current_parallel",
    "data_parallel",
    "diverged",
    "draw_seed",
    "gain_step",
    "hinge_step",
    "imputation_steps",
    "loadable_device",
    "log_frequency",
    "log_interval",
    "resolve_compile",
    "resolve_device",
    "root_seed",
    "rows_of_classes",
    "run_steps",
    "seeded",
    "step_budget",
    "steps_trained",
    "stream",
    "stream_seed",
    "train",
    "train_imputation",
    "wgan_gp_step",
]
