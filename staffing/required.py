"""Smallest agent count per interval meeting every target at once (Erlang C or Erlang A).

Erlang C: all measures are monotone in n and n must exceed the load A, so the search
starts at the lower bound n0 = max(floor(A) + 1, floor(A / max_occupancy)), takes the
exact Erlang B value there once (closed form, log space) and then advances the stable
recursion B(n) = A B(n-1) / (n + A B(n-1)) one agent at a time for the intervals that
still miss a target. The recursion is never restarted; each step is one vectorized
update over the intervals still open.

Erlang A: the Erlang C answer for the same targets (cheap, above) is the first guess;
where it misses a target the bracket gallops up, otherwise it walks down a few agents
(abandonment usually saves 0-4), and any interval still open is bisected between a
provably infeasible lower bound (served rate n mu must cover SL x lambda and
(1 - max abandon) x lambda) and the feasible upper end. Every step evaluates the exact
closed forms (Erlang B and the incomplete gamma in log space) for all open intervals at
once; typically 3-5 evaluations per call.

Fractional agents (for aggregation): n* - 1 + f, where f in (0, 1] is where the binding
measure, linearly interpolated between n* - 1 and n*, meets its target.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from staffing._checks import as_nonneg, as_positive, check_fraction, check_positive
from staffing.erlang import erlang_b_at, erlang_c_from_b
from staffing.erlang_a import SL_DEFINITIONS, erlang_a_from_b

__all__ = ["required_agents"]

_TOL = 1e-12
_WALK_DOWN_STEPS = 3


def _meets(m: dict[str, np.ndarray], targets: dict[str, float | None]) -> np.ndarray:
    """Boolean mask: every given target met."""
    ok = np.ones(m["occupancy"].shape, dtype=bool)
    if targets["service_level"] is not None:
        ok &= m["service_level"] >= targets["service_level"] - _TOL
    if targets["max_occupancy"] is not None:
        ok &= m["occupancy"] <= targets["max_occupancy"] + _TOL
    if targets["max_asa_s"] is not None:
        ok &= m["asa_s"] <= targets["max_asa_s"] * (1 + _TOL)
    if targets["max_abandon_frac"] is not None:
        ok &= m["p_abandon"] <= targets["max_abandon_frac"] + _TOL
    return ok


class _Model:
    """Evaluates one queueing model at per-interval agent counts (internal)."""

    def __init__(self, lam, aht, t, patience, sl_definition, short_abandon_s):
        self.lam, self.aht, self.t, self.patience = lam, aht, t, patience
        self.load = lam * aht
        self.sl_definition, self.t0 = sl_definition, short_abandon_s

    def metrics(self, idx: np.ndarray, n: np.ndarray, b: np.ndarray | None = None) -> dict:
        load, aht, t = self.load[idx], self.aht[idx], self.t[idx]
        n = n.astype(float)
        if b is None:
            b = erlang_b_at(load, n)
        if self.patience is None:
            m = erlang_c_from_b(load, n, b, aht, t)
            m["p_abandon"] = np.zeros(load.shape)
            return m
        t0 = self.t0[idx]
        busy = (load > 0) & (n > 0)
        return erlang_a_from_b(self.lam[idx], aht, self.patience[idx], n, t, b,
                               self.sl_definition, t0[busy])


def _search_c(model: _Model, idx: np.ndarray, targets: dict, max_agents: int) -> np.ndarray:
    """Erlang C: forward recursion from a lower bound (see module docstring)."""
    load = model.load[idx]
    n = np.floor(load) + 1.0
    if targets["max_occupancy"] is not None:
        n = np.maximum(n, np.floor(load / targets["max_occupancy"]))
    b = erlang_b_at(load, n)
    result = np.empty(idx.size)
    pos = np.arange(idx.size)
    while pos.size:
        ok = _meets(model.metrics(idx[pos], n, b), targets)
        result[pos[ok]] = n[ok]
        keep = ~ok
        pos, n, b = pos[keep], n[keep] + 1.0, b[keep]
        if pos.size and n.max() > max_agents:
            raise ValueError(f"targets need more than max_agents={max_agents} agents "
                             f"for load_erlangs={load[pos].max()!r}")
        ab = load[pos] * b
        b = ab / (n + ab)
    return result


def _search_a(model: _Model, idx: np.ndarray, targets: dict, max_agents: int) -> np.ndarray:
    """Erlang A: bracket from the Erlang C answer, short walk down, then bisection."""
    load = model.load[idx]
    lo = np.zeros(idx.size)  # n = 0 never counts as staffing a positive load
    if targets["service_level"] is not None and model.sl_definition == "offered":
        lo = np.maximum(lo, np.ceil(targets["service_level"] * load) - 1.0)
    if targets["max_abandon_frac"] is not None:
        lo = np.maximum(lo, np.ceil((1.0 - targets["max_abandon_frac"]) * load) - 1.0)
    no_abandon = _Model(model.lam, model.aht, model.t, None, "offered", model.t0)
    hi = np.maximum(lo + 1.0, _search_c(no_abandon, idx, {**targets, "max_abandon_frac": None},
                                        max_agents))
    _gallop_up(model, idx, lo, hi, targets, max_agents)
    pos = np.flatnonzero(hi - lo > 1)
    for _ in range(_WALK_DOWN_STEPS):  # the answer is usually within a few of the guess
        if not pos.size:
            break
        cand = hi[pos] - 1.0
        ok = _meets(model.metrics(idx[pos], cand), targets)
        hi[pos[ok]] = cand[ok]
        lo[pos[~ok]] = cand[~ok]
        pos = pos[ok][hi[pos[ok]] - lo[pos[ok]] > 1]
    _bisect(model, idx, lo, hi, targets)
    return hi


def _gallop_up(model, idx, lo, hi, targets, max_agents) -> None:
    """Raise ``hi`` in growing steps until feasible, moving ``lo`` along (in place)."""
    step = np.maximum(1.0, np.ceil(np.sqrt(model.load[idx])))
    bad = ~_meets(model.metrics(idx, hi), targets)
    while bad.any():
        if hi[bad].max() > max_agents:
            raise ValueError(f"targets need more than max_agents={max_agents} agents "
                             f"for load_erlangs={model.load[idx][bad].max()!r}")
        lo[bad], hi[bad] = hi[bad], hi[bad] + step[bad]
        step[bad] *= 2.0
        bad[bad] = ~_meets(model.metrics(idx[bad], hi[bad]), targets)


def _bisect(model, idx, lo, hi, targets) -> None:
    """Integer bisection with ``lo`` infeasible and ``hi`` feasible (in place)."""
    open_ = hi - lo > 1
    while open_.any():
        pos = np.flatnonzero(open_)
        mid = np.floor((lo[pos] + hi[pos]) / 2.0)
        ok = _meets(model.metrics(idx[pos], mid), targets)
        hi[pos[ok]] = mid[ok]
        lo[pos[~ok]] = mid[~ok]
        open_ = hi - lo > 1


def _fractional(model: _Model, idx: np.ndarray, n_int: np.ndarray, targets: dict) -> np.ndarray:
    """n* - 1 + f with f from linear interpolation of the binding measure."""
    lo_n = n_int - 1.0
    m_lo, m_hi = model.metrics(idx, lo_n), model.metrics(idx, n_int)
    frac = np.zeros(idx.size)
    checks = (("service_level", "service_level"), ("max_occupancy", "occupancy"),
              ("max_asa_s", "asa_s"), ("max_abandon_frac", "p_abandon"))
    with np.errstate(invalid="ignore", divide="ignore"):
        for key, col in checks:
            if targets[key] is None:
                continue
            lo_v, hi_v = m_lo[col], m_hi[col]
            f = (targets[key] - lo_v) / (hi_v - lo_v)
            f = np.where(np.isfinite(f), f, 1.0)
            frac = np.maximum(frac, np.clip(f, 0.0, 1.0))
    if model.patience is None:  # stability: n > A
        frac = np.maximum(frac, np.clip(model.load[idx] - lo_n, 0.0, 1.0))
    return lo_n + frac


def required_agents(arrival_rate_per_s: ArrayLike, aht_s: ArrayLike, answer_s: ArrayLike = 20.0,
                    service_level: float | None = None, *, patience_s: ArrayLike | None = None,
                    max_occupancy: float | None = None, max_asa_s: float | None = None,
                    max_abandon_frac: float | None = None, sl_definition: str = "offered",
                    short_abandon_s: ArrayLike = 0.0, fractional: bool = False,
                    max_agents: int = 100_000) -> np.ndarray:
    """Smallest number of agents per interval meeting every given target at once.

    Parameters
    ----------
    arrival_rate_per_s : array_like of float, contacts per second, >= 0
    aht_s : array_like of float, seconds, > 0
    answer_s : array_like of float, seconds, >= 0
        Service-level threshold t (used with ``service_level``).
    service_level : float in (0, 1], optional
        Target share answered within ``answer_s`` (definition ``sl_definition``).
    patience_s : array_like of float, seconds, > 0, optional
        Mean exponential patience. None selects Erlang C, otherwise Erlang A.
    max_occupancy : float in (0, 1], optional
    max_asa_s : float, seconds, > 0, optional
        Maximum mean wait over all arrivals.
    max_abandon_frac : float in (0, 1], optional
        Maximum abandonment share (Erlang A only).
    sl_definition : {"offered", "answered", "offered_excl_short_abandons"}
        See :func:`staffing.erlang_a`; all three coincide for Erlang C.
    short_abandon_s : array_like of float, seconds, >= 0
    fractional : bool
        Return fractional agents (interpolated) instead of integers.
    max_agents : int
        Safety cap; exceeding it raises ``ValueError``.

    Returns
    -------
    numpy.ndarray
        int64 agents (float if ``fractional``), broadcast shape of the inputs; 0 where
        the arrival rate is 0.
    """
    targets = _targets(service_level, max_occupancy, max_asa_s, max_abandon_frac, patience_s,
                       sl_definition)
    lam = as_nonneg("arrival_rate_per_s", arrival_rate_per_s)
    aht = as_positive("aht_s", aht_s)
    t = as_nonneg("answer_s", answer_s)
    t0 = as_nonneg("short_abandon_s", short_abandon_s)
    arrays = [lam, aht, t, t0]
    if patience_s is not None:
        arrays.append(as_positive("patience_s", patience_s))
    arrays = np.broadcast_arrays(*arrays)
    shape = arrays[0].shape
    lam, aht, t, t0, *rest = (np.ascontiguousarray(a).ravel() for a in arrays)
    model = _Model(lam, aht, t, rest[0] if rest else None, sl_definition, t0)
    out = np.zeros(lam.size)
    idx = np.flatnonzero(lam > 0)
    if idx.size:
        search = _search_c if patience_s is None else _search_a
        out[idx] = search(model, idx, targets, max_agents)
        if fractional:
            out[idx] = _fractional(model, idx, out[idx], targets)
    return out.reshape(shape) if fractional else out.astype(np.int64).reshape(shape)


def _targets(service_level, max_occupancy, max_asa_s, max_abandon_frac, patience_s,
             sl_definition) -> dict[str, float | None]:
    """Validate the scalar targets."""
    check_fraction("service_level", service_level)
    check_fraction("max_occupancy", max_occupancy)
    check_fraction("max_abandon_frac", max_abandon_frac)
    check_positive("max_asa_s", max_asa_s)
    if sl_definition not in SL_DEFINITIONS:
        raise ValueError(f"sl_definition must be one of {SL_DEFINITIONS}, got {sl_definition!r}")
    if max_abandon_frac is not None and patience_s is None:
        raise ValueError("max_abandon_frac needs patience_s (Erlang A); got patience_s=None")
    given = dict(service_level=service_level, max_occupancy=max_occupancy,
                 max_asa_s=max_asa_s, max_abandon_frac=max_abandon_frac)
    if all(v is None for v in given.values()):
        raise ValueError("required_agents needs at least one target: service_level, "
                         "max_occupancy, max_asa_s or max_abandon_frac; got none")
    return given
