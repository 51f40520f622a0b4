"""Input validation shared by the staffing functions (errors name the field and the value)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def _bad(values: np.ndarray, mask: np.ndarray) -> object:
    """First offending value (as a Python scalar) for an error message."""
    return values[mask].flat[0].item()


def as_nonneg(name: str, value: ArrayLike) -> np.ndarray:
    """Float array of finite values ``>= 0``."""
    arr = np.asarray(value, dtype=float)
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        raise ValueError(f"{name} must be finite and >= 0, got {_bad(arr, bad)!r}")
    return arr


def as_positive(name: str, value: ArrayLike, allow_inf: bool = False) -> np.ndarray:
    """Float array of values ``> 0`` (finite unless ``allow_inf``)."""
    arr = np.asarray(value, dtype=float)
    bad = np.isnan(arr) | (arr <= 0)
    if not allow_inf:
        bad |= ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"{name} must be > 0, got {_bad(arr, bad)!r}")
    return arr


def as_agents(name: str, value: ArrayLike) -> np.ndarray:
    """Integer array of agent counts ``>= 0``."""
    arr = np.asarray(value)
    as_float = arr.astype(float)
    bad = ~np.isfinite(as_float) | (as_float < 0) | (as_float != np.round(as_float))
    if bad.any():
        raise ValueError(f"{name} must be whole numbers >= 0, got {_bad(as_float, bad)!r}")
    return as_float.astype(np.int64)


def check_fraction(name: str, value: float | None, low_open: bool = True) -> None:
    """Scalar fraction in ``(0, 1]`` (or ``[0, 1]`` when ``low_open`` is False); None passes."""
    if value is None:
        return
    ok = (0 < value <= 1) if low_open else (0 <= value <= 1)
    if not ok or isinstance(value, bool):
        interval = "(0, 1]" if low_open else "[0, 1]"
        raise ValueError(f"{name} must be in {interval}, got {value!r}")


def check_positive(name: str, value: float | None) -> None:
    """Scalar ``> 0`` and finite; None passes."""
    if value is None:
        return
    if isinstance(value, bool) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be finite and > 0, got {value!r}")
