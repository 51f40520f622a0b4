"""Every row of the Erlang oracle table (published and independently computed values)."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest

from staffing import ChannelTarget, erlang_a, erlang_b, erlang_c, required_agents

ORACLES = Path(__file__).parent / "data" / "erlang_oracles.csv"


def _rows() -> list[dict]:
    with ORACLES.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


ROWS = _rows()


def _rate_aht(inp: dict) -> tuple[float, float]:
    """Arrival rate per second and AHT in seconds from an oracle's inputs."""
    if "calls" in inp:
        return inp["calls"] / (inp["interval_min"] * 60.0), float(inp["aht_s"])
    return float(inp["traffic_erlangs"]), 1.0  # load given directly: AHT 1 s


def _erlang_c_value(inp: dict, quantity: str) -> float:
    rate, aht = _rate_aht(inp)
    m = erlang_c(rate, aht, inp["agents"], inp.get("target_answer_s", 0.0))
    derived = {"traffic_erlangs": rate * aht, "immediate_answer": 1.0 - float(m["p_wait"])}
    return derived[quantity] if quantity in derived else float(m[quantity])


def _staffing_value(inp: dict, quantity: str) -> float:
    rate, aht = _rate_aht(inp)
    n = int(required_agents(rate, aht, inp.get("target_answer_s", 0.0), inp.get("target_sl"),
                            max_occupancy=inp.get("max_occupancy"),
                            max_asa_s=inp.get("target_asa_s")))
    if quantity in ("agents_required", "raw_positions", "agents_required_for_asa"):
        return n
    if quantity in ("positions_with_shrinkage", "agents_with_shrinkage"):
        target = ChannelTarget("phone", "voice", "realtime", inp["target_sl"],
                               inp["target_answer_s"], shrinkage_frac=inp["shrinkage"])
        return target.scheduled(n)
    return _erlang_c_value({**inp, "agents": n}, quantity)


def _erlang_a_value(inp: dict, quantity: str) -> float:
    rate, aht = _rate_aht(inp)
    m = erlang_a(rate, aht, inp["mean_patience_s"], inp["agents"], inp["target_answer_s"])
    if quantity == "asa_min":
        return float(m["asa_s"]) / 60.0
    return float(m[quantity])


def _value(row: dict) -> float:
    inp = json.loads(row["inputs"])
    model, quantity = row["model"], row["quantity"]
    if model == "erlang_b":
        return float(erlang_b(inp["traffic_erlangs"], inp["servers"]))
    if model == "erlang_c":
        return _erlang_c_value(inp, quantity)
    if model == "erlang_c_staffing":
        return _staffing_value(inp, quantity)
    if model == "erlang_a":
        return _erlang_a_value(inp, quantity)
    raise AssertionError(f"unknown oracle model {model!r}")


def test_oracle_file_is_complete() -> None:
    assert len(ROWS) == 87
    assert {r["model"] for r in ROWS} == {"erlang_b", "erlang_c", "erlang_c_staffing", "erlang_a"}


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['case_id']}-{r['quantity']}" for r in ROWS])
def test_oracle_row(row: dict) -> None:
    got = _value(row)
    expected = float(row["expected"])
    tol = row["abs_tolerance"].strip()
    if tol.startswith("rel"):
        rel = float(tol.split()[1])
        assert math.isclose(got, expected, rel_tol=rel, abs_tol=0.0), (got, expected, row["source"])
    else:
        assert abs(got - expected) <= float(tol) + 1e-15, (got, expected, row["source"])
    # the independent recomputation agrees as well, to the same tolerance plus rounding
    check = float(row["independent_check"])
    assert np.isclose(got, check, rtol=1e-9, atol=max(float(tol) if not tol.startswith("rel")
                                                         else 0.0, 1e-12))
