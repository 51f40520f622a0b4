"""Deferred work (email, tickets): staffing from workload and a response deadline.

Model (fluid, stated assumptions)
---------------------------------
* The deadline clock runs in **open hours** only ("answered within 4 business hours");
  work arriving while closed joins the backlog at the next opening, and work arriving
  after the last open interval of the horizon is due in that last open interval.
* Each arrival cohort (one open interval's work, ``volume x aht_s`` agent-seconds) is
  spread evenly over the next ``L = floor(D / service_level)`` open intervals, with
  ``D = floor(answer_s / interval)``; so at least a ``service_level`` share of every
  cohort is worked by its deadline while the backlog is carried from interval to
  interval (the window is truncated at the end of the horizon). Summed over cohorts
  this is a moving average of the workload, the smoothest profile that keeps the
  deadline (cf. Koole, *Call Center Optimization*, 2013, on e-mail and deferred work).
* Agents work at most ``max_occupancy`` of an open interval. Agents per interval are the
  fewest that keep the FIFO-processed work at or above the plan's cumulative total, so
  rounding up to whole agents is carried forward rather than paid in every interval.
* If the spread over ``L`` intervals misses the target share under FIFO, the plan falls
  back to ``L = D`` (every cohort finished within the deadline).

The staffing is then evaluated by a first-come-first-served fluid queue: per open
interval the processed work is min(backlog + arrivals, capacity); completion times are
read off the cumulative processed-work curve at 16 points per cohort to give the share
answered within the deadline (``service_level``) and the mean response time in open
seconds (``asa_s``). Work still open at the end of the horizon counts as late.
"""

from __future__ import annotations

import numpy as np

__all__ = ["deferred_requirements"]

_POINTS_PER_COHORT = 16


def _open_target(is_open: np.ndarray) -> np.ndarray:
    """Position (in the open-interval axis) each calendar interval's arrivals join."""
    open_pos = np.flatnonzero(is_open)
    join = np.searchsorted(open_pos, np.arange(is_open.size), side="left")
    return np.minimum(join, open_pos.size - 1)


def _spread(work: np.ndarray, window: int) -> np.ndarray:
    """Spread each cohort evenly over ``window`` intervals (truncated at the end)."""
    m = work.size
    start = np.arange(m)
    length = np.minimum(window, m - start)
    diff = np.zeros(m + 1)
    np.add.at(diff, start, work / length)
    np.add.at(diff, start + length, -work / length)
    return np.cumsum(diff[:-1])


def _cumulative_agents(work: np.ndarray, need_s: np.ndarray, cap_s: float) -> np.ndarray:
    """Fewest agents per open interval keeping FIFO processed work >= the spread plan.

    Processed work P_j = min(arrived_j, P_{j-1} + n_j cap) must reach the plan's
    cumulative C_j (<= arrived_j), so n_j = ceil((C_j - P_{j-1}) / cap): rounding up is
    carried forward instead of repeated in every interval.
    """
    plan = np.cumsum(need_s)
    arrived = np.cumsum(work)
    agents = np.zeros(work.size, dtype=np.int64)
    processed = 0.0
    for j in range(work.size):  # sequential by nature: backlog carried
        agents[j] = max(0, int(np.ceil((plan[j] - processed) / cap_s - 1e-9)))
        processed = min(arrived[j], processed + agents[j] * cap_s)
    return agents


def _fifo_evaluate(work: np.ndarray, capacity: np.ndarray, interval_s: float,
                   deadline_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fluid FIFO on the open axis: share within deadline, mean response, processed."""
    m = work.size
    done = np.zeros(m)
    backlog = 0.0
    for j in range(m):  # sequential by nature: backlog carried
        avail = backlog + work[j]
        done[j] = min(avail, capacity[j])
        backlog = avail - done[j]
    cum_in = np.concatenate([[0.0], np.cumsum(work)])
    cum_done = np.concatenate([[0.0], np.cumsum(done)])
    edges_s = np.arange(m + 1) * interval_s
    q = (np.arange(_POINTS_PER_COHORT) + 0.5) / _POINTS_PER_COHORT
    arrive_s = (np.arange(m)[:, None] + q[None, :]) * interval_s
    units = cum_in[:-1, None] + q[None, :] * work[:, None]
    # completion time of work unit u: first time cum_done reaches u (strictly increasing part)
    grow = np.concatenate([[True], np.diff(cum_done) > 0])
    finish_s = np.interp(units, cum_done[grow], edges_s[grow], right=np.inf)
    finish_s = np.where(units > cum_done[-1] * (1 + 1e-12) + 1e-9, np.inf, finish_s)
    response_s = np.maximum(finish_s - arrive_s, 0.0)
    within = (response_s <= deadline_s + 1e-9).mean(axis=1)
    mean_resp = np.where(np.isfinite(response_s).all(axis=1), response_s.mean(axis=1), np.inf)
    has_work = work > 0
    return np.where(has_work, within, 1.0), np.where(has_work, mean_resp, 0.0), done


def deferred_requirements(work_s: np.ndarray, is_open: np.ndarray, interval_min: float,
                          answer_s: float, service_level: float,
                          max_occupancy: float | None) -> dict[str, np.ndarray]:
    """Agents per calendar interval for deferred work (see module docstring).

    Parameters
    ----------
    work_s : numpy.ndarray of float, agent-seconds per interval, >= 0
        Arriving workload (volume x effective handle time), in time order.
    is_open : numpy.ndarray of bool
        Opening hours; agents are only required (and work only done) when open.
    interval_min : float, minutes
    answer_s : float, seconds
        Response deadline, counted in open time.
    service_level : float in (0, 1]
        Share of the work to answer within the deadline.
    max_occupancy : float in (0, 1] or None (= 1)

    Returns
    -------
    dict of str to numpy.ndarray
        Per calendar interval: ``required_agents`` (int, 0 when closed),
        ``service_level`` and ``asa_s`` of the work arriving in it, ``occupancy``.
    """
    work_s = np.asarray(work_s, dtype=float)
    is_open = np.asarray(is_open, dtype=bool)
    interval_s = interval_min * 60.0
    occ_cap = 1.0 if max_occupancy is None else max_occupancy
    n = work_s.size
    out = {"required_agents": np.zeros(n, dtype=np.int64), "service_level": np.ones(n),
           "asa_s": np.zeros(n), "occupancy": np.zeros(n)}
    if not is_open.any():
        if (work_s > 0).any():
            raise ValueError("is_open must have at least one open interval for deferred "
                             f"work, got total work_s={work_s.sum()!r} and no open interval")
        return out
    join = _open_target(is_open)
    open_work = np.bincount(join, weights=work_s, minlength=int(is_open.sum()))
    d = max(1, int(answer_s // interval_s))
    cap_s = interval_s * occ_cap
    for window in (max(d, int(d / service_level + 1e-9)), d):
        agents = _cumulative_agents(open_work, _spread(open_work, window), cap_s)
        sl, resp, done = _fifo_evaluate(open_work, agents * cap_s, interval_s, answer_s)
        has_open = open_work > 0
        if not has_open.any() or \
                np.average(sl[has_open], weights=open_work[has_open]) >= service_level - 1e-9:
            break  # the wider window met the target; else the deadline window (SL = 1)
    open_pos = np.flatnonzero(is_open)
    out["required_agents"][open_pos] = agents
    with np.errstate(invalid="ignore", divide="ignore"):
        out["occupancy"][open_pos] = np.where(agents > 0, done / (agents * interval_s), 0.0)
    has = work_s > 0
    out["service_level"] = np.where(has, sl[join], 1.0)
    out["asa_s"] = np.where(has, resp[join], 0.0)
    return out
