"""Plotly figures of plan frames; texts come in through ``labels`` so figures know no language.

Each builder takes frames with the documented columns (docs/architecture.md) and returns a
``plotly.graph_objects.Figure``; reshaping for display (pivoting to a weekday × time grid,
laying shifts on a time axis) happens here, arithmetic on plan numbers does not.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

BAND_FILL = {80: "rgba(31, 119, 180, 0.30)", 95: "rgba(31, 119, 180, 0.15)"}
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _layout(fig: go.Figure, title: str, x: str, y: str) -> go.Figure:
    fig.update_layout(
        title=title, xaxis_title=x, yaxis_title=y, hovermode="x unified",
        margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend={"orientation": "h", "y": -0.2},
    )
    return fig


def forecast_figure(
    forecast: pd.DataFrame, channel: str, labels: Mapping[str, str], history: pd.DataFrame | None = None
) -> go.Figure:
    """Forecast volume of one channel with its 80 % and 95 % bands, after recent history."""
    rows = forecast[forecast["channel"] == channel].sort_values("ds")
    fig = go.Figure()
    for level in (95, 80):
        lo, hi = f"volume_lo_{level}", f"volume_hi_{level}"
        if lo not in rows or hi not in rows:
            continue
        fig.add_trace(go.Scatter(x=rows["ds"], y=rows[hi], line={"width": 0}, showlegend=False, hoverinfo="skip"))
        fig.add_trace(go.Scatter(
            x=rows["ds"], y=rows[lo], line={"width": 0}, fill="tonexty", fillcolor=BAND_FILL[level],
            name=labels["band"].format(level=level), hoverinfo="skip",
        ))
    if history is not None and not history.empty:
        past = history[history["channel"] == channel].sort_values("ds")
        fig.add_trace(go.Scatter(x=past["ds"], y=past["volume"], name=labels["history"], line={"color": "#7f7f7f"}))
    fig.add_trace(go.Scatter(x=rows["ds"], y=rows["volume"], name=labels["forecast"], line={"color": "#1f77b4"}))
    return _layout(fig, labels["title"], labels["x"], labels["y"])


def weekday_time_grid(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """Pivot an interval frame to rows = time of day (``HH:MM``), columns = weekday 0..6.

    Each cell is the mean of ``value`` over the intervals at that weekday and time (one
    interval each in a one-week plan).
    """
    ds = frame["ds"]
    grid = frame.assign(weekday=ds.dt.day_of_week, clock=ds.dt.strftime("%H:%M")).pivot_table(
        index="clock", columns="weekday", values=value, aggfunc="mean", observed=True
    )
    return grid.reindex(columns=range(7))


def heatmap_figure(frame: pd.DataFrame, value: str, labels: Mapping[str, str]) -> go.Figure:
    """Weekday × time-of-day heatmap of ``value`` (e.g. ``scheduled_required``)."""
    grid = weekday_time_grid(frame, value)
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=[labels[f"weekday.{d}"] for d in WEEKDAY_KEYS], y=list(grid.index),
        colorscale="Blues", colorbar={"title": labels["value"]},
    ))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, labels["title"], labels["x"], labels["y"])


def coverage_figure(coverage: pd.DataFrame, channel: str, labels: Mapping[str, str]) -> go.Figure:
    """Required versus scheduled agents per interval for one channel."""
    rows = coverage[coverage["channel"] == channel].sort_values("ds")
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=rows["ds"], y=rows["required"], name=labels["required"], line={"shape": "hv"}))
    fig.add_trace(go.Scatter(x=rows["ds"], y=rows["scheduled"], name=labels["scheduled"], line={"shape": "hv"}))
    if "shortfall" in rows:
        fig.add_trace(go.Bar(x=rows["ds"], y=rows["shortfall"], name=labels["shortfall"], marker_color="#d62728"))
    return _layout(fig, labels["title"], labels["x"], labels["y"])


def gantt_segments(roster: pd.DataFrame, breaks: pd.DataFrame | None) -> pd.DataFrame:
    """Shift and break segments ``agent_id, kind, start, end`` for a Gantt chart.

    Breaks and lunches are drawn over the shift bar. ``breaks`` is the scheduling stage's
    frame ``agent_id, date, kind, start, end, paid``; other layouts are ignored.
    """
    shifts = pd.DataFrame({
        "agent_id": roster["agent_id"], "kind": "shift",
        "start": pd.to_datetime(roster["shift_start"]), "end": pd.to_datetime(roster["shift_end"]),
    })
    parts = [shifts]
    if breaks is not None and {"agent_id", "kind", "start", "end"} <= set(breaks.columns) and not breaks.empty:
        parts.append(pd.DataFrame({
            "agent_id": breaks["agent_id"], "kind": breaks["kind"].astype(str),
            "start": pd.to_datetime(breaks["start"]), "end": pd.to_datetime(breaks["end"]),
        }))
    return pd.concat(parts, ignore_index=True)


def gantt_figure(segments: pd.DataFrame, labels: Mapping[str, str], names: Mapping[str, str] | None = None) -> go.Figure:
    """Horizontal bars per agent: shifts, with lunches and breaks drawn on top."""
    colors = {"shift": "#1f77b4", "lunch": "#ff7f0e", "break": "#2ca02c"}
    names = names or {}
    fig = go.Figure()
    agents = sorted(segments["agent_id"].unique())
    for kind in ("shift", "lunch", "break"):
        rows = segments[segments["kind"] == kind]
        if rows.empty:
            continue
        duration_ms = (rows["end"] - rows["start"]).dt.total_seconds() * 1000
        fig.add_trace(go.Bar(
            base=rows["start"], x=duration_ms, y=[names.get(a, a) for a in rows["agent_id"]],
            orientation="h", name=labels[f"kind.{kind}"], marker_color=colors[kind],
            width=0.8 if kind == "shift" else 0.5,
            customdata=list(zip(rows["start"].dt.strftime("%a %H:%M"), rows["end"].dt.strftime("%H:%M"))),
            hovertemplate="%{y}: %{customdata[0]}–%{customdata[1]}<extra></extra>",
        ))
    fig.update_xaxes(type="date")
    fig.update_yaxes(categoryorder="array", categoryarray=[names.get(a, a) for a in reversed(agents)])
    fig.update_layout(barmode="overlay", height=max(300, 22 * len(agents) + 120))
    return _layout(fig, labels["title"], labels["x"], labels["y"])


def solver_figure(progress: pd.DataFrame, labels: Mapping[str, str]) -> go.Figure:
    """Objective and best bound of the roster solver against wall time."""
    fig = go.Figure()
    if not progress.empty:
        fig.add_trace(go.Scatter(x=progress["wall_s"], y=progress["objective"], name=labels["objective"],
                                 mode="lines+markers", line={"shape": "hv"}))
        fig.add_trace(go.Scatter(x=progress["wall_s"], y=progress["best_bound"], name=labels["bound"],
                                 mode="lines", line={"shape": "hv", "dash": "dot"}))
    return _layout(fig, labels["title"], labels["x"], labels["y"])


def curve_figure(curve: pd.DataFrame, x: str, y: str, labels: Mapping[str, str], text: str | None = None) -> go.Figure:
    """A line with markers, e.g. weekly cost against the service-level target."""
    fig = go.Figure(go.Scatter(
        x=curve[x], y=curve[y], mode="lines+markers+text" if text else "lines+markers",
        text=curve[text] if text else None, textposition="top center",
    ))
    return _layout(fig, labels["title"], labels["x"], labels["y"])
