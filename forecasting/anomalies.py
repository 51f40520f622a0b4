"""Interval-level anomalies: partial outages and bursts inside otherwise normal days.

Each interval is compared with the median of the same slot on the nearest ``k`` usable
days of the same weekday; hour-long windows that are both far off in ratio and
statistically significant under a gamma-Poisson count model are anomalous (testing
hours rather than single intervals keeps Poisson noise of small counts from raising
false alarms while a two-hour outage still stands out).
"""

from __future__ import annotations

import warnings

import numpy as np


def slot_baseline(volume: np.ndarray, usable: np.ndarray, k: int = 4, max_weeks: int = 8) -> np.ndarray:
    """(n_days, slots) median of the same slot on the ``k`` nearest usable same-weekday days."""
    n, spd = volume.shape
    vals = np.where(usable[:, None], volume, np.nan)
    weeks = np.arange(1, max_weeks + 1)
    offsets = 7 * np.column_stack([-weeks, weeks]).ravel()
    idx = np.arange(n)[:, None] + offsets[None, :]
    ok = (idx >= 0) & (idx < n)
    cand = np.where(ok[:, :, None], vals[np.clip(idx, 0, n - 1)], np.nan)  # (n, 2w, spd)
    day_ok = np.isfinite(cand).all(axis=2)
    rank = np.cumsum(day_ok, axis=1)
    cand[(rank > k) | ~day_ok] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(cand, axis=1)


def _window_sum(x: np.ndarray, w: int) -> np.ndarray:
    """Sums over windows of ``w`` slots along axis 1, (n, slots - w + 1); NaN-propagating."""
    c = np.cumsum(np.concatenate([np.zeros((x.shape[0], 1)), x], axis=1), axis=1)
    return c[:, w:] - c[:, :-w]


def detect_anomalous_intervals(
    volume: np.ndarray, usable_days: np.ndarray, slots_per_hour: int = 4,
    min_ratio: float = 2.5, z_max: float = 4.0, min_expected: float = 10.0,
) -> np.ndarray:
    """Boolean (n_days, slots) mask of anomalous hours in ``usable_days``.

    An hour-long window (``slots_per_hour`` slots) is anomalous when its volume ``A`` and
    the reference ``E`` (:func:`slot_baseline`, summed) differ by more than ``min_ratio``
    times, ``(A + 1)/(E + 1)`` or its inverse, *and* by more than ``z_max`` standard
    deviations of a gamma-Poisson count, ``sd = sqrt(E + 0.05 E²)``, with ``E >=
    min_expected``. Every slot of an anomalous window is flagged.
    """
    w = max(1, slots_per_hour)
    expected = slot_baseline(volume, usable_days)
    a_sum, e_sum = _window_sum(volume, w), _window_sum(expected, w)
    ratio = (a_sum + 1) / (e_sum + 1)
    z = (a_sum - e_sum) / np.sqrt(e_sum + 0.05 * e_sum**2 + 1)
    with np.errstate(invalid="ignore"):
        bad = ((ratio > min_ratio) | (ratio < 1 / min_ratio)) & (np.abs(z) > z_max)
        bad &= (e_sum >= min_expected) & usable_days[:, None]
    flags = np.zeros(volume.shape, dtype=bool)
    for k in range(w):
        flags[:, k:k + bad.shape[1]] |= bad
    return flags
