"""Erlang A (M/M/n+M: Poisson arrivals, exponential service and exponential patience).

With mu = 1/AHT, theta = 1/patience, x = n mu / theta, y = lambda / theta and
E = ErlangB(n, lambda/mu), the closed forms of Garnett, Mandelbaum & Reiman (2002) and
Mandelbaum & Zeltyn (2007) are

* A(x, y) = x e^y y^-x gamma(x, y) = M(1, x + 1, y) = 1 + sum_k y^k / ((x+1)...(x+k))
* P(wait) = A E / (1 + (A - 1) E)
* P(abandon | wait) = 1 / (rho A) + 1 - 1 / rho, with rho = y / x
* P(abandon) = theta E[Q] / lambda, so ASA (over all arrivals) = P(abandon) / theta
* the offered wait V of a delayed arrival has e^{-theta V} with density proportional to
  u^{x-1} e^{-y u} on (0, 1); hence P(V > t | wait) = P(x, y e^{-theta t}) / P(x, y)
  and P(served, V <= t | wait) = (x / y) [P(x+1, y) - P(x+1, y e^{-theta t})] / P(x, y),
  with P the regularized lower incomplete gamma.

Everything is evaluated through log A (``scipy.special.gammainc`` / ``gammaln`` in log
space, or the series above where the incomplete gamma would underflow), so 2,000 agents
and 1,500 Erlangs neither overflow nor lose precision.

References
----------
* O. Garnett, A. Mandelbaum, M. Reiman, "Designing a call center with impatient
  customers", MSOM 4(3), 208-227, 2002.
* A. Mandelbaum, S. Zeltyn, "Service engineering in action: the Palm/Erlang-A queue,
  with applications to call centers", in *Advances in Services Innovations*, 2007;
  and "The M/M/n+G queue: summary of performance measures" (technical note, Technion).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from staffing._checks import as_agents, as_nonneg, as_positive
from staffing.erlang import erlang_b

__all__ = ["erlang_a", "SL_DEFINITIONS"]

SL_DEFINITIONS = ("offered", "answered", "offered_excl_short_abandons")
_SERIES_MAX_TERMS = 100_000
_LAGUERRE_NODES, _LAGUERRE_WEIGHTS = np.polynomial.laguerre.laggauss(48)


def log_kummer(x: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``log A(x, z)`` and ``1 - 1/A(x, z)`` for A(x, z) = M(1, x + 1, z) (internal).

    Three exact routes, each where it is accurate to ~1e-13 (checked against mpmath):
    z <= (x + 1)/4: the series for A - 1 (fast geometric convergence); z < x with
    (x - z)^2 / x >= 4: Gauss-Laguerre quadrature of the integral form (there
    ``gammainc`` loses digits for x > 1e6 and underflows further out; otherwise
    P(x, z) >= ~1e-3 and ``gammainc`` is accurate up to x = 1e10); otherwise
    log A = log(Gamma(x+1) e^z z^-x) + log P(x, z) with ``scipy.special.gammainc``.
    """
    x, z = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(z, dtype=float))
    log_a = np.zeros(x.shape)
    frac = np.zeros(x.shape)
    use_series, use_quad, use_gamma = _routes(x, z)
    if use_gamma.any():
        xg, zg = x[use_gamma], z[use_gamma]
        with np.errstate(divide="ignore", under="ignore"):
            log_a_g = _log_scale(xg, zg) + np.log(special.gammainc(xg, zg))
        log_a[use_gamma] = log_a_g
        frac[use_gamma] = -np.expm1(-log_a_g)
    for mask, method in ((use_series, _kummer_series_minus_one),
                         (use_quad, _kummer_laguerre_minus_one)):
        if mask.any():
            a_minus_1 = method(x[mask], z[mask])
            log_a[mask] = np.log1p(a_minus_1)
            frac[mask] = a_minus_1 / (1.0 + a_minus_1)
    return log_a, frac


def _routes(x: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masks: series, Gauss-Laguerre quadrature, incomplete gamma (see log_kummer)."""
    use_series = (z > 0) & (z <= 0.25 * (x + 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = x * (1.0 - z / x) ** 2  # (x - z)^2 / x >= 4: the quadrature is exact
    use_quad = (z > 0) & ~use_series & (z < x) & (gap >= 4.0)
    return use_series, use_quad, (z > 0) & ~use_series & ~use_quad


def _log_scale(x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """log(Gamma(x+1) e^z z^-x), without cancelling huge terms when x and z are large.

    Stirling: log Gamma(x+1) = x log x - x + log(2 pi x)/2 + s(x), so the sum is
    x (d - log1p(d)) + log(2 pi x)/2 + s(x) with d = z/x - 1.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (z - x) / x
        big = x >= 50.0
        xb = np.where(big, x, 50.0)
        stirling = 1 / (12 * xb) - 1 / (360 * xb**3) + 1 / (1260 * xb**5)
        scaled = x * (d - np.log1p(d)) + 0.5 * np.log(2 * np.pi * xb) + stirling
        direct = special.gammaln(x + 1.0) + z - x * np.log(z)
    return np.where(big, scaled, direct)


def _kummer_series_minus_one(x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """sum_{k>=1} z^k / ((x+1)...(x+k)); converges geometrically for z < x + 1."""
    total = np.zeros_like(z)
    term = np.ones_like(z)
    for k in range(1, _SERIES_MAX_TERMS):
        term = term * z / (x + k)
        total += term
        if not (term > 1e-17 * total).any():
            break
    return total


def _laguerre(x: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Quadrature values r(w_i), the scale c and 1 - rho (see _kummer_laguerre_minus_one)."""
    one_minus_rho = 1.0 - z / x
    c = 1.0 / (x * one_minus_rho)
    cw = c[:, None] * _LAGUERRE_NODES[None, :]
    r = np.exp(-z[:, None] * (np.expm1(-cw) + cw))
    return r, cw, one_minus_rho


def _kummer_laguerre_minus_one(x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """A - 1 by Gauss-Laguerre quadrature for z < x away from the critical point.

    With u = exp(-v / x) and v = w / (1 - rho), rho = z / x:
    A = 1/(1 - rho) int_0^inf e^{-w} exp(-z (e^{-c w} - 1 + c w)) dw, c = 1/(x (1 - rho)).
    The second factor is ~exp(-rho w^2 / (2 x (1 - rho)^2)); for x (1 - rho)^2 >= 4 it
    is smooth on the scale of e^{-w} and 48 nodes integrate it to ~1e-14.
    """
    r, _, one_minus_rho = _laguerre(x, z)
    return (r @ _LAGUERRE_WEIGHTS - one_minus_rho) / one_minus_rho


def _series_abandon(x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """P(abandon | wait) = sum_{k>=1} T_{k-1} k/(x+k) / sum_{k>=0} T_k, all terms > 0.

    T_k = z^k / ((x+1)...(x+k)); follows from A = sum T_k and (x/z) T_k =
    T_{k-1} x/(x+k). Used where the series converges fast (z <= (x+1)/4).
    """
    num = np.zeros_like(z)
    den = np.ones_like(z)
    prev = np.ones_like(z)  # T_{k-1}
    for k in range(1, _SERIES_MAX_TERMS):
        num += prev * k / (x + k)
        prev = prev * z / (x + k)
        den += prev
        if not (prev > 1e-17 * den).any():
            break
    return num / den


def _abandon_given_wait(x, y, log_a, frac) -> np.ndarray:
    """P(abandon | wait) = 1 - (x / y)(1 - 1/A) = E[1 - e^{-theta V} | wait].

    Where the series or the quadrature applies, it is summed / integrated directly with
    positive terms (no cancellation, so tiny abandonment under long patience keeps its
    relative precision); elsewhere the closed form is taken in the arrangement that is
    stable for y >= x/2 or y < x/2.
    """
    with np.errstate(over="ignore"):
        out = np.where(y >= 0.5 * x, (y - x) / y + (x / y) * np.exp(-log_a),
                       1.0 - (x / y) * frac)
    series, quad, _ = _routes(x, y)
    if series.any():
        out[series] = _series_abandon(x[series], y[series])
    if quad.any():
        r, cw, _ = _laguerre(x[quad], y[quad])
        weighted = r * _LAGUERRE_WEIGHTS[None, :]
        out[quad] = (weighted * -np.expm1(-cw)).sum(axis=1) / weighted.sum(axis=1)
    return out


def _served_within(x, y, n_mu_t, theta_t, log_a, frac):
    """P(served and V <= t | wait) and P(V > t | wait) for threshold t (internal)."""
    y_t = y * np.exp(-theta_t)
    log_a_t, frac_t = log_kummer(x, y_t)
    ratio = np.exp(-n_mu_t + y * -np.expm1(-theta_t) + log_a_t - log_a)  # P(V>t | wait)
    served = np.clip((x / y) * (frac - frac_t * ratio), 0.0, 1.0)
    return served, np.clip(ratio, 0.0, 1.0)


def erlang_a_from_b(lam, aht, patience, n, t, b, sl_definition="offered",
                    short_abandon_s=0.0) -> dict[str, np.ndarray]:
    """Erlang A measures given Erlang B values ``b`` (internal, inputs validated)."""
    lam, aht, patience, n, t, b = np.broadcast_arrays(lam, aht, patience, n, t, b)
    n = n.astype(float)
    busy = (lam > 0) & (n > 0)
    out = {k: np.zeros(lam.shape) for k in ("p_wait", "p_abandon", "asa_s", "mean_queue")}
    out["service_level"] = np.ones(lam.shape)
    out["occupancy"] = np.zeros(lam.shape)
    nobody = (lam > 0) & (n == 0)  # all arrivals abandon
    out["p_wait"][nobody] = 1.0
    out["p_abandon"][nobody] = 1.0
    out["service_level"][nobody] = 0.0
    out["asa_s"][nobody] = patience[nobody]
    out["mean_queue"][nobody] = (lam * patience)[nobody]
    if not busy.any():
        return out
    lam, aht, pat, n, t, b = (v[busy] for v in (lam, aht, patience, n, t, b))
    x, y = n * pat / aht, lam * pat
    log_a, frac = log_kummer(x, y)
    with np.errstate(over="ignore"):
        p_wait = b / (b + (1.0 - b) * np.exp(-log_a))
    p_ab = np.clip(p_wait * _abandon_given_wait(x, y, log_a, frac), 0.0, 1.0)
    served_t, _ = _served_within(x, y, n * t / aht, t / pat, log_a, frac)
    sl = np.clip(1.0 - p_wait + p_wait * served_t, 0.0, 1.0)
    if sl_definition == "answered":
        sl = np.where(p_ab < 1.0, sl / np.maximum(1.0 - p_ab, 1e-300), 0.0)
    elif sl_definition == "offered_excl_short_abandons":
        t0 = np.broadcast_to(np.asarray(short_abandon_s, dtype=float), lam.shape)
        served_0, beyond_0 = _served_within(x, y, n * t0 / aht, t0 / pat, log_a, frac)
        p_short = p_wait * np.clip(1.0 - served_0 - np.exp(-t0 / pat) * beyond_0, 0.0, 1.0)
        sl = sl / np.maximum(1.0 - p_short, 1e-300)
    values = {
        "p_wait": p_wait,
        "p_abandon": p_ab,
        "service_level": np.clip(sl, 0.0, 1.0),
        "asa_s": p_ab * pat,
        "mean_queue": lam * p_ab * pat,
        "occupancy": np.clip(lam * aht * (1.0 - p_ab) / n, 0.0, 1.0),
    }
    for key, val in values.items():
        out[key][busy] = val
    return out


def erlang_a(arrival_rate_per_s: ArrayLike, aht_s: ArrayLike, patience_s: ArrayLike,
             agents: ArrayLike, answer_s: ArrayLike, sl_definition: str = "offered",
             short_abandon_s: ArrayLike = 0.0) -> dict[str, np.ndarray]:
    """Erlang A (M/M/n+M) measures per element (Garnett, Mandelbaum & Reiman 2002).

    Parameters
    ----------
    arrival_rate_per_s : array_like of float, contacts per second, >= 0
    aht_s : array_like of float, seconds, > 0
        Mean handle time 1/mu.
    patience_s : array_like of float, seconds, > 0
        Mean of the exponential patience 1/theta.
    agents : array_like of int, >= 0
    answer_s : array_like of float, seconds, >= 0
        Service-level threshold t.
    sl_definition : {"offered", "answered", "offered_excl_short_abandons"}
        Denominator of the service level: all arrivals (default; abandoners count as
        not answered), answered contacts only, or arrivals minus those abandoning
        before ``short_abandon_s``.
    short_abandon_s : array_like of float, seconds, >= 0
        Threshold for ``offered_excl_short_abandons``.

    Returns
    -------
    dict of str to numpy.ndarray
        ``p_wait``, ``p_abandon``, ``service_level``, ``asa_s`` (mean wait over all
        arrivals, abandoners included), ``mean_queue`` (E[Q]) and ``occupancy``
        lambda (1 - P(ab)) AHT / n. Under-staffed elements are evaluated, not errors.
    """
    if sl_definition not in SL_DEFINITIONS:
        raise ValueError(f"sl_definition must be one of {SL_DEFINITIONS}, got {sl_definition!r}")
    lam = as_nonneg("arrival_rate_per_s", arrival_rate_per_s)
    aht = as_positive("aht_s", aht_s)
    pat = as_positive("patience_s", patience_s)
    n = as_agents("agents", agents)
    t = as_nonneg("answer_s", answer_s)
    t0 = as_nonneg("short_abandon_s", short_abandon_s)
    lam, aht, pat, n, t, t0 = np.broadcast_arrays(lam, aht, pat, n, t, t0)
    b = erlang_b(lam * aht, n)
    out = erlang_a_from_b(lam, aht, pat, n, t, b, sl_definition, t0[(lam > 0) & (n > 0)])
    out["load_erlangs"] = lam * aht
    return out
