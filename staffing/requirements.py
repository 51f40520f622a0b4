"""Forecast frame -> requirements frame, one queueing model per channel.

Chat / concurrency model
------------------------
An agent allowed ``k`` simultaneous contacts is treated as ``k`` independent servers
("slots"), each serving at the **full-load** rate 1 / (AHT x f_k), where f_k is the
handle-time stretch at k concurrent contacts (``concurrency_aht_factor[-1]``) and the
forecast ``aht_s`` is the handle time of a contact handled alone. Slots are sized with
Erlang C or Erlang A (queueing contacts, patience as given) and agents = ceil(slots / k).
Tezcan & Zhang (2014), "Routing and staffing in customer service chat systems with
impatient customers", Operations Research 62(4), 943-956, model an agent at level j
(j chats at once) serving each chat at rate mu_j, so an agent's capacity is j mu_j; in
their static-planning (fluid) view agents are loaded to the level of highest capacity,
which is k whenever j / f_j grows with j - true for any sensible stretch curve (the
sample's 1, 1.6, 1.875 chats per AHT). The slot model is that planning solution with
Erlang queueing on top. It is conservative: an agent holding fewer than k chats serves
each faster than 1 / (AHT f_k), which the model ignores. Long, Tezcan & Zhang (2024,
MSOM 26(5)) extend this to general service and patience laws. The simulation stage
checks the approximation against level-dependent service. Reported measures (service
level, ASA, occupancy) are those of the slot system at the required agents;
``load_erlangs`` = arrival rate x AHT x f_k / k is the number of fully busy agents the
work needs, for every channel.

Closed intervals: realtime channels need 0 agents and their service measures are NaN
(not evaluated); deferred channels carry the work to the next opening.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from staffing.deferred import deferred_requirements
from staffing.erlang import erlang_c
from staffing.erlang_a import erlang_a
from staffing.required import required_agents
from staffing.shrinkage import scheduled_agents
from staffing.targets import ChannelTarget

__all__ = ["staffing_requirements", "REQUIREMENT_COLUMNS"]

REQUIREMENT_COLUMNS = ["channel", "ds", "volume", "aht_s", "is_open", "load_erlangs",
                       "required_agents", "scheduled_required", "service_level", "asa_s",
                       "p_abandon", "occupancy"]
_MEASURES = ("service_level", "asa_s", "p_abandon", "occupancy")


def _check_forecast(forecast: pd.DataFrame, targets: Sequence[ChannelTarget],
                    interval_min: int) -> pd.DataFrame:
    """Validate the forecast frame and targets; return a sorted working copy."""
    if isinstance(interval_min, bool) or not isinstance(interval_min, (int, np.integer)) \
            or interval_min <= 0:
        raise ValueError(f"interval_min must be a positive integer, got {interval_min!r}")
    missing = [c for c in ("channel", "ds", "volume", "aht_s") if c not in forecast.columns]
    if missing:
        raise ValueError(f"forecast is missing required columns {missing}; "
                         f"got {list(forecast.columns)}")
    names = [t.channel for t in targets]
    if len(set(names)) != len(names):
        raise ValueError(f"targets must have one ChannelTarget per channel, got {names}")
    unknown = sorted(set(forecast["channel"]) - set(names))
    if unknown:
        raise ValueError(f"forecast channel(s) {unknown} have no ChannelTarget; targets "
                         f"cover {names}")
    df = forecast.loc[:, [c for c in ("channel", "ds", "volume", "aht_s", "is_open",
                                      "shrinkage_frac") if c in forecast.columns]].copy()
    if "is_open" not in df.columns:
        df["is_open"] = True
    df["is_open"] = df["is_open"].fillna(True).astype(bool)
    vol = df["volume"].to_numpy(dtype=float)
    bad = ~np.isfinite(vol) | (vol < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"forecast row {i}: volume must be finite and >= 0, got {vol[i]!r}")
    if "shrinkage_frac" in df.columns:
        shr = df["shrinkage_frac"].to_numpy(dtype=float)
        bad = ~((shr >= 0) & (shr < 1))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"forecast row {i}: shrinkage_frac must be in [0, 1), "
                             f"got {shr[i]!r}")
    aht = df["aht_s"].to_numpy(dtype=float)
    bad = (vol > 0) & ~(np.isfinite(aht) & (aht > 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"forecast row {i}: aht_s must be > 0 where volume > 0, "
                         f"got {aht[i]!r}")
    df = df.sort_values(["channel", "ds"], kind="stable").reset_index(drop=True)
    if df.duplicated(["channel", "ds"]).any():
        dup = df.loc[df.duplicated(["channel", "ds"]), ["channel", "ds"]].iloc[0].tolist()
        raise ValueError(f"forecast has duplicate (channel, ds) rows, first {dup}")
    return df


def _realtime(volume: np.ndarray, aht_s: np.ndarray, is_open: np.ndarray,
              target: ChannelTarget, interval_s: float) -> dict[str, np.ndarray]:
    """Erlang C / A slot sizing for open intervals with demand."""
    k = target.concurrency
    aht_eff = aht_s * target.full_load_aht_factor
    rate = volume / interval_s
    out = {"required_agents": np.zeros(volume.size, dtype=np.int64)}
    for key in _MEASURES:
        out[key] = np.full(volume.size, np.nan)
    out["service_level"][is_open] = 1.0
    out["asa_s"][is_open] = 0.0
    out["p_abandon"][is_open] = 0.0
    out["occupancy"][is_open] = 0.0
    busy = is_open & (volume > 0)
    if not busy.any():
        return out
    slots = required_agents(rate[busy], aht_eff[busy], target.answer_s, target.service_level,
                            patience_s=target.patience_s, max_occupancy=target.max_occupancy,
                            max_asa_s=target.max_asa_s, max_abandon_frac=target.max_abandon_frac,
                            sl_definition=target.sl_definition,
                            short_abandon_s=target.short_abandon_s)
    agents = -(-slots // k)
    if target.patience_s is None:
        m = erlang_c(rate[busy], aht_eff[busy], agents * k, target.answer_s)
        m["p_abandon"] = np.zeros(agents.size)
    else:
        m = erlang_a(rate[busy], aht_eff[busy], target.patience_s, agents * k, target.answer_s,
                     target.sl_definition, target.short_abandon_s)
    out["required_agents"][busy] = agents
    for key in _MEASURES:
        out[key][busy] = m[key]
    return out


def staffing_requirements(forecast: pd.DataFrame, targets: Sequence[ChannelTarget],
                          interval_min: int) -> pd.DataFrame:
    """Required and scheduled agents per channel and interval.

    Parameters
    ----------
    forecast : pandas.DataFrame
        Columns ``channel, ds, volume, aht_s`` and optionally ``is_open`` (bool, open
        when missing) and ``shrinkage_frac`` (per-interval shrinkage overriding the
        target's, e.g. from :func:`staffing.shrinkage_per_interval` for per-day
        absence); ``volume`` is contacts per interval, ``aht_s`` seconds. Other columns
        (prediction intervals, model) are ignored.
    targets : sequence of ChannelTarget
        One per forecast channel.
    interval_min : int, minutes
        Interval length of the forecast.

    Returns
    -------
    pandas.DataFrame
        The requirements frame, columns ``REQUIREMENT_COLUMNS``, sorted by
        ``channel, ds``. ``required_agents`` is the productive head count;
        ``scheduled_required = ceil(required x (1 + surge) / (1 - shrinkage))``.
    """
    df = _check_forecast(forecast, targets, interval_min)
    by_name = {t.channel: t for t in targets}
    interval_s = interval_min * 60.0
    parts = []
    for channel, rows in df.groupby("channel", sort=True):
        target = by_name[channel]
        volume = rows["volume"].to_numpy(dtype=float)
        aht = np.where(volume > 0, rows["aht_s"].to_numpy(dtype=float), 1.0)
        is_open = rows["is_open"].to_numpy(dtype=bool)
        work_per_contact_s = aht * target.full_load_aht_factor / target.concurrency
        load = volume * work_per_contact_s / interval_s
        if target.mode == "deferred":
            res = deferred_requirements(volume * work_per_contact_s, is_open, interval_min,
                                        target.answer_s, target.service_level,
                                        target.max_occupancy)
            res["p_abandon"] = np.zeros(volume.size)
        else:
            res = _realtime(volume, aht, is_open, target, interval_s)
        part = rows.drop(columns="shrinkage_frac", errors="ignore")
        part["load_erlangs"] = load
        part["required_agents"] = res["required_agents"].astype(np.int64)
        shrinkage = rows["shrinkage_frac"].to_numpy(float) if "shrinkage_frac" in rows \
            else target.shrinkage_frac
        part["scheduled_required"] = scheduled_agents(res["required_agents"], shrinkage,
                                                      target.surge_buffer_frac)
        for key in _MEASURES:
            part[key] = res[key]
        parts.append(part)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in REQUIREMENT_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    return out.loc[:, REQUIREMENT_COLUMNS]
