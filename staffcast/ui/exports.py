"""Downloads: CSV and Excel files of plan frames, and a roster workbook for team leads.

Excel cannot hold time-zone-aware timestamps, so they are written as local wall-clock
time (the scenario's zone, which is how planners read them). CSV files carry a UTF-8 BOM
so Excel opens Chinese names correctly.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

SHEET_NAME_MAX = 31  # Excel's limit


def _local_naive(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_localize(None)
        elif out[column].dtype == object and out[column].map(lambda v: isinstance(v, pd.Timestamp) and v.tzinfo is not None).any():
            out[column] = out[column].map(lambda v: v.tz_localize(None) if isinstance(v, pd.Timestamp) and v.tzinfo else v)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV, UTF-8 with BOM."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def excel_bytes(frames: Mapping[str, pd.DataFrame]) -> bytes:
    """An ``.xlsx`` workbook with one sheet per frame (names cut to Excel's 31 characters)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in frames.items():
            _local_naive(frame).to_excel(writer, sheet_name=name[:SHEET_NAME_MAX], index=False)
            _fit_columns(writer.sheets[name[:SHEET_NAME_MAX]])
    return buffer.getvalue()


def _fit_columns(sheet) -> None:
    for column in sheet.columns:
        width = max((len(str(cell.value)) for cell in column if cell.value is not None), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)


def roster_grids(roster: pd.DataFrame, names: Mapping[str, str], labels: Mapping[str, str]) -> dict[str, pd.DataFrame]:
    """The roster as one grid per week: a row per agent, a column per date, shift times in cells.

    Parameters
    ----------
    roster : ``agent_id, date, shift_start, shift_end, paid_hours, breaks`` (+ ``contract``).
    names : display name per ``agent_id``.
    labels : texts for ``agent``, ``name``, ``paid_hours``, ``week`` and ``off`` (a day off).

    Returns
    -------
    ``{"<week label> <Monday>": grid}`` in date order.
    """
    frame = roster.copy()
    frame["date"] = pd.to_datetime(frame["date"])
    starts, ends = pd.to_datetime(frame["shift_start"]), pd.to_datetime(frame["shift_end"])
    frame["cell"] = starts.dt.strftime("%H:%M") + "–" + ends.dt.strftime("%H:%M")
    if "breaks" in frame:
        extra = frame["breaks"].fillna("").astype(str)
        frame["cell"] = frame["cell"].where(extra == "", frame["cell"] + " (" + extra + ")")
    frame["week"] = (frame["date"] - pd.to_timedelta(frame["date"].dt.day_of_week, unit="D")).dt.date
    grids = {}
    for week, rows in frame.groupby("week", sort=True):
        days = pd.date_range(week, periods=7, freq="D")
        grid = rows.pivot_table(index="agent_id", columns="date", values="cell", aggfunc="first")
        grid = grid.reindex(columns=days).fillna(labels["off"])
        grid.columns = [d.strftime("%Y-%m-%d %a") for d in days]
        hours = rows.groupby("agent_id")["paid_hours"].sum()
        grid.insert(0, labels["name"], [names.get(a, "") for a in grid.index])
        grid[labels["paid_hours"]] = hours.reindex(grid.index).to_numpy()
        grids[f"{labels['week']} {week.isoformat()}"] = grid.rename_axis(labels["agent"]).reset_index()
    return grids


def roster_workbook(roster: pd.DataFrame, names: Mapping[str, str], labels: Mapping[str, str]) -> bytes:
    """The roster as an ``.xlsx`` file, one sheet per week (see :func:`roster_grids`)."""
    return excel_bytes(roster_grids(roster, names, labels))
