"""Drawing the contacts of one replication: arrival times, handle times and patience.

Arrivals are a non-homogeneous Poisson process with a rate that is constant within each
interval. They are drawn by time change (Cinlar's method; Law, *Simulation Modeling and
Analysis*, 5th ed., sec. 8.6.2): the points of a unit-rate Poisson process on
``[0, Lambda(T)]`` are mapped through the inverse of the cumulative rate
``Lambda(t)``, which is piecewise linear, in one compiled pass with no sorting. Over-dispersion
multiplies each interval's expected volume by an independent gamma variable of mean 1 and
coefficient of variation ``volume_cv`` (a gamma-Poisson, i.e. negative-binomial, count),
drawn per interval or once per day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

from .config import CenterConfig, ChannelSim


@dataclass(frozen=True)
class Contacts:
    """Contacts of one replication, channel by channel, each sorted by arrival time.

    Attributes
    ----------
    table : ``(n, 4)`` rows of arrival time (s from the start of the first interval),
        handle time (s, before any concurrency stretch), patience (s, ``inf`` = never
        abandons) and arrival interval index (as float), the engine's contact table.
    offsets : channel ``c`` occupies rows ``[offsets[c], offsets[c + 1])``, ``(C + 1,)``.
    """

    table: np.ndarray
    offsets: np.ndarray


@nb.njit(cache=True, nogil=True)
def _time_change(gaps, volume, interval_s, handle_unit, handle_scale, patience, table):
    """Map cumulated unit-rate gaps through the inverse cumulative volume and write the
    contact rows (one pass). Returns the number of contacts, or -1 if ``gaps`` ran out."""
    k = 0
    acc = 0.0
    lo = 0.0
    i = 0
    n_int = volume.size
    for g in gaps:
        acc += g
        while i < n_int and acc >= lo + volume[i]:
            lo += volume[i]
            i += 1
        if i == n_int:
            return k
        table[k, 0] = (i + (acc - lo) / volume[i]) * interval_s
        table[k, 1] = handle_unit[k] * handle_scale[i]
        table[k, 2] = patience[k]
        table[k, 3] = i
        k += 1
    return -1


def channel_contacts(rng: np.random.Generator, ch: ChannelSim, volume: np.ndarray,
                     aht_s: np.ndarray, interval_s: float,
                     day: np.ndarray | None = None) -> np.ndarray:
    """Contacts of one channel: Poisson arrivals with ``volume[i]`` expected in interval i.

    Parameters
    ----------
    rng : random generator.
    ch : the channel (handle-time and patience distributions, over-dispersion).
    volume : expected arrivals per interval, shape ``(I,)``, >= 0.
    aht_s : mean handle time in seconds per arrival interval, shape ``(I,)``.
    interval_s : interval length in seconds.
    day : day index of each interval, shape ``(I,)`` (for ``volume_cv_per="day"``).

    Returns
    -------
    Contact table ``(n, 4)`` (see :class:`Contacts`), sorted by arrival time.
    """
    volume = np.ascontiguousarray(_dispersed(rng, ch, volume, day), dtype=float)
    scale = np.ascontiguousarray(aht_s, dtype=float) / ch.handle_time.mean
    total = float(volume.sum())
    # enough unit-rate gaps with overwhelming probability; redrawn larger otherwise
    n_draw = int(total + 8.0 * np.sqrt(total) + 16)
    while True:
        gaps = rng.standard_exponential(n_draw)
        handle_unit = ch.handle_time.sample(rng, n_draw)
        table = np.empty((n_draw, 4))
        n = _time_change(gaps, volume, float(interval_s), handle_unit, scale,
                         _patience(rng, ch, n_draw), table)
        if n >= 0:
            return table[:n]
        n_draw *= 2


def draw_contacts(rng: np.random.Generator, config: CenterConfig, volume: np.ndarray,
                  aht_s: np.ndarray, day: np.ndarray | None = None) -> Contacts:
    """Draw every contact of one replication.

    Parameters
    ----------
    rng : random generator of this replication.
    config : center description.
    volume : expected arrivals, shape ``(C, I)`` in ``config.channels`` order.
    aht_s : mean handle time in seconds of contacts arriving in each interval, ``(C, I)``.
    day : day index of each interval, ``(I,)``; None = all intervals on one day.

    Returns
    -------
    The replication's :class:`Contacts`.
    """
    parts = [channel_contacts(rng, ch, volume[c], aht_s[c], config.interval_s, day)
             for c, ch in enumerate(config.channels)]
    offsets = np.concatenate(([0], np.cumsum([p.shape[0] for p in parts]))).astype(np.int64)
    return Contacts(parts[0] if len(parts) == 1 else np.concatenate(parts), offsets)


def _dispersed(rng: np.random.Generator, ch: ChannelSim, volume: np.ndarray,
               day: np.ndarray | None) -> np.ndarray:
    if ch.volume_cv == 0:
        return volume
    shape = 1.0 / ch.volume_cv**2
    if ch.volume_cv_per == "interval":
        return volume * rng.gamma(shape, 1.0 / shape, volume.shape)
    day = np.zeros(volume.shape, np.int64) if day is None else day
    return volume * rng.gamma(shape, 1.0 / shape, int(day.max()) + 1)[day]


def _patience(rng: np.random.Generator, ch: ChannelSim, n: int) -> np.ndarray:
    if ch.deferred or ch.patience_s is None:
        return np.full(n, np.inf)
    dist = ch.patience
    return dist.sample(rng, n) * (ch.patience_s / dist.mean)
