"""Compiled training forwards: ``torch.compile`` (inductor) where it is available, eager otherwise.

A model's ``train`` asks :func:`compiled` for the forward of each network it
trains; the step calls that forward, and the optimiser and the weights stay
the module's own (a compiled module shares its parameters). On the CPU,
inductor generates fused C++ (it needs a C++ compiler); on CUDA, Triton
kernels. Sampling after fit and the model that ``ganaug.save`` stores are
eager, whatever was compiled for training.

What is not compiled, and why:

- the critic call inside the WGAN gradient penalty: the penalty
  back-propagates through a gradient (``create_graph=True``), and
  ``torch.compile`` does not support double backward (pytorch#92348);
- anything that draws from a ``torch.Generator`` (the output heads' Gumbel
  noise, DiffAugment): dynamo cannot trace a generator object.

Compiled training draws its dropout masks from inductor's own random
stream, and fuses floating-point operations in another order: a compiled
fit is not bit-identical to an eager one at the same seed, and two compiled
fits agree to rounding only (inductor's CPU kernels reduce in parallel).
"""

from __future__ import annotations

import functools
import shutil
import warnings
from collections.abc import Callable
from typing import Any

import torch

from ganaug.exceptions import CompileWarning


@functools.cache
def unavailable(device_type: str) -> str | None:
    """Why ``torch.compile`` cannot run on ``device_type`` here (None: it can).

    Checked once per process by compiling and running a two-op function, so
    a missing compiler or an unsupported platform shows up here, not in the
    middle of a fit.
    """
    if device_type not in ("cpu", "cuda"):
        return f"torch.compile is not used on {device_type!r} devices"
    if device_type == "cpu" and shutil.which("g++") is None and shutil.which("clang++") is None:
        return "no C++ compiler (g++ or clang++) was found, which inductor needs on the CPU"
    try:
        probe = torch.compile(lambda x: torch.relu(x) * 2.0, dynamic=False)
        probe(torch.ones(4, device=device_type))
    except Exception as exc:  # any failure means: not available here
        return f"a probe compile failed ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})"
    return None


#: Devices on which ``compile="auto"`` compiles. None so far: on the CPU (2 cores), the compiled
#: step was slower per step than the eager one for every model measured (tables, GAIN, images;
#: ``benchmarks/results/compile_cpu.md``), before counting the compile time, so no step count pays
#: it back; on CUDA it has not been measured yet (``bench_compile.py --device cuda``).
AUTO_COMPILE_DEVICES: frozenset[str] = frozenset()


def resolve(setting: bool | str, device: torch.device) -> bool:
    """Whether a fit compiles: ``True``/``False`` as given, ``"auto"`` by :data:`AUTO_COMPILE_DEVICES`.

    Where compiling is asked for but unavailable on ``device``, warns once
    for the fit, with the reason (:class:`~ganaug.exceptions.CompileWarning`),
    and returns False: the fit trains eagerly.
    """
    wanted = device.type in AUTO_COMPILE_DEVICES if setting == "auto" else bool(setting)
    if not wanted:
        return False
    reason = unavailable(device.type)
    if reason is not None:
        warnings.warn(f"compile=True: training runs eagerly, because {reason}.", CompileWarning, stacklevel=4)
        return False
    return True


def compiled(module: torch.nn.Module, enabled: bool) -> Callable[..., Any]:
    """``module``'s forward through ``torch.compile`` when ``enabled``, else the module itself.

    ``enabled`` comes from :func:`resolve`, which checked that compiling is
    available on the module's device.
    """
    if not enabled:
        return module
    return torch.compile(module, dynamic=False)
