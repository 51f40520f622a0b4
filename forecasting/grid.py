"""Regular local-time grid: one channel's history as a ``days x slots`` matrix.

Slots are wall-clock positions of the local day (``slot = minutes since midnight //
interval_min``), so daily and weekly seasonality stay aligned across DST changes; a
spring-forward hour is missing (NaN), a repeated fall-back hour is averaged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

DAY_NS = 86_400_000_000_000
MIN_NS = 60_000_000_000


@dataclass(frozen=True)
class DayMatrix:
    """History of one channel on the local grid.

    Attributes
    ----------
    first_date : datetime.date
        Local date of row 0; row ``i`` is ``first_date + i`` days.
    volume : ndarray, shape (n_days, slots_per_day)
        Contacts per interval; NaN where data are missing (never zero-filled).
    aht_s : ndarray, shape (n_days, slots_per_day)
        Volume-weighted handle time in seconds; NaN where no contacts.
    """

    first_date: dt.date
    volume: np.ndarray
    aht_s: np.ndarray

    @property
    def n_days(self) -> int:
        return int(self.volume.shape[0])

    @property
    def slots_per_day(self) -> int:
        return int(self.volume.shape[1])

    def dates(self) -> pd.DatetimeIndex:
        return pd.date_range(self.first_date, periods=self.n_days, freq="D")


def _local_ns(ds: pd.Series | pd.DatetimeIndex, tz) -> np.ndarray:
    """Local wall-clock time as int64 nanoseconds (naive)."""
    idx = pd.DatetimeIndex(ds).tz_convert(tz).tz_localize(None)
    return idx.as_unit("ns").asi8


def to_day_matrix(part: pd.DataFrame, interval_min: int, tz) -> DayMatrix:
    """Sum one channel's validated history to ``interval_min`` and lay it out by local day.

    A planning interval whose source sub-intervals are not all present is missing (NaN).

    Parameters
    ----------
    part : DataFrame
        Rows of one channel with ``ds`` (tz-aware), ``volume``, ``aht_s``.
    interval_min : int
        Planning interval, a multiple of the source interval.
    tz : tzinfo or str
        Time zone whose wall clock defines days and slots.
    """
    from .validation import HistoryError, infer_interval_min

    src_min = infer_interval_min(part["ds"]) if len(part) > 1 else interval_min
    if interval_min % src_min:
        raise HistoryError(
            f"interval_min must be a multiple of the history interval ({src_min} min), "
            f"got {interval_min}"
        )
    per = interval_min // src_min
    step = interval_min * MIN_NS
    utc = pd.DatetimeIndex(part["ds"]).tz_convert("UTC").as_unit("ns").asi8
    bucket = utc - np.mod(utc, step)
    keys, inv = np.unique(bucket, return_inverse=True)
    vol_src = part["volume"].to_numpy(dtype=float)
    aht_src = part["aht_s"].to_numpy(dtype=float)
    count = np.bincount(inv, minlength=keys.size)
    vol = np.bincount(inv, weights=np.nan_to_num(vol_src), minlength=keys.size)
    has_nan = np.bincount(inv, weights=np.isnan(vol_src), minlength=keys.size) > 0
    work = np.bincount(inv, weights=np.nan_to_num(vol_src * aht_src), minlength=keys.size)
    vol[(count < per) | has_nan] = np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        aht = np.where(vol > 0, work / vol, np.nan)
    local = _local_ns(pd.to_datetime(keys, utc=True), tz)
    day = local // DAY_NS
    slot = (local % DAY_NS) // step
    spd = 1440 // interval_min
    n_days = int(day.max() - day.min() + 1)
    flat = (day - day.min()) * spd + slot
    return DayMatrix(
        first_date=(pd.Timestamp(int(day.min()) * DAY_NS)).date(),
        volume=_mean_at(flat, vol, n_days, spd),
        aht_s=_mean_at(flat, aht, n_days, spd),
    )


def _mean_at(flat: np.ndarray, values: np.ndarray, n_days: int, spd: int) -> np.ndarray:
    """Mean of finite ``values`` landing on each cell; NaN for cells without any."""
    size = n_days * spd
    ok = np.isfinite(values)
    total = np.bincount(flat[ok], weights=values[ok], minlength=size)
    count = np.bincount(flat[ok], minlength=size)
    seen = np.bincount(flat, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    out[seen == 0] = np.nan
    return out.reshape(n_days, spd)


def grid_positions(
    ds: pd.DatetimeIndex, first_date: dt.date, interval_min: int, tz
) -> tuple[np.ndarray, np.ndarray]:
    """Row (day offset from ``first_date``) and slot of each timestamp on the local grid."""
    local = _local_ns(ds, tz)
    base = pd.Timestamp(first_date).as_unit("ns").value
    rel = local - base
    return rel // DAY_NS, (rel % DAY_NS) // (interval_min * MIN_NS)
