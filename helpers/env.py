"""Seeding, device choice, where the data lives, and a short report of the environment a lesson runs in.

Nothing here runs on import: a notebook calls ``set_seed(0)`` in a cell the learner can see, and the first
cell of every lesson calls ``print_env()`` so a teacher can compare machines at a glance.
"""

from __future__ import annotations

import platform
import random
import sys
from pathlib import Path

import numpy as np
import torch

_DEVICE_NAMES = ("cpu", "cuda", "mps")


def data_root() -> Path:
    """The repository's data/ folder (next to helpers/)."""
    return Path(__file__).resolve().parent.parent / "data"


def set_seed(seed: int = 0) -> None:
    """Seed Python's ``random``, NumPy and PyTorch (CPU and every GPU) with ``seed``."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ValueError(f"seed: got {seed!r} of type {type(seed).__name__}; expected a non-negative int")
    if seed < 0:
        raise ValueError(f"seed: got {seed}; expected a non-negative int")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # also seeds every CUDA device


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def get_device(prefer: str | None = None) -> torch.device:
    """The fastest device here (cuda, then mps, then cpu), or the one named by ``prefer``."""
    if prefer is None:
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    if not isinstance(prefer, str) or prefer.split(":")[0] not in _DEVICE_NAMES:
        raise ValueError(f"prefer: got {prefer!r}; expected None or one of {', '.join(_DEVICE_NAMES)}")
    kind = prefer.split(":")[0]
    available = {"cpu": True, "cuda": torch.cuda.is_available(), "mps": _mps_available()}[kind]
    if not available:
        raise ValueError(f"prefer: got {prefer!r} but no {kind} device is available here; expected 'cpu'")
    return torch.device(prefer)


def on_colab() -> bool:
    """True when running inside Google Colab."""
    return "google.colab" in sys.modules


def _version(module_name: str) -> str:
    try:
        module = __import__(module_name)
    except ImportError:
        return "not installed"
    return str(getattr(module, "__version__", "unknown"))


def env_report(device: torch.device | str | None = None) -> str:
    """A short block of text: library versions, device, torch threads and whether this is Colab."""
    if device is None:
        device = get_device()
    lines = [
        f"python      {platform.python_version()}",
        f"torch       {torch.__version__}",
        f"numpy       {np.__version__}",
        f"matplotlib  {_version('matplotlib')}",
        f"ipywidgets  {_version('ipywidgets')}",
        f"device      {torch.device(device)}",
        f"threads     {torch.get_num_threads()}",
        f"colab       {'yes' if on_colab() else 'no'}",
    ]
    return "\n".join(lines)


def print_env(device: torch.device | str | None = None) -> None:
    """Print ``env_report(device)``."""
    print(env_report(device))
