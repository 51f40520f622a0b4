"""Channel profiles: base volume, weekly and intraday shape, handle time, abandonment.

All sizes are documented in ``data/README.md``; change them here and regenerate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INTERVAL_MIN = 15
SLOTS_PER_DAY = 24 * 60 // INTERVAL_MIN

# A bump is (centre_h, width_h, height): a Gaussian in hour of day, exp(-(h-c)^2 / (2 w^2)).
Bump = tuple[float, float, float]


@dataclass(frozen=True)
class ChannelProfile:
    """Generating parameters of one channel (volumes at the reference date 2026-09-14).

    Attributes
    ----------
    daily_volume : mean contacts on an average day at the reference date.
    dow_factor : Monday..Sunday multipliers of the daily volume.
    floor : constant intraday level under the bumps (share of the bump heights).
    weekday_bumps, weekend_bumps : intraday peaks as (centre_h, width_h, height).
    open_h : (open, close) hours; ``None`` means contacts arrive around the clock.
    holiday_factor : volume multiplier on public-holiday breaks (not Spring Festival).
    sf_depth : (deepest, shallowest) drop over the Spring Festival break, e.g. 0.7 = -70 %.
    nianhuo_amp : extra volume at the pre-Spring-Festival 年货节 peak (0.35 = +35 %).
    peak_618, peak_1111 : volume multiplier on June 18 and November 11.
    tail_1111 : extra after-sales volume on Nov 12, decaying over ten days.
    catch_up_factor : volume multiplier on the first working day after a 3+ day break.
    aht_mean_s : mean handle time per contact in seconds.
    aht_cv : coefficient of variation of a single contact's handle time (gamma).
    abandon_base_frac : abandonment probability at the normal weekday peak load.
    """

    name: str
    daily_volume: float
    dow_factor: tuple[float, ...]
    floor: float
    weekday_bumps: tuple[Bump, ...]
    weekend_bumps: tuple[Bump, ...]
    open_h: tuple[int, int] | None
    holiday_factor: float
    sf_depth: tuple[float, float]
    nianhuo_amp: float
    peak_618: float
    peak_1111: float
    tail_1111: float
    catch_up_factor: float
    aht_mean_s: float
    aht_cv: float
    abandon_base_frac: float

    def __post_init__(self) -> None:
        if len(self.dow_factor) != 7:
            raise ValueError(f"dow_factor must have 7 values, got {self.dow_factor!r}")
        if self.daily_volume <= 0:
            raise ValueError(f"daily_volume must be > 0, got {self.daily_volume!r}")
        if not 0 <= self.abandon_base_frac < 1:
            raise ValueError(
                f"abandon_base_frac must be in [0, 1), got {self.abandon_base_frac!r}"
            )

    @property
    def realtime(self) -> bool:
        """True when customers wait in a queue and may abandon (all but email)."""
        return self.abandon_base_frac > 0


CHANNELS: tuple[ChannelProfile, ...] = (
    ChannelProfile(
        name="chat", daily_volume=1480.0,
        dow_factor=(0.95, 0.92, 0.93, 0.95, 1.00, 1.12, 1.13),
        floor=0.25,
        weekday_bumps=((10.5, 1.1, 0.85), (15.0, 1.4, 0.80), (20.5, 1.2, 1.00)),
        weekend_bumps=((11.0, 1.3, 0.85), (15.5, 1.6, 0.85), (20.5, 1.3, 1.05)),
        open_h=(8, 23), holiday_factor=0.85, sf_depth=(0.65, 0.40), nianhuo_amp=0.45,
        peak_618=2.7, peak_1111=3.8, tail_1111=0.8, catch_up_factor=1.05,
        aht_mean_s=420.0, aht_cv=0.7, abandon_base_frac=0.04,
    ),
    ChannelProfile(
        name="email", daily_volume=315.0,
        dow_factor=(1.25, 1.06, 1.00, 0.98, 0.95, 0.78, 0.74),
        floor=0.20,
        weekday_bumps=((10.0, 1.5, 0.80), (15.0, 1.8, 0.70), (21.0, 1.5, 0.40)),
        weekend_bumps=((11.0, 1.8, 0.70), (15.5, 2.0, 0.65), (21.0, 1.6, 0.45)),
        open_h=None, holiday_factor=0.50, sf_depth=(0.70, 0.45), nianhuo_amp=0.20,
        peak_618=2.0, peak_1111=2.8, tail_1111=1.2, catch_up_factor=1.15,
        aht_mean_s=480.0, aht_cv=0.9, abandon_base_frac=0.0,
    ),
    ChannelProfile(
        name="phone", daily_volume=1330.0,
        dow_factor=(1.20, 1.05, 1.00, 0.98, 0.95, 0.83, 0.80),
        floor=0.20,
        weekday_bumps=((10.5, 1.1, 1.00), (15.0, 1.4, 0.90), (20.0, 1.1, 0.30)),
        weekend_bumps=((11.0, 1.3, 0.90), (15.5, 1.5, 0.85), (20.0, 1.2, 0.35)),
        open_h=(8, 22), holiday_factor=0.60, sf_depth=(0.70, 0.45), nianhuo_amp=0.30,
        peak_618=2.2, peak_1111=3.0, tail_1111=1.2, catch_up_factor=1.15,
        aht_mean_s=300.0, aht_cv=0.8, abandon_base_frac=0.06,
    ),
    ChannelProfile(
        name="social", daily_volume=625.0,
        dow_factor=(0.95, 0.93, 0.94, 0.96, 1.00, 1.10, 1.12),
        floor=0.25,
        weekday_bumps=((10.5, 1.2, 0.70), (15.0, 1.4, 0.75), (20.5, 1.2, 0.95)),
        weekend_bumps=((11.0, 1.4, 0.75), (15.5, 1.6, 0.80), (20.5, 1.3, 1.00)),
        open_h=(8, 22), holiday_factor=0.90, sf_depth=(0.60, 0.40), nianhuo_amp=0.40,
        peak_618=2.5, peak_1111=3.5, tail_1111=0.7, catch_up_factor=1.05,
        aht_mean_s=240.0, aht_cv=0.7, abandon_base_frac=0.03,
    ),
)


def slot_hours() -> np.ndarray:
    """Hour of day at the middle of each 15-minute slot, shape (96,)."""
    return (np.arange(SLOTS_PER_DAY) + 0.5) * INTERVAL_MIN / 60.0


def open_mask(profile: ChannelProfile) -> np.ndarray:
    """Boolean (96,) mask of slots in which the channel accepts contacts."""
    start_h = np.arange(SLOTS_PER_DAY) * INTERVAL_MIN / 60.0
    if profile.open_h is None:
        return np.ones(SLOTS_PER_DAY, dtype=bool)
    return (start_h >= profile.open_h[0]) & (start_h < profile.open_h[1])


def intraday_shape(profile: ChannelProfile, weekend: bool) -> np.ndarray:
    """Share of the daily volume per slot, shape (96,), summing to 1.

    Sum of Gaussian bumps over a floor, times a logistic morning ramp centred at 08:30
    (customers wake up; the ramp starts at the 08:00 opening), zero in closed slots.
    Email, open around the clock, keeps 60 % of its floor at night (about 12 % of
    the daytime peak).
    """
    h = slot_hours()
    bumps = profile.weekend_bumps if weekend else profile.weekday_bumps
    level = np.full_like(h, profile.floor)
    for centre_h, width_h, height in bumps:
        level += height * np.exp(-((h - centre_h) ** 2) / (2.0 * width_h**2))
    ramp = 1.0 / (1.0 + np.exp(-(h - 8.5) / 0.35))
    if profile.open_h is None:
        ramp = 0.6 + 0.4 * ramp
    shape = level * ramp * open_mask(profile)
    return shape / shape.sum()


def aht_intraday_factor(profile: ChannelProfile) -> np.ndarray:
    """Intraday handle-time multiplier, shape (96,).

    Phone calls after opening are longer (complex issues kept from the night, +6 %);
    evening chats are longer (shoppers compare products, up to +8 %); night emails are
    shorter (auto-acknowledged status queries, -10 %).
    """
    h = slot_hours()
    factor = np.ones_like(h)
    if profile.name == "phone":
        factor += 0.06 * np.exp(-((h - 8.5) ** 2) / 2.0)
    if profile.name == "chat":
        factor += 0.08 * np.exp(-((h - 21.0) ** 2) / 4.5)
    if profile.open_h is None:
        factor -= 0.10 * ((h < 7) | (h >= 23))
    return factor
