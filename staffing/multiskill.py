"""Multi-skill requirements: head count of a cross-trained group, each person counted once.

Approximation ("pooled workload", stated assumptions)
-----------------------------------------------------
A group's agents hold every skill of its channels and serve one first-come-first-served
queue for the realtime channels:

* a contact of channel c takes w_c = AHT_c x f_{k_c} / k_c agent-seconds (a chat at
  full-load concurrency k occupies 1/k of an agent, as in the single-channel slot model);
* the pool is sized as one Erlang C / A queue with the merged rate Lambda = sum lambda_c
  and the rate-weighted mean work W = sum lambda_c w_c / Lambda (exponential service
  with the mixture mean; exact when the w_c are equal);
* in FCFS every channel sees the same waiting-time law, so the pool must meet each
  channel's own (service level, answer_s) target: the requirement is the maximum over
  channels, with the tightest maximum occupancy; patience is the rate-weighted mean when
  every channel has one (Erlang A), otherwise Erlang C;
* deferred channels of the group add their own requirement (no idle-time blending:
  conservative).

Pooling never needs more than the separate channels summed (it is reported next to
it); Wallace & Whitt (2005), "A staffing algorithm for call centers with skill-based
routing", MSOM 7(4), show that limited cross-training already captures most of this
saving. The simulation stage checks the approximation with skill-based routing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from staffing.required import required_agents
from staffing.requirements import staffing_requirements
from staffing.targets import ChannelTarget

__all__ = ["pooled_requirements"]


def _pool_targets(members: list[ChannelTarget], rates: np.ndarray) -> dict:
    """Merged patience and occupancy for a pool (rates: channels x intervals)."""
    occ = [t.max_occupancy for t in members if t.max_occupancy is not None]
    patience = None
    if all(t.patience_s is not None for t in members):
        weights = rates.sum(axis=1)
        pats = np.array([t.patience_s for t in members])
        patience = float(np.average(pats, weights=weights)) if weights.sum() > 0 \
            else float(pats.mean())
    return {"max_occupancy": min(occ) if occ else None, "patience_s": patience}


def pooled_requirements(forecast: pd.DataFrame, targets: Sequence[ChannelTarget],
                        groups: Mapping[str, Sequence[str]], interval_min: int) -> pd.DataFrame:
    """Agents needed by each cross-trained group versus its channels staffed apart.

    Parameters
    ----------
    forecast : pandas.DataFrame
        As for :func:`staffing.staffing_requirements`.
    targets : sequence of ChannelTarget
    groups : mapping of group name to channel names
        Each group is a team whose members hold all of its channels' skills.
    interval_min : int, minutes

    Returns
    -------
    pandas.DataFrame
        ``group, ds, separate_required, pooled_required, saving`` (agents) per interval.
    """
    by_name = {t.channel: t for t in targets}
    for group, channels in groups.items():
        unknown = [c for c in channels if c not in by_name]
        if unknown or not channels:
            raise ValueError(f"groups[{group!r}] must list known channels, got {list(channels)}")
    in_groups = sorted({c for channels in groups.values() for c in channels})
    req = staffing_requirements(forecast[forecast["channel"].isin(in_groups)], targets,
                                interval_min)
    interval_s = interval_min * 60.0
    parts = []
    for group, channels in groups.items():
        sub = req[req["channel"].isin(channels)]
        wide = {col: sub.pivot(index="ds", columns="channel", values=col).fillna(0)
                for col in ("volume", "aht_s", "is_open", "required_agents")}
        members = [by_name[c] for c in channels]
        realtime = [t for t in members if t.mode == "realtime"]
        deferred = [t.channel for t in members if t.mode == "deferred"]
        pooled = wide["required_agents"][deferred].sum(axis=1).to_numpy(float)
        if realtime:
            pooled = pooled + _pooled_realtime(wide, realtime, interval_s)
        separate = wide["required_agents"][list(channels)].sum(axis=1).to_numpy(float)
        pooled = np.minimum(pooled, separate)  # pooling can always copy the split plan
        parts.append(pd.DataFrame({"group": group, "ds": wide["volume"].index,
                                   "separate_required": separate.astype(np.int64),
                                   "pooled_required": pooled.astype(np.int64)}))
    out = pd.concat(parts, ignore_index=True)
    out["saving"] = out["separate_required"] - out["pooled_required"]
    return out


def _pooled_realtime(wide: dict[str, pd.DataFrame], members: list[ChannelTarget],
                     interval_s: float) -> np.ndarray:
    """Pooled Erlang requirement of a group's realtime channels per interval."""
    names = [t.channel for t in members]
    open_ = wide["is_open"][names].to_numpy(bool)
    rates = (wide["volume"][names].to_numpy(float) * open_).T / interval_s
    work = np.array([t.full_load_aht_factor / t.concurrency for t in members])[:, None] \
        * np.where(rates > 0, wide["aht_s"][names].to_numpy(float).T, 0.0)
    total = rates.sum(axis=0)
    mean_work = np.divide((rates * work).sum(axis=0), total, out=np.ones_like(total),
                          where=total > 0)
    shared = _pool_targets(members, rates)
    need = np.zeros(total.size)
    for t in members:
        need = np.maximum(need, required_agents(
            total, mean_work, t.answer_s, t.service_level, patience_s=shared["patience_s"],
            max_occupancy=shared["max_occupancy"], max_asa_s=t.max_asa_s,
            max_abandon_frac=t.max_abandon_frac if shared["patience_s"] else None))
    return need
