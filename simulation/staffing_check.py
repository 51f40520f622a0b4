"""Verifying and correcting staffing requirements by simulation (single-skill agents).

``simulate_staffing`` simulates a given head count per interval and channel, each agent
serving one channel; agents leaving when the count drops finish their contact first.
``search_staffing`` finds, interval by interval, the smallest head count whose simulated
service level meets the channel target: it starts from the offered load
``ceil(volume * aht_s * stretch_k / (k * interval_s))`` (a lower bound: fewer agents
cannot carry the load) and adds one agent to every interval still below target, using
common random numbers (the same seed) in every round, until all intervals meet it.
For deferred work (email) the per-interval load is not a lower bound (a backlog can be
spread up to the deadline), so the result there is conservative: it meets the target but
may not be the smallest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .config import CenterConfig
from .engine import NO_SKILL
from .records import SimulationResult
from .simulate import Seed, check_columns, grid_index, make_grid, run

STAFFING_COLUMNS = ("channel", "ds")


def _head_counts(staffing: pd.DataFrame, grid, config: CenterConfig,
                 agents_column: str) -> np.ndarray:
    check_columns(staffing, "staffing", STAFFING_COLUMNS + (agents_column,))
    n = staffing[agents_column].to_numpy(dtype=float)
    if not np.all(np.isfinite(n) & (n >= 0) & (n == np.round(n))):
        raise ValueError(f"staffing.{agents_column} must be integers >= 0, "
                         f"got {n[~(n >= 0)][:3]!r}")
    ci = pd.Index(config.names).get_indexer(staffing["channel"])
    if np.any(ci < 0):
        raise ValueError("staffing.channel has channels not in config.channels: "
                         f"{sorted(set(staffing['channel']) - set(config.names))}")
    ds = pd.to_datetime(staffing["ds"])
    heads = np.zeros(grid.volume.shape, np.int64)
    heads[ci, grid_index(grid, ds)] = n.astype(np.int64)
    return heads


def _single_skill(heads: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Agents ``0..n-1`` of a channel work the intervals where the head count exceeds them."""
    n_ch, n_int = heads.shape
    peak = heads.max(axis=1)
    channel = np.repeat(np.arange(n_ch), peak)
    rank_in_ch = np.concatenate([np.arange(p) for p in peak]) if peak.sum() else \
        np.empty(0, np.int64)
    works = rank_in_ch[:, None] < heads[channel]
    planned = np.where(works, channel[:, None], -1).astype(np.int64)
    rank = np.full((channel.size, n_ch), NO_SKILL, np.int64)
    rank[np.arange(channel.size), channel] = 1
    order = np.full((channel.size, n_ch), -1, np.int64)
    order[:, 0] = channel
    return planned, rank, order


def simulate_staffing(demand: pd.DataFrame, staffing: pd.DataFrame, config: CenterConfig,
                      replications: int = 30, seed: Seed = None,
                      agents_column: str = "agents") -> SimulationResult:
    """Verify a staffing requirement: simulate a head count per interval and channel.

    Parameters
    ----------
    demand : ``channel, ds, volume, aht_s`` (expected arrivals per interval).
    staffing : ``channel, ds`` and the integer head count column ``agents_column``.
    config : the simulated center (``absence_prob`` applies to the synthetic agents).
    replications : independent replications, >= 1.
    seed : int, generator or None.
    agents_column : name of the head-count column (e.g. ``required_agents``).

    Returns
    -------
    :class:`SimulationResult`.
    """
    check_columns(staffing, "staffing", STAFFING_COLUMNS + (agents_column,))
    grid = make_grid(demand, config, pd.to_datetime(staffing["ds"]))
    heads = _head_counts(staffing, grid, config, agents_column)
    return run(grid, *_single_skill(heads), config, replications, seed)


def _load_agents(grid, config: CenterConfig) -> np.ndarray:
    """Offered load in agents per interval: arrivals x stretched aht / (k x interval)."""
    cap = np.array([ch.concurrency / ch.concurrency_aht_factor[-1] for ch in config.channels])
    return grid.volume * grid.aht_s / (cap[:, None] * config.interval_s)


def search_staffing(demand: pd.DataFrame, config: CenterConfig, replications: int = 10,
                    seed: Seed = 0, max_rounds: int = 200) -> pd.DataFrame:
    """Smallest head count per interval whose simulated service level meets the target.

    Parameters
    ----------
    demand : ``channel, ds, volume, aht_s``.
    config : the simulated center; each channel's ``service_level`` and ``answer_s``.
    replications : replications per round; the criterion pools them (answered within
        ``answer_s`` over offered, summed across replications).
    seed : int, generator or None; the same streams are reused every round.
    max_rounds : bound on the number of +1 rounds.

    Returns
    -------
    ``channel, ds, volume, aht_s, load_agents, agents, service_level, meets_target``;
    ``meets_target`` is False where ``max_rounds`` ran out first (no interval is hidden).
    """
    grid = make_grid(demand, config)
    load = _load_agents(grid, config)
    heads = np.ceil(load - 1e-9).astype(np.int64)
    target = np.array([ch.service_level for ch in config.channels])[:, None]
    if isinstance(seed, np.random.Generator):
        seed = int(seed.integers(2**63))
    for _ in range(max_rounds):
        res = run(grid, *_single_skill(heads), config, replications, seed)
        within, offered = (res.intervals[k].to_numpy().reshape(replications, *heads.shape)
                           .sum(axis=0) for k in ("answered_within", "offered"))
        with np.errstate(invalid="ignore", divide="ignore"):
            sl = np.where(offered > 0, within / np.maximum(offered, 1), np.nan)
        failing = (offered > 0) & (sl < target)
        if not failing.any():
            break
        heads = heads + failing
    names = np.asarray(config.names, dtype=object)
    ch_idx, int_idx = np.meshgrid(np.arange(heads.shape[0]), np.arange(heads.shape[1]),
                                  indexing="ij")
    return pd.DataFrame({
        "channel": names[ch_idx.ravel()], "ds": grid.ds[int_idx.ravel()],
        "volume": grid.volume.ravel(), "aht_s": grid.aht_s.ravel(),
        "load_agents": load.ravel(), "agents": heads.ravel(), "service_level": sl.ravel(),
        "meets_target": ~failing.ravel()})
