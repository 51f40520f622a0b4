"""Discrete-event engine of a multi-skill contact center, compiled with numba.

One replication is a sweep over three event streams merged by time: arrivals (sorted per
channel, pre-drawn by :mod:`simulation.arrivals`), service completions (a binary min-heap)
and interval boundaries (agents start, stop or change planned channel). Each channel is a
FIFO queue; a contact whose patience ran out while waiting is found *lazily* when the head
of its queue is examined: under FIFO an abandoned contact never affects anyone else, so it
is enough to count it (at its arrival interval) when it reaches the head.

Routing: an arriving contact goes to the eligible agent with the best tier (``planned``:
agents planned on the channel first, then by skill priority; ``skills``: by priority),
then fewest contacts in hand (chat), then longest idle. A freed agent pulls from its
planned channel first (``planned`` routing), then its skills by priority, realtime before
deferred. An agent leaving for a break or the end of a shift finishes the contacts in hand
(no preemption) and takes no new ones. A chat agent holds up to ``k`` contacts of one
channel; a contact starting as the m-th in hand has its handle time stretched by
``factor[m-1]``.
"""

from __future__ import annotations

from collections import namedtuple

import numba as nb
import numpy as np

NO_SKILL = 1_000_000  # rank of a channel the agent is not skilled in
_JIT = dict(nogil=True, cache=True)

# indices of the per-channel, per-interval counters in ``stats[k, c, i]``
OFFERED, ANSWERED, ABANDONED, WITHIN, WAIT_S, BUSY_S, UNANSWERED = range(7)
N_STATS = 7

# Agent state, one array per field (a namedtuple of arrays compiles to a numba tuple).
AgentState = namedtuple("AgentState", "active cur_ch free_since on_duty last_t")


@nb.njit(**_JIT)
def _heap_push(ht, ha, size, t, a):
    i = size
    ht[i] = t
    ha[i] = a
    while i > 0:
        p = (i - 1) >> 1
        if ht[p] <= ht[i]:
            break
        ht[p], ht[i] = ht[i], ht[p]
        ha[p], ha[i] = ha[i], ha[p]
        i = p
    return size + 1


@nb.njit(**_JIT)
def _heap_pop(ht, ha, size):
    size -= 1
    ht[0] = ht[size]
    ha[0] = ha[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        m = left
        if left + 1 < size and ht[left + 1] < ht[left]:
            m = left + 1
        if ht[i] <= ht[m]:
            break
        ht[m], ht[i] = ht[i], ht[m]
        ha[m], ha[i] = ha[i], ha[m]
        i = m
    return size


@nb.njit(**_JIT)
def _pop_queue(c, t, head, nxt, arr_t, arr_p, arr_i, stats):
    """Next waiting contact of channel ``c`` at time ``t`` (-1 if none); drops abandoned."""
    j = head[c]
    while j < nxt[c] and arr_t[j] + arr_p[j] < t:
        stats[ABANDONED, c, arr_i[j]] += 1.0
        j += 1
    head[c] = j
    if j < nxt[c]:
        head[c] = j + 1
        return j
    return -1


@nb.njit(**_JIT)
def _flush_busy(a, t, st, planned, conc, stats, cur_int):
    """Add agent ``a``'s slot-weighted busy time since its last change to ``BUSY_S``."""
    if st.on_duty[a] and st.active[a] > 0 and cur_int >= 0:
        pc = planned[a, cur_int]
        stats[BUSY_S, pc, cur_int] += st.active[a] / conc[st.cur_ch[a]] * (t - st.last_t[a])
    st.last_t[a] = t


@nb.njit(**_JIT)
def _start(a, c, j, t, st, arr_t, arr_h, arr_i, conc, stretch, answer_s, stats, cur_int,
           planned, ht, ha, size):
    _flush_busy(a, t, st, planned, conc, stats, cur_int)
    st.active[a] += 1
    st.cur_ch[a] = c
    wait = t - arr_t[j]
    ia = arr_i[j]
    stats[ANSWERED, c, ia] += 1.0
    stats[WAIT_S, c, ia] += wait
    if wait <= answer_s[c]:
        stats[WITHIN, c, ia] += 1.0
    return _heap_push(ht, ha, size, t + arr_h[j] * stretch[c, st.active[a] - 1], a)


@nb.njit(**_JIT)
def _pull(a, t, st, q, d, stats, cur_int, ht, ha, size):
    """A free or partly free on-duty agent takes waiting work in routing order."""
    head, nxt, arr_t, arr_h, arr_p, arr_i = q
    planned, order, conc, stretch, answer_s, by_plan = d
    if st.active[a] > 0:
        c = st.cur_ch[a]
        while st.active[a] < conc[c]:
            j = _pop_queue(c, t, head, nxt, arr_t, arr_p, arr_i, stats)
            if j < 0:
                break
            size = _start(a, c, j, t, st, arr_t, arr_h, arr_i, conc, stretch, answer_s,
                          stats, cur_int, planned, ht, ha, size)
        return size
    p = planned[a, cur_int] if by_plan else -1
    n_ch = order.shape[1]
    for k in range(-1, n_ch):
        c = p if k < 0 else order[a, k]
        if c < 0 or (k >= 0 and c == p):
            continue
        j = _pop_queue(c, t, head, nxt, arr_t, arr_p, arr_i, stats)
        if j < 0:
            continue
        size = _start(a, c, j, t, st, arr_t, arr_h, arr_i, conc, stretch, answer_s,
                      stats, cur_int, planned, ht, ha, size)
        while st.active[a] < conc[c]:
            j = _pop_queue(c, t, head, nxt, arr_t, arr_p, arr_i, stats)
            if j < 0:
                break
            size = _start(a, c, j, t, st, arr_t, arr_h, arr_i, conc, stretch, answer_s,
                          stats, cur_int, planned, ht, ha, size)
        return size
    return size


@nb.njit(**_JIT)
def _choose_agent(c, st, planned, rank, conc, cur_int, by_plan):
    """Eligible agent for a new contact of channel ``c`` (-1 if none)."""
    best = -1
    best_tier = 0
    best_act = 0
    best_free = 0.0
    for a in range(rank.shape[0]):
        if not st.on_duty[a]:
            continue
        act = st.active[a]
        if act > 0 and (st.cur_ch[a] != c or act >= conc[c]):
            continue
        p = planned[a, cur_int]
        r = rank[a, c]
        if r >= NO_SKILL and p != c:
            continue
        if by_plan:
            tier = 0 if p == c else 1 + r
        else:
            tier = r if r < NO_SKILL else 0
        if (best < 0 or tier < best_tier or (tier == best_tier and (
                act < best_act or (act == best_act and st.free_since[a] < best_free)))):
            best, best_tier, best_act, best_free = a, tier, act, st.free_since[a]
    return best


@nb.njit(**_JIT)
def _boundary(b, t, st, q, d, stats, cur_int, ht, ha, size):
    """Interval ``b`` starts at ``t``: agents come on or go off duty, then pull work."""
    planned, order, conc = d[0], d[1], d[2]
    n_int = planned.shape[1]
    for a in range(planned.shape[0]):
        _flush_busy(a, t, st, planned, conc, stats, cur_int)
        newp = planned[a, b] if b < n_int else -1
        was = st.on_duty[a]
        st.on_duty[a] = newp >= 0
        if st.on_duty[a] and not was and st.active[a] == 0:
            st.free_since[a] = t
    cur_int = min(b, n_int - 1)
    for a in range(planned.shape[0]):
        if st.on_duty[a] and (st.active[a] == 0 or st.active[a] < conc[st.cur_ch[a]]):
            size = _pull(a, t, st, q, d, stats, cur_int, ht, ha, size)
    return size


@nb.njit(**_JIT)
def _arrival(c, t, st, q, d, rank, stats, cur_int, ht, ha, size):
    """Contact ``nxt[c]`` arrives: served at once if the queue is empty and an agent is free."""
    head, nxt, arr_t, arr_h, arr_p, arr_i = q
    planned, order, conc, stretch, answer_s, by_plan = d
    j = nxt[c]
    stats[OFFERED, c, arr_i[j]] += 1.0
    h = head[c]
    while h < j and arr_t[h] + arr_p[h] < t:
        stats[ABANDONED, c, arr_i[h]] += 1.0
        h += 1
    head[c] = h
    nxt[c] = j + 1
    if h == j:  # queue empty: by construction no free eligible agent is waiting otherwise
        a = _choose_agent(c, st, planned, rank, conc, cur_int, by_plan)
        if a >= 0:
            head[c] = j + 1
            size = _start(a, c, j, t, st, arr_t, arr_h, arr_i, conc, stretch, answer_s,
                          stats, cur_int, planned, ht, ha, size)
    return size


@nb.njit(**_JIT)
def run_replication(arr_t, arr_h, arr_p, arr_i, ch_lo, ch_hi, planned, rank, order, conc,
                    stretch, answer_s, by_plan, interval_s, stats):
    """Simulate one replication; accumulate counters into ``stats[N_STATS, C, I]``.

    ``arr_*`` hold arrival time (s from the first interval start), base handle time (s),
    patience (s, ``inf`` = never abandons) and arrival interval; channel ``c`` occupies
    ``[ch_lo[c], ch_hi[c])`` sorted by time. ``planned[a, i]`` is the channel agent ``a``
    works in interval ``i`` (-1 = not working), ``rank[a, c]`` the skill priority
    (``NO_SKILL`` if none) and ``order[a]`` the agent's skills in pull order.
    """
    n_ag, n_int = planned.shape
    n_ch = ch_lo.shape[0]
    st = AgentState(np.zeros(n_ag, np.int64), np.full(n_ag, -1, np.int64),
                    np.zeros(n_ag), np.zeros(n_ag, np.bool_), np.zeros(n_ag))
    cap = n_ag * max(1, conc.max()) + 1
    ht = np.empty(cap)
    ha = np.empty(cap, np.int64)
    head = ch_lo.copy()
    nxt = ch_lo.copy()
    q = (head, nxt, arr_t, arr_h, arr_p, arr_i)
    d = (planned, order, conc, stretch, answer_s, by_plan)
    size = 0
    cur_int = -1
    b = 0
    while True:
        ta = np.inf
        ca = -1
        for c in range(n_ch):
            if nxt[c] < ch_hi[c] and arr_t[nxt[c]] < ta:
                ta = arr_t[nxt[c]]
                ca = c
        tb = b * interval_s if b <= n_int else np.inf
        tc = ht[0] if size > 0 else np.inf
        if tb <= tc and tb <= ta:
            if tb == np.inf:
                break
            size = _boundary(b, tb, st, q, d, stats, cur_int, ht, ha, size)
            cur_int = min(b, n_int - 1)
            b += 1
        elif tc <= ta:
            a = ha[0]
            size = _heap_pop(ht, ha, size)
            _flush_busy(a, tc, st, planned, conc, stats, cur_int)
            st.active[a] -= 1
            if st.active[a] == 0:
                st.cur_ch[a] = -1
                st.free_since[a] = tc
            if st.on_duty[a]:
                size = _pull(a, tc, st, q, d, stats, cur_int, ht, ha, size)
        else:
            size = _arrival(ca, ta, st, q, d, rank, stats, cur_int, ht, ha, size)
    for c in range(n_ch):  # contacts still waiting when the center has closed for good
        for j in range(head[c], nxt[c]):
            k = ABANDONED if arr_p[j] < np.inf else UNANSWERED
            stats[k, c, arr_i[j]] += 1.0


@nb.njit(parallel=True, nogil=True, cache=True)
def run_batch(arr_t, arr_h, arr_p, arr_i, ch_off, planned, rank, order, conc, stretch,
              answer_s, by_plan, interval_s, stats):
    """Run replications in parallel (``prange``); replication ``r`` channel ``c`` arrivals
    are ``[ch_off[r, c], ch_off[r, c + 1])``, agents ``planned[r]``, output ``stats[r]``."""
    n_ch = rank.shape[1]
    for r in nb.prange(ch_off.shape[0]):
        run_replication(arr_t, arr_h, arr_p, arr_i, ch_off[r, :n_ch], ch_off[r, 1:],
                        planned[r], rank, order, conc, stretch, answer_s, by_plan,
                        interval_s, stats[r])
