"""Records of what happened, turned into long frames: per replication, summary, daily.

Service level is counted by *arrival* interval: contacts answered within ``answer_s``
divided by contacts offered (abandoned contacts count as missed); ASA is the mean wait of
the answered ones. Occupancy is the busy time of the agents planned on the channel in the
interval (whatever they served; a chat agent holding m of k chats counts m/k) divided by
their on-duty time. The summary band is the 95% Student-t confidence interval of the mean
service level across replications, ``mean +/- t(0.975, R-1) * sd / sqrt(R)``, clipped to
[0, 1]; intervals without contacts in a replication are left out of its mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from .config import CenterConfig
from .engine import ABANDONED, ANSWERED, BUSY_S, OFFERED, UNANSWERED, WAIT_S, WITHIN

INTERVAL_COLUMNS = ("replication", "channel", "ds", "offered", "answered", "abandoned",
                    "unanswered", "answered_within", "service_level", "asa_s",
                    "occupancy", "agents")
SUMMARY_COLUMNS = ("channel", "ds", "offered", "answered", "abandoned", "answered_within",
                   "service_level", "service_level_lo", "service_level_hi", "asa_s",
                   "occupancy", "agents")
DAILY_COLUMNS = ("channel", "date", "offered", "service_level", "service_level_lo",
                 "service_level_hi", "target", "p_meet_target")


@dataclass(frozen=True)
class SimulationResult:
    """Output of a simulation.

    Attributes
    ----------
    intervals : one row per replication, channel and interval (``INTERVAL_COLUMNS``).
    summary : simulated KPIs, means across replications with the service-level band.
    daily : ``channel, date, service_level, p_meet_target`` (+ band, offered, target);
        ``p_meet_target`` is the share of replications whose day meets the target.
    replications : number of replications.
    seed : the seed the replications were spawned from.
    """

    intervals: pd.DataFrame
    summary: pd.DataFrame
    daily: pd.DataFrame
    replications: int
    seed: int | None


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _band(values: np.ndarray, axis: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and 95% t confidence bounds across ``axis``, ignoring NaN (NaN if n < 2)."""
    n = np.sum(~np.isnan(values), axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.nansum(values, axis=axis) / np.maximum(n, 1), np.nan)
        dev = np.where(np.isnan(values), 0.0, values - np.expand_dims(mean, axis))
        sd = np.sqrt(np.sum(dev**2, axis=axis) / np.maximum(n - 1, 1))
        half = sps.t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(np.maximum(n, 1))
    half = np.where(n >= 2, half, np.nan)
    return mean, np.clip(mean - half, 0.0, 1.0), np.clip(mean + half, 0.0, 1.0)


def build_result(stats: np.ndarray, duty_s: np.ndarray, agents: np.ndarray,
                 ds: pd.DatetimeIndex, config: CenterConfig, seed: int | None,
                 ) -> SimulationResult:
    """Turn engine counters into frames.

    Parameters
    ----------
    stats : engine counters, shape ``(R, N_STATS, C, I)``.
    duty_s : on-duty slot-seconds of agents planned per channel, ``(R, C, I)``.
    agents : agents planned per channel (after absence), ``(R, C, I)``.
    ds : interval starts, length ``I``.
    config : the simulated center.
    seed : seed of the run (recorded in the result).
    """
    n_rep, _, n_ch, n_int = stats.shape
    offered, answered = stats[:, OFFERED], stats[:, ANSWERED]
    sl = _ratio(stats[:, WITHIN], offered)
    asa = _ratio(stats[:, WAIT_S], answered)
    occ = np.minimum(_ratio(stats[:, BUSY_S], duty_s), 1.0)  # busy <= duty up to rounding
    names = np.asarray(config.names, dtype=object)
    rep_idx, ch_idx, int_idx = np.meshgrid(np.arange(n_rep), np.arange(n_ch),
                                           np.arange(n_int), indexing="ij")
    cols = {"replication": rep_idx.ravel(), "channel": names[ch_idx.ravel()],
            "ds": ds[int_idx.ravel()], "offered": offered.ravel().astype(np.int64),
            "answered": answered.ravel().astype(np.int64),
            "abandoned": stats[:, ABANDONED].ravel().astype(np.int64),
            "unanswered": stats[:, UNANSWERED].ravel().astype(np.int64),
            "answered_within": stats[:, WITHIN].ravel().astype(np.int64),
            "service_level": sl.ravel(), "asa_s": asa.ravel(), "occupancy": occ.ravel(),
            "agents": agents.ravel()}
    intervals = pd.DataFrame(cols, columns=list(INTERVAL_COLUMNS))
    summary = _summary(stats, sl, asa, occ, agents, names, ds)
    daily = _daily(stats, ds, names, config)
    return SimulationResult(intervals, summary, daily, n_rep, seed)


def _summary(stats, sl, asa, occ, agents, names, ds) -> pd.DataFrame:
    mean_sl, lo, hi = _band(sl)
    n_ch, n_int = sl.shape[1:]
    ch_idx, int_idx = np.meshgrid(np.arange(n_ch), np.arange(n_int), indexing="ij")
    with np.errstate(invalid="ignore"):
        cols = {"channel": names[ch_idx.ravel()], "ds": ds[int_idx.ravel()],
                "offered": stats[:, OFFERED].mean(0).ravel(),
                "answered": stats[:, ANSWERED].mean(0).ravel(),
                "abandoned": stats[:, ABANDONED].mean(0).ravel(),
                "answered_within": stats[:, WITHIN].mean(0).ravel(),
                "service_level": mean_sl.ravel(), "service_level_lo": lo.ravel(),
                "service_level_hi": hi.ravel(), "asa_s": _nanmean(asa).ravel(),
                "occupancy": _nanmean(occ).ravel(), "agents": agents.mean(0).ravel()}
    return pd.DataFrame(cols, columns=list(SUMMARY_COLUMNS))


def _nanmean(x: np.ndarray) -> np.ndarray:
    n = np.sum(~np.isnan(x), axis=0)
    return np.where(n > 0, np.nansum(x, axis=0) / np.maximum(n, 1), np.nan)


def _daily(stats, ds, names, config: CenterConfig) -> pd.DataFrame:
    dates = pd.Index(ds.date)
    codes, uniq = pd.factorize(dates, sort=True)
    n_day = len(uniq)
    rows = []
    for c, ch in enumerate(config.channels):
        off = np.zeros((stats.shape[0], n_day))
        within = np.zeros_like(off)
        for k, arr in ((OFFERED, off), (WITHIN, within)):
            for d in range(n_day):
                arr[:, d] = stats[:, k, c, codes == d].sum(axis=1)
        sl = _ratio(within, off)
        mean, lo, hi = _band(sl)
        with np.errstate(invalid="ignore"):
            meets = np.where(np.isnan(sl), np.nan, (sl >= ch.service_level).astype(float))
        p_meet = _nanmean(meets)
        for d in range(n_day):
            rows.append((names[c], uniq[d], off[:, d].mean(), mean[d], lo[d], hi[d],
                         ch.service_level, p_meet[d]))
    return pd.DataFrame(rows, columns=list(DAILY_COLUMNS))
