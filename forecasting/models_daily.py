"""Daily-total × intraday-profile models, MSTL and the equal-weight combination."""

from __future__ import annotations

import warnings

import numpy as np

from .smoothing import holt_winters_forecast
from .models import Forecaster, SeasonalNaive, SlotAverage, fill_missing, nanmean0, recent_seasons


def weekday_profiles(days: np.ndarray, dpw: int, k_weeks: int) -> np.ndarray:
    """Intraday share of each slot per weekday position, from the last ``k_weeks`` weeks.

    ``days`` is (n_days, slots), NaN rows missing; the weekday position of day ``i`` is
    ``(i - n_days) % dpw`` (aligned to the end). Ratio-of-sums estimator of the profile
    (Weinberg, Brown & Stroud 2007, JASA 102:480, §2). Returns (dpw, slots) summing to 1
    (or 0 for a weekday that was never open).
    """
    n, spd = days.shape
    start = max(0, n - k_weeks * dpw)
    recent = days[start:]
    pos = (np.arange(start, n) - n) % dpw
    overall = nanmean0(recent, axis=0)
    prof = np.zeros((dpw, spd))
    for w in range(dpw):
        rows = recent[pos == w]
        rows = rows[np.isfinite(rows).all(axis=1)]
        s = rows.sum(axis=0) if rows.size else overall
        tot = s.sum()
        prof[w] = s / tot if tot > 0 else 0.0
    return prof


class DailyProfile(Forecaster):
    """Daily totals by Holt-Winters exponential smoothing (additive damped trend, additive
    weekly season; :mod:`forecasting.smoothing`) or seasonal ARIMA (statsmodels SARIMAX), split into slots
    by each weekday's recent intraday profile.

    Requires ``len(y)`` to be a whole number of days.
    """

    name = "daily_ets"

    def __init__(
        self,
        slots_per_day: int,
        days_per_week: int = 7,
        method: str = "ets",
        train_weeks: int = 16,
        profile_weeks: int = 6,
    ) -> None:
        super().__init__(slots_per_day, days_per_week)
        self.method = method
        self.train_weeks = train_weeks
        self.profile_weeks = profile_weeks

    def _fit(self, y: np.ndarray) -> None:
        if self.method not in ("ets", "arima"):
            raise ValueError(f"method must be 'ets' or 'arima', got {self.method!r}")
        if y.size % self.slots_per_day:
            raise ValueError(
                f"y must hold whole days of {self.slots_per_day} slots for {self.name!r}, "
                f"got {y.size} values"
            )
        days = y.reshape(-1, self.slots_per_day)
        self.profile_ = weekday_profiles(days, self.days_per_week, self.profile_weeks)
        totals = days.sum(axis=1)  # NaN if any slot missing
        dpw = self.days_per_week
        self.totals_ = fill_missing(totals[-self.train_weeks * dpw:], dpw)

    def _daily_forecast(self, n_days: int) -> np.ndarray:
        t = self.totals_
        dpw = self.days_per_week
        if t.size < 2 * dpw + 2 or np.ptp(t) == 0:
            return np.resize(t[-dpw:] if t.size >= dpw else [t.mean()], n_days)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.method == "ets":
                return holt_winters_forecast(t, dpw, n_days)
            from statsmodels.tsa.statespace.sarimax import SARIMAX

            fit = SARIMAX(t, order=(1, 0, 1), seasonal_order=(0, 1, 1, dpw)).fit(disp=False)
            out = np.asarray(fit.forecast(n_days), dtype=float)
        return np.where(np.isfinite(out), out, t[-dpw:].mean()) if t.size else out

    def _mean(self, h: int) -> np.ndarray:
        n_days = -(-h // self.slots_per_day)
        totals = np.maximum(self._daily_forecast(n_days), 0.0)
        n_hist = self.y_.size // self.slots_per_day
        pos = (np.arange(n_hist, n_hist + n_days) - n_hist) % self.days_per_week
        return (totals[:, None] * self.profile_[pos]).ravel()[:h]


class DailyArima(DailyProfile):
    """:class:`DailyProfile` with seasonal ARIMA(1,0,1)(0,1,1)_week daily totals."""

    name = "daily_arima"

    def __init__(self, slots_per_day: int, days_per_week: int = 7, train_weeks: int = 16,
                 profile_weeks: int = 6) -> None:
        super().__init__(slots_per_day, days_per_week, "arima", train_weeks, profile_weeks)


class MSTLModel(Forecaster):
    """MSTL decomposition with daily and weekly periods (Bandara, Hyndman & Bergmeir 2021,
    arXiv:2107.13462) over the last ``window_weeks``; seasonal parts repeat their last
    cycle, the deseasonalized level is forecast by simple exponential smoothing."""

    name = "mstl"

    def __init__(self, slots_per_day: int, days_per_week: int = 7, window_weeks: int = 4) -> None:
        super().__init__(slots_per_day, days_per_week)
        self.window_weeks = window_weeks

    def _fit(self, y: np.ndarray) -> None:
        from statsmodels.tsa.seasonal import MSTL

        m, spd = self.season_length, self.slots_per_day
        weeks = max(1, min(self.window_weeks, y.size // m))
        window = fill_missing(y, m)[-weeks * m:]
        periods = (spd, m) if self.days_per_week > 1 and weeks >= 2 else (spd,)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = MSTL(
                window, periods=periods, iterate=1,
                stl_kwargs={"inner_iter": 1, "outer_iter": 0, "seasonal_deg": 0},
            ).fit()
        seasonal = np.asarray(res.seasonal).reshape(window.size, -1)
        # slots at zero in every week of the window are closed: keep them at zero
        self.open_ = np.any(window.reshape(weeks, m) > 0, axis=0)
        self.daily_ = seasonal[-spd:, 0]
        self.weekly_ = seasonal[-m:, 1] if seasonal.shape[1] > 1 else np.zeros(m)
        level_series = window - seasonal.sum(axis=1)
        alpha = 0.1
        weights = alpha * (1 - alpha) ** np.arange(level_series.size)[::-1]
        self.level_ = float(np.sum(weights * level_series) / weights.sum())

    def _mean(self, h: int) -> np.ndarray:
        mean = self.level_ + np.resize(self.daily_, h) + np.resize(self.weekly_, h)
        return np.where(np.resize(self.open_, h), mean, 0.0)


class Combination(Forecaster):
    """Equal-weight mean of member forecasts (means and interval bounds); equal weights
    are hard to beat (Clemen 1989, Int. J. Forecasting 5:559)."""

    name = "combination"

    def __init__(self, members: tuple[Forecaster, ...]) -> None:
        if not members:
            raise ValueError(f"members must hold at least one model, got {members!r}")
        super().__init__(members[0].slots_per_day, members[0].days_per_week)
        self.members = members

    def _fit(self, y: np.ndarray) -> None:
        for model in self.members:
            model.fit(y)

    def predict(self, h: int, level: tuple[int, ...] | None = None) -> dict[str, np.ndarray]:
        if not hasattr(self, "y_"):
            raise ValueError(f"model {self.name!r} must be fitted before predict")
        parts = [model.predict(h, level) for model in self.members]
        return {key: np.mean([p[key] for p in parts], axis=0) for key in parts[0]}


def make_model(name: str, slots_per_day: int, days_per_week: int = 7) -> Forecaster:
    """Build a candidate model by name (see :data:`forecasting.config.MODEL_NAMES`)."""
    simple = {
        SeasonalNaive.name: SeasonalNaive,
        SlotAverage.name: SlotAverage,
        DailyProfile.name: DailyProfile,
        DailyArima.name: DailyArima,
        MSTLModel.name: MSTLModel,
    }
    if name in simple:
        return simple[name](slots_per_day, days_per_week)
    if name == Combination.name:
        members = tuple(make_model(n, slots_per_day, days_per_week) for n in COMBINATION_MEMBERS)
        return Combination(members)
    raise ValueError(f"model must be one of {sorted(simple) + [Combination.name]}, got {name!r}")


COMBINATION_MEMBERS = ("slot_average", "daily_ets", "mstl")
