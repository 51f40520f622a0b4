"""Small builders of demand, staffing and roster frames for the simulation tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

TZ = "Asia/Shanghai"
START = "2026-11-30 08:00"


def grid(n_int: int, interval_min: int = 15) -> pd.DatetimeIndex:
    """``n_int`` interval starts from Monday 08:00 in the sample time zone."""
    return pd.date_range(START, periods=n_int, freq=f"{interval_min}min", tz=TZ)


def demand(channel: str, volume, aht_s, n_int: int) -> pd.DataFrame:
    """Demand frame of one channel; scalars broadcast over ``n_int`` intervals."""
    return pd.DataFrame({"channel": channel, "ds": grid(n_int),
                         "volume": np.broadcast_to(np.asarray(volume, float), n_int),
                         "aht_s": np.broadcast_to(np.asarray(aht_s, float), n_int)})


def staffing(channel: str, agents, n_int: int) -> pd.DataFrame:
    """Head-count frame of one channel."""
    return pd.DataFrame({"channel": channel, "ds": grid(n_int),
                         "agents": np.broadcast_to(np.asarray(agents), n_int)})


def assignments(agent_id: str, channel: str, intervals, n_int: int) -> pd.DataFrame:
    """Assignment rows of one agent working ``intervals`` (indices) on ``channel``."""
    ds = grid(n_int)[list(intervals)]
    return pd.DataFrame({"agent_id": agent_id, "ds": ds, "channel": channel})
