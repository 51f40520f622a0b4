"""Shrinkage, surge buffer and conversion to gross head count, agent-hours and FTE.

Shrinkage is the share of paid time an agent is not available for contacts outside
the roster's explicit breaks: *planned* (meetings, coaching, training) and *unplanned*
(sickness, unplanned leave). Components add up (the usual workforce-management
convention, e.g. Cleveland, *Call Center Management on Fast Forward*, 3rd ed.):
total = planned + unplanned, and the head count to schedule is

    scheduled = ceil(required x (1 + surge_buffer_frac) / (1 - total_shrinkage_frac)).

Shrinkage may vary per interval (training blocks) or per day (higher absence on
Mondays); :func:`shrinkage_per_interval` expands either to one value per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = ["Shrinkage", "scheduled_agents", "shrinkage_per_interval", "agent_hours"]


@dataclass(frozen=True)
class Shrinkage:
    """Planned and unplanned shrinkage and the surge buffer (fractions).

    Parameters
    ----------
    planned_frac : float in [0, 1)
        Meetings, coaching, training.
    unplanned_frac : float in [0, 1)
        Sickness, unplanned leave.
    surge_buffer_frac : float in [0, 1]
        Extra cover for peaks (e.g. 0.10-0.15).
    """

    planned_frac: float = 0.0
    unplanned_frac: float = 0.0
    surge_buffer_frac: float = 0.0

    def __post_init__(self) -> None:
        for name in ("planned_frac", "unplanned_frac"):
            value = getattr(self, name)
            if not (0 <= value < 1):
                raise ValueError(f"{name} must be in [0, 1), got {value!r}")
        if not (0 <= self.surge_buffer_frac <= 1):
            raise ValueError(f"surge_buffer_frac must be in [0, 1], "
                             f"got {self.surge_buffer_frac!r}")
        if self.total_frac >= 1:
            raise ValueError(f"planned_frac + unplanned_frac must be < 1, got "
                             f"{self.total_frac!r}")

    @property
    def total_frac(self) -> float:
        """planned + unplanned."""
        return self.planned_frac + self.unplanned_frac


def scheduled_agents(required_agents: ArrayLike, shrinkage_frac: ArrayLike,
                     surge_buffer_frac: ArrayLike = 0.0) -> np.ndarray:
    """Head count to schedule: ceil(required (1 + surge) / (1 - shrinkage)), vectorized.

    Parameters
    ----------
    required_agents : array_like of float, agents, >= 0
    shrinkage_frac : array_like of float in [0, 1)
        Scalar, or one value per element (per interval or expanded per day).
    surge_buffer_frac : array_like of float in [0, 1]

    Returns
    -------
    numpy.ndarray of int64
    """
    req = np.asarray(required_agents, dtype=float)
    shr = np.asarray(shrinkage_frac, dtype=float)
    surge = np.asarray(surge_buffer_frac, dtype=float)
    if np.any(~np.isfinite(req) | (req < 0)):
        raise ValueError(f"required_agents must be >= 0, got {req[~(req >= 0)].ravel()[:3]!r}")
    if np.any(~((shr >= 0) & (shr < 1))):
        raise ValueError(f"shrinkage_frac must be in [0, 1), got "
                         f"{shr[~((shr >= 0) & (shr < 1))].ravel()[:3]!r}")
    if np.any(~((surge >= 0) & (surge <= 1))):
        raise ValueError(f"surge_buffer_frac must be in [0, 1], got {surge!r}")
    gross = req * (1.0 + surge) / (1.0 - shr)
    return np.ceil(gross - 1e-9).astype(np.int64)


def shrinkage_per_interval(ds: pd.Series, shrinkage: float | Mapping[dt.date, float] | pd.Series,
                           default_frac: float = 0.0) -> np.ndarray:
    """One shrinkage fraction per row of ``ds``.

    Parameters
    ----------
    ds : pandas.Series of Timestamp
        Interval starts (local time).
    shrinkage : float, mapping of date to float, or Series indexed by Timestamp
        A constant, a per-day value (dates missing from the mapping use
        ``default_frac``), or a per-interval value aligned on ``ds``.
    default_frac : float in [0, 1)

    Returns
    -------
    numpy.ndarray of float
    """
    if isinstance(shrinkage, pd.Series):
        out = shrinkage.reindex(pd.DatetimeIndex(ds)).to_numpy(dtype=float)
        out = np.where(np.isnan(out), default_frac, out)
    elif isinstance(shrinkage, Mapping):
        dates = pd.Series(ds).dt.date
        out = dates.map(lambda d: shrinkage.get(d, default_frac)).to_numpy(dtype=float)
    else:
        out = np.full(len(ds), float(shrinkage))
    bad = ~((out >= 0) & (out < 1))
    if bad.any():
        raise ValueError(f"shrinkage must be in [0, 1), got {out[bad][0]!r}")
    return out


def agent_hours(requirements: pd.DataFrame, interval_min: int,
                hours_per_fte_week: float = 40.0) -> pd.DataFrame:
    """Net and gross agent-hours and FTE per channel and day.

    Parameters
    ----------
    requirements : pandas.DataFrame
        The requirements frame (``channel, ds, required_agents, scheduled_required``).
    interval_min : int, minutes
    hours_per_fte_week : float, hours, > 0
        Paid hours of one full-time equivalent per week.

    Returns
    -------
    pandas.DataFrame
        ``channel, date, required_hours, scheduled_hours, fte`` where ``fte`` =
        scheduled_hours x 7 / hours_per_fte_week (the daily figure expressed as a
        weekly FTE rate).
    """
    if hours_per_fte_week <= 0:
        raise ValueError(f"hours_per_fte_week must be > 0, got {hours_per_fte_week!r}")
    missing = {"channel", "ds", "required_agents", "scheduled_required"} - set(requirements)
    if missing:
        raise ValueError(f"requirements is missing columns {sorted(missing)}")
    hours = interval_min / 60.0
    frame = pd.DataFrame({
        "channel": requirements["channel"].to_numpy(),
        "date": pd.to_datetime(requirements["ds"]).dt.date.to_numpy(),
        "required_hours": requirements["required_agents"].to_numpy(dtype=float) * hours,
        "scheduled_hours": requirements["scheduled_required"].to_numpy(dtype=float) * hours,
    })
    out = frame.groupby(["channel", "date"], as_index=False, sort=True).sum()
    out["fte"] = out["scheduled_hours"] * 7.0 / hours_per_fte_week
    return out
