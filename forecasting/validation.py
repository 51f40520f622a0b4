"""Validation of the history frame and detection of gaps.

Row numbers in messages count like a spreadsheet of the CSV file: the header is row 1,
so the first data row is row 2.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

REQUIRED_COLUMNS = ("channel", "ds", "volume", "aht_s")
NUMERIC_COLUMNS = ("volume", "aht_s", "abandoned")


class HistoryError(ValueError):
    """History data that cannot be used, with file, row and column in the message."""


def _row(frame: pd.DataFrame, pos: int) -> int:
    """Spreadsheet row number (header = row 1) of positional row ``pos``."""
    return int(pos) + 2


def _show(value: object) -> str:
    """``repr`` of a cell without numpy type wrappers."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _check_numeric(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    out = frame.copy()
    for col in NUMERIC_COLUMNS:
        if col not in out.columns:
            continue
        raw = out[col]
        num = pd.to_numeric(raw, errors="coerce")
        bad = num.isna() & raw.notna()
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise HistoryError(
                f"{source} row {_row(out, pos)}: {col} must be numeric, got {_show(raw.iloc[pos])}"
            )
        vals = num.to_numpy(dtype=float)
        neg = np.flatnonzero(vals < 0)
        if neg.size:
            pos = int(neg[0])
            raise HistoryError(
                f"{source} row {_row(out, pos)}: {col} must be >= 0, got {_show(raw.iloc[pos])}"
            )
        inf = np.flatnonzero(np.isinf(vals))
        if inf.size:
            pos = int(inf[0])
            raise HistoryError(f"{source} row {_row(out, pos)}: {col} must be finite, got inf")
        out[col] = num.astype(float)
    return out


def _parse_ds(frame: pd.DataFrame, source: str) -> pd.Series:
    ds = frame["ds"]
    if isinstance(ds.dtype, pd.DatetimeTZDtype):
        return ds
    if pd.api.types.is_datetime64_dtype(ds.dtype):
        raise HistoryError(
            f"{source} column ds: timestamps must be tz-aware (e.g. 2026-11-29T23:45:00+08:00), "
            f"got tz-naive {ds.iloc[0]!r}"
        )
    parsed = pd.to_datetime(ds, errors="coerce", utc=True, format="ISO8601")
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if bad.size:
        pos = int(bad[0])
        raise HistoryError(
            f"{source} row {_row(frame, pos)}: ds must be an ISO 8601 timestamp, got {ds.iloc[pos]!r}"
        )
    text = ds.astype(str)
    naive = ~text.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True)
    if naive.any():
        pos = int(np.flatnonzero(naive.to_numpy())[0])
        raise HistoryError(
            f"{source} row {_row(frame, pos)}: ds must carry a UTC offset (tz-aware), "
            f"got {ds.iloc[pos]!r}"
        )
    first = pd.Timestamp(text.iloc[0])
    return parsed.dt.tz_convert(first.tz)


def validate_history(frame: pd.DataFrame, source: str = "history.csv") -> pd.DataFrame:
    """Check a history frame and return it typed and sorted by ``channel, ds``.

    Parameters
    ----------
    frame : DataFrame
        Columns ``channel, ds, volume, aht_s`` and optionally ``abandoned``; ``ds`` is the
        tz-aware interval start (or ISO 8601 strings with offset).
    source : str
        File name used in error messages.

    Returns
    -------
    DataFrame
        Validated copy; ``result.attrs["gaps"]`` holds :func:`find_gaps` (gaps are reported
        and later treated as missing, never filled with zeros).

    Raises
    ------
    HistoryError
        Missing columns, non-numeric or negative values, tz-naive or unparsable timestamps,
        duplicate or unordered timestamps within a channel (message names row and column).
    """
    if not isinstance(frame, pd.DataFrame):
        raise HistoryError(f"{source}: history must be a pandas DataFrame, got {type(frame)!r}")
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise HistoryError(
            f"{source}: missing required column(s) {missing}; expected {list(REQUIRED_COLUMNS)}, "
            f"got {list(frame.columns)}"
        )
    if frame.empty:
        raise HistoryError(f"{source}: history must have at least one row, got 0")
    out = frame.reset_index(drop=True)
    if out["channel"].isna().any():
        pos = int(np.flatnonzero(out["channel"].isna().to_numpy())[0])
        raise HistoryError(f"{source} row {_row(out, pos)}: channel must not be empty, got NaN")
    out = _check_numeric(out, source)
    out["ds"] = _parse_ds(out, source)
    out["channel"] = out["channel"].astype(str)
    _check_order(out, source)
    out = out.sort_values(["channel", "ds"], kind="stable").reset_index(drop=True)
    out.attrs["gaps"] = find_gaps(out)
    return out


def _check_order(frame: pd.DataFrame, source: str) -> None:
    """Duplicates and unordered timestamps within each channel, in file order."""
    for channel, idx in frame.groupby("channel", sort=False).indices.items():
        ds = _ns(frame["ds"])[idx]
        step = np.diff(ds)
        dup = np.flatnonzero(step == 0)
        if dup.size:
            pos = int(idx[dup[0] + 1])
            raise HistoryError(
                f"{source} row {_row(frame, pos)}: duplicate ds {frame['ds'].iloc[pos]} "
                f"for channel {channel!r}"
            )
        back = np.flatnonzero(step < 0)
        if back.size:
            pos = int(idx[back[0] + 1])
            raise HistoryError(
                f"{source} row {_row(frame, pos)}: ds must be increasing within channel "
                f"{channel!r}, got {frame['ds'].iloc[pos]} after {frame['ds'].iloc[idx[back[0]]]}"
            )


def _ns(ds: pd.Series) -> np.ndarray:
    """Timestamps as int64 nanoseconds since the epoch (UTC)."""
    return pd.DatetimeIndex(ds).as_unit("ns").asi8


def infer_interval_min(ds: pd.Series) -> int:
    """Most common step between consecutive timestamps, in minutes."""
    values = _ns(ds)
    steps = np.diff(values)
    steps = steps[steps > 0]
    if steps.size == 0:
        raise HistoryError(f"ds: need at least two timestamps to infer the interval, got {len(ds)}")
    uniq, counts = np.unique(steps, return_counts=True)
    return int(round(uniq[np.argmax(counts)] / 6e10))


def find_gaps(frame: pd.DataFrame) -> pd.DataFrame:
    """Runs of missing intervals per channel: ``channel, gap_start, gap_end, missing_intervals``.

    ``gap_end`` is exclusive (the first timestamp present again). The interval is the most
    common step of each channel.
    """
    rows = []
    for channel, part in frame.groupby("channel", sort=True):
        if len(part) < 2:
            continue
        step_ns = infer_interval_min(part["ds"]) * 60_000_000_000
        ds = part["ds"]
        values = _ns(ds)
        steps = np.diff(values)
        for i in np.flatnonzero(steps > step_ns):
            rows.append(
                {
                    "channel": channel,
                    "gap_start": ds.iloc[i] + pd.Timedelta(step_ns, "ns"),
                    "gap_end": ds.iloc[i + 1],
                    "missing_intervals": int(steps[i] // step_ns) - 1,
                }
            )
    cols = ["channel", "gap_start", "gap_end", "missing_intervals"]
    return pd.DataFrame(rows, columns=cols)
