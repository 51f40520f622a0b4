"""Rolling-origin backtest metrics and interval calibration from its residuals.

Metrics (Hyndman & Koehler 2006, Int. J. Forecasting 22:679):
``WAPE = Σ|a - f| / Σa``, ``MASE = mean|a - f| / mean|y_t - y_{t-m}|`` (in-sample weekly
seasonal naive scale), ``bias = Σ(f - a) / Σa``.

Intervals: residuals are standardized with a negative-binomial-like variance
``Var = f + φ² f²`` (Poisson noise plus multiplicative level error; φ² by the method of
moments), and the empirical quantiles of the standardized residuals give the bounds
(split-conformal calibration, Vovk et al. 2005, "Algorithmic Learning in a Random World").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def wape(actual: np.ndarray, pred: np.ndarray) -> float:
    """Weighted absolute percentage error as a fraction (NaN if no volume)."""
    total = np.sum(actual)
    return float(np.sum(np.abs(actual - pred)) / total) if total > 0 else float("nan")


def bias(actual: np.ndarray, pred: np.ndarray) -> float:
    """Signed relative error Σ(f - a)/Σa (positive = over-forecast)."""
    total = np.sum(actual)
    return float(np.sum(pred - actual) / total) if total > 0 else float("nan")


def seasonal_scale(y: np.ndarray, m: int) -> float:
    """MASE denominator: mean absolute week-over-week change of the training series."""
    if y.size <= m:
        return float("nan")
    d = np.abs(y[m:] - y[:-m])
    d = d[np.isfinite(d)]
    return float(d.mean()) if d.size and d.mean() > 0 else float("nan")


@dataclass(frozen=True)
class IntervalCalibration:
    """Standardized residual quantiles per level: ``{level: (q_lo, q_hi)}`` and φ²."""

    phi2: float
    quantiles: dict[int, tuple[float, float]]

    def bounds(self, mean: np.ndarray, level: int) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds around ``mean`` (lower clipped at 0)."""
        sd = np.sqrt(np.maximum(mean, 0.0) + self.phi2 * mean**2)
        q_lo, q_hi = self.quantiles[level]
        return np.maximum(mean + q_lo * sd, 0.0), np.maximum(mean + q_hi * sd, mean)


def calibrate(
    actual: np.ndarray, pred: np.ndarray, levels: tuple[int, ...], n_blocks: int | None = None
) -> IntervalCalibration:
    """Fit φ² and the standardized-residual quantiles from backtest pairs.

    Errors within a day share the day's level error, so the effective sample size is the
    number of independent blocks (origin-days), ``n_blocks``; the quantile level gets the
    split-conformal finite-sample correction ``(1 - α)(1 + 1/n_blocks)`` (Angelopoulos &
    Bates 2021, arXiv:2107.07511, §1.1). Quantiles are nested across levels and straddle
    0, so ``lo_95 <= lo_80 <= mean <= hi_80 <= hi_95`` always holds.
    """
    from scipy.stats import norm

    ok = np.isfinite(actual) & np.isfinite(pred) & (pred > 0)
    a, f = actual[ok], pred[ok]
    if a.size < 10:
        phi2 = 0.05
        z = np.zeros(0)
    else:
        phi2 = float(max(np.sum((a - f) ** 2 - f) / np.sum(f**2), 0.0))
        z = (a - f) / np.sqrt(f + phi2 * f**2)
    quantiles: dict[int, tuple[float, float]] = {}
    lo_prev, hi_prev = 0.0, 0.0
    for lv in sorted(levels):
        cover = lv / 100 * (1 + 1 / n_blocks) if n_blocks else lv / 100
        alpha = max(1 - cover, 0.0)
        if z.size >= 10:
            q_lo, q_hi = np.quantile(z, [alpha / 2, 1 - alpha / 2])
        else:
            q_hi = float(norm.ppf(1 - (1 - lv / 100) / 2))
            q_lo = -q_hi
        lo_prev, hi_prev = min(float(q_lo), lo_prev), max(float(q_hi), hi_prev)
        quantiles[lv] = (lo_prev, hi_prev)
    return IntervalCalibration(phi2=phi2, quantiles=quantiles)


def coverage(actual: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Share of finite actuals inside ``[lo, hi]``."""
    ok = np.isfinite(actual)
    if not ok.any():
        return float("nan")
    return float(np.mean((actual[ok] >= lo[ok]) & (actual[ok] <= hi[ok])))


def cross_coverage(
    pairs: list[tuple[np.ndarray, np.ndarray]], level: int = 80, days_per_origin: int | None = None
) -> float:
    """Leave-one-origin-out coverage: calibrate on the other origins (with the
    finite-sample correction for ``days_per_origin`` blocks each), test on the held-out one."""
    if len(pairs) < 2:
        return float("nan")
    inside, total = 0, 0
    for k, (a, f) in enumerate(pairs):
        rest_a = np.concatenate([p[0] for j, p in enumerate(pairs) if j != k])
        rest_f = np.concatenate([p[1] for j, p in enumerate(pairs) if j != k])
        n_blocks = (len(pairs) - 1) * days_per_origin if days_per_origin else None
        cal = calibrate(rest_a, rest_f, (level,), n_blocks=n_blocks)
        lo, hi = cal.bounds(f, level)
        ok = np.isfinite(a)
        inside += int(np.sum((a[ok] >= lo[ok]) & (a[ok] <= hi[ok])))
        total += int(ok.sum())
    return inside / total if total else float("nan")
