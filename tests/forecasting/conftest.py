"""Synthetic contact-center history for forecasting tests."""

from __future__ import annotations

import os

# statsmodels' state-space fits (daily_arima) call BLAS on tiny matrices; multithreaded
# OpenBLAS makes them 10-30x slower on a busy 2-core machine. Effective only if numpy
# is not imported yet.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402


def intraday_rate(slots_per_day: int, open_from: int, open_to: int) -> np.ndarray:
    """Smooth two-peak intraday shape, zero outside ``[open_from, open_to)`` hours."""
    hours = np.arange(slots_per_day) * 24 / slots_per_day
    shape = np.exp(-((hours - 10.5) ** 2) / 4) + 0.8 * np.exp(-((hours - 15) ** 2) / 6) + 0.2
    return np.where((hours >= open_from) & (hours < open_to), shape, 0.0)


def make_history(
    days: int = 70,
    interval_min: int = 15,
    channels: tuple[str, ...] = ("phone",),
    daily_volume: float = 2000.0,
    start: str = "2026-01-05",
    tz: str = "Asia/Shanghai",
    day_factor: dict | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Poisson volumes with weekly and daily seasonality; closed 22:00-08:00.

    ``day_factor`` maps ISO dates to a multiplicative effect on that day's volume.
    """
    rng = np.random.default_rng(seed)
    spd = 1440 // interval_min
    shape = intraday_rate(spd, 8, 22)
    shape = shape / shape.sum()
    weekly = np.array([1.2, 1.1, 1.0, 1.0, 0.95, 0.7, 0.6])
    dates = pd.date_range(start, periods=days, freq="D")
    factor = np.array([(day_factor or {}).get(d.date().isoformat(), 1.0) for d in dates])
    frames = []
    for k, ch in enumerate(channels):
        lam = daily_volume * (k + 1) * (weekly[dates.day_of_week] * factor)[:, None] * shape[None, :]
        vol = rng.poisson(lam).ravel().astype(float)
        ds = pd.date_range(start, periods=days * spd, freq=f"{interval_min}min", tz=tz)
        aht = np.where(vol > 0, 300.0 + 60 * k, np.nan)
        frames.append(pd.DataFrame({"channel": ch, "ds": ds, "volume": vol, "aht_s": aht}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="session")
def history() -> pd.DataFrame:
    return make_history(days=70, channels=("phone", "chat"))
