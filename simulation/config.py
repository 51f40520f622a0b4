"""Description of the simulated center: distributions, channels and the center config.

These dataclasses only describe the system; the engine (:mod:`simulation.engine`) runs it
and :mod:`simulation.records` turns what happened into frames.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

import numpy as np

CHANNEL_KINDS = ("voice", "chat", "email", "social")
MODES = ("realtime", "deferred")
ROUTINGS = ("planned", "skills")


def _positive(name: str, value: float) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")


@runtime_checkable
class Distribution(Protocol):
    """A positive random duration: ``sample(rng, size)`` and its ``mean``.

    The engine uses a distribution as a *shape*: samples are rescaled so that their mean
    equals the interval's ``aht_s`` (handle time) or the channel's ``patience_s``.
    """

    @property
    def mean(self) -> float: ...

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray: ...


@dataclass(frozen=True)
class Exponential:
    """Exponential distribution with mean ``mean`` (memoryless: M/M/n, Erlang A)."""

    mean: float = 1.0

    def __post_init__(self) -> None:
        _positive("mean", self.mean)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` values, shape ``(size,)``."""
        return rng.standard_exponential(size) * self.mean


@dataclass(frozen=True)
class LogNormal:
    """Lognormal distribution parameterized by its ``mean`` and coefficient of variation.

    With ``sigma^2 = ln(1 + cv^2)`` and ``mu = ln(mean) - sigma^2 / 2`` the moments match
    (Johnson, Kotz & Balakrishnan, *Continuous Univariate Distributions*, ch. 14).
    """

    cv: float = 1.0
    mean: float = 1.0

    def __post_init__(self) -> None:
        _positive("cv", self.cv)
        _positive("mean", self.mean)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` values, shape ``(size,)``."""
        sigma2 = math.log1p(self.cv**2)
        mu = math.log(self.mean) - sigma2 / 2.0
        return rng.lognormal(mu, math.sqrt(sigma2), size)


@dataclass(frozen=True)
class Empirical:
    """Resampling (bootstrap) of observed durations ``values`` in seconds."""

    values: tuple[float, ...]

    def __post_init__(self) -> None:
        arr = np.asarray(self.values, dtype=float)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"values must be a non-empty 1-d sequence, got {self.values!r}")
        if not np.all(np.isfinite(arr)) or np.any(arr < 0) or arr.sum() <= 0:
            raise ValueError("values must be finite, >= 0 and not all zero, "
                             f"got {self.values!r}")
        object.__setattr__(self, "values", tuple(float(v) for v in arr))

    @property
    def mean(self) -> float:
        """Mean of the observed values."""
        return float(np.mean(self.values))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` values with replacement, shape ``(size,)``."""
        return rng.choice(np.asarray(self.values), size=size, replace=True)


@dataclass(frozen=True)
class ChannelSim:
    """One simulated channel (the skill of an agent is the channel name).

    Parameters
    ----------
    channel : channel name, e.g. ``"phone"``.
    kind : ``voice``, ``chat``, ``email`` or ``social``.
    mode : ``realtime`` (customers wait and may abandon) or ``deferred`` (email: queued
        work done only when no realtime contact waits for the agent; never abandons).
    answer_s : service-level threshold in seconds (wait from arrival to the start of
        handling); for deferred work the response deadline.
    service_level : target share answered within ``answer_s``, in (0, 1].
    patience_s : mean patience in seconds; ``None`` = infinite (no abandonment).
    patience : shape of the patience distribution (rescaled to mean ``patience_s``).
    handle_time : shape of the handle-time distribution (rescaled to each interval's
        ``aht_s``); exponential by default.
    concurrency : contacts an agent holds at once (chat ``3``); 1 for voice and email.
    concurrency_aht_factor : handle-time stretch when the contact starts as the
        1st, 2nd, ... concurrent contact; length ``concurrency``, first value 1.0.
    volume_cv : coefficient of variation of a gamma multiplier of mean 1 on the expected
        volume (gamma-Poisson over-dispersion for forecast error); 0 = Poisson.
    volume_cv_per : ``interval`` (an independent multiplier per interval) or ``day`` (one
        per calendar day, the usual shape of forecast error: a whole day runs high or low).
    """

    channel: str
    kind: Literal["voice", "chat", "email", "social"] = "voice"
    mode: Literal["realtime", "deferred"] = "realtime"
    answer_s: float = 20.0
    service_level: float = 0.8
    patience_s: float | None = None
    patience: Distribution = field(default_factory=Exponential)
    handle_time: Distribution = field(default_factory=Exponential)
    concurrency: int = 1
    concurrency_aht_factor: tuple[float, ...] | None = None
    volume_cv: float = 0.0
    volume_cv_per: Literal["interval", "day"] = "interval"

    def __post_init__(self) -> None:
        if not isinstance(self.channel, str) or not self.channel:
            raise ValueError(f"channel must be a non-empty string, got {self.channel!r}")
        if self.kind not in CHANNEL_KINDS:
            raise ValueError(f"kind must be one of {CHANNEL_KINDS}, got {self.kind!r}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.mode!r}")
        _positive("answer_s", self.answer_s)
        if not (0 < self.service_level <= 1):
            raise ValueError(f"service_level must be in (0, 1], got {self.service_level!r}")
        if self.patience_s is not None:
            _positive("patience_s", self.patience_s)
        for name in ("patience", "handle_time"):
            if not isinstance(getattr(self, name), Distribution):
                raise ValueError(f"{name} must have sample(rng, size) and mean, "
                                 f"got {getattr(self, name)!r}")
        if not isinstance(self.concurrency, int) or not 1 <= self.concurrency <= 16:
            raise ValueError(f"concurrency must be an int in [1, 16], got {self.concurrency!r}")
        if self.mode == "deferred" and self.concurrency != 1:
            raise ValueError(f"concurrency must be 1 for deferred mode, got {self.concurrency!r}")
        self._check_factor()
        if not (math.isfinite(self.volume_cv) and self.volume_cv >= 0):
            raise ValueError(f"volume_cv must be >= 0, got {self.volume_cv!r}")
        if self.volume_cv_per not in ("interval", "day"):
            raise ValueError("volume_cv_per must be 'interval' or 'day', "
                             f"got {self.volume_cv_per!r}")

    def _check_factor(self) -> None:
        factor = self.concurrency_aht_factor
        if factor is None:
            object.__setattr__(self, "concurrency_aht_factor", (1.0,) * self.concurrency)
            return
        factor = tuple(float(f) for f in factor)
        if len(factor) != self.concurrency or any(not (f > 0) for f in factor):
            raise ValueError(
                f"concurrency_aht_factor must have {self.concurrency} values > 0, got {factor!r}"
            )
        object.__setattr__(self, "concurrency_aht_factor", factor)

    @property
    def deferred(self) -> bool:
        """True for deferred work (email)."""
        return self.mode == "deferred"


@dataclass(frozen=True)
class CenterConfig:
    """The simulated center: channels, interval length, absence and routing.

    Parameters
    ----------
    channels : one :class:`ChannelSim` per channel, unique names.
    interval_min : interval length in minutes (15 in the sample).
    absence_prob : probability that an agent-day is lost to unplanned absence, in [0, 1).
    routing : ``planned`` (an agent serves the channel the roster planned for it first,
        then its other skills by priority) or ``skills`` (skills by priority only).
    """

    channels: tuple[ChannelSim, ...]
    interval_min: int = 15
    absence_prob: float = 0.0
    routing: Literal["planned", "skills"] = "planned"

    def __post_init__(self) -> None:
        chans = tuple(self.channels)
        if not chans or not all(isinstance(c, ChannelSim) for c in chans):
            raise ValueError(f"channels must be a non-empty tuple of ChannelSim, got {chans!r}")
        if len(chans) > 100:
            raise ValueError(f"channels must number at most 100, got {len(chans)}")
        names = [c.channel for c in chans]
        if len(set(names)) != len(names):
            raise ValueError(f"channels must have unique names, got {names!r}")
        object.__setattr__(self, "channels", chans)
        if not isinstance(self.interval_min, int) or not 1 <= self.interval_min <= 1440:
            raise ValueError(f"interval_min must be an int in [1, 1440], got {self.interval_min!r}")
        if not (0 <= self.absence_prob < 1):
            raise ValueError(f"absence_prob must be in [0, 1), got {self.absence_prob!r}")
        if self.routing not in ROUTINGS:
            raise ValueError(f"routing must be one of {ROUTINGS}, got {self.routing!r}")

    @property
    def names(self) -> tuple[str, ...]:
        """Channel names in config order."""
        return tuple(c.channel for c in self.channels)

    @property
    def interval_s(self) -> float:
        """Interval length in seconds."""
        return 60.0 * self.interval_min
