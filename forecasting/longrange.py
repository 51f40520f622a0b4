"""Long-range forecast of daily, weekly or monthly totals (up to 18 months) per channel.

Daily totals, with learned calendar effects divided out and outlier days dropped, follow
a log-linear regression with a linear trend, weekday effects and annual Fourier terms
(dynamic harmonic regression, Hyndman & Athanasopoulos FPP3 §12.1; annual terms only
with at least a year of history). Future days get the calendar effects back. Intervals
are log-normal: a level error (RMS of the 30-day mean log errors on a held-out final
quarter, growing with ``sqrt(h / 91 days)``) plus day-to-day noise that averages out
over the period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from .calendar import day_keys, detect_outliers, factor_array, learn_day_factors
from .channel import MIN_ADJUSTABLE_FACTOR, _day_totals
from .config import ForecastConfig
from .grid import to_day_matrix
from .validation import validate_history

FREQS = ("D", "W", "MS")
HOLDOUT_DAYS = 91
MAX_HORIZON_DAYS = 550  # about 18 months


def _design(t: np.ndarray, dow: np.ndarray, annual: int) -> np.ndarray:
    """Columns: intercept, trend (years), 6 weekday dummies, ``annual`` sin/cos pairs."""
    cols = [np.ones(t.size), t / 365.25]
    cols += [(dow == d).astype(float) for d in range(1, 7)]
    for k in range(1, annual + 1):
        ang = 2 * np.pi * k * t / 365.25
        cols += [np.sin(ang), np.cos(ang)]
    return np.column_stack(cols)


def _fit_predict(t_fit, y_log, dow_fit, t_new, dow_new, annual: int) -> tuple[np.ndarray, float]:
    """Least-squares fit on finite ``y_log``; returns predictions and residual sd."""
    ok = np.isfinite(y_log)
    X = _design(t_fit[ok], dow_fit[ok], annual)
    coef, *_ = np.linalg.lstsq(X, y_log[ok], rcond=None)
    resid = y_log[ok] - X @ coef
    sd = float(np.sqrt(np.sum(resid**2) / max(ok.sum() - X.shape[1], 1)))
    return _design(t_new, dow_new, annual) @ coef, sd


def _block_rms(err: np.ndarray, block: int) -> float:
    """Root mean square of the mean log error over consecutive ``block``-day chunks
    (the month-level error that does not average out within a period)."""
    n_blocks = max(1, err.size // block)
    means = [np.nanmean(c) for c in np.array_split(err[-n_blocks * block:], n_blocks)]
    means = np.array([m for m in means if np.isfinite(m)])
    return float(np.sqrt(np.mean(means**2))) if means.size else 0.1


def _channel_daily(part: pd.DataFrame, dates: pd.DatetimeIndex, cfg: ForecastConfig, tz):
    """Daily forecast (mean, level sd at 91 days, day sd) for ``dates``."""
    dm = to_day_matrix(part, cfg.interval_min, tz)
    totals = _day_totals(dm.volume)
    hist_dates = dm.dates()
    all_dates = hist_dates.union(dates)
    keys = day_keys(all_dates, cfg)
    n = totals.size
    outliers = detect_outliers(totals, keys[:n], cfg.outlier_z)
    learned = learn_day_factors(totals, keys[:n], outliers)
    factors = factor_array(keys, learned)
    adj = np.where(outliers | (factors[:n] < MIN_ADJUSTABLE_FACTOR), np.nan, totals / factors[:n])
    dow_all = all_dates.day_of_week.to_numpy()
    open_dow = np.array([np.nanmedian(np.where(dow_all[:n] == d, adj, np.nan)) > 0 for d in range(7)])
    y_log = np.where(open_dow[dow_all[:n]] & (adj > 0), np.log(np.maximum(adj, 1e-9)), np.nan)
    t = np.arange(all_dates.size, dtype=float)
    annual = 3 if n >= 400 else 0
    # level error: refit without the last quarter and compare its mean log error
    hold = min(HOLDOUT_DAYS, n // 4)
    pred_h, _ = _fit_predict(t[: n - hold], y_log[: n - hold], dow_all[: n - hold],
                             t[n - hold:n], dow_all[n - hold:n], 3 if n - hold >= 400 else 0)
    err = y_log[n - hold:n] - pred_h
    level_sd = _block_rms(err, 30)
    future = np.flatnonzero(all_dates.isin(dates))
    pred, day_sd = _fit_predict(t[:n], y_log, dow_all[:n], t[future], dow_all[future], annual)
    mean = np.exp(pred + day_sd**2 / 2) * factors[future] * open_dow[dow_all[future]]
    lead_days = np.maximum(t[future] - n + 1, 1)
    level = level_sd * np.sqrt(np.maximum(lead_days / HOLDOUT_DAYS, 1.0))
    return mean, level, day_sd


def _period_start(dates: pd.DatetimeIndex, freq: str) -> pd.DatetimeIndex:
    """First day of the day, Monday-start week or month containing each date."""
    if freq == "W":
        return dates - pd.to_timedelta(dates.day_of_week, unit="D")
    if freq == "MS":
        return dates.to_period("M").to_timestamp()
    return dates


def forecast_long_range(
    history: pd.DataFrame,
    start: pd.Timestamp | str,
    end: pd.Timestamp | str,
    config: ForecastConfig | None = None,
    freq: str = "MS",
) -> pd.DataFrame:
    """Daily (``"D"``), weekly (``"W"``, Monday start) or monthly (``"MS"``) totals per channel.

    Parameters
    ----------
    history : DataFrame
        History frame (validated here).
    start, end : Timestamp or str
        Local dates ``[start, end)``, at most 550 days after the end of history.
    config : ForecastConfig, optional
        Calendar (holidays, events) and planning interval.
    freq : {"D", "W", "MS"}
        Aggregation period.

    Returns
    -------
    DataFrame
        ``channel, period_start, days, volume, volume_lo_80, volume_hi_80, volume_lo_95,
        volume_hi_95`` (``period_start`` a date; partial periods at the edges are summed
        over the days inside ``[start, end)``, counted in ``days``).
    """
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {sorted(FREQS)}, got {freq!r}")
    cfg = config or ForecastConfig()
    hist = validate_history(history)
    tz = hist["ds"].dt.tz
    first, last = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    dates = pd.date_range(first, last, freq="D", inclusive="left")
    hist_end = hist["ds"].max().tz_convert(tz).date()
    if dates.size == 0 or (dates[-1].date() - hist_end).days > MAX_HORIZON_DAYS:
        raise ValueError(
            f"end must be after start and within {MAX_HORIZON_DAYS} days of the history end "
            f"({hist_end}), got start={first}, end={last}"
        )
    if dates[0].date() <= hist_end:
        raise ValueError(f"start must be after the history end ({hist_end}), got {first}")
    frames = []
    for channel, part in hist.groupby("channel", sort=True):
        mean, level_sd, day_sd = _channel_daily(part, dates, cfg, tz)
        daily = pd.DataFrame({"mean": mean, "level": level_sd}, index=dates)
        agg = daily.groupby(_period_start(dates, freq)).agg(
            volume=("mean", "sum"), level=("level", "mean"), days=("mean", "size"))
        sd = np.sqrt(agg["level"] ** 2 + day_sd**2 / agg["days"])
        out = pd.DataFrame({"channel": channel, "period_start": [d.date() for d in agg.index],
                            "days": agg["days"].to_numpy(), "volume": agg["volume"].to_numpy()})
        for lv in (80, 95):
            z = norm.ppf(0.5 + lv / 200)
            out[f"volume_lo_{lv}"] = agg["volume"].to_numpy() * np.exp(-z * sd.to_numpy())
            out[f"volume_hi_{lv}"] = agg["volume"].to_numpy() * np.exp(z * sd.to_numpy())
        frames.append(out)
    return pd.concat(frames, ignore_index=True)
