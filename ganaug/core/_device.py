"""Devices and precision (skorch's pattern: stored as given, resolved at fit)."""

from __future__ import annotations

import warnings
from contextlib import AbstractContextManager, nullcontext

import torch

from ganaug.exceptions import DeviceWarning


def resolve_device(device: str | torch.device) -> torch.device:
    """Turn ``"auto"``, ``"cpu"``, ``"cuda"``, ``"cuda:1"`` or a device into a usable device."""
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"device={device!r} is not a valid torch device.") from exc
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} was asked for, but CUDA is not available here.")
    return resolved


def loadable_device(device: str | torch.device) -> torch.device:
    """The device a stored model goes back to: its own, or the CPU with a warning when that is missing."""
    device = torch.device(device)
    if device.type == "cuda" and not torch.cuda.is_available():
        warnings.warn(
            f"This model was trained on {device}, which is not available here; loading it on the CPU.",
            DeviceWarning,
            stacklevel=3,
        )
        return torch.device("cpu")
    return device


def autocast(device: torch.device, precision: str) -> AbstractContextManager:
    """bf16 autocast for ``precision="bfloat16"``, else a no-op context."""
    if precision == "bfloat16":
        return torch.autocast(device_type=device.type, dtype=torch.bfloat16)
    return nullcontext()
