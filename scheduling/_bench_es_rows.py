"""Fast rule-based rows for the Curtois & Qu model: a Lagrangian heuristic per employee.

A single employee's year-long CP-SAT model needs 0.4-1.1 s just to find a feasible row,
too slow to build 100-150 rows within a minute (Instances 23, 24). Here a row is a
shortest path of the dynamic programs of :mod:`scheduling._bench_es_rowdp`, which meet
the fixed days off, the consecutive-shift and days-off limits and the forbidden
successions by construction. The resource rules are handled around them
(:func:`lagrangian_row`):

* weekends beyond the maximum are closed first (the least valuable ones);
* the total-minutes window and the per-type maxima are priced by Lagrange multipliers
  (a bracketing search on the price per minute, batched, and additive prices on
  over-used types: the classic Lagrangian heuristic for resource-constrained shortest
  paths, Beasley & Christofides, Networks 19, 1989);
* when no price lands inside the window (the minutes jump across it: the Lagrangian
  gap) an exact program with the minutes as a state, in a band around the nearest row,
  weekends reopened and priced; else one- and two-day repair moves.

Costs carry a seeded tie-breaking noise far below any weight. Each row is checked by
the caller against the independent evaluator; None sends the caller to CP-SAT.
Measured (construction of every row, one core, shared machine): Instance24 4.5 s with
no CP-SAT fallback, Instance23 3.9 s with one, Instance22 2.0 s with none.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import numpy as np

from scheduling._bench_es_instance import OFF, ShiftSchedulingInstance, hard_violations
from scheduling._bench_es_rowdp import RowProblem, banded_row, shortest_rows

_NOISE = 1e-3  # tie-breaking noise per (day, shift): far below the smallest weight (1)
# Band of the exact program (minutes off the nearest row): its cost grows with the band.
_BAND_FACTOR, _BAND_MIN, _BAND_MAX = 1.5, 1440.0, 7200.0
_BAND_TRIES = 16  # banded solves, raising the prices of over-used types / weekends between
_SAT, _SUN = 5, 6  # weekday index of Saturday / Sunday (day 0 is a Monday)


def _problem(inst: ShiftSchedulingInstance, e: int) -> RowProblem:
    r = inst.staff[e]
    return RowProblem(
        allowed=_allowed_row(inst, e),
        forbidden=inst.forbidden_next, length_min=inst.shift_length_min.astype(float),
        max_shifts=np.array(r.max_shifts), min_total_min=r.min_total_min,
        max_total_min=r.max_total_min, max_run=r.max_consecutive_shifts,
        min_run=max(1, r.min_consecutive_shifts), min_off=max(1, r.min_consecutive_days_off),
        max_weekends=r.max_weekends)


def _allowed_row(inst: ShiftSchedulingInstance, e: int) -> np.ndarray:
    r = inst.staff[e]
    ok = (np.array(r.max_shifts) > 0)[None, :] & ~inst.day_off[e][:, None]
    return ok & (inst.shift_length_min <= r.max_total_min)[None, :]


def marginal_costs(inst: ShiftSchedulingInstance, e: int, others: np.ndarray) -> np.ndarray:
    """(D, S) change of the objective when employee ``e`` works shift s on day d.

    ``others`` (D, S) counts the other employees' shifts: one more person saves the
    under weight while the cover is short and costs the over weight otherwise; the
    requests add the off-request weight and save the on-request weight.
    """
    short = others < inst.cover_required
    cover = np.where(short, -inst.cover_under_weight, inst.cover_over_weight)
    return (cover + inst.off_request_weight[e] - inst.on_request_weight[e]).astype(float)


def _resources(p: RowProblem, row: np.ndarray) -> tuple[float, np.ndarray, int]:
    worked = row != OFF
    counts = np.bincount(row[worked], minlength=len(p.length_min))
    minutes = float(p.length_min[row[worked]].sum())
    sat, sun = worked[_SAT::7], worked[_SUN::7]
    weekends = int((sat[:len(sun)] | sun).sum() + sat[len(sun):].sum())
    return minutes, counts, weekends


def sequence_ok(p: RowProblem, row: np.ndarray) -> bool:
    """Every hard rule of one row (fast vectorized form of :func:`hard_violations`)."""
    worked = row != OFF
    days = np.flatnonzero(worked)
    if not p.allowed[days, row[days]].all():
        return False
    minutes, counts, weekends = _resources(p, row)
    if (counts > p.max_shifts).any() or weekends > p.max_weekends:
        return False
    if not p.min_total_min <= minutes <= p.max_total_min:
        return False
    both = worked[:-1] & worked[1:]
    if p.forbidden[row[:-1][both], row[1:][both]].any():
        return False
    edges = np.flatnonzero(np.diff(worked.astype(np.int8))) + 1
    starts = np.concatenate([[0], edges])
    runs = np.diff(np.concatenate([starts, [len(row)]]))
    is_work = worked[starts]
    inside = (starts > 0) & (starts + runs < len(row))
    if (runs[is_work] > p.max_run).any():
        return False
    if (runs[is_work & inside] < p.min_run).any():
        return False
    return not (runs[~is_work & inside] < p.min_off).any()


def _repair_minutes(p: RowProblem, row: np.ndarray, cost: np.ndarray,
                    max_moves: int = 30, max_checks: int = 2000) -> np.ndarray | None:
    """Move a row's minutes into the window by cheapest one- or two-day changes.

    Candidates set a day, or two consecutive days, to one value (off or a shift) in
    the direction of the window; they are tried cheapest first (landing inside the
    window before merely getting closer) and the first that passes :func:`sequence_ok`
    (window aside) is applied.
    """
    n_d, n_s = cost.shape
    lengths = np.append(p.length_min, 0.0)  # index n_s is "off"
    price = np.append(np.where(p.allowed, cost, np.inf), np.zeros((n_d, 1)), axis=1)
    relaxed = dataclasses.replace(p, min_total_min=0, max_total_min=10**9)
    row = row.copy()
    for _ in range(max_moves):
        minutes = float(p.length_min[row[row != OFF]].sum())
        if p.min_total_min <= minutes <= p.max_total_min:
            return row
        cur = np.where(row == OFF, n_s, row)
        cands = []
        for width in (1, 2):
            m = n_d - width + 1
            old_len = sum(lengths[cur[i:i + m]] for i in range(width))
            old_cost = sum(price[np.arange(i, i + m), cur[i:i + m]] for i in range(width))
            new_len = width * lengths[None, :]
            new_cost = sum(price[i:i + m] for i in range(width))
            after = minutes + new_len - old_len[:, None]  # (m, S+1)
            dist = np.maximum(p.min_total_min - after, 0) + np.maximum(after - p.max_total_min, 0)
            gain = _dist(p, minutes) - dist
            delta = new_cost - old_cost[:, None]
            ok = (gain > 0) & np.isfinite(delta) & _local_ok(p, row, width)
            for d, v in zip(*np.nonzero(ok)):
                cands.append((dist[d, v] > 0, delta[d, v], int(d), int(v), width))
        cands.sort(key=lambda c: (c[0], c[1]))
        for _, _, d, v, width in cands[:max_checks]:
            trial = row.copy()
            trial[d:d + width] = OFF if v == n_s else v
            if sequence_ok(relaxed, trial):
                row = trial
                break
        else:
            return None
    minutes = float(p.length_min[row[row != OFF]].sum())
    return row if p.min_total_min <= minutes <= p.max_total_min else None


def _local_ok(p: RowProblem, row: np.ndarray, width: int) -> np.ndarray:
    """(D - width + 1, S + 1) bool: setting days d..d+width-1 to a value keeps the
    successions and the work-stretch limits at the window's edges (column S: off)."""
    n_d, n_s = len(row), len(p.length_min)
    worked = row != OFF
    end_at = np.zeros(n_d + 1, dtype=int)  # end_at[i + 1]: worked days in a row ending at i
    start_at = np.zeros(n_d + 1, dtype=int)  # start_at[i]: worked days in a row from day i
    for i in range(n_d):
        end_at[i + 1] = end_at[i] + 1 if worked[i] else 0
    for i in range(n_d - 1, -1, -1):
        start_at[i] = start_at[i + 1] + 1 if worked[i] else 0
    first = np.arange(n_d - width + 1)
    after = first + width
    left, right = end_at[first], start_at[after]
    prev = np.where(first > 0, row[np.maximum(first - 1, 0)], OFF)
    nxt = np.where(after < n_d, row[np.minimum(after, n_d - 1)], OFF)
    fb = np.vstack([p.forbidden, np.zeros((1, n_s), dtype=bool)])  # row n_s: "off"
    bad_prev = fb[np.where(prev == OFF, n_s, prev)]  # (m, S): v may not follow prev
    bad_next = fb[:n_s, np.where(nxt == OFF, 0, nxt)].T & (nxt != OFF)[:, None]
    self_ok = np.ones(n_s, dtype=bool) if width == 1 else ~np.diag(p.forbidden)
    work_ok = (~bad_prev & ~bad_next & self_ok[None, :]
               & (left + width + right <= p.max_run)[:, None])
    off_ok = ((left == 0) | (left >= p.min_run) | (left == first)) \
        & ((right == 0) | (right >= p.min_run) | (after + right == n_d))
    return np.hstack([work_ok, off_ok[:, None]])


def _dist(p: RowProblem, minutes: float) -> float:
    return max(p.min_total_min - minutes, 0.0) + max(minutes - p.max_total_min, 0.0)


def _limit_weekends(p: RowProblem, cost: np.ndarray) -> RowProblem:
    """Keep only the ``max_weekends`` most valuable weekends workable (the others off).

    A weekend's value is the best (lowest) cost of working its Saturday or Sunday; the
    weekend maximum then holds by construction instead of through a price.
    """
    n_d = len(p.allowed)
    sats = np.arange(_SAT, n_d, 7)
    if len(sats) <= p.max_weekends:
        return p
    best = np.where(p.allowed, cost, np.inf).min(axis=1)
    value = np.array([best[d:d + 2].min() for d in sats])
    closed = sats[np.argsort(value, kind="stable")[p.max_weekends:]]
    allowed = p.allowed.copy()
    allowed[closed] = False
    allowed[np.minimum(closed + 1, n_d - 1)[closed + 1 < n_d]] = False
    return dataclasses.replace(p, allowed=allowed)


def _grid(cuts: np.ndarray, lo: float, hi: float, n: int) -> np.ndarray:
    """``n`` prices per minute strictly inside (lo, hi): quantiles of the sign-change
    prices ``cuts`` there (many days change together where they cluster), else even."""
    inside = np.unique(cuts[(cuts > lo) & (cuts < hi)])
    if len(inside) < n:
        return np.linspace(lo, hi, n + 2)[1:-1]
    return np.quantile(inside, np.linspace(0, 1, n))


def lagrangian_row(inst: ShiftSchedulingInstance, e: int, others: np.ndarray,
                   rng: np.random.Generator, tries: int = 2) -> np.ndarray | None:
    """A row of employee ``e`` meeting every hard rule, cheap at the margin of ``others``
    (:func:`marginal_costs`); see :func:`cheap_row`."""
    return cheap_row(inst, e, marginal_costs(inst, e, others), rng, tries)


def cheap_row(inst: ShiftSchedulingInstance, e: int, cost: np.ndarray,
              rng: np.random.Generator, tries: int = 2) -> np.ndarray | None:
    """A row of employee ``e`` meeting every hard rule, cheap for ``cost`` (D, S) per
    worked shift (a heuristic: not always the cheapest row).

    Up to ``tries`` runs of :func:`_lagrangian_try`, each with fresh tie-breaking noise
    (it decides which weekends stay open and where the minutes jump); None when all fail.
    """
    for _ in range(tries):
        row = _lagrangian_try(inst, e, cost, rng)
        if row is not None:
            return row
    return None


def _lagrangian_try(inst: ShiftSchedulingInstance, e: int, cost: np.ndarray,
                    rng: np.random.Generator, batch: int = 10,
                    rounds: int = 40) -> np.ndarray | None:
    """One attempt of :func:`cheap_row`: close weekends, search the prices, and
    bridge a Lagrangian gap (:func:`_close_the_gap`) when no price fits."""
    base = cost + rng.uniform(0, _NOISE, cost.shape)
    p = _limit_weekends(_problem(inst, e), base)
    scale = max(1.0, float(np.abs(base[p.allowed]).max(initial=1.0)))
    # Prices per minute at which some (day, shift) changes sign.
    cuts = (-base / p.length_min[None, :])[p.allowed]
    if cuts.size == 0:
        return None
    pad = scale / float(p.length_min.min())  # a margin of prices around the cuts
    search = _PriceSearch(p, base, scale, cuts, pad)
    row = search.run(batch, rounds)
    if row is not None or search.nearest is None:
        return row
    return _close_the_gap(dataclasses.replace(p, allowed=_allowed_row(inst, e)), p, search,
                          2 * batch)


@dataclasses.dataclass
class _PriceSearch:
    """Prices per minute (batched, bracketing the window) and per over-used type."""

    p: RowProblem
    base: np.ndarray
    scale: float
    cuts: np.ndarray
    pad: float
    nearest: np.ndarray | None = None  # best row meeting all but the minutes window
    nearest_dist: float = np.inf  # its minutes outside the window
    mu: np.ndarray | None = None  # prices of the shift types, set by run()

    def run(self, batch: int, rounds: int) -> np.ndarray | None:
        """The cheapest row of the first round holding one that meets every rule."""
        p, cuts, pad = self.p, self.cuts, self.pad
        lams = _grid(cuts, cuts.min() - pad, cuts.max() + pad, batch)
        self.mu = np.zeros(len(p.length_min))
        lam_lo, lam_hi = -np.inf, np.inf  # too many minutes at lam_lo, too few at lam_hi
        for _ in range(rounds):
            rows = shortest_rows(p, self.base[None] + lams[:, None, None] * p.length_min
                                 + self.mu)
            good, excess_max = [], np.zeros_like(self.mu)
            for lam, r in zip(lams, rows):
                minutes, counts, _ = _resources(p, r) if r is not None else (np.nan, 0, 0)
                if r is None or minutes > p.max_total_min:
                    lam_lo = lam_lo if r is None else max(lam_lo, lam)
                    continue  # a higher price per minute is tried anyway
                if minutes < p.min_total_min:
                    lam_hi = min(lam_hi, lam)
                excess = np.maximum(counts - p.max_shifts, 0)
                excess_max = np.maximum(excess_max, excess)
                if not excess.any() and _dist(p, minutes) == 0:
                    good.append(r)
                elif not excess.any() and _dist(p, minutes) < self.nearest_dist:
                    self.nearest, self.nearest_dist = r, _dist(p, minutes)
            if good:
                return min(good, key=lambda r: _row_cost(self.base, r))
            if excess_max.any():
                self.mu += _type_price_step(p, excess_max, self.scale)
                lam_lo, lam_hi = -np.inf, np.inf  # the minutes' response moved
                continue
            width = lams[-1] - lams[0] + pad
            lo = lam_lo if np.isfinite(lam_lo) else lams[0] - width
            hi = lam_hi if np.isfinite(lam_hi) else lams[-1] + width
            if hi - lo < 1e-9 * pad:
                break  # a jump in minutes across the window: no price lands inside
            lams = _grid(cuts, lo, hi, batch)
        return None


def _type_price_step(p: RowProblem, excess: np.ndarray, scale: float) -> np.ndarray:
    """Price rise of over-used shift types: relative to their maximum, never zero."""
    return 0.2 * scale * excess / np.maximum(p.max_shifts, 1) + 1e-3 * scale * (excess > 0)


def _close_the_gap(p_open: RowProblem, p: RowProblem, search: _PriceSearch,
                   batch: int) -> np.ndarray | None:
    """No price landed: the minutes jump across the window between two prices (the
    Lagrangian gap), or the closed weekends leave too few days. The exact banded
    program around the nearest row with all weekends open and priced; else repair moves.
    """
    nearest, nearest_dist, cuts, pad = search.nearest, search.nearest_dist, search.cuts, search.pad
    if nearest_dist > _BAND_MAX / 2:  # a closer reference from the open weekends
        lams = _grid(cuts, cuts.min() - pad, cuts.max() + pad, batch)
        ref_rows = [r for r in shortest_rows(p_open, search.base[None] + lams[:, None, None]
                                             * p.length_min + search.mu) if r is not None]
        dists = [_dist(p, _resources(p, r)[0]) for r in ref_rows]
        if ref_rows and min(dists) < nearest_dist:
            nearest, nearest_dist = ref_rows[int(np.argmin(dists))], min(dists)
    row = _banded_search(p_open, search.base, search.mu, nearest, nearest_dist, search.scale)
    if row is not None or not sequence_ok(dataclasses.replace(
            p, min_total_min=0, max_total_min=10**9), nearest):
        return row
    return _repair_minutes(p, nearest, search.base)


def _banded_search(p: RowProblem, base: np.ndarray, mu: np.ndarray, nearest: np.ndarray,
                   nearest_dist: float, scale: float) -> np.ndarray | None:
    """:func:`banded_row` around ``nearest``, raising the prices of over-used shift
    types and of weekends until its row meets them (at most ``_BAND_TRIES`` solves)."""
    band_min = min(_BAND_FACTOR * nearest_dist + _BAND_MIN, _BAND_MAX)
    nu = 0.0
    for _ in range(_BAND_TRIES):
        row = banded_row(p, base + mu, nearest, band_min, nu)
        if row is None:
            return None
        _, counts, weekends = _resources(p, row)
        excess = np.maximum(counts - p.max_shifts, 0)
        if not excess.any() and weekends <= p.max_weekends:
            return row
        mu = mu + _type_price_step(p, excess, scale)
        if weekends > p.max_weekends:
            nu = 2 * nu if nu > 0 else 0.1 * scale
    return None


def row_is_feasible(inst: ShiftSchedulingInstance, e: int, row: np.ndarray) -> bool:
    """Employee ``e``'s row alone passes the independent evaluator :func:`hard_violations`."""
    one = dataclasses.replace(
        inst, staff=(inst.staff[e],), day_off=inst.day_off[e:e + 1],
        on_request_weight=inst.on_request_weight[e:e + 1],
        off_request_weight=inst.off_request_weight[e:e + 1])
    return not hard_violations(one, row[None, :])


def counts_of(inst: ShiftSchedulingInstance, roster: np.ndarray) -> np.ndarray:
    """(D, S) number of employees on each (day, shift)."""
    return (roster[:, :, None] == np.arange(inst.n_shifts)).sum(axis=0)


def best_response_passes(inst: ShiftSchedulingInstance, roster: np.ndarray, deadline: float,
                         seed: int, max_passes: int, better_row: Callable) -> np.ndarray:
    """Replace one employee's row at a time, in random order, by ``better_row(e, row, others,
    rng)`` (a row strictly cheaper at the margin of the ``others``' (D, S) counts, or None).

    The full objective never gets worse; stops after a pass without change, ``max_passes``
    or at ``deadline`` (``time.monotonic()``).
    """
    rng = np.random.default_rng(seed)
    roster = roster.copy()
    counts = counts_of(inst, roster)
    for _ in range(max_passes):
        changed = False
        for e in rng.permutation(inst.n_employees).tolist():
            if time.monotonic() >= deadline:
                return roster
            others = counts - (roster[e][:, None] == np.arange(inst.n_shifts))
            new = better_row(e, roster[e], others, rng)
            if new is not None:
                roster[e] = new
                counts = others + (new[:, None] == np.arange(inst.n_shifts))
                changed = True
        if not changed:
            break
    return roster


def improve_rows_fast(inst: ShiftSchedulingInstance, roster: np.ndarray, deadline: float,
                      seed: int, max_passes: int = 10) -> np.ndarray:
    """Best-response passes with :func:`lagrangian_row`: a row is replaced when the new
    one is feasible and cheaper at the margin of the others."""
    def better_row(e: int, old: np.ndarray, others: np.ndarray, rng: np.random.Generator):
        new = lagrangian_row(inst, e, others, rng)
        if new is None or not row_is_feasible(inst, e, new):
            return None
        cost = marginal_costs(inst, e, others)
        return new if _row_cost(cost, new) < _row_cost(cost, old) else None

    return best_response_passes(inst, roster, deadline, seed, max_passes, better_row)


def _row_cost(cost: np.ndarray, row: np.ndarray) -> float:
    days = np.flatnonzero(row != OFF)
    return float(cost[days, row[days]].sum())
