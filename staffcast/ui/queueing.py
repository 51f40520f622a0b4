"""Erlang C, Erlang A and simulation side by side for one live channel and day.

Erlang C ignores abandonment (callers wait forever) and so overstates the agents needed;
Erlang A (M/M/n+M, Palm 1943; Garnett, Mandelbaum & Reiman 2002) models exponential
patience; the simulation searches the smallest head count whose simulated service level
meets the target, with the scenario's over-dispersed arrivals. All three come from the
stage packages; this module only lines them up for one channel and day.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from staffcast.scenario import Scenario

COMPARE_COLUMNS = ["ds", "volume", "aht_s", "erlang_c", "erlang_a", "simulated"]


def comparable(scenario: Scenario, channel: str) -> bool:
    """True for live channels handled one contact at a time, where all three models apply."""
    spec = scenario.channels[channel]
    return spec.mode == "realtime" and spec.concurrency == 1 and spec.patience_s is not None


def compare_models(
    scenario: Scenario, forecast: pd.DataFrame, channel: str, day: dt.date, replications: int = 5, seed: int = 0
) -> pd.DataFrame:
    """Agents needed per open interval of ``channel`` on ``day`` by each model.

    Parameters
    ----------
    scenario : the plan's scenario (targets of the channel).
    forecast : the plan's forecast frame with ``is_open``.
    channel : a live, single-contact channel (see :func:`comparable`).
    day : a planned date.
    replications, seed : for the simulation search.

    Returns
    -------
    ``ds, volume, aht_s, erlang_c, erlang_a, simulated`` (productive agents, no shrinkage).
    """
    import simulation  # the stage packages load in seconds: only when the comparison runs
    import staffing
    from staffcast.pipeline import center_config

    if channel not in scenario.channels:
        raise ValueError(f"channel must be one of {sorted(scenario.channels)}, got {channel!r}")
    if not comparable(scenario, channel):
        raise ValueError(f"channel {channel!r} must be live (realtime), one contact at a time and have patience_s")
    spec = scenario.channels[channel]
    rows = forecast[(forecast["channel"] == channel) & (forecast["ds"].dt.date == day)]
    if "is_open" in rows:
        rows = rows[rows["is_open"]]
    rows = rows[rows["volume"] > 0].sort_values("ds")
    if rows.empty:
        raise ValueError(f"channel {channel!r} has no forecast contacts on {day.isoformat()}")
    rate = rows["volume"].to_numpy(dtype=float) / (scenario.interval_min * 60)
    aht = rows["aht_s"].to_numpy(dtype=float)
    common = {"answer_s": spec.answer_s, "service_level": spec.service_level, "max_occupancy": spec.max_occupancy}
    config = center_config(scenario, forecast[forecast["channel"] == channel])
    single = simulation.CenterConfig(
        channels=tuple(c for c in config.channels if c.channel == channel), interval_min=scenario.interval_min
    )
    searched = simulation.search_staffing(
        rows[["channel", "ds", "volume", "aht_s"]], single, replications=replications, seed=seed
    )
    simulated = searched.set_index("ds")["agents"].reindex(rows["ds"]).to_numpy()
    return pd.DataFrame({
        "ds": rows["ds"].to_numpy(), "volume": rows["volume"].to_numpy(), "aht_s": aht,
        "erlang_c": staffing.required_agents(rate, aht, **common),
        "erlang_a": staffing.required_agents(rate, aht, patience_s=spec.patience_s, **common),
        "simulated": np.asarray(simulated, dtype=float),
    })
