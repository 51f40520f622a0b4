"""Dynamic programs for one employee's row (Curtois & Qu rules), compiled with numba.

States per day: ``work k, shift s`` (a work stretch of k days, 1..MaxConsecutiveShifts,
ending today with shift s) and ``off j`` (an off stretch of j days, 1..MinConsecutiveDaysOff,
the last meaning "at least"). Fixed days off, the consecutive-shift and days-off limits
(interior stretches only, as in :mod:`scheduling._bench_es_instance`) and the forbidden
successions hold by construction. Shifts with the same forbidden-successor row are one
predecessor class, so a day costs O(K·S·C) instead of O(K·S²).

* :func:`shortest_rows` — cheapest row for each of B cost tables (the resource rules
  are left to the caller's prices);
* :func:`banded_row` — cheapest row whose total minutes lie in a window, with the
  minutes as a state kept within a band around a reference row (exact inside the band).

The forward passes keep every state's best cost; the backward passes re-derive each
predecessor on the path, which needs no parent arrays.
"""

from __future__ import annotations

import dataclasses
import math

import numba as nb
import numpy as np

_INF = 1e18


@dataclasses.dataclass(frozen=True)
class RowProblem:
    """One employee's rules in the form the dynamic program reads."""

    allowed: np.ndarray  # (D, S) bool
    forbidden: np.ndarray  # (S, S) bool, forbidden[s, t]: t may not follow s
    length_min: np.ndarray  # (S,)
    max_shifts: np.ndarray  # (S,)
    min_total_min: int
    max_total_min: int
    max_run: int
    min_run: int
    min_off: int
    max_weekends: int



def _classes(p: RowProblem) -> tuple[np.ndarray, np.ndarray]:
    """Predecessor class of each shift and the (class, next shift) forbidden table."""
    _, cls_of = np.unique(p.forbidden, axis=0, return_inverse=True)
    cls_of = cls_of.ravel().astype(np.int64)
    blocked = np.zeros((int(cls_of.max()) + 1, p.forbidden.shape[1]), dtype=np.bool_)
    blocked[cls_of] = p.forbidden
    return cls_of, blocked


def shortest_rows(p: RowProblem, cost: np.ndarray) -> list:
    """Cheapest row meeting the sequence rules for each of B cost tables.

    ``cost`` (B, D, S) prices working shift s on day d (off days cost 0). Returns B
    rows (None where no row exists).
    """
    cls_of, blocked = _classes(p)
    rows, found = _dp_kernel(np.ascontiguousarray(cost, dtype=np.float64),
                             np.ascontiguousarray(p.allowed), np.ascontiguousarray(p.forbidden),
                             cls_of, blocked, p.max_run, p.min_run, p.min_off)
    return [rows[b] if found[b] else None for b in range(len(rows))]


@nb.njit(cache=True)
def _dp_kernel(cost, allowed, forbidden, cls_of, blocked, max_run, min_run, min_off):
    """Forward pass over the days keeping every state's best cost, then a backward pass
    that re-derives the best predecessor of each state on the path."""
    n_b, n_d, n_s = cost.shape
    n_c = blocked.shape[0]
    rows = np.full((n_b, n_d), -1, dtype=np.int64)
    found = np.zeros(n_b, dtype=np.bool_)
    work = np.empty((n_d, max_run, n_s))
    off = np.empty((n_d, min_off))
    best_cls = np.empty(n_c)
    for b in range(n_b):
        work[0] = _INF
        off[0] = _INF
        off[0, 0] = 0.0
        for s in range(n_s):
            if allowed[0, s]:
                work[0, 0, s] = cost[b, 0, s]
        for d in range(1, n_d):
            best_end = _best_end(work[d - 1], d, min_run)[0]
            best_start = _best_start(off[d - 1], d, min_off)[0]
            for s in range(n_s):
                c = cost[b, d, s] if allowed[d, s] else _INF
                work[d, 0, s] = min(best_start + c, _INF)
            for k in range(1, max_run):
                best_cls[:] = _INF
                for s in range(n_s):
                    best_cls[cls_of[s]] = min(best_cls[cls_of[s]], work[d - 1, k - 1, s])
                for t in range(n_s):
                    best = _INF
                    for c_i in range(n_c):
                        if not blocked[c_i, t]:
                            best = min(best, best_cls[c_i])
                    c = cost[b, d, t] if allowed[d, t] else _INF
                    work[d, k, t] = min(best + c, _INF)
            if min_off == 1:
                off[d, 0] = min(off[d - 1, 0], best_end)
            else:
                off[d, 0] = best_end
                for j in range(1, min_off - 1):
                    off[d, j] = off[d - 1, j - 1]
                off[d, min_off - 1] = min(off[d - 1, min_off - 2], off[d - 1, min_off - 1])
        found[b] = _backtrack(work, off, forbidden, min_run, min_off, rows[b])
    return rows, found


@nb.njit(cache=True)
def _best_end(work_prev, d, min_run):
    """Best (cost, k, s) of a work stretch that may end before day ``d``: long enough,
    or begun on day 0 (length k + 1 == d)."""
    best, bk, bs = _INF, -1, -1
    for k in range(work_prev.shape[0]):
        if k + 1 >= min_run or k + 1 == d:
            for s in range(work_prev.shape[1]):
                if work_prev[k, s] < best:
                    best, bk, bs = work_prev[k, s], k, s
    return best, bk, bs


@nb.njit(cache=True)
def _best_start(off_prev, d, min_off):
    """Best (cost, j) of an off stretch a work stretch may follow on day ``d``."""
    best, bj = _INF, -1
    for j in range(off_prev.shape[0]):
        if (j + 1 >= min_off or j + 1 == d) and off_prev[j] < best:
            best, bj = off_prev[j], j
    return best, bj


@nb.njit(cache=True)
def _backtrack(work, off, forbidden, min_run, min_off, row):
    n_d, max_run, n_s = work.shape
    best, working, a, s_ = _INF, False, 0, 0
    for k in range(max_run):
        for s in range(n_s):
            if work[n_d - 1, k, s] < best:
                best, working, a, s_ = work[n_d - 1, k, s], True, k, s
    for j in range(min_off):
        if off[n_d - 1, j] < best:
            best, working, a = off[n_d - 1, j], False, j
    if best >= _INF / 2:
        return False
    for d in range(n_d - 1, 0, -1):
        if working:
            row[d] = s_
            if a > 0:
                bv, bs = _INF, -1
                for s in range(n_s):
                    if not forbidden[s, s_] and work[d - 1, a - 1, s] < bv:
                        bv, bs = work[d - 1, a - 1, s], s
                a, s_ = a - 1, bs
            else:
                working, a = False, _best_start(off[d - 1], d, min_off)[1]
            continue
        if a == min_off - 1:  # the capped state: from itself or from the one below
            stay = off[d - 1, a]
            other = off[d - 1, a - 1] if a > 0 else _best_end(work[d - 1], d, min_run)[0]
            if stay <= other:
                continue
        if a > 0:
            a -= 1
            continue
        _, k, s = _best_end(work[d - 1], d, min_run)
        working, a, s_ = True, k, s
    if working:
        row[0] = s_
    return True


def banded_row(p: RowProblem, cost: np.ndarray, reference: np.ndarray,
               band_min: float, weekend_price: float = 0.0) -> np.ndarray | None:
    """Cheapest row for ``cost`` (D, S) whose total minutes lie in the window.

    The minutes worked up to each day may differ from those of ``reference`` (a row,
    ``-1`` off) by at most ``band_min``; inside that band the search is exact. A worked
    weekend costs ``weekend_price`` (Saturday worked, or Sunday after an off Saturday;
    day 0 is a Monday). None when no row of the band meets the window.
    """
    unit = math.gcd(*(int(v) for v in p.length_min))
    units = (p.length_min // unit).astype(np.int64)
    ref_units = np.where(reference >= 0, units[np.maximum(reference, 0)], 0).astype(np.int64)
    half = int(band_min // unit)
    lo = -(-p.min_total_min // unit) - int(ref_units.sum()) + half  # window as offsets
    hi = p.max_total_min // unit - int(ref_units.sum()) + half
    if hi < 0 or lo > 2 * half:
        return None
    cls_of, blocked = _classes(p)
    row = np.full(len(reference), -1, dtype=np.int64)
    found = _band_kernel(np.ascontiguousarray(cost, dtype=np.float64),
                         np.ascontiguousarray(p.allowed), np.ascontiguousarray(p.forbidden),
                         cls_of, blocked, units, ref_units, half, max(lo, 0), min(hi, 2 * half),
                         p.max_run, p.min_run, p.min_off, float(weekend_price), row)
    return row if found else None


@nb.njit(cache=True)
def _band_kernel(cost, allowed, forbidden, cls_of, blocked, units, ref_units, half, lo, hi,
                 max_run, min_run, min_off, weekend_price, row):
    """Like :func:`_dp_kernel` for one cost table, with a last state index r: the minutes
    so far minus the reference's, in units, shifted by ``half`` (0..2·half)."""
    n_d, n_s = cost.shape
    n_c, n_r = blocked.shape[0], 2 * half + 1
    work = np.full((n_d, max_run, n_s, n_r), _INF)
    off = np.full((n_d, min_off, n_r), _INF)
    best_cls = np.empty(n_c)
    off[0, 0, half - ref_units[0]] = 0.0 if 0 <= half - ref_units[0] < n_r else _INF
    for s in range(n_s):
        r = half + units[s] - ref_units[0]
        if allowed[0, s] and 0 <= r < n_r:
            work[0, 0, s, r] = cost[0, s]
    for d in range(1, n_d):
        sat = weekend_price if d % 7 == 5 else 0.0  # any work on a Saturday
        new_we = weekend_price if d % 7 in (5, 6) else 0.0  # a stretch begun on Sat/Sun
        for r in range(n_r):
            r_off = r - ref_units[d]
            best_end = _best_end(work[d - 1, :, :, r], d, min_run)[0]
            best_start = _best_start(off[d - 1, :, r], d, min_off)[0]
            if 0 <= r_off < n_r:
                if min_off == 1:
                    off[d, 0, r_off] = min(off[d - 1, 0, r], best_end)
                else:
                    off[d, 0, r_off] = best_end
                    for j in range(1, min_off - 1):
                        off[d, j, r_off] = off[d - 1, j - 1, r]
                    off[d, min_off - 1, r_off] = min(off[d - 1, min_off - 2, r],
                                                     off[d - 1, min_off - 1, r])
            for t in range(n_s):
                r_t = r + units[t] - ref_units[d]
                if allowed[d, t] and 0 <= r_t < n_r:
                    work[d, 0, t, r_t] = min(best_start + cost[d, t] + new_we, _INF)
            for k in range(1, max_run):
                best_cls[:] = _INF
                for s in range(n_s):
                    best_cls[cls_of[s]] = min(best_cls[cls_of[s]], work[d - 1, k - 1, s, r])
                for t in range(n_s):
                    r_t = r + units[t] - ref_units[d]
                    if not allowed[d, t] or r_t < 0 or r_t >= n_r:
                        continue
                    best = _INF
                    for c_i in range(n_c):
                        if not blocked[c_i, t]:
                            best = min(best, best_cls[c_i])
                    work[d, k, t, r_t] = min(best + cost[d, t] + sat, _INF)
    return _band_backtrack(work, off, forbidden, units, ref_units, lo, hi, min_run, min_off, row)


@nb.njit(cache=True)
def _band_backtrack(work, off, forbidden, units, ref_units, lo, hi, min_run, min_off, row):
    n_d, max_run, n_s, n_r = work.shape
    best, working, a, s_, r = _INF, False, 0, 0, 0
    for rr in range(lo, hi + 1):
        for k in range(max_run):
            for s in range(n_s):
                if work[n_d - 1, k, s, rr] < best:
                    best, working, a, s_, r = work[n_d - 1, k, s, rr], True, k, s, rr
        for j in range(min_off):
            if off[n_d - 1, j, rr] < best:
                best, working, a, r = off[n_d - 1, j, rr], False, j, rr
    if best >= _INF / 2:
        return False
    for d in range(n_d - 1, 0, -1):
        if working:
            row[d] = s_
            r -= units[s_] - ref_units[d]
            if a > 0:
                bv, bs = _INF, -1
                for s in range(n_s):
                    if not forbidden[s, s_] and work[d - 1, a - 1, s, r] < bv:
                        bv, bs = work[d - 1, a - 1, s, r], s
                a, s_ = a - 1, bs
            else:
                working, a = False, _best_start(off[d - 1, :, r], d, min_off)[1]
            continue
        r += ref_units[d]
        if a == min_off - 1:  # the capped state: from itself or from the one below
            stay = off[d - 1, a, r]
            other = off[d - 1, a - 1, r] if a > 0 else _best_end(work[d - 1, :, :, r], d,
                                                                  min_run)[0]
            if stay <= other:
                continue
        if a > 0:
            a -= 1
            continue
        _, k, s = _best_end(work[d - 1, :, :, r], d, min_run)
        working, a, s_ = True, k, s
    if working:
        row[0] = s_
    return True
