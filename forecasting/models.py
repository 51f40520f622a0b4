"""Interval forecasters behind one contract: ``fit(y, X=None)``, ``predict(h, level=None)``,
``forecast(y, h, level=None)``.

``y`` is a 1-D array of volumes on a regular grid that starts at a local midnight, with
NaN for missing intervals; ``predict`` returns ``{"mean": ..., "lo_80": ..., "hi_80": ...}``
arrays of length ``h``. Calendar effects are applied outside the models by
:func:`forecasting.forecast_channels`, so no model takes exogenous regressors: a non-None
``X`` raises. Model intervals are a first guess (normal, per-slot scale of week-over-week
changes); the pipeline recalibrates them from rolling-origin backtest residuals.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.stats import norm


def recent_seasons(y: np.ndarray, m: int, k: int) -> np.ndarray:
    """Last ``k`` seasons of length ``m`` aligned to the end of ``y`` (NaN-padded), (k, m)."""
    need = k * m
    block = y[-need:] if y.size >= need else np.concatenate([np.full(need - y.size, np.nan), y])
    return block.reshape(k, m)


def last_finite(rows: np.ndarray) -> np.ndarray:
    """Per column, the value of the last row that is finite (0 if none)."""
    out = np.zeros(rows.shape[1])
    seen = np.zeros(rows.shape[1], dtype=bool)
    for row in rows[::-1]:
        take = ~seen & np.isfinite(row)
        out[take] = row[take]
        seen |= take
    return out


def nanmean0(a: np.ndarray, axis: int = 0) -> np.ndarray:
    """``nanmean`` that returns 0 where everything is missing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = np.nanmean(a, axis=axis)
    return np.nan_to_num(out, nan=0.0)


def fill_missing(y: np.ndarray, m: int) -> np.ndarray:
    """Replace NaN by the mean of the same slot in the other seasons (for models that need
    complete series); 0 where a slot was never observed."""
    n_seasons = -(-y.size // m)
    pad = n_seasons * m - y.size
    mat = np.concatenate([np.full(pad, np.nan), y]).reshape(n_seasons, m)
    filled = np.where(np.isnan(mat), nanmean0(mat, axis=0)[None, :], mat)
    return filled.ravel()[pad:]


class Forecaster:
    """Base class: argument storage, input checks, intervals and ``forecast``.

    Parameters
    ----------
    slots_per_day : int
        Intervals per day (96 for 15 minutes).
    days_per_week : int
        Days in the weekly cycle (7; 5 for weekday-only series).
    """

    name = "base"

    def __init__(self, slots_per_day: int, days_per_week: int = 7) -> None:
        self.slots_per_day = slots_per_day
        self.days_per_week = days_per_week

    @property
    def season_length(self) -> int:
        return self.slots_per_day * self.days_per_week

    def fit(self, y: np.ndarray, X: np.ndarray | None = None) -> "Forecaster":
        """Learn from ``y`` (1-D, NaN = missing); returns ``self``."""
        if X is not None:
            raise ValueError(
                f"X must be None for model {self.name!r} (calendar effects are applied by "
                f"forecast_channels), got an array of shape {np.shape(X)}"
            )
        y = np.asarray(y, dtype=float)
        if y.ndim != 1 or y.size < self.season_length:
            raise ValueError(
                f"y must be 1-D with at least one season ({self.season_length} values), "
                f"got shape {y.shape}"
            )
        if np.nanmin(y, initial=0.0) < 0:
            raise ValueError(f"y must be >= 0, got minimum {np.nanmin(y)!r}")
        self.y_ = y
        self.sigma_ = self._slot_sigma(y)
        self._fit(y)
        return self

    def _fit(self, y: np.ndarray) -> None:
        """Model-specific learning; default stores nothing beyond ``y_``."""

    def _mean(self, h: int) -> np.ndarray:
        raise NotImplementedError

    def _slot_sigma(self, y: np.ndarray, k: int = 8) -> np.ndarray:
        """Per-slot-of-day noise scale: std of week-over-week changes / sqrt(2)."""
        m = self.season_length
        seasons = recent_seasons(y, m, k + 1)
        diff = np.diff(seasons, axis=0).reshape(-1, self.slots_per_day)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            sd = np.nanstd(diff, axis=0) / np.sqrt(2.0)
        return np.nan_to_num(sd, nan=0.0)

    def predict(self, h: int, level: tuple[int, ...] | None = None) -> dict[str, np.ndarray]:
        """Forecast ``h`` steps; keys ``mean`` and ``lo_<l>``/``hi_<l>`` for each level."""
        if not hasattr(self, "y_"):
            raise ValueError(f"model {self.name!r} must be fitted before predict")
        if not isinstance(h, (int, np.integer)) or h < 1:
            raise ValueError(f"h must be a positive integer, got {h!r}")
        mean = np.maximum(np.asarray(self._mean(int(h)), dtype=float)[:h], 0.0)
        out = {"mean": mean}
        start = self.y_.size % self.slots_per_day
        sd = np.resize(np.roll(self.sigma_, -start), h)
        for lv in sorted(level or ()):
            if not 0 < lv < 100:
                raise ValueError(f"level must be in (0, 100), got {lv!r}")
            z = norm.ppf(0.5 + lv / 200.0)
            out[f"lo_{lv}"] = np.maximum(mean - z * sd, 0.0)
            out[f"hi_{lv}"] = mean + z * sd
        return out

    def forecast(
        self, y: np.ndarray, h: int, level: tuple[int, ...] | None = None, X: np.ndarray | None = None
    ) -> dict[str, np.ndarray]:
        """``fit(y, X)`` then ``predict(h, level)``."""
        return self.fit(y, X).predict(h, level)


class SeasonalNaive(Forecaster):
    """Weekly seasonal naive: each slot repeats its value one week earlier (the latest
    non-missing week within ``lookback_weeks``). Hyndman & Athanasopoulos, FPP3 §5.2."""

    name = "seasonal_naive"

    def __init__(self, slots_per_day: int, days_per_week: int = 7, lookback_weeks: int = 8) -> None:
        super().__init__(slots_per_day, days_per_week)
        self.lookback_weeks = lookback_weeks

    def _mean(self, h: int) -> np.ndarray:
        pattern = last_finite(recent_seasons(self.y_, self.season_length, self.lookback_weeks))
        return np.resize(pattern, h)


class SlotAverage(Forecaster):
    """Historical average of the same weekly slot over the last ``k_weeks`` weeks
    (missing weeks skipped); the planner's classic "average of the last k Mondays"."""

    name = "slot_average"

    def __init__(self, slots_per_day: int, days_per_week: int = 7, k_weeks: int = 8) -> None:
        super().__init__(slots_per_day, days_per_week)
        self.k_weeks = k_weeks

    def _mean(self, h: int) -> np.ndarray:
        return np.resize(nanmean0(recent_seasons(self.y_, self.season_length, self.k_weeks)), h)
