"""Per-channel staffing targets (the config the pipeline builds from the scenario file)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from staffing._checks import check_fraction, check_positive
from staffing.erlang_a import SL_DEFINITIONS

__all__ = ["ChannelTarget", "KINDS", "MODES"]

KINDS = ("voice", "chat", "email", "social")
MODES = ("realtime", "deferred")


@dataclass(frozen=True)
class ChannelTarget:
    """Service targets and staffing parameters of one channel.

    Parameters
    ----------
    channel : str
        Channel name as in the forecast frame (``phone``, ``chat``...).
    kind : {"voice", "chat", "email", "social"}
    mode : {"realtime", "deferred"}
        ``realtime`` contacts queue (Erlang C or A); ``deferred`` work (email, tickets)
        is worked from a backlog within the ``answer_s`` deadline in open hours.
    service_level : float in (0, 1]
        Target share answered within ``answer_s`` (realtime) or within the deadline.
    answer_s : float, seconds, > 0
        Service-level threshold (realtime) or response deadline (deferred).
    patience_s : float, seconds, > 0, optional
        Mean exponential patience; None selects Erlang C, otherwise Erlang A.
    concurrency : int, >= 1
        Contacts one agent handles at once (chat, social).
    concurrency_aht_factor : tuple of float
        Handle-time stretch at 1, 2, ..., ``concurrency`` simultaneous contacts, each
        > 0; empty means no stretch. Must have ``concurrency`` entries if given.
    max_occupancy : float in (0, 1], optional
    max_abandon_frac : float in (0, 1], optional
        Needs ``patience_s``.
    max_asa_s : float, seconds, > 0, optional
    shrinkage_frac : float in [0, 1)
        Absence, meetings, coaching (breaks are in the roster).
    surge_buffer_frac : float in [0, 1]
        Extra cover for peaks.
    sl_definition : {"offered", "answered", "offered_excl_short_abandons"}
    short_abandon_s : float, seconds, >= 0
        Threshold for ``offered_excl_short_abandons``.
    """

    channel: str
    kind: str
    mode: str
    service_level: float
    answer_s: float
    patience_s: float | None = None
    concurrency: int = 1
    concurrency_aht_factor: tuple[float, ...] = ()
    max_occupancy: float | None = None
    max_abandon_frac: float | None = None
    max_asa_s: float | None = None
    shrinkage_frac: float = 0.0
    surge_buffer_frac: float = 0.0
    sl_definition: str = "offered"
    short_abandon_s: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.channel, str) or not self.channel:
            raise ValueError(f"channel must be a non-empty string, got {self.channel!r}")
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.mode!r}")
        if self.sl_definition not in SL_DEFINITIONS:
            raise ValueError(f"sl_definition must be one of {SL_DEFINITIONS}, "
                             f"got {self.sl_definition!r}")
        check_fraction("service_level", self.service_level)
        check_positive("answer_s", self.answer_s)
        check_positive("patience_s", self.patience_s)
        check_fraction("max_occupancy", self.max_occupancy)
        check_fraction("max_abandon_frac", self.max_abandon_frac)
        check_positive("max_asa_s", self.max_asa_s)
        if not math.isfinite(self.short_abandon_s) or self.short_abandon_s < 0:
            raise ValueError(f"short_abandon_s must be >= 0, got {self.short_abandon_s!r}")
        self._check_concurrency()
        self._check_buffers()
        if self.max_abandon_frac is not None and self.patience_s is None:
            raise ValueError("max_abandon_frac needs patience_s (Erlang A), got patience_s=None")
        if self.mode == "deferred" and (self.patience_s is not None or self.max_asa_s is not None
                                        or self.max_abandon_frac is not None):
            raise ValueError(f"mode='deferred' takes no patience_s, max_asa_s or "
                             f"max_abandon_frac, got patience_s={self.patience_s!r}")

    def _check_concurrency(self) -> None:
        if isinstance(self.concurrency, bool) or not isinstance(self.concurrency, int) \
                or self.concurrency < 1:
            raise ValueError(f"concurrency must be an integer >= 1, got {self.concurrency!r}")
        factors = tuple(self.concurrency_aht_factor)
        object.__setattr__(self, "concurrency_aht_factor", factors)
        if factors and len(factors) != self.concurrency:
            raise ValueError(f"concurrency_aht_factor must have concurrency={self.concurrency} "
                             f"entries, got {factors!r}")
        if any(not math.isfinite(f) or f <= 0 for f in factors):
            raise ValueError(f"concurrency_aht_factor entries must be > 0, got {factors!r}")

    def _check_buffers(self) -> None:
        if not (0 <= self.shrinkage_frac < 1):
            raise ValueError(f"shrinkage_frac must be in [0, 1), got {self.shrinkage_frac!r}")
        if not (0 <= self.surge_buffer_frac <= 1):
            raise ValueError(f"surge_buffer_frac must be in [0, 1], "
                             f"got {self.surge_buffer_frac!r}")

    @property
    def full_load_aht_factor(self) -> float:
        """Handle-time stretch when an agent holds ``concurrency`` contacts."""
        return self.concurrency_aht_factor[-1] if self.concurrency_aht_factor else 1.0

    def scheduled(self, required_agents: float) -> int:
        """ceil(required x (1 + surge_buffer_frac) / (1 - shrinkage_frac))."""
        gross = required_agents * (1.0 + self.surge_buffer_frac) / (1.0 - self.shrinkage_frac)
        return int(math.ceil(gross - 1e-9))
