"""Rolling-origin backtest of the candidate models of one channel, model choice, and the
residual pairs that calibrate the prediction intervals; public :func:`backtest_channels`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .backtest import IntervalCalibration, bias, calibrate, cross_coverage, seasonal_scale, wape
from .channel import MIN_HISTORY_DAYS, ChannelData, predict_days, prepare_channel
from .config import ForecastConfig
from .models_daily import COMBINATION_MEMBERS
from .validation import validate_history

MAX_BACKTEST_HORIZON_DAYS = 14
MIN_CALIBRATION_DAYS = 28
Pairs = list[tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class ChannelBacktest:
    """Backtest of one channel: per-model table, per-horizon-day table, choice, calibration."""

    table: pd.DataFrame
    by_horizon: pd.DataFrame
    choice: str
    calibration: IntervalCalibration


@dataclass(frozen=True)
class BacktestResult:
    """Output of :func:`backtest_channels`.

    ``summary``: ``channel, model, wape, mase, bias, coverage_80, wape_day_ahead, origins,
    horizon_days, selected``; ``by_horizon``: ``channel, model, horizon_day, wape, mase,
    bias, coverage_80``; ``selected``: ``{channel: model}``.
    """

    summary: pd.DataFrame
    by_horizon: pd.DataFrame
    selected: dict[str, str]


def _pairs(preds: list[np.ndarray], evals: list[np.ndarray]) -> Pairs:
    return [(a[np.isfinite(a)], f[np.isfinite(a)]) for f, a in zip(preds, evals)]


def _stack(pairs: Pairs) -> tuple[np.ndarray, np.ndarray]:
    if not pairs:
        return np.zeros(0), np.zeros(0)
    return np.concatenate([p[0] for p in pairs]), np.concatenate([p[1] for p in pairs])


def _scores(pairs: Pairs, scale: float, days_per_origin: int | None = None) -> dict:
    a, f = _stack(pairs)
    mase = float(np.mean(np.abs(a - f)) / scale) if a.size and scale > 0 else float("nan")
    return {"wape": wape(a, f), "mase": mase, "bias": bias(a, f),
            "coverage_80": cross_coverage(pairs, 80, days_per_origin)}


def run_backtest(data: ChannelData, cfg: ForecastConfig) -> ChannelBacktest:
    """Backtest every candidate at ``cfg.backtest_origins`` origins ``origin_step_days``
    apart, ending where the forecast starts, over the forecast horizon (at most 14 days);
    choose the lowest pooled WAPE and calibrate its intervals."""
    horizon = min(data.n_future, MAX_BACKTEST_HORIZON_DAYS)
    origins = sorted(
        o for o in (data.origin - horizon - k * cfg.origin_step_days
                    for k in range(cfg.backtest_origins)) if o >= MIN_HISTORY_DAYS
    )
    names = list(cfg.models)
    needed = set(names) - {"combination"}
    if "combination" in names:
        needed |= set(COMBINATION_MEMBERS)
    preds = {n: [predict_days(data, n, o, horizon) for o in origins] for n in sorted(needed)}
    if "combination" in names:
        preds["combination"] = [
            np.mean([preds[m][k] for m in COMBINATION_MEMBERS], axis=0) for k in range(len(origins))
        ]
    evals = [data.actual(o, horizon) for o in origins]
    scale = np.nan
    if origins:
        scale = seasonal_scale(data.calendar_at(origins[-1]).clean.ravel(), 7 * data.slots_per_day)
    rows, hrows = [], []
    for n in names:
        pairs = _pairs(preds[n], evals)
        day1 = _pairs([p[:1] for p in preds[n]], [e[:1] for e in evals])
        rows.append({"channel": data.channel, "model": n, **_scores(pairs, scale, horizon),
                     "wape_day_ahead": _scores(day1, scale)["wape"], "origins": len(origins),
                     "horizon_days": horizon})
        for d in range(horizon):
            dp = _pairs([p[d:d + 1] for p in preds[n]], [e[d:d + 1] for e in evals])
            hrows.append({"channel": data.channel, "model": n, "horizon_day": d + 1,
                          **_scores(dp, scale, 1)})
    table = pd.DataFrame(rows)
    choice = names[0] if table["wape"].isna().all() else str(table.loc[table["wape"].idxmin(), "model"])
    table["selected"] = table["model"] == choice
    pairs = _pairs(preds[choice], evals) + _extra_pairs(data, choice, origins, horizon)
    cal = calibrate(*_stack(pairs), cfg.levels, n_blocks=len(pairs) * horizon)
    return ChannelBacktest(table, pd.DataFrame(hrows), choice, cal)


def _extra_pairs(data: ChannelData, name: str, done: list[int], horizon: int) -> Pairs:
    """Residual pairs of the chosen model at extra origins, one horizon apart, so that the
    intervals rest on at least ``MIN_CALIBRATION_DAYS`` origin-days (short horizons)."""
    n_cal = -(-MIN_CALIBRATION_DAYS // horizon)
    extra = [data.origin - horizon * (k + 1) for k in range(n_cal)]
    extra = [o for o in extra if o >= MIN_HISTORY_DAYS and o not in done]
    extra = extra[: max(0, n_cal - len(done))]
    return _pairs([predict_days(data, name, o, horizon) for o in extra],
                  [data.actual(o, horizon) for o in extra])


def backtest_channels(
    history: pd.DataFrame, horizon_days: int = 7, config: ForecastConfig | None = None,
    end: pd.Timestamp | str | None = None,
) -> BacktestResult:
    """Rolling-origin backtest of all candidate models per channel (for the CLI and app).

    Parameters
    ----------
    history : DataFrame
        History frame (validated here).
    horizon_days : int
        Forecast horizon of each origin, 1..14 days.
    config : ForecastConfig, optional
        Origins (``backtest_origins``, ``origin_step_days``), candidates and calendar.
    end : Timestamp or str, optional
        Day after the last evaluated day (local midnight); default: after the history.
    """
    if not isinstance(horizon_days, int) or not 1 <= horizon_days <= MAX_BACKTEST_HORIZON_DAYS:
        raise ValueError(f"horizon_days must be an integer in [1, 14], got {horizon_days!r}")
    cfg = config or ForecastConfig()
    hist = validate_history(history)
    tz = hist["ds"].dt.tz
    if end is None:
        end_ts = (hist["ds"].max().tz_convert(tz) + pd.Timedelta(cfg.interval_min, "min")).ceil("D")
    else:
        end_ts = pd.Timestamp(end)
        end_ts = end_ts.tz_localize(tz) if end_ts.tzinfo is None else end_ts
    grid = pd.date_range(end_ts, periods=horizon_days * 1440 // cfg.interval_min,
                         freq=f"{cfg.interval_min}min")
    summary, by_h, selected = [], [], {}
    for channel, part in hist.groupby("channel", sort=True):
        bt = run_backtest(prepare_channel(channel, part, grid, cfg, end_ts.tz), cfg)
        summary.append(bt.table)
        by_h.append(bt.by_horizon)
        selected[channel] = bt.choice
    return BacktestResult(pd.concat(summary, ignore_index=True), pd.concat(by_h, ignore_index=True),
                          selected)
