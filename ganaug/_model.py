"""Trained models: TabularGAN (synthesis) and ImputationGAN (imputation).

The estimators keep one of these as ``model_``: a generator with its output
heads (and, for synthesis, its condition sampler). Both share
:class:`_GeneratorModel`: seeded construction and training, chunked
inference, and pickling as CPU state dicts (never mutating the object) that
come back on the training device when it exists, else on the CPU with a
warning.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import torch

from ganaug._conditional import ConditionSampler
from ganaug._training import ImputationConfig, TrainingConfig, fit_gan, fit_imputation_gan
from ganaug.encoding import EncodedLayout
from ganaug.nn import Discriminator, Generator, HintDiscriminator, ImputationGenerator, OutputHeads

_GENERATE_CHUNK = 16384


def build_heads(layout: EncodedLayout) -> OutputHeads:
    """Output heads (activations, categorical spans) of an encoded layout."""
    return OutputHeads(
        layout.width,
        layout.tanh_positions,
        *layout.softmax_index(),
        *layout.condition_index(),
        layout.linear_positions,
    )


class _GeneratorModel:
    """A trained generator with its heads, pickled as CPU state and rebuilt on load.

    Subclasses build ``self.generator`` (and anything else on the device) in
    :meth:`_build`; pickling stores the generator as a CPU state dict, never
    touching the live object, and loading rebuilds on the training device, or
    on the CPU with a warning when that device is missing.
    """

    layout: EncodedLayout
    device: torch.device
    generator: torch.nn.Module

    def _build(self, device: torch.device) -> None:
        raise NotImplementedError

    @staticmethod
    @contextmanager
    def _seeded(device: torch.device, seed: int) -> Iterator[torch.Generator]:
        """Seed torch's global generator inside ``fork_rng`` and yield a device generator.

        Weight initialisation and dropout draw from the global generator, so
        the caller's global RNG state is untouched and CPU runs repeat exactly.
        """
        with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
            torch.manual_seed(seed)
            yield torch.Generator(device=device).manual_seed(seed)

    def _infer(self, n: int, seed: int, step: Callable[[slice, torch.Generator], torch.Tensor]) -> np.ndarray:
        """Run ``step`` over row chunks in eval mode without autograd; float32 numpy result."""
        rng = torch.Generator(device=self.device).manual_seed(seed)
        self.generator.eval()
        with torch.inference_mode():
            chunks = [
                step(slice(start, start + _GENERATE_CHUNK), rng).float().cpu()
                for start in range(0, n, _GENERATE_CHUNK)
            ]
        if not chunks:
            return np.zeros((0, self.layout.width), dtype=np.float32)
        return torch.cat(chunks).numpy()

    def __getstate__(self) -> dict:
        state = {k: v for k, v in self.__dict__.items() if k not in ("generator", "heads")}
        state["generator_state"] = {k: v.detach().cpu() for k, v in self.generator.state_dict().items()}
        state["device"] = str(self.device)
        return state

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        generator_state = state.pop("generator_state")
        device = torch.device(state["device"])
        if device.type == "cuda" and not torch.cuda.is_available():
            warnings.warn(
                f"This model was trained on {device}, which is not available here; loading it on the CPU.",
                RuntimeWarning,
                stacklevel=2,
            )
            device = torch.device("cpu")
        self.__dict__.update(state)
        self._build(device)
        self.generator.load_state_dict(generator_state)
        self.generator.eval()


class TabularGAN(_GeneratorModel):
    """Generator, output heads and condition sampler of one fitted table.

    Use :meth:`train` to build one; :meth:`generate` draws encoded rows.
    """

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
        width = self.embedding_dim + self.sampler.cond_width
        self.generator = Generator(width, self.generator_dim, self.layout.width).to(device)
        self.heads = build_heads(self.layout).to(device)

    @classmethod
    def train(
        cls,
        encoded: np.ndarray,
        layout: EncodedLayout,
        class_codes: np.ndarray,
        n_classes: int,
        supervised: bool,
        config: TrainingConfig,
        generator_dim: Sequence[int],
        discriminator_dim: Sequence[int],
        device: torch.device,
        seed: int,
        verbose: bool = False,
    ) -> tuple[TabularGAN, list[dict]]:
        """Build and train a model on an encoded table; returns ``(model, history)``."""
        sampler = ConditionSampler(
            class_codes,
            n_classes,
            supervised,
            layout.condition_codes(encoded),
            layout.condition_widths,
            device,
        )
        with cls._seeded(device, seed) as rng:
            model = cls(layout, sampler, config.embedding_dim, generator_dim, device)
            critic = Discriminator(layout.width + sampler.cond_width, discriminator_dim, config.pac).to(
                device
            )
            data = torch.as_tensor(encoded, dtype=torch.float32, device=device)
            history = fit_gan(
                model.generator, critic, model.heads, sampler, data, config, rng, verbose=verbose
            )
        model.generator.eval()
        return model, history

    def generate(self, classes: np.ndarray, seed: int) -> np.ndarray:
        """Encoded rows, one per entry of ``classes`` (class codes), as float32 numpy.

        Softmax spans hold Gumbel-perturbed logits: reading each span by argmax
        (as ``TabularEncoder.inverse_transform`` does) gives exact categorical
        samples of the generator's outputs. The generator runs in eval mode
        with autograd off.
        """
        classes_t = torch.as_tensor(classes, dtype=torch.long, device=self.device)

        def step(rows: slice, rng: torch.Generator) -> torch.Tensor:
            part = classes_t[rows]
            cond = self.sampler.sample_condition(part, rng)
            noise = torch.randn(len(part), self.embedding_dim, generator=rng, device=self.device)
            return self.heads(self.generator(torch.cat([noise, cond], dim=1)), rng, hard=True)

        return self._infer(len(classes_t), seed, step)


class ImputationGAN(_GeneratorModel):
    """Imputation generator and heads of one fitted table (see ``fit_imputation_gan``)."""

    def __init__(self, layout: EncodedLayout, n_columns: int, generator_dim: Sequence[int], device) -> None:
        self.layout = layout
        self.n_columns = n_columns
        self.generator_dim = tuple(generator_dim)
        self._build(device)

    def _build(self, device: torch.device) -> None:
        self.device = device
        self.generator = ImputationGenerator(self.layout.width, self.n_columns, self.generator_dim).to(device)
        self.heads = build_heads(self.layout).to(device)
        self.position_columns = torch.as_tensor(self.layout.position_columns, device=device)

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("position_columns", None)
        return state

    @classmethod
    def train(
        cls,
        encoded: np.ndarray,
        observed: np.ndarray,
        layout: EncodedLayout,
        config: ImputationConfig,
        generator_dim: Sequence[int],
        discriminator_dim: Sequence[int],
        device: torch.device,
        seed: int,
        verbose: bool = False,
    ) -> tuple[ImputationGAN, list[dict]]:
        """Build and train on encoded rows and their (n, n_columns) observed mask."""
        n_columns = observed.shape[1]
        with cls._seeded(device, seed) as rng:
            model = cls(layout, n_columns, generator_dim, device)
            critic = HintDiscriminator(layout.width, n_columns, tuple(discriminator_dim)).to(device)
            data = torch.as_tensor(encoded, dtype=torch.float32, device=device)
            seen = torch.as_tensor(observed, dtype=torch.bool, device=device)
            history = fit_imputation_gan(
                model.generator,
                critic,
                model.heads,
                data,
                seen,
                model.position_columns,
                config,
                rng,
                verbose=verbose,
            )
        model.generator.eval()
        return model, history

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
            seen_pos = seen[:, self.position_columns]
            noise = torch.randn(x.shape, generator=rng, device=self.device) if sample else 0.0
            raw = self.generator(torch.cat([seen_pos * x + (1 - seen_pos) * noise, seen], dim=1))
            return self.heads(raw, rng, hard=True) if sample else raw

        return self._infer(len(encoded), seed, step)
