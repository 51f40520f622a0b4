"""Erlang B and Erlang C (M/M/n) as pure, vectorized functions.

References
----------
* A. K. Erlang (1917); recursion B(0) = 1, B(n) = A B(n-1) / (n + A B(n-1)),
  e.g. Cooper, *Introduction to Queueing Theory*, 2nd ed. (1981).
* Erlang C from Erlang B: C(n, A) = n B / (n - A (1 - B)) for n > A;
  service level SL(t) = 1 - C exp(-(n - A) t / AHT); ASA = C AHT / (n - A)
  (Gans, Koole & Mandelbaum, "Telephone call centers: tutorial, review, and research
  prospects", MSOM 5(2), 2003).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from staffing._checks import as_agents, as_nonneg, as_positive

__all__ = ["erlang_b", "erlang_c"]

_SERIES_MAX_TERMS = 100_000


def erlang_b(load_erlangs: ArrayLike, agents: ArrayLike) -> np.ndarray:
    """Erlang B blocking probability, by one recursion over 0..max(agents).

    The recursion ``B(n) = A B(n-1) / (n + A B(n-1))`` is run once for all elements
    (vectorized across them) up to the largest agent count and each element's value
    is read off at its own ``n``. It is numerically stable (no factorials) and keeps
    full relative precision down to the smallest normal double (e.g. 5e-238).

    Parameters
    ----------
    load_erlangs : array_like of float, Erlangs, >= 0
        Offered load A = arrival rate x mean handle time.
    agents : array_like of int, >= 0
        Number of servers n; broadcast against ``load_erlangs``.

    Returns
    -------
    numpy.ndarray of float
        Blocking probability B(n, A) with the broadcast shape.
    """
    load = as_nonneg("load_erlangs", load_erlangs)
    n = as_agents("agents", agents)
    load, n = np.broadcast_arrays(load, n)
    shape = load.shape
    load, n = load.ravel(), n.ravel()
    out = np.ones(load.shape, dtype=float)
    if load.size == 0:
        return out.reshape(shape)
    order = np.argsort(n, kind="stable")
    n_sorted = n[order]
    b = np.ones(load.shape, dtype=float)
    for k in range(1, int(n_sorted[-1]) + 1):
        ab = load * b
        b = ab / (k + ab)
        lo, hi = np.searchsorted(n_sorted, [k, k + 1])
        if hi > lo:
            idx = order[lo:hi]
            out[idx] = b[idx]
    return out.reshape(shape)


def erlang_b_at(load: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Erlang B at arbitrary ``n`` per element without a recursion from 0 (internal).

    Closed form B(n, A) = p(n; A) / P(N <= n; A) with the Poisson pmf p taken in
    log space (``gammaln``) and the Poisson cdf as the regularized upper incomplete
    gamma ``Q(n + 1, A)`` (``scipy.special.gammaincc``). Where the cdf underflows
    (n far below A) the finite series ``1/B = sum_k prod_{j<k} (n - j)/A`` is used.
    Inputs are validated, same-shape float/int arrays.
    """
    load = np.asarray(load, dtype=float)
    n = np.asarray(n, dtype=float)
    out = np.empty(np.broadcast(load, n).shape, dtype=float)
    load, n = np.broadcast_arrays(load, n)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        log_pmf = n * np.log(load) - load - special.gammaln(n + 1.0)
        cdf = special.gammaincc(n + 1.0, load)
        res = np.exp(log_pmf - np.log(cdf))
    res = np.where(n == 0, 1.0, res)
    res = np.where((load == 0) & (n > 0), 0.0, res)
    small = (cdf < 1e-280) & (n > 0) & (load > 0)
    if small.any():
        res[small] = 1.0 / _inverse_b_series(load[small], n[small])
    out[...] = res
    return out


def _inverse_b_series(load: np.ndarray, n: np.ndarray) -> np.ndarray:
    """1 / B(n, A) = sum_{k=0..n} n! / ((n-k)! A^k), for n well below A (fast convergence)."""
    total = np.ones_like(load)
    term = np.ones_like(load)
    for j in range(_SERIES_MAX_TERMS):
        term = term * np.maximum(n - j, 0.0) / load
        total += term
        if not (term > 1e-17 * total).any():
            break
    return total


def erlang_c_from_b(load: np.ndarray, n: np.ndarray, b: np.ndarray, aht_s: np.ndarray,
                    answer_s: np.ndarray) -> dict[str, np.ndarray]:
    """Erlang C measures given Erlang B values (internal, no validation).

    For n <= A the queue is unstable: p_wait = 1, service_level = 0, asa_s = inf,
    occupancy = 1.
    """
    stable = n > load
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        gap = n - load
        p_wait = np.where(stable, n * b / (n - load * (1.0 - b)), 1.0)
        p_wait = np.clip(p_wait, 0.0, 1.0)
        sl = np.where(stable, 1.0 - p_wait * np.exp(-gap * answer_s / aht_s), 0.0)
        asa = np.where(stable, p_wait * aht_s / gap, np.inf)
        occ = np.where(stable, load / np.where(n > 0, n, 1.0), 1.0)
    idle = load == 0  # no arrivals: nobody waits
    p_wait = np.where(idle, 0.0, p_wait)
    sl = np.where(idle, 1.0, sl)
    asa = np.where(idle, 0.0, asa)
    occ = np.where(idle, 0.0, occ)
    return {"p_wait": p_wait, "service_level": sl, "asa_s": asa, "occupancy": occ}


def erlang_c(arrival_rate_per_s: ArrayLike, aht_s: ArrayLike, agents: ArrayLike,
             answer_s: ArrayLike) -> dict[str, np.ndarray]:
    """Erlang C (M/M/n, infinite patience) measures per element.

    Parameters
    ----------
    arrival_rate_per_s : array_like of float, contacts per second, >= 0
    aht_s : array_like of float, seconds, > 0
        Mean handle time.
    agents : array_like of int, >= 0
        Agents (servers) n.
    answer_s : array_like of float, seconds, >= 0
        Service-level threshold t.

    Returns
    -------
    dict of str to numpy.ndarray
        ``p_wait`` C(n, A); ``service_level`` P(wait <= t) = 1 - C exp(-(n-A) t/AHT);
        ``asa_s`` mean wait over all contacts C AHT/(n-A); ``occupancy`` A/n.
        Under-staffed elements (n <= A) give p_wait 1, service_level 0, asa_s inf and
        occupancy 1; they are evaluated, not errors.
    """
    lam = as_nonneg("arrival_rate_per_s", arrival_rate_per_s)
    aht = as_positive("aht_s", aht_s)
    n = as_agents("agents", agents)
    t = as_nonneg("answer_s", answer_s)
    lam, aht, n, t = np.broadcast_arrays(lam, aht, n, t)
    load = lam * aht
    b = erlang_b(load, n)
    out = erlang_c_from_b(load, n.astype(float), b, aht, t)
    out["load_erlangs"] = load
    return out
