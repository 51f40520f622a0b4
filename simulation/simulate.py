"""Simulating a roster: frames in, engine arrays, replications, frames out."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .arrivals import draw_contacts
from .config import CenterConfig
from .engine import N_STATS, NO_SKILL, run_batch
from .records import SimulationResult, build_result

Seed = int | np.random.Generator | None
# numba's fallback "workqueue" threading layer must not be entered by two threads at once
# (Streamlit serves sessions from threads); the lock costs nothing with one caller.
_ENGINE_LOCK = threading.Lock()
DEMAND_COLUMNS = ("channel", "ds", "volume", "aht_s")
ASSIGNMENT_COLUMNS = ("agent_id", "ds", "channel")
SKILL_COLUMNS = ("agent_id", "channel", "priority")


@dataclass(frozen=True)
class Grid:
    """The regular interval grid the simulation runs on.

    Attributes
    ----------
    ds : interval starts (tz-aware), length ``I``.
    volume : expected arrivals, ``(C, I)`` in config channel order.
    aht_s : mean handle time in seconds, ``(C, I)``.
    """

    ds: pd.DatetimeIndex
    volume: np.ndarray
    aht_s: np.ndarray


def check_columns(frame: pd.DataFrame, name: str, columns: tuple[str, ...]) -> None:
    """Raise ``ValueError`` naming the frame and the missing columns."""
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing columns {missing}; it has {list(frame.columns)}")


def _tz_ds(frame: pd.DataFrame, name: str) -> pd.Series:
    ds = pd.to_datetime(frame["ds"])
    if ds.dt.tz is None:
        raise ValueError(f"{name}.ds must be tz-aware timestamps, got naive {ds.dtype}")
    return ds


def make_grid(demand: pd.DataFrame, config: CenterConfig,
              extra_ds: pd.Series | None = None) -> Grid:
    """Put the demand frame (and any other timestamps) on one regular interval grid.

    Parameters
    ----------
    demand : ``channel, ds, volume, aht_s``; missing intervals mean no arrivals.
    config : the simulated center.
    extra_ds : further timestamps that must lie on the grid (e.g. assignments).
    """
    check_columns(demand, "demand", DEMAND_COLUMNS)
    ds = _tz_ds(demand, "demand")
    unknown = sorted(set(demand["channel"]) - set(config.names))
    if unknown:
        raise ValueError(f"demand.channel has channels not in config.channels: {unknown}")
    vol = demand["volume"].to_numpy(dtype=float)
    aht = demand["aht_s"].to_numpy(dtype=float)
    if not np.all(np.isfinite(vol) & (vol >= 0)):
        raise ValueError(f"demand.volume must be finite and >= 0, got {vol[~(vol >= 0)][:3]!r}")
    bad = (vol > 0) & ~(np.isfinite(aht) & (aht > 0))
    if bad.any():
        raise ValueError(f"demand.aht_s must be > 0 where volume > 0, got {aht[bad][:3]!r}")
    all_ds = ds if extra_ds is None or extra_ds.empty else pd.concat(
        [ds, extra_ds.dt.tz_convert(ds.dt.tz)])
    if all_ds.empty:
        raise ValueError("demand must have at least one row")
    step = pd.Timedelta(minutes=config.interval_min)
    start = all_ds.min()
    offs = (all_ds - start) / step
    if not np.allclose(offs, np.round(offs)):
        raise ValueError(f"ds must lie on a {config.interval_min}-minute grid from {start}")
    n_int = int(round(offs.max())) + 1
    grid = pd.date_range(start, periods=n_int, freq=step)
    ci = pd.Index(config.names).get_indexer(demand["channel"])
    ii = np.round(((ds - start) / step).to_numpy(dtype=float)).astype(np.int64)
    volume = np.zeros((len(config.names), n_int))
    aht_s = np.zeros_like(volume)
    np.add.at(volume, (ci, ii), vol)
    aht_s[ci, ii] = np.where(vol > 0, aht, 0.0)
    return Grid(grid, volume, aht_s)


def grid_index(grid: Grid, ds: pd.Series) -> np.ndarray:
    """Interval index of each timestamp in ``ds``."""
    step = pd.Timedelta(grid.ds.freq)
    return np.round(((ds - grid.ds[0]) / step).to_numpy(dtype=float)).astype(np.int64)


def agent_arrays(assignments: pd.DataFrame, agent_skills: pd.DataFrame, grid: Grid,
                 config: CenterConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Planned channel per agent and interval, skill ranks and pull order.

    Returns
    -------
    planned : ``(A, I)`` channel index worked in each interval, -1 = not working.
    rank : ``(A, C)`` skill priority (1 = primary), ``NO_SKILL`` if none.
    order : ``(A, C)`` skills in pull order (realtime by priority, then deferred), -1 pad.
    """
    check_columns(assignments, "assignments", ASSIGNMENT_COLUMNS)
    check_columns(agent_skills, "agent_skills", SKILL_COLUMNS)
    names = pd.Index(config.names)
    for frame, label in ((assignments, "assignments"), (agent_skills, "agent_skills")):
        unknown = sorted(set(frame["channel"]) - set(names))
        if unknown:
            raise ValueError(f"{label}.channel has channels not in config.channels: {unknown}")
    if assignments.duplicated(["agent_id", "ds"]).any():
        dup = assignments[assignments.duplicated(["agent_id", "ds"])].iloc[0]
        raise ValueError(f"assignments must have one row per agent_id and ds, got a duplicate "
                         f"for {dup['agent_id']!r} at {dup['ds']}")
    agents = pd.Index(pd.unique(pd.concat([assignments["agent_id"], agent_skills["agent_id"]])))
    planned = np.full((len(agents), len(grid.ds)), -1, np.int64)
    if len(assignments):
        ai = agents.get_indexer(assignments["agent_id"])
        planned[ai, grid_index(grid, _tz_ds(assignments, "assignments"))] = \
            names.get_indexer(assignments["channel"])
    prio = agent_skills["priority"].to_numpy()
    if len(prio) and not np.all(prio >= 1):
        raise ValueError(f"agent_skills.priority must be >= 1, got {prio[~(prio >= 1)][:3]!r}")
    rank = np.full((len(agents), len(names)), NO_SKILL, np.int64)
    rank[agents.get_indexer(agent_skills["agent_id"]), names.get_indexer(
        agent_skills["channel"])] = prio.astype(np.int64)
    deferred = np.array([c.deferred for c in config.channels])
    key = rank + np.where(deferred, NO_SKILL // 2, 0)[None, :]
    order = np.argsort(key, axis=1, kind="stable").astype(np.int64)
    order[np.take_along_axis(rank, order, axis=1) >= NO_SKILL] = -1
    return planned, rank, order


def spawn_generators(seed: Seed, replications: int) -> list[np.random.Generator]:
    """One independent generator per replication via ``SeedSequence(seed).spawn``."""
    if not isinstance(replications, (int, np.integer)) or replications < 1:
        raise ValueError(f"replications must be an int >= 1, got {replications!r}")
    if isinstance(seed, np.random.Generator):
        return seed.spawn(int(replications))
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(replications)]


def _absent(rng: np.random.Generator, planned: np.ndarray, day: np.ndarray,
            prob: float) -> np.ndarray:
    """Blank every agent-day independently with probability ``prob``."""
    if prob == 0:
        return planned
    absent = rng.random((planned.shape[0], day.max() + 1)) < prob
    return np.where(absent[:, day], -1, planned)


def run(grid: Grid, planned: np.ndarray, rank: np.ndarray, order: np.ndarray,
        config: CenterConfig, replications: int, seed: Seed) -> SimulationResult:
    """Draw absences and contacts per replication, run the engine, build the frames."""
    gens = spawn_generators(seed, replications)
    day = pd.factorize(pd.Index(grid.ds.date), sort=True)[0]
    plans, contacts = [], []
    for rng in gens:
        # separate streams: the contacts do not depend on the number of agents, so runs
        # with different staffing share them (common random numbers)
        absence_rng, contact_rng = rng.spawn(2)
        plans.append(_absent(absence_rng, planned, day, config.absence_prob))
        contacts.append(draw_contacts(contact_rng, config, grid.volume, grid.aht_s, day))
    plan = np.ascontiguousarray(np.stack(plans), dtype=np.int8)  # channel index or -1
    starts = np.cumsum([0] + [k.offsets[-1] for k in contacts[:-1]])
    ch_off = np.stack([k.offsets + s for k, s in zip(contacts, starts)]).astype(np.int64)
    cont = contacts[0].table if len(contacts) == 1 else np.concatenate(
        [k.table for k in contacts])
    n_ch, n_int = grid.volume.shape
    stats = np.zeros((replications, n_ch, n_int, N_STATS))
    conc = np.array([c.concurrency for c in config.channels], np.int64)
    stretch = np.ones((n_ch, int(conc.max())))
    for c, ch in enumerate(config.channels):
        stretch[c, : ch.concurrency] = ch.concurrency_aht_factor
    answer = np.array([c.answer_s for c in config.channels], float)
    with _ENGINE_LOCK:
        run_batch(cont, ch_off, plan, rank, order, conc, stretch, answer,
                  config.routing == "planned", config.interval_s, stats)
    agents = np.stack([(plan == c).sum(axis=1) for c in range(n_ch)], axis=1).astype(float)
    return build_result(stats.transpose(0, 3, 1, 2), agents * config.interval_s, agents,
                        grid.ds, config, seed if isinstance(seed, (int, np.integer)) else None)


def simulate_roster(demand: pd.DataFrame, assignments: pd.DataFrame,
                    agent_skills: pd.DataFrame, config: CenterConfig,
                    replications: int = 30, seed: Seed = None) -> SimulationResult:
    """Simulate a published roster and report its service level with confidence bands.

    Parameters
    ----------
    demand : forecast frame ``channel, ds, volume, aht_s`` (expected arrivals and mean
        handle time per interval; tz-aware ``ds``).
    assignments : ``agent_id, ds, channel``, one row per agent per working interval.
    agent_skills : ``agent_id, channel, priority`` (1 = primary).
    config : the simulated center.
    replications : independent replications, >= 1.
    seed : int, generator or None; replications use ``SeedSequence(seed).spawn``.

    Returns
    -------
    :class:`SimulationResult` with ``intervals``, ``summary`` and ``daily`` frames.
    """
    if not isinstance(config, CenterConfig):
        raise ValueError(f"config must be a CenterConfig, got {type(config).__name__}")
    check_columns(assignments, "assignments", ASSIGNMENT_COLUMNS)
    extra = _tz_ds(assignments, "assignments") if len(assignments) else None
    grid = make_grid(demand, config, extra)
    planned, rank, order = agent_arrays(assignments, agent_skills, grid, config)
    return run(grid, planned, rank, order, config, replications, seed)
