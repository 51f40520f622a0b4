"""Drawing the contacts of one replication: arrival times, handle times and patience.

Arrivals are a non-homogeneous Poisson process with a rate that is constant within each
interval. They are drawn by time change (Cinlar's method; Law, *Simulation Modeling and
Analysis*, 5th ed., sec. 8.6.2): the points of a unit-rate Poisson process on
``[0, Lambda(T)]`` are mapped through the inverse of the cumulative rate
``Lambda(t)``, which is piecewise linear, so no sorting is needed. Over-dispersion
multiplies each interval's expected volume by an independent gamma variable of mean 1 and
coefficient of variation ``volume_cv`` (a gamma-Poisson, i.e. negative-binomial, count).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import CenterConfig, ChannelSim


@dataclass(frozen=True)
class Contacts:
    """Contacts of one replication, channel by channel, each sorted by arrival time.

    Attributes
    ----------
    arrival_s : arrival time in seconds from the start of the first interval, ``(n,)``.
    handle_s : handle time in seconds before any concurrency stretch, ``(n,)``.
    patience_s : patience in seconds (``inf`` = never abandons), ``(n,)``.
    interval : index of the arrival interval, ``(n,)``.
    offsets : channel ``c`` occupies ``[offsets[c], offsets[c + 1])``, ``(C + 1,)``.
    """

    arrival_s: np.ndarray
    handle_s: np.ndarray
    patience_s: np.ndarray
    interval: np.ndarray
    offsets: np.ndarray


def poisson_arrivals(rng: np.random.Generator, volume: np.ndarray,
                     interval_s: float) -> np.ndarray:
    """Arrival times of a Poisson process with ``volume[i]`` expected arrivals in interval i.

    Parameters
    ----------
    rng : random generator.
    volume : expected arrivals per interval, shape ``(I,)``, >= 0.
    interval_s : interval length in seconds.

    Returns
    -------
    Sorted arrival times in seconds from the start of interval 0, shape ``(n,)``.
    """
    cum = np.concatenate(([0.0], np.cumsum(volume, dtype=float)))
    total = cum[-1]
    if total <= 0:
        return np.empty(0)
    # unit-rate Poisson points on [0, total]: cumulated exponentials, drawn in one block
    # large enough with overwhelming probability, topped up in the rare other case
    n_draw = int(total + 8.0 * np.sqrt(total) + 16)
    pts = np.cumsum(rng.standard_exponential(n_draw))
    while pts[-1] < total:
        more = np.cumsum(rng.standard_exponential(n_draw)) + pts[-1]
        pts = np.concatenate((pts, more))
    pts = pts[: np.searchsorted(pts, total)]
    idx = np.searchsorted(cum, pts, side="right") - 1
    frac = (pts - cum[idx]) / np.asarray(volume, dtype=float)[idx]
    return (idx + frac) * interval_s


def draw_contacts(rng: np.random.Generator, config: CenterConfig, volume: np.ndarray,
                  aht_s: np.ndarray) -> Contacts:
    """Draw every contact of one replication.

    Parameters
    ----------
    rng : random generator of this replication.
    config : center description.
    volume : expected arrivals, shape ``(C, I)`` in ``config.channels`` order.
    aht_s : mean handle time in seconds of contacts arriving in each interval, ``(C, I)``.

    Returns
    -------
    The replication's :class:`Contacts`.
    """
    parts: list[tuple[np.ndarray, ...]] = []
    for c, ch in enumerate(config.channels):
        vol = _dispersed(rng, ch, volume[c])
        t = poisson_arrivals(rng, vol, config.interval_s)
        i = np.minimum((t // config.interval_s).astype(np.int64), volume.shape[1] - 1)
        parts.append((t, _handle(rng, ch, aht_s[c], i), _patience(rng, ch, t.size), i))
    sizes = [p[0].size for p in parts]
    offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    return Contacts(*(np.concatenate([p[k] for p in parts]) for k in range(4)), offsets)


def _dispersed(rng: np.random.Generator, ch: ChannelSim, volume: np.ndarray) -> np.ndarray:
    if ch.volume_cv == 0:
        return volume
    shape = 1.0 / ch.volume_cv**2
    return volume * rng.gamma(shape, 1.0 / shape, volume.shape)


def _handle(rng: np.random.Generator, ch: ChannelSim, aht_s: np.ndarray,
            interval: np.ndarray) -> np.ndarray:
    dist = ch.handle_time
    return dist.sample(rng, interval.size) * (aht_s[interval] / dist.mean)


def _patience(rng: np.random.Generator, ch: ChannelSim, n: int) -> np.ndarray:
    if ch.deferred or ch.patience_s is None:
        return np.full(n, np.inf)
    dist = ch.patience
    return dist.sample(rng, n) * (ch.patience_s / dist.mean)
