"""Rolling-origin accuracy of Staffcast's forecast against standard baselines on real data.

Default data: fpp2 ``calls`` (five-minute call volumes of a North American bank, weekdays
07:00-21:05, 2003; Weinberg, Brown & Stroud 2007). Any CSV of interval volumes works:
``--data FILE --time-column NAME --value-column NAME``.

Closed times are told apart from missing data by the data itself: a weekday that never
occurs in the file (weekends here) and a time of day never observed are closed (zero);
other absent intervals (e.g. a holiday weekday) are missing.

Protocols (per aggregation level, 30 and 15 minutes): day-ahead with the last 20 open
days as origins; two weeks ahead (14 calendar days, 10 weekdays here) over 6 weekly
origins ending at the last day. Reported: pooled WAPE (%) over open intervals, mean
MASE over origins (scale: in-sample weekly seasonal naive), and fit time. The last line
is one JSON object.

Usage::

    python benchmarks/forecast_accuracy.py --data ../shared/data/fpp2-calls/calls_5min.csv
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecasting import ForecastConfig, forecast_channels, make_model  # noqa: E402
from forecasting.backtest import seasonal_scale  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/fpp2-calls/calls_5min.csv"
DEFAULT_SAMPLE = Path(__file__).resolve().parents[1] / "data/sample/scenario.toml"


def load_history(path: Path, time_col: str, value_col: str, tz: str) -> tuple[pd.DataFrame, int]:
    """History frame (``channel, ds, volume, aht_s``) on the full source grid, closed = 0."""
    raw = pd.read_csv(path, usecols=[time_col, value_col])
    ts = pd.to_datetime(raw[time_col])
    if ts.dt.tz is None:
        ts = ts.dt.tz_localize(tz)
    local = ts.dt.tz_convert(tz).dt.tz_localize(None)
    step_min = int(local.diff().dropna().mode().iloc[0] / pd.Timedelta(minutes=1))
    days = pd.date_range(local.dt.normalize().min(), local.dt.normalize().max(), freq="D")
    tod = (local - local.dt.normalize()) // pd.Timedelta(minutes=step_min)
    open_tod = np.zeros(1440 // step_min, dtype=bool)
    open_tod[tod.unique()] = True
    open_dow = np.zeros(7, dtype=bool)
    open_dow[local.dt.day_of_week.unique()] = True
    full = pd.date_range(days[0], days[-1] + pd.Timedelta(days=1), freq=f"{step_min}min",
                         inclusive="left")
    vol = pd.Series(raw[value_col].to_numpy(dtype=float), index=local).reindex(full)
    f_tod = ((full - full.normalize()) // pd.Timedelta(minutes=step_min)).to_numpy()
    closed = ~open_tod[f_tod] | ~open_dow[full.day_of_week]
    vol[closed] = 0.0
    keep = vol.notna().to_numpy()
    hist = pd.DataFrame({"channel": "calls", "ds": full[keep].tz_localize(tz),
                         "volume": vol.to_numpy()[keep], "aht_s": 0.0})
    return hist, step_min


def origins(open_days: list[pd.Timestamp], protocol: str) -> list[tuple[pd.Timestamp, int]]:
    """(first forecast day, horizon in calendar days) for each rolling origin."""
    if protocol == "day_ahead":
        return [(d, 1) for d in open_days[-20:]]
    last = open_days[-1]
    return [(last - pd.Timedelta(days=13 + 7 * k), 14) for k in range(5, -1, -1)]


def baseline_forecast(name: str, train: np.ndarray, spd: int, h: int) -> np.ndarray:
    """Baselines on the full calendar grid (closed times are zeros)."""
    if name == "seasonal_naive":
        return make_model("seasonal_naive", spd).forecast(train, h)["mean"]
    if name == "slot_average_8w":
        return make_model("slot_average", spd).forecast(train, h)["mean"]
    raise ValueError(f"baseline must be seasonal_naive or slot_average_8w, got {name!r}")


def statsforecast_mstl(train: np.ndarray, open_mask: np.ndarray, spd_open: int, h_mask: np.ndarray,
                       dpw_open: int) -> np.ndarray | None:
    """statsforecast MSTL (AutoETS trend) on the series of open intervals only, as its users
    would fit it (seasons: open slots per day and per week). ``None`` if not installed."""
    try:
        from statsforecast.models import MSTL
    except ImportError:
        return None
    y = train[open_mask]
    y = np.where(np.isfinite(y), y, np.nanmean(y))
    y = y[-8 * dpw_open * spd_open:]
    model = MSTL(season_length=[spd_open, spd_open * dpw_open])
    out = np.zeros(h_mask.size)
    out[h_mask] = np.maximum(model.forecast(y=y, h=int(h_mask.sum()))["mean"], 0.0)
    return out


def evaluate(hist: pd.DataFrame, interval_min: int, country: str | None, tz: str) -> dict:
    """Run both protocols at one aggregation level; returns metrics per method."""
    from forecasting.grid import to_day_matrix

    dm = to_day_matrix(hist, interval_min, tz)
    spd = dm.slots_per_day
    dates = dm.dates()
    totals = np.nansum(dm.volume, axis=1)
    open_days = [d for d, t in zip(dates, totals) if t > 0]
    open_slot = np.nanmax(dm.volume, axis=0) > 0
    dow_open = np.array([np.nansum(totals[dates.day_of_week == w]) > 0 for w in range(7)])
    cfg = ForecastConfig(interval_min=interval_min, holidays_country=country, backtest_origins=4)
    results: dict[str, dict] = {}
    for protocol in ("day_ahead", "two_week"):
        acc = {m: {"abs": 0.0, "act": 0.0, "mase": []} for m in
               ("staffcast", "seasonal_naive", "slot_average_8w", "statsforecast_mstl")}
        cover, n_cover, fit_s, cpu_s = 0, 0, 0.0, 0.0
        for first, horizon in origins(open_days, protocol):
            row = (first - dates[0]).days
            actual = dm.volume[row:row + horizon].ravel()
            ok = np.isfinite(actual) & np.tile(open_slot, horizon)
            train = dm.volume[:row].ravel()
            scale = seasonal_scale(train, 7 * spd)
            start = pd.Timestamp(first).tz_localize(tz)
            t0, c0 = time.perf_counter(), time.process_time()
            res = forecast_channels(hist, start, start + pd.Timedelta(days=horizon), cfg)
            fit_s += time.perf_counter() - t0
            cpu_s += time.process_time() - c0
            fc = res.forecast
            preds = {"staffcast": fc["volume"].to_numpy()}
            for b in ("seasonal_naive", "slot_average_8w"):
                preds[b] = baseline_forecast(b, train, spd, horizon * spd)
            open_train = np.tile(open_slot, row) & np.repeat(dow_open[dates[:row].day_of_week], spd)
            h_mask = np.tile(open_slot, horizon) & np.repeat(
                dow_open[dates[row:row + horizon].day_of_week], spd)
            sf = statsforecast_mstl(train, open_train, int(open_slot.sum()), h_mask, int(dow_open.sum()))
            if sf is not None:
                preds["statsforecast_mstl"] = sf
            for m, p in preds.items():
                err = np.abs(actual[ok] - p[ok])
                acc[m]["abs"] += err.sum()
                acc[m]["act"] += actual[ok].sum()
                acc[m]["mase"].append(err.mean() / scale)
            lo, hi = fc["volume_lo_80"].to_numpy(), fc["volume_hi_80"].to_numpy()
            cover += int(np.sum((actual[ok] >= lo[ok]) & (actual[ok] <= hi[ok])))
            n_cover += int(ok.sum())
        results[protocol] = {
            m: {"wape": 100 * a["abs"] / a["act"], "mase": float(np.mean(a["mase"]))}
            for m, a in acc.items() if a["act"] > 0
        }
        results[protocol]["coverage_80"] = cover / n_cover
        results[protocol]["fit_s"] = fit_s
        results[protocol]["cpu_s"] = cpu_s
        results[protocol]["n_origins"] = len(origins(open_days, protocol))
        results[protocol]["selected"] = res.selected
    return results


def sample_speed(scenario: Path) -> dict:
    """Time ``forecast_channels`` on the sample center (four channels, two years of
    15-minute history, one-week horizon, CN holidays and the scenario's events)."""
    import datetime as dt
    import tomllib

    from forecasting import CalendarEvent

    spec = tomllib.loads(scenario.read_text(encoding="utf-8"))
    events = tuple(
        CalendarEvent(e["name"], tuple(dt.date.fromisoformat(d) for d in e["dates"]),
                      e.get("pre_days", 0), e.get("post_days", 0))
        for e in spec.get("events", [])
    )
    cfg = ForecastConfig(interval_min=spec.get("interval_min", 15), events=events,
                         holidays_country=spec.get("forecast", {}).get("holidays_country", "CN"),
                         backtest_origins=spec.get("forecast", {}).get("backtest_origins", 4))
    hist = pd.read_csv(scenario.parent / spec["history"])
    hist["ds"] = pd.to_datetime(hist["ds"], utc=True).dt.tz_convert(spec["timezone"])
    start = pd.Timestamp(spec["week_start"]).tz_localize(spec["timezone"])
    t0, c0 = time.perf_counter(), time.process_time()
    res = forecast_channels(hist, start, start + pd.Timedelta(days=7), cfg)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"sample center: {hist['channel'].nunique()} channels, {len(hist)} rows; "
          f"forecast_channels {wall:.1f} s wall, {cpu:.1f} s CPU; selected {res.selected}")
    return {"sample_fit_s": round(wall, 2), "sample_cpu_s": round(cpu, 2)}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--time-column", default="interval_start")
    ap.add_argument("--value-column", default="calls")
    ap.add_argument("--tz", default="UTC", help="time zone of naive timestamps")
    ap.add_argument("--country", default=None, help="holidays country code (default: none)")
    ap.add_argument("--intervals", default="30,15", help="aggregation levels in minutes")
    ap.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE,
                    help="scenario.toml whose history is timed (skipped if missing)")
    args = ap.parse_args(argv)
    hist, step = load_history(args.data, args.time_column, args.value_column, args.tz)
    print(f"data: {args.data.name}, {len(hist)} intervals of {step} min")
    summary: dict = {"baselines": {}}
    coverages = []
    for minutes in (int(x) for x in args.intervals.split(",")):
        res = evaluate(hist, minutes, args.country, args.tz)
        for protocol, key in (("day_ahead", "day_ahead"), ("two_week", "two_week")):
            r = res[protocol]
            for m in ("seasonal_naive", "slot_average_8w", "statsforecast_mstl", "staffcast"):
                if m in r:
                    print(f"{minutes:>2} min {protocol:<9} {m:<19} WAPE {r[m]['wape']:6.2f}%  "
                          f"MASE {r[m]['mase']:.3f}")
            print(f"{minutes:>2} min {protocol:<9} staffcast coverage_80 {r['coverage_80']:.3f}  "
                  f"fit+forecast {r['fit_s']:.1f} s wall, {r['cpu_s']:.1f} s CPU over "
                  f"{r['n_origins']} origins  last choice {r['selected']}")
            name = f"{key}_{minutes}min"
            summary[f"wape_{name}"] = round(r["staffcast"]["wape"], 3)
            summary[f"mase_{name}"] = round(r["staffcast"]["mase"], 4)
            summary[f"coverage_80_{name}"] = round(r["coverage_80"], 4)
            summary[f"fit_s_{name}"] = round(r["fit_s"], 2)
            summary[f"cpu_s_{name}"] = round(r["cpu_s"], 2)
            coverages.append(r["coverage_80"])
            for m in ("seasonal_naive", "slot_average_8w", "statsforecast_mstl"):
                if m in r:
                    summary["baselines"].setdefault(m, {})[f"wape_{name}"] = round(r[m]["wape"], 3)
                    summary["baselines"][m][f"mase_{name}"] = round(r[m]["mase"], 4)
    summary["coverage_80"] = round(float(np.mean(coverages)), 4)
    if args.sample.exists():
        summary.update(sample_speed(args.sample))
    print(json.dumps(summary, ensure_ascii=False))
    return summary


if __name__ == "__main__":
    main()
