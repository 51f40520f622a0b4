"""The speed benchmark runs and its correctness checks hold (timings are not asserted)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "staffing_speed.py"


def _load():
    spec = importlib.util.spec_from_file_location("staffing_speed", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_week_and_output(capsys):
    bench = _load()
    week = bench.make_week(0)
    assert set(week) == set(bench.CHANNELS)
    loads = np.concatenate(list(week.values()))
    assert loads.size == 4 * 672 and loads.min() >= 1.0 and loads.max() <= 300.0
    result = bench.main(["--repeats", "1"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == result
    for key in ("erlang_c_ms", "erlang_a_ms", "pyworkforce_erlang_c_ms",
                "pyworkforce_erlang_a_ms", "agree"):
        assert key in result
    assert result["erlang_a_oracle_rows_ok"] == "45/45"
    if importlib.util.find_spec("pyworkforce") is not None:
        assert result["agree"] is True
        assert result["excluded_intervals"] < result["compared_intervals"]
