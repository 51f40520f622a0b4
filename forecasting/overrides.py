"""Manual what-if overrides: multiply forecast volume (and its intervals) by a factor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

VOLUME_COLUMNS = ("volume", "volume_lo_80", "volume_hi_80", "volume_lo_95", "volume_hi_95")


@dataclass(frozen=True)
class ForecastOverride:
    """Multiply the forecast of ``channel`` (``None`` = all channels) by ``factor``.

    Either ``date`` (one local day; ``start``/``end`` then optionally narrow it to a time
    of day, ``"HH:MM"`` or ``datetime.time``) or, without ``date``, ``start``/``end`` as
    datetimes (``[start, end)``; naive values are read in the forecast's time zone; either
    bound may be omitted).
    """

    factor: float
    channel: str | None = None
    date: dt.date | None = None
    start: pd.Timestamp | dt.time | str | None = None
    end: pd.Timestamp | dt.time | str | None = None

    def __post_init__(self) -> None:
        f = self.factor
        if isinstance(f, bool) or not isinstance(f, (int, float)) or not np.isfinite(f) or f < 0:
            raise ValueError(f"override factor must be a finite number >= 0, got {f!r}")
        if self.date is not None:
            object.__setattr__(self, "date", pd.Timestamp(self.date).date())
            for name in ("start", "end"):
                value = getattr(self, name)
                if value is not None:
                    object.__setattr__(self, name, _time_of_day(name, value))

    def mask(self, forecast: pd.DataFrame) -> np.ndarray:
        """Rows of ``forecast`` the override applies to."""
        ds = forecast["ds"]
        tz = ds.dt.tz
        sel = np.ones(len(forecast), dtype=bool)
        if self.channel is not None:
            sel &= (forecast["channel"] == self.channel).to_numpy()
        if self.date is not None:
            sel &= (ds.dt.date == self.date).to_numpy()
        for bound, op in ((self.start, np.greater_equal), (self.end, np.less)):
            if bound is None:
                continue
            if isinstance(bound, dt.time):
                minutes = (ds.dt.hour * 60 + ds.dt.minute).to_numpy()
                sel &= op(minutes, bound.hour * 60 + bound.minute)
            else:
                ts = pd.Timestamp(bound)
                ts = ts.tz_localize(tz) if ts.tzinfo is None else ts
                sel &= op(ds, ts).to_numpy()
        return sel


def _time_of_day(name: str, value: object) -> dt.time:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(
            f"override {name} must be a time of day like '10:00' when date is given, got {value!r}"
        ) from exc


def apply_overrides(
    forecast: pd.DataFrame, overrides: Iterable[ForecastOverride | Mapping]
) -> pd.DataFrame:
    """Return a copy of ``forecast`` with volumes and intervals scaled by each override.

    Parameters
    ----------
    forecast : DataFrame
        Forecast frame (``channel, ds, volume, volume_lo_80, ...``).
    overrides : iterable of ForecastOverride or mapping
        Mappings use the same keys (``factor``, ``channel``, ``date``, ``start``, ``end``).
        Overlapping overrides multiply.

    Raises
    ------
    ValueError
        Bad factor or keys, or an override that matches no forecast row (likely a typo in
        channel or date), naming the override.
    """
    out = forecast.copy()
    for col in VOLUME_COLUMNS:
        out[col] = out[col].astype(float)
    for i, raw in enumerate(overrides):
        if isinstance(raw, Mapping):
            unknown = set(raw) - {"factor", "channel", "date", "start", "end"}
            if unknown:
                raise ValueError(f"overrides[{i}]: unknown key(s) {sorted(unknown)}")
            if "factor" not in raw:
                raise ValueError(f"overrides[{i}]: missing key 'factor', got {dict(raw)!r}")
            ov = ForecastOverride(**raw)
        elif isinstance(raw, ForecastOverride):
            ov = raw
        else:
            raise ValueError(f"overrides[{i}] must be a ForecastOverride or mapping, got {raw!r}")
        sel = ov.mask(out)
        if not sel.any():
            raise ValueError(f"overrides[{i}] matches no forecast interval: {ov!r}")
        out.loc[sel, list(VOLUME_COLUMNS)] *= ov.factor
    return out
