"""The torch engine, modality-agnostic: training loop, GAN steps, losses, devices, model base.

Nothing here knows about tables or images; ``ganaug.tabular`` and
``ganaug.image`` build on it and never import each other.
"""

from ganaug.core._config import ImputationConfig, SynthesisConfig
from ganaug.core._device import autocast, loadable_device, resolve_device
from ganaug.core._gan import gain_step, hinge_step, wgan_gp_step
from ganaug.core._loop import Validation, adam, log_interval, run_steps, step_budget
from ganaug.core._model import GeneratorModel, MovingAverage, draw_seed, seeded

__all__ = [
    "GeneratorModel",
    "ImputationConfig",
    "MovingAverage",
    "SynthesisConfig",
    "Validation",
    "adam",
    "autocast",
    "draw_seed",
    "gain_step",
    "hinge_step",
    "loadable_device",
    "log_interval",
    "resolve_device",
    "run_steps",
    "seeded",
    "step_budget",
    "wgan_gp_step",
]
