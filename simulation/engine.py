"""Discrete-event engine of a multi-skill contact center, compiled with numba.

One replication is a sweep over three event streams merged by time: arrivals (sorted per
channel, pre-drawn by :mod:`simulation.arrivals`), service completions (a binary min-heap)
and interval boundaries (agents start, stop or change planned channel). Each channel is a
FIFO queue; a contact whose patience ran out while waiting is found *lazily* when the head
of its queue is examined: under FIFO an abandoned contact never affects anyone else, so it
is enough to count it (at its arrival interval) when it reaches the head.

Routing: an arriving contact goes to the available agent with the best tier (``planned``:
agents planned on the channel first, then by skill priority; ``skills``: by priority),
then fewest contacts in hand (chat), then longest idle. A freed agent pulls from its
planned channel first (``planned`` routing), then its skills by priority, realtime before
deferred, so deferred work (email) is taken only when none of the agent's realtime queues
has a waiting contact (an agent the roster planned on email takes email first). An agent
leaving for a break or the end of a shift finishes the contacts in hand (no preemption)
and takes no new ones. A chat agent holds up to ``k`` contacts of one channel; a contact
starting as the m-th in hand has its handle time stretched by ``factor[m-1]``. Waits
(ASA, service level, the deferred response deadline) run from arrival to the start of
handling. Contacts still waiting when no agent works any more count as abandoned
(finite patience) or unanswered.

Invariant used for speed: if a channel's queue holds a waiting contact, no agent who
could take it is available (every agent who becomes available first pulls from its
queues), so an arrival only looks for an agent when its queue is empty.
"""

from __future__ import annotations

import numba as nb
import numpy as np

NO_SKILL = 1_000_000  # rank of a channel the agent is not skilled in
_JIT = dict(nogil=True, cache=True, error_model="numpy")
_INLINE = dict(_JIT, inline="always")

# indices of the per-channel, per-interval counters in ``stats[c, i, k]`` (the counters
# of one interval share a cache line)
OFFERED, ANSWERED, ABANDONED, WITHIN, WAIT_S, BUSY_S, UNANSWERED = range(7)
N_STATS = 7
# columns of the contact table ``cont[j]``: arrival (s), handle (s), patience (s), interval
T, HANDLE, PATIENCE, INTERVAL = range(4)
# columns of the agent tables: ``ag[a]`` (int) and ``agt[a]`` (float, seconds)
ACTIVE, CHANNEL, ON_DUTY, PLAN = range(4)
FREE_SINCE, LAST_T = range(2)
# The event handlers are closures inside ``run_replication``: numba inlines closures before
# typing, so the state arrays they share are not passed as arguments. Passing ~20 arrays to
# separate jitted helpers made numba reference-count them on every call (atomic operations
# took a third of the run time and the engine was 5x slower).
# ``avail[c, :count[c]]`` lists the agents that could take a new contact of channel ``c``
# now (``pos[a, c]`` is the agent's place in it, -1 if absent), so routing scans only them.


@nb.njit(**_INLINE)
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


@nb.njit(**_INLINE)
def _sift_down(ht, ha, size):
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


@nb.njit(**_INLINE)
def _heap_pop(ht, ha, size):
    size -= 1
    ht[0] = ht[size]
    ha[0] = ha[size]
    _sift_down(ht, ha, size)
    return size


@nb.njit(**_INLINE)
def _heap_replace_top(ht, ha, size, t, a):
    ht[0] = t
    ha[0] = a
    _sift_down(ht, ha, size)


@nb.njit(**_JIT)
def run_replication(cont, ch_lo, ch_hi, planned, rank, order, conc, stretch, answer_s,
                    by_plan, interval_s, stats):
    """Simulate one replication; accumulate counters into ``stats[C, I, N_STATS]``.

    ``cont[j]`` holds arrival time (s from the first interval start), base handle time
    (s), patience (s, ``inf`` = never abandons) and arrival interval; channel ``c`` rows
    are ``[ch_lo[c], ch_hi[c])`` sorted by time. ``planned[a, i]`` is the channel agent
    ``a`` works in interval ``i`` (-1 = not working), ``rank[a, c]`` the skill priority
    (``NO_SKILL`` if none) and ``order[a]`` the agent's skills in pull order (-1 pad).
    """
    n_ag, n_int = planned.shape
    n_ch = ch_lo.shape[0]
    ag = np.zeros((n_ag, 4), np.int64)
    ag[:, CHANNEL] = -1
    ag[:, PLAN] = -1
    agt = np.zeros((n_ag, 2))
    avail = np.empty((n_ch, n_ag), np.int64)
    count = np.zeros(n_ch, np.int64)
    pos = np.full((n_ag, n_ch), -1, np.int64)
    cap = n_ag * max(1, conc.max()) + 1
    ht = np.empty(cap)
    ha = np.empty(cap, np.int64)
    qp = np.empty((2, n_ch), np.int64)  # first unresolved contact, next to arrive
    qp[0] = ch_lo
    qp[1] = ch_lo
    sc = np.zeros(3, np.int64)  # heap size, current interval, 1 = heap top is a free slot
    sc[1] = -1

    def flush(a, t):
        """Add agent ``a``'s slot-weighted busy time since its last change."""
        if ag[a, ON_DUTY] == 1 and ag[a, ACTIVE] > 0 and sc[1] >= 0:
            stats[ag[a, PLAN], sc[1], BUSY_S] += (
                ag[a, ACTIVE] / conc[ag[a, CHANNEL]] * (t - agt[a, LAST_T]))
        agt[a, LAST_T] = t

    def refresh(a):
        """Recompute agent ``a``'s membership of every channel's available list."""
        act = ag[a, ACTIVE]
        for c in range(n_ch):
            want = ag[a, ON_DUTY] == 1 and (rank[a, c] < NO_SKILL or ag[a, PLAN] == c) and (
                act == 0 or (ag[a, CHANNEL] == c and act < conc[c]))
            k = pos[a, c]
            if want and k < 0:
                pos[a, c] = count[c]
                avail[c, count[c]] = a
                count[c] += 1
            elif not want and k >= 0:
                last = avail[c, count[c] - 1]
                avail[c, k] = last
                pos[last, c] = k
                count[c] -= 1
                pos[a, c] = -1

    def pop_queue(c, t):
        """Next waiting contact of channel ``c`` (-1 if none), counting abandonments."""
        j = qp[0, c]
        while j < qp[1, c] and cont[j, T] + cont[j, PATIENCE] < t:
            stats[c, int(cont[j, INTERVAL]), ABANDONED] += 1.0
            j += 1
        qp[0, c] = j
        if j < qp[1, c]:
            qp[0, c] = j + 1
            return j
        return -1

    def choose(c):
        """Available agent for a new contact of channel ``c`` (-1 if none): best tier,
        then fewest contacts in hand, then longest idle, then lowest index."""
        best, best_tier, best_act, best_free = -1, 0, 0, 0.0
        for k in range(count[c]):
            a = avail[c, k]
            act = ag[a, ACTIVE]
            r = rank[a, c]
            if by_plan:
                tier = 0 if ag[a, PLAN] == c else 1 + r
            else:
                tier = r if r < NO_SKILL else 1  # planned there without the skill
            free = agt[a, FREE_SINCE]
            if (best < 0 or tier < best_tier or (tier == best_tier and (
                    act < best_act or (act == best_act and (
                        free < best_free or (free == best_free and a < best)))))):
                best, best_tier, best_act, best_free = a, tier, act, free
        return best

    def start(a, c, j, t):
        """Agent ``a`` starts contact ``j`` of channel ``c``: record the wait, push the end.
        The caller refreshes the agent's availability afterwards."""
        flush(a, t)
        ag[a, ACTIVE] += 1
        ag[a, CHANNEL] = c
        wait = t - cont[j, T]
        ia = int(cont[j, INTERVAL])
        stats[c, ia, ANSWERED] += 1.0
        stats[c, ia, WAIT_S] += wait
        if wait <= answer_s[c]:
            stats[c, ia, WITHIN] += 1.0
        end = t + cont[j, HANDLE] * stretch[c, ag[a, ACTIVE] - 1]
        if sc[2] == 1:  # reuse the slot of the contact that just ended: one sift, not two
            _heap_replace_top(ht, ha, sc[0], end, a)
            sc[2] = 0
        else:
            sc[0] = _heap_push(ht, ha, sc[0], end, a)

    def pull(a, t):
        """A free or partly free on-duty agent takes waiting work: its current chat channel
        while it has room, else its planned channel (``planned`` routing), then skills."""
        p = ag[a, PLAN] if by_plan else -1
        first = -2 if ag[a, ACTIVE] > 0 else -1
        last = -1 if ag[a, ACTIVE] > 0 else order.shape[1]
        for k in range(first, last):
            c = ag[a, CHANNEL] if k == -2 else (p if k == -1 else order[a, k])
            if c < 0 or (k >= 0 and c == p):
                continue
            took = False
            while ag[a, ACTIVE] < conc[c] and (ag[a, ACTIVE] == 0 or ag[a, CHANNEL] == c):
                j = pop_queue(c, t)
                if j < 0:
                    break
                took = True
                start(a, c, j, t)
            if took:
                break

    def boundary(b, t):
        """Interval ``b`` starts: agents come on or go off duty, then pull work."""
        for a in range(n_ag):
            flush(a, t)
            ag[a, PLAN] = planned[a, b] if b < n_int else -1
            on = ag[a, PLAN] >= 0
            if on and ag[a, ON_DUTY] == 0 and ag[a, ACTIVE] == 0:
                agt[a, FREE_SINCE] = t
            ag[a, ON_DUTY] = 1 if on else 0
        sc[1] = min(b, n_int - 1)
        for a in range(n_ag):
            refresh(a)
        for a in range(n_ag):
            if ag[a, ON_DUTY] == 1 and (ag[a, ACTIVE] == 0 or
                                        ag[a, ACTIVE] < conc[ag[a, CHANNEL]]):
                pull(a, t)
                refresh(a)

    def complete(t):
        """The earliest contact in service ends; its agent pulls more work if on duty."""
        a = ha[0]
        sc[2] = 1
        flush(a, t)
        was_full = conc[ag[a, CHANNEL]] == 1   # one-at-a-time contact: unavailable
        ag[a, ACTIVE] -= 1
        if ag[a, ACTIVE] == 0:
            ag[a, CHANNEL] = -1
            agt[a, FREE_SINCE] = t
        if ag[a, ON_DUTY] == 1:
            pull(a, t)
        if not (was_full and ag[a, ACTIVE] == 1 and conc[ag[a, CHANNEL]] == 1):
            refresh(a)  # (skipped when the agent went straight on to another such contact)
        if sc[2] == 1:
            sc[0] = _heap_pop(ht, ha, sc[0])
            sc[2] = 0

    def arrive(c, t):
        """Contact ``qp[1, c]`` arrives: served at once if its queue is empty and an agent
        is available (if the queue is not empty no eligible agent is, by construction)."""
        j = qp[1, c]
        stats[c, int(cont[j, INTERVAL]), OFFERED] += 1.0
        h = qp[0, c]
        while h < j and cont[h, T] + cont[h, PATIENCE] < t:
            stats[c, int(cont[h, INTERVAL]), ABANDONED] += 1.0
            h += 1
        qp[0, c] = h
        qp[1, c] = j + 1
        if h == j:
            a = choose(c)
            if a >= 0:
                qp[0, c] = j + 1
                start(a, c, j, t)
                refresh(a)

    b = 0
    while True:
        ta, ca = np.inf, -1
        for c in range(n_ch):
            if qp[1, c] < ch_hi[c] and cont[qp[1, c], T] < ta:
                ta, ca = cont[qp[1, c], T], c
        tb = b * interval_s if b <= n_int else np.inf
        tc = ht[0] if sc[0] > 0 else np.inf
        if tb <= tc and tb <= ta:
            if tb == np.inf:
                break
            boundary(b, tb)
            b += 1
        elif tc <= ta:
            complete(tc)
        else:
            arrive(ca, ta)
    for c in range(n_ch):  # contacts still waiting when the center has closed for good
        for j in range(qp[0, c], qp[1, c]):
            k = ABANDONED if cont[j, PATIENCE] < np.inf else UNANSWERED
            stats[c, int(cont[j, INTERVAL]), k] += 1.0


@nb.njit(parallel=True, nogil=True, cache=True, error_model="numpy")
def run_batch(cont, ch_off, planned, rank, order, conc, stretch, answer_s, by_plan,
              interval_s, stats):
    """Run replications in parallel (``prange``); replication ``r`` channel ``c`` contacts
    are rows ``[ch_off[r, c], ch_off[r, c + 1])``, agents ``planned[r]``, output ``stats[r]``."""
    n_ch = rank.shape[1]
    for r in nb.prange(ch_off.shape[0]):
        run_replication(cont, ch_off[r, :n_ch], ch_off[r, 1:], planned[r], rank, order, conc,
                        stretch, answer_s, by_plan, interval_s, stats[r])
