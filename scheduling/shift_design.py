"""Shift design: choose shift templates and head counts that cover a per-slot requirement.

This is the minimum shift design problem of Musliu, Schaerf & Slany ("Local search for
shift design", EJOR 153(1), 2004) and Di Gaspero et al. ("The minimum shift design
problem", Annals of OR 155, 2007): given a cyclic horizon of ``days`` days cut into slots,
a requirement per slot and shift types (a window of start times and a window of lengths),
choose shifts ``(start, length)`` and, for every day, how many people start that shift,
minimising

    w_under·(person-minutes short) + w_over·(person-minutes over) + w_shift·(# shifts used)

where a shift counts once when it is staffed on at least one day. Optionally the
average number of duties per week, Σ duties / (Σ worked minutes / (60·avg_hours)), is
kept inside ``[lo, hi]`` (a linear constraint).

CP-SAT model (one builder, one function per family): integer head counts per candidate
shift and day, bounded by the largest requirement the shift touches on that day (more
people only add over-cover), a use literal per shift linked linearly, one coverage
equation per slot, and valid inequalities at the requirement's change points
(:func:`add_change_point_cuts`). :func:`design_shifts` solves it in two phases: first
with only the candidates that start and end at change points (small, usually holds an
optimal design), then with every candidate, warm-started from the first phase.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model, cp_model_helper


@dataclass(frozen=True)
class ShiftType:
    """A shift template: start in [earliest, latest], length in [shortest, longest] (minutes)."""

    name: str
    start_min_earliest: int
    start_min_latest: int
    length_min_shortest: int
    length_min_longest: int

    def __post_init__(self) -> None:
        if self.start_min_latest < self.start_min_earliest:
            raise ValueError(f"start_min_latest must be >= start_min_earliest, got "
                             f"{self.start_min_latest!r} < {self.start_min_earliest!r}")
        if not 0 < self.length_min_shortest <= self.length_min_longest:
            raise ValueError(f"length_min_shortest must be in (0, length_min_longest], got "
                             f"{self.length_min_shortest!r}")


@dataclass(frozen=True)
class DesignWeights:
    """Integer weights: per person-minute short / over, and per shift used."""

    under_per_person_min: int = 1
    over_per_person_min: int = 1
    per_shift: int = 60

    def __post_init__(self) -> None:
        for name in ("under_per_person_min", "over_per_person_min", "per_shift"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"{name} must be an int >= 0, got {value!r}")


@dataclass(frozen=True)
class DutyLimits:
    """Average duties per week must lie in [lo, hi] for employees of ``avg_hours_per_week``."""

    duties_per_week_lo: float
    duties_per_week_hi: float
    avg_hours_per_week: float

    def __post_init__(self) -> None:
        if not 0 <= self.duties_per_week_lo <= self.duties_per_week_hi:
            raise ValueError(f"duties_per_week_lo must be in [0, duties_per_week_hi], got "
                             f"{self.duties_per_week_lo!r}")
        if self.avg_hours_per_week <= 0:
            raise ValueError(f"avg_hours_per_week must be > 0, got {self.avg_hours_per_week!r}")


@dataclass(frozen=True)
class ShiftDesignResult:
    """Designed shifts and their quality.

    ``shifts``: frame ``name, start_min, length_min, day_0 … day_{D-1}`` (head counts);
    ``coverage``: array (days, slots/day) of people on duty; ``components``: objective
    terms (``under_min``, ``over_min``, ``shifts_used``, ``total``); ``status`` is the
    CP-SAT status name; ``best_bound`` the solver's lower bound on ``total``.
    """

    shifts: pd.DataFrame
    coverage: np.ndarray
    components: dict[str, int]
    status: str
    best_bound: float
    wall_s: float

    @property
    def objective(self) -> int:
        return self.components["total"]


def candidate_shifts(shift_types: tuple[ShiftType, ...], slot_min: int) -> list[tuple[str, int, int]]:
    """Distinct ``(type name, start slot of day, length in slots)`` on the slot grid."""
    seen, out = set(), []
    for st in shift_types:
        first = -(-st.start_min_earliest // slot_min)
        for start in range(first, st.start_min_latest // slot_min + 1):
            lo = -(-st.length_min_shortest // slot_min)
            for length in range(lo, st.length_min_longest // slot_min + 1):
                key = (start % (1440 // slot_min), length)
                if key not in seen:
                    seen.add(key)
                    out.append((st.name, *key))
    return out


def change_point_filter(candidates: list[tuple[str, int, int]], requirement: np.ndarray,
                        cyclic: bool = True) -> list[tuple[str, int, int]]:
    """Candidates that start and end at a time of day where the requirement changes.

    In a design without under- or over-cover, on every day (#starts − #ends) at a slot
    boundary equals the change of the requirement there, so shifts start and end at
    change points, or where another shift ends or starts; these candidates usually hold
    an optimal design and make a small, fast first phase.
    """
    flat = requirement.ravel()
    prev = np.roll(flat, 1) if cyclic else np.concatenate([[0], flat[:-1]])
    per_day = requirement.shape[1]
    changes = set((np.flatnonzero(flat != prev) % per_day).tolist())
    return [c for c in candidates if c[1] in changes and (c[1] + c[2]) % per_day in changes]


def _slots(start: int, length: int, day: int, n_slots: int, per_day: int, cyclic: bool) -> np.ndarray:
    """Absolute slot indexes covered by a shift starting on ``day`` (wrapping if cyclic)."""
    idx = day * per_day + start + np.arange(length)
    return idx % n_slots if cyclic else idx[idx < n_slots]


def coverage_of(counts: np.ndarray, candidates: list[tuple[str, int, int]], n_days: int,
                per_day: int, cyclic: bool = True) -> np.ndarray:
    """People on duty per slot, shape (days, slots/day), from head counts (C, days)."""
    cov = np.zeros(n_days * per_day, dtype=int)
    for c, (_, start, length) in enumerate(candidates):
        for d in np.flatnonzero(counts[c]):
            np.add.at(cov, _slots(start, length, d, cov.size, per_day, cyclic), counts[c, d])
    return cov.reshape(n_days, per_day)


def design_objective(requirement: np.ndarray, coverage: np.ndarray, shifts_used: int,
                     weights: DesignWeights, slot_min: int) -> dict[str, int]:
    """Objective terms in person-minutes (Musliu et al. 2004 fitness without duty term)."""
    diff = coverage.astype(int) - requirement.astype(int)
    under = int(np.maximum(-diff, 0).sum()) * slot_min
    over = int(np.maximum(diff, 0).sum()) * slot_min
    total = (weights.under_per_person_min * under + weights.over_per_person_min * over
             + weights.per_shift * shifts_used)
    return {"under_min": under, "over_min": over, "shifts_used": shifts_used, "total": total}


@dataclass
class _Vars:
    count: dict[tuple[int, int], cp_model.IntVar]
    used: list[cp_model.IntVar]
    under: list[cp_model.IntVar]
    over: list[cp_model.IntVar]


def build_design_model(requirement: np.ndarray, candidates: list[tuple[str, int, int]],
                       weights: DesignWeights, slot_min: int, cyclic: bool,
                       duty_limits: DutyLimits | None) -> tuple[cp_model.CpModel, _Vars]:
    """Variables, coverage, shift-use links, optional duty limits, objective."""
    model = cp_model.CpModel()
    n_days, per_day = requirement.shape
    flat = requirement.ravel()
    count, top_of = {}, {}
    for c, (name, start, length) in enumerate(candidates):
        for d in range(n_days):
            slots = _slots(start, length, d, flat.size, per_day, cyclic)
            top = int(flat[slots].max()) if slots.size else 0
            if top > 0:
                count[c, d] = model.NewIntVar(0, top, f"n[{name}@{start}+{length},{d}]")
                top_of[c, d] = top
    used = [model.NewBoolVar(f"used[{c}]") for c in range(len(candidates))]
    add_shift_use(model, count, top_of, used, n_days)
    under, over = add_coverage(model, count, candidates, flat, per_day, cyclic)
    add_change_point_cuts(model, count, used, under, over, candidates, flat, per_day, cyclic)
    if duty_limits is not None:
        add_duty_limits(model, count, candidates, slot_min, duty_limits)
    terms = [(v, weights.under_per_person_min * slot_min) for v in under]
    terms += [(v, weights.over_per_person_min * slot_min) for v in over]
    terms += [(v, weights.per_shift) for v in used]
    model.Minimize(sum(w * v for v, w in terms if w))
    return model, _Vars(count, used, under, over)


def add_shift_use(model: cp_model.CpModel, count: dict, top_of: dict, used: list,
                  n_days: int) -> None:
    """count[c, d] <= ub(c, d)·used[c] (linear, so the LP sees the fixed cost), and
    used[c] <= Σ_d count[c, d] (an unstaffed shift is not counted)."""
    for c, u in enumerate(used):
        keys = [(c, d) for d in range(n_days) if (c, d) in count]
        if not keys:
            model.Add(u == 0)
            continue
        for key in keys:
            model.Add(count[key] <= top_of[key] * u)
        vs = [count[key] for key in keys]
        model.Add(sum(vs) >= u)


def add_coverage(model: cp_model.CpModel, count: dict, candidates: list, flat: np.ndarray,
                 per_day: int, cyclic: bool) -> tuple[list, list]:
    """Σ heads on duty + under − over = requirement, per slot."""
    on_duty: list[list] = [[] for _ in range(flat.size)]
    most = np.zeros(flat.size, dtype=int)  # largest possible head count per slot
    for (c, d), var in count.items():
        _, start, length = candidates[c]
        slots = _slots(start, length, d, flat.size, per_day, cyclic)
        most[slots] += int(flat[slots].max())
        for t in slots:
            on_duty[t].append(var)
    under, over = [], []
    for t, req in enumerate(flat.tolist()):
        u = model.NewIntVar(0, req, f"under[{t}]")
        o = model.NewIntVar(0, max(0, int(most[t]) - req),
                            f"over[{t}]")
        model.Add(sum(on_duty[t]) + u - o == req)
        under.append(u)
        over.append(o)
    return under, over


def add_change_point_cuts(model: cp_model.CpModel, count: dict, used: list, under: list,
                          over: list, candidates: list, flat: np.ndarray, per_day: int,
                          cyclic: bool) -> None:
    """Valid inequalities at every slot boundary where the requirement changes.

    On day ``d`` at boundary ``t`` (between slots t−1 and t) with δ = r[t] − r[t−1] ≠ 0,
    the heads starting minus those ending there equal δ up to the deviation in the two
    slots, hence ``Σ starts + Σ ends + dev(t−1) + dev(t) >= |δ|``; and if no used shift
    starts or ends at that time of day, coverage is flat across it, hence
    ``Σ_{c starts or ends at t} used[c] + dev(t−1) + dev(t) >= 1``. The second family
    gives the LP the set-cover bound on the number of shifts (each covers two change
    times), which the big-M links alone do not.
    """
    n = flat.size
    at_time: dict[int, list[int]] = {}
    for c, (_, start, length) in enumerate(candidates):
        at_time.setdefault(start, []).append(c)
        at_time.setdefault((start + length) % per_day, []).append(c)
    heads: dict[int, list] = {}
    for (c, d), var in count.items():
        _, start, length = candidates[c]
        for t in {d * per_day + start, d * per_day + start + length}:
            if cyclic or t < n:
                heads.setdefault(t % n, []).append(var)
    first = 0 if cyclic else 1
    for t in range(first, n):
        delta = int(flat[t]) - int(flat[t - 1])
        if delta == 0:
            continue
        dev = [under[t], over[t], under[t - 1], over[t - 1]]
        model.Add(sum(heads.get(t, [])) + sum(dev) >= abs(delta))
        model.Add(sum(used[c] for c in at_time.get(t % per_day, [])) + sum(dev) >= 1)


def add_duty_limits(model: cp_model.CpModel, count: dict, candidates: list, slot_min: int,
                    limits: DutyLimits) -> None:
    """lo <= Σ duties·60·avg_h / Σ minutes <= hi, multiplied out (hours scaled by 10)."""
    duties = sum(count.values())
    minutes = sum(v * candidates[c][2] * slot_min for (c, _), v in count.items())
    avg_x10 = round(limits.avg_hours_per_week * 60 * 10)
    model.Add(duties * avg_x10 >= round(limits.duties_per_week_lo * 10) * minutes)
    model.Add(duties * avg_x10 <= round(limits.duties_per_week_hi * 10) * minutes)


def design_shifts(requirement: np.ndarray, shift_types: tuple[ShiftType, ...] | list[ShiftType],
                  weights: DesignWeights, time_limit_s: float = 10.0, *, slot_min: int,
                  cyclic: bool = True, duty_limits: DutyLimits | None = None,
                  workers: int = 2, seed: int = 0) -> ShiftDesignResult:
    """Design shifts and head counts for a per-slot requirement.

    Parameters
    ----------
    requirement : array of int, shape (days, slots_per_day)
        People required per slot; ``slots_per_day * slot_min == 1440``.
    shift_types : sequence of ShiftType
    weights : DesignWeights
    time_limit_s : float
        Wall-clock limit of the whole call (model building included), seconds.
    slot_min : int
        Slot length in minutes; starts and lengths are rounded inward onto this grid.
    cyclic : bool
        Whether shifts running past the last slot wrap to the first (a repeating week).
    duty_limits : DutyLimits, optional
        Keep the average duties per week in range (Musliu et al.'s fourth criterion).

    Raises
    ------
    ValueError
        On a malformed requirement; RuntimeError when the solver finds no design.
    """
    req = np.asarray(requirement)
    if req.ndim != 2 or req.shape[1] * slot_min != 1440:
        raise ValueError(f"requirement must have shape (days, 1440/{slot_min}), got {req.shape!r}")
    if (req < 0).any() or not np.issubdtype(req.dtype, np.integer):
        raise ValueError("requirement must hold integers >= 0")
    if time_limit_s <= 0:
        raise ValueError(f"time_limit_s must be > 0, got {time_limit_s!r}")
    start = time.monotonic()
    # Building counts against the limit; keep a margin for solver overshoot and scoring.
    deadline = start + _BUDGET_FRAC * time_limit_s
    candidates = candidate_shifts(tuple(shift_types), slot_min)
    # Phases: shifts with both ends at change points, then every candidate, each
    # warm-started from the best design so far.
    position = {cand: c for c, cand in enumerate(candidates)}
    phases = [change_point_filter(candidates, req, cyclic), candidates]
    results: list[np.ndarray] = []
    second = None
    for subset, share in zip(phases, _PHASE_FRACS):
        if not subset or (subset is not candidates and len(subset) == len(candidates)):
            continue
        phase_end = min(deadline, time.monotonic() + share * (deadline - start))
        if subset is candidates:
            phase_end = deadline
        rows = [position[cand] for cand in subset]
        hint = _best_counts(results, candidates, req, weights, slot_min, cyclic)
        found = _solve(req, subset, weights, slot_min, cyclic, duty_limits, phase_end,
                       workers, seed, None if hint is None else hint[rows])
        if found is not None:
            counts = np.zeros((len(candidates), req.shape[0]), dtype=int)
            counts[rows] = found[1]
            results.append(counts)
            if subset is candidates:
                second = found
    if not results:
        raise RuntimeError("shift design: no solution found within the time limit")
    # Only the full model's bound is a bound of the problem.
    bound = second[2] if second is not None else 0.0
    return _best_design(results, bound, candidates, req, weights, slot_min,
                        cyclic, wall_s=time.monotonic() - start)


def _best_design(all_counts: list[np.ndarray], bound: float, candidates: list,
                 req: np.ndarray, weights: DesignWeights, slot_min: int, cyclic: bool,
                 wall_s: float) -> ShiftDesignResult:
    """Score every head-count matrix with the evaluator and package the best one."""
    scored = []
    for counts in all_counts:
        cov = coverage_of(counts, candidates, *req.shape, cyclic)
        keep = np.flatnonzero(counts.sum(axis=1) > 0)
        scored.append((design_objective(req, cov, len(keep), weights, slot_min), counts, cov, keep))
    comp, counts, cov, keep = min(scored, key=lambda r: r[0]["total"])
    status = "OPTIMAL" if comp["total"] <= bound else "FEASIBLE"
    frame = pd.DataFrame({
        "name": [candidates[c][0] for c in keep],
        "start_min": [candidates[c][1] * slot_min for c in keep],
        "length_min": [candidates[c][2] * slot_min for c in keep],
        **{f"day_{d}": counts[keep, d] for d in range(req.shape[0])},
    }).sort_values(["start_min", "length_min"], ignore_index=True)
    return ShiftDesignResult(frame, cov, comp, status, bound, wall_s)


_BUDGET_FRAC = 0.94  # share of time_limit_s given to the solver phases
_PHASE_FRACS = (0.8, 0.2)  # time shares: change-point candidates / all candidates


def _best_counts(all_counts: list[np.ndarray], candidates: list, req: np.ndarray,
                 weights: DesignWeights, slot_min: int, cyclic: bool) -> np.ndarray | None:
    """The head-count matrix with the lowest objective, or None."""
    if not all_counts:
        return None
    def total(counts: np.ndarray) -> int:
        cov = coverage_of(counts, candidates, *req.shape, cyclic)
        used = int((counts.sum(axis=1) > 0).sum())
        return design_objective(req, cov, used, weights, slot_min)["total"]
    return min(all_counts, key=total)


def _solve(req: np.ndarray, candidates: list, weights: DesignWeights, slot_min: int,
           cyclic: bool, duty_limits: DutyLimits | None, deadline: float, workers: int,
           seed: int, hint: np.ndarray | None) -> tuple[str, np.ndarray, float, float] | None:
    """Build and solve one model until ``deadline`` (monotonic clock); head counts
    (C, days) or None when nothing was found."""
    model, v = build_design_model(req, candidates, weights, slot_min, cyclic, duty_limits)
    time_limit_s = deadline - time.monotonic()
    if hint is not None:
        for (c, d), var in v.count.items():
            model.AddHint(var, int(hint[c, d]))
        for c, var in enumerate(v.used):
            model.AddHint(var, int(hint[c].sum() > 0))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, float(time_limit_s))
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = int(seed)
    # Two full workers: the full LP (linearization 2) proves these designs optimal, and
    # a second one branching on the LP solution (LP_SEARCH) finds zero-deviation designs
    # far sooner than the default search (DataSet1, hard instances: 4 of 4 at their
    # known value in 7 s versus 0 of 4). Phase 1 often ends early with a proof, which
    # leaves the full candidate set more time.
    solver.parameters.linearization_level = 2
    lp_branch = cp_model_helper.SatParameters()
    lp_branch.name = "lp_branch"
    lp_branch.search_branching = cp_model.LP_SEARCH
    lp_branch.linearization_level = 2
    solver.parameters.subsolver_params.append(lp_branch)
    solver.parameters.subsolvers.extend(["max_lp", "lp_branch"])
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    counts = np.zeros((len(candidates), req.shape[0]), dtype=int)
    for (c, d), var in v.count.items():
        counts[c, d] = solver.Value(var)
    return solver.StatusName(status), counts, solver.BestObjectiveBound(), solver.WallTime()
