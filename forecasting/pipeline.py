"""``forecast_channels``: per-channel calendar cleaning, rolling-origin model choice,
calibrated intervals, handle time, and the forecast frame."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .backtest import IntervalCalibration
from .channel import ChannelData, predict_days, prepare_channel
from .config import ForecastConfig
from .grid import grid_positions
from .rolling import run_backtest
from .validation import validate_history

FORECAST_COLUMNS = [
    "channel", "ds", "volume", "volume_lo_80", "volume_hi_80",
    "volume_lo_95", "volume_hi_95", "aht_s", "model",
]
BACKTEST_COLUMNS = [
    "channel", "model", "wape", "mase", "bias", "coverage_80",
    "wape_day_ahead", "origins", "horizon_days", "selected",
]


@dataclass(frozen=True)
class ForecastResult:
    """Output of :func:`forecast_channels`.

    Attributes
    ----------
    forecast : DataFrame
        ``channel, ds, volume, volume_lo_80, volume_hi_80, volume_lo_95, volume_hi_95,
        aht_s, model`` for every interval in ``[start, end)`` (plus ``volume_lo_<l>`` /
        ``volume_hi_<l>`` for any other level of the config).
    backtest : DataFrame
        One row per channel and candidate model: ``channel, model, wape, mase, bias,
        coverage_80, wape_day_ahead, origins, horizon_days, selected`` (rolling origin).
    selected : dict
        ``{channel: model name}``.
    effects : DataFrame
        Learned calendar factors: ``channel, key, factor, occurrences``.
    outliers : DataFrame
        Days kept out of training: ``channel, date, volume, expected``.
    """

    forecast: pd.DataFrame
    backtest: pd.DataFrame
    selected: dict[str, str]
    effects: pd.DataFrame = field(default_factory=pd.DataFrame)
    outliers: pd.DataFrame = field(default_factory=pd.DataFrame)


def _as_timestamp(value, tz, name: str, interval_min: int) -> pd.Timestamp:
    """Timestamp in ``tz`` (naive values localized) on the ``interval_min`` grid."""
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        ts = ts.tz_localize(tz)
    if (ts.hour * 60 + ts.minute) % interval_min or ts.second or ts.microsecond:
        raise ValueError(f"{name} must lie on the {interval_min}-minute grid, got {ts}")
    return ts


def forecast_channels(
    history: pd.DataFrame,
    start: pd.Timestamp | dt.date | str,
    end: pd.Timestamp | dt.date | str,
    config: ForecastConfig | None = None,
) -> ForecastResult:
    """Forecast volume (with 80/95% intervals) and handle time per channel for ``[start, end)``.

    Parameters
    ----------
    history : DataFrame
        ``channel, ds, volume, aht_s[, abandoned]``, tz-aware ``ds`` (validated here).
    start, end : Timestamp, date or str
        Forecast window; naive values are read in the time zone of the history.
    config : ForecastConfig, optional
        Defaults to ``ForecastConfig()``.

    Returns
    -------
    ForecastResult
        Forecast on the local ``interval_min`` grid, backtest table and chosen models.
        History after ``start`` is ignored (so past windows can be re-forecast).
    """
    cfg = config or ForecastConfig()
    hist = validate_history(history)
    tz = hist["ds"].dt.tz
    start_ts = _as_timestamp(start, tz, "start", cfg.interval_min)
    end_ts = _as_timestamp(end, tz, "end", cfg.interval_min)
    if end_ts <= start_ts:
        raise ValueError(f"end must be after start, got start={start_ts}, end={end_ts}")
    tz = start_ts.tz
    grid = pd.date_range(start_ts, end_ts, freq=f"{cfg.interval_min}min", inclusive="left")
    frames, tests, selected, effects, outliers = [], [], {}, [], []
    for channel, part in hist.groupby("channel", sort=True):
        data = prepare_channel(channel, part, grid, cfg, tz)
        bt = run_backtest(data, cfg)
        selected[channel] = bt.choice
        tests.append(bt.table)
        frames.append(_channel_forecast(data, bt.choice, bt.calibration, grid, cfg, tz))
        effects.append(data.effects_frame())
        outliers.append(data.outliers_frame())
    extra = [f"volume_{b}_{lv}" for lv in cfg.levels if lv not in (80, 95) for b in ("lo", "hi")]
    return ForecastResult(
        forecast=pd.concat(frames, ignore_index=True)[FORECAST_COLUMNS + extra],
        backtest=pd.concat(tests, ignore_index=True)[BACKTEST_COLUMNS],
        selected=selected,
        effects=pd.concat(effects, ignore_index=True),
        outliers=pd.concat(outliers, ignore_index=True),
    )


def _channel_forecast(
    data: ChannelData, choice: str, cal: IntervalCalibration, grid: pd.DatetimeIndex,
    cfg: ForecastConfig, tz,
) -> pd.DataFrame:
    mean = predict_days(data, choice, data.origin, data.n_future)
    rows, slots = grid_positions(grid, data.first_date, cfg.interval_min, tz)
    rows = rows - data.origin
    vol = mean[rows, slots]
    out = {"channel": data.channel, "ds": grid, "volume": vol}
    for lv in cfg.levels:
        lo, hi = cal.bounds(vol, lv)
        out[f"volume_lo_{lv}"], out[f"volume_hi_{lv}"] = lo, hi
    out["aht_s"] = data.aht_profile[(rows + data.origin) % 7, slots]
    out["model"] = choice
    return pd.DataFrame(out)
