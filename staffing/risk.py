"""Staffing risk under forecast uncertainty (gamma-Poisson demand).

Model: the arrival rate of an interval is uncertain, Lambda ~ Gamma with mean mu (the
point forecast) and coefficient of variation ``cv_frac``; given Lambda, arrivals are
Poisson, so the count is negative binomial with Var N = mu + cv^2 mu^2 (the standard
"doubly stochastic" call-center demand model, Jongbloed & Koole 2001, "Managing
uncertainty in call centres using Poisson mixtures", Applied Stochastic Models in
Business and Industry 17(4); Gans, Koole & Mandelbaum, MSOM 5(2), 2003). Then

* ``required_agents`` for a forecast quantile q staffs for the q-quantile of Lambda;
* the expected service level is the contact-weighted mean E[Lambda SL(Lambda)] / mu,
  computed by Gauss-Legendre quadrature in probability space over the Gamma law;
* the chance of missing the target is P(Lambda > lambda*), where lambda* is the largest
  rate the given agents still serve at the target (SL falls with the rate), found by a
  vectorized bisection.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special, stats

from staffing._checks import as_agents, as_nonneg, as_positive, check_fraction
from staffing.erlang import erlang_b_at, erlang_c_from_b
from staffing.erlang_a import erlang_a_from_b
from staffing.required import required_agents
from staffing.targets import ChannelTarget

__all__ = ["cv_from_interval", "rate_quantile", "expected_service_level", "staffing_risk"]

_P_NODES, _P_WEIGHTS = np.polynomial.legendre.leggauss(16)
_P_NODES, _P_WEIGHTS = 0.5 * (_P_NODES + 1.0), 0.5 * _P_WEIGHTS
_BISECT_STEPS = 32


def cv_from_interval(volume: ArrayLike, lo: ArrayLike, hi: ArrayLike,
                     level: float = 80.0) -> np.ndarray:
    """Coefficient of variation of the rate implied by a forecast interval.

    The central ``level`` % interval [lo, hi] of the count is read as mu +- z sd
    (normal approximation), and the Poisson part is removed:
    cv^2 = max(sd^2 - mu, 0) / mu^2.

    Parameters
    ----------
    volume, lo, hi : array_like of float, contacts per interval, >= 0
    level : float in (0, 100), percent

    Returns
    -------
    numpy.ndarray of float (0 where volume is 0)
    """
    if not 0 < level < 100:
        raise ValueError(f"level must be in (0, 100), got {level!r}")
    mu = as_nonneg("volume", volume)
    lo_a, hi_a = as_nonneg("lo", lo), as_nonneg("hi", hi)
    if np.any(hi_a < lo_a):
        raise ValueError("hi must be >= lo for every interval")
    z = stats.norm.ppf(0.5 + level / 200.0)
    sd = (hi_a - lo_a) / (2.0 * z)
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = np.sqrt(np.maximum(sd**2 - mu, 0.0)) / mu
    return np.where(mu > 0, cv, 0.0)


def rate_quantile(mean: ArrayLike, cv_frac: ArrayLike, quantile: float) -> np.ndarray:
    """q-quantile of a Gamma with the given mean and coefficient of variation.

    Parameters
    ----------
    mean : array_like of float, >= 0 (any rate unit; the result has the same unit)
    cv_frac : array_like of float, >= 0 (0 returns the mean)
    quantile : float in (0, 1)
    """
    if not 0 < quantile < 1:
        raise ValueError(f"quantile must be in (0, 1), got {quantile!r}")
    mu = as_nonneg("mean", mean)
    cv = as_nonneg("cv_frac", cv_frac)
    mu, cv = np.broadcast_arrays(mu, cv)
    with np.errstate(divide="ignore", invalid="ignore"):
        shape = 1.0 / cv**2
        q = special.gammaincinv(shape, quantile) * mu / shape
    return np.where((cv > 0) & (mu > 0), q, mu)


def _service_level(rate, aht, n, answer, patience):
    """Service level per element (internal; arrays broadcast, closed-form Erlang B)."""
    rate, aht, n, answer, patience = np.broadcast_arrays(rate, aht, n, answer, patience)
    load = rate * aht
    b = erlang_b_at(load, n)
    if np.all(np.isnan(patience)):
        return erlang_c_from_b(load, n, b, aht, answer)["service_level"]
    return erlang_a_from_b(rate, aht, patience, n, answer, b)["service_level"]


def expected_service_level(arrival_rate_per_s: ArrayLike, aht_s: ArrayLike, agents: ArrayLike,
                           answer_s: ArrayLike, cv_frac: ArrayLike, target: float | None = None,
                           patience_s: float | None = None) -> dict[str, np.ndarray]:
    """Service level averaged over an uncertain (Gamma) arrival rate.

    Parameters
    ----------
    arrival_rate_per_s : array_like of float, contacts per second, >= 0
        Mean (forecast) rate mu.
    aht_s : array_like of float, seconds, > 0
    agents : array_like of int, >= 0
    answer_s : array_like of float, seconds, >= 0
    cv_frac : array_like of float, >= 0
        Coefficient of variation of the rate.
    target : float in (0, 1], optional
        Service-level target; adds ``p_miss`` = P(SL(Lambda) < target).
    patience_s : float, seconds, > 0, optional
        Erlang A when given, otherwise Erlang C.

    Returns
    -------
    dict of str to numpy.ndarray
        ``expected_service_level`` (contact-weighted), ``service_level_at_mean`` and,
        with a target, ``p_miss``.
    """
    check_fraction("target", target)
    mu = as_nonneg("arrival_rate_per_s", arrival_rate_per_s)
    aht = as_positive("aht_s", aht_s)
    n = as_agents("agents", agents).astype(float)
    t = as_nonneg("answer_s", answer_s)
    cv = as_nonneg("cv_frac", cv_frac)
    pat = np.nan if patience_s is None else float(as_positive("patience_s", patience_s))
    mu, aht, n, t, cv = (np.ravel(a) for a in np.broadcast_arrays(mu, aht, n, t, cv))
    at_mean = _service_level(mu, aht, n, t, pat)
    expected = at_mean.copy()
    uncertain = (cv > 0) & (mu > 0)
    if uncertain.any():
        expected[uncertain] = _gamma_average(mu[uncertain], cv[uncertain], aht[uncertain],
                                             n[uncertain], t[uncertain], pat)
    out = {"expected_service_level": expected, "service_level_at_mean": at_mean}
    if target is not None:
        out["p_miss"] = _p_miss(mu, cv, aht, n, t, pat, target)
    return out


def _gamma_average(mu, cv, aht, n, t, pat) -> np.ndarray:
    """E[Lambda SL(Lambda)] / mu for Lambda ~ Gamma(k = 1/cv^2, mean mu).

    Lambda times the Gamma(k) density is mu times the Gamma(k + 1) density (the
    size-biased law: contacts arrive more often in busy draws), so the weighted mean is
    the plain mean of SL under Gamma(k + 1, scale mu/k), integrated in probability space,
    int_0^1 SL(F^-1(p)) dp, with Gauss-Legendre nodes (``scipy.special.gammaincinv``).
    """
    k = 1.0 / cv**2
    rates = special.gammaincinv(k[:, None] + 1.0, _P_NODES[None, :]) * (mu / k)[:, None]
    sl = _service_level(rates, aht[:, None], n[:, None], t[:, None], pat)
    return sl @ _P_WEIGHTS


def _p_miss(mu, cv, aht, n, t, pat, target) -> np.ndarray:
    """P(SL(Lambda) < target), via the largest rate lambda* meeting the target."""
    lo = np.zeros(mu.size)  # SL(0) = 1 >= target
    hi = np.where(n > 0, n / aht, 0.0)  # load = n: Erlang C gives SL 0
    if not np.all(np.isnan(pat)):
        hi = np.where(n > 0, np.maximum(hi, 1.0 / aht), 0.0)
        for _ in range(60):  # Erlang A stays stable above load n; widen until it misses
            bad = (n > 0) & (_service_level(hi, aht, n, t, pat) >= target)
            if not bad.any():
                break
            hi = np.where(bad, hi * 2.0, hi)
    for _ in range(_BISECT_STEPS):
        mid = 0.5 * (lo + hi)
        ok = _service_level(mid, aht, n, t, pat) >= target
        lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
    with np.errstate(divide="ignore", invalid="ignore"):
        shape = 1.0 / cv**2
        tail = special.gammaincc(shape, lo * shape / mu)
    point_miss = (_service_level(mu, aht, n, t, pat) < target).astype(float)
    return np.where((cv > 0) & (mu > 0), tail, np.where(mu > 0, point_miss, 0.0))


def staffing_risk(requirements: pd.DataFrame, forecast: pd.DataFrame,
                  targets: Sequence[ChannelTarget], interval_min: int, quantile: float = 0.8,
                  level: float = 80.0) -> pd.DataFrame:
    """Risk view of a requirements frame under the forecast's uncertainty.

    Parameters
    ----------
    requirements : pandas.DataFrame
        Output of :func:`staffing.staffing_requirements`.
    forecast : pandas.DataFrame
        ``channel, ds, volume`` and the interval columns ``volume_lo_<level>``,
        ``volume_hi_<level>`` (rows matched on ``channel, ds``).
    targets : sequence of ChannelTarget
    interval_min : int, minutes
    quantile : float in (0, 1)
        Forecast quantile to staff for in ``required_agents_q``.
    level : float, percent
        Which forecast interval gives the uncertainty.

    Returns
    -------
    pandas.DataFrame
        ``channel, ds, cv_frac, expected_service_level, p_miss_target,
        required_agents_q`` for realtime channels' open intervals with demand
        (other rows: NaN, and ``required_agents_q`` = ``required_agents``).
    """
    lo_col, hi_col = f"volume_lo_{level:g}", f"volume_hi_{level:g}"
    missing = [c for c in ("channel", "ds", "volume", lo_col, hi_col) if c not in forecast]
    if missing:
        raise ValueError(f"forecast is missing columns {missing}")
    merged = requirements.merge(forecast[["channel", "ds", lo_col, hi_col]],
                                on=["channel", "ds"], how="left", validate="one_to_one")
    by_name = {t.channel: t for t in targets}
    out = pd.DataFrame({"channel": merged["channel"], "ds": merged["ds"],
                        "cv_frac": np.nan, "expected_service_level": np.nan,
                        "p_miss_target": np.nan,
                        "required_agents_q": merged["required_agents"].to_numpy(np.int64)})
    for channel, rows in merged.groupby("channel", sort=False):
        target = by_name[channel]
        use = rows.index[rows["is_open"] & (rows["volume"] > 0) & rows[lo_col].notna()]
        if target.mode == "deferred" or not len(use):
            continue
        r = merged.loc[use]
        cv = cv_from_interval(r["volume"], r[lo_col], r[hi_col], level)
        res = _channel_risk(r, cv, target, interval_min * 60.0, quantile)
        for col, values in res.items():
            out.loc[use, col] = values
    return out


def _channel_risk(rows: pd.DataFrame, cv: np.ndarray, target: ChannelTarget,
                  interval_s: float, quantile: float) -> dict[str, np.ndarray]:
    """Risk columns for one realtime channel's open intervals (slot model for chat)."""
    rate = rows["volume"].to_numpy(float) / interval_s
    aht = rows["aht_s"].to_numpy(float) * target.full_load_aht_factor
    k = target.concurrency
    res = expected_service_level(rate, aht, rows["required_agents"].to_numpy() * k,
                                 target.answer_s, cv, target.service_level, target.patience_s)
    slots_q = required_agents(rate_quantile(rate, cv, quantile), aht, target.answer_s,
                              target.service_level, patience_s=target.patience_s,
                              max_occupancy=target.max_occupancy, max_asa_s=target.max_asa_s,
                              max_abandon_frac=target.max_abandon_frac,
                              sl_definition=target.sl_definition,
                              short_abandon_s=target.short_abandon_s)
    return {"cv_frac": cv, "expected_service_level": res["expected_service_level"],
            "p_miss_target": res["p_miss"], "required_agents_q": -(-slots_q // k)}
