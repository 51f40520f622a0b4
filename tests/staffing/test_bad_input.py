"""Bad inputs raise ValueError naming the field and the value."""

from __future__ import annotations

import pandas as pd
import pytest

from staffing import ChannelTarget, erlang_a, erlang_b, erlang_c, required_agents, \
    staffing_requirements


@pytest.mark.parametrize("call, field", [
    (lambda: erlang_c(-1.0, 180, 10, 20), "arrival_rate_per_s"),
    (lambda: erlang_c(0.1, 0.0, 10, 20), "aht_s"),
    (lambda: erlang_c(0.1, 180, 2.5, 20), "agents"),
    (lambda: erlang_c(0.1, 180, 10, -5), "answer_s"),
    (lambda: erlang_b(-3.0, 4), "load_erlangs"),
    (lambda: erlang_b(3.0, -4), "agents"),
    (lambda: erlang_a(0.1, 180, 0.0, 10, 20), "patience_s"),
    (lambda: erlang_a(0.1, 180, 60, 10, 20, sl_definition="bogus"), "sl_definition"),
    (lambda: required_agents(-0.1, 180, 20, 0.8), "arrival_rate_per_s"),
    (lambda: required_agents(0.1, 0.0, 20, 0.8), "aht_s"),
    (lambda: required_agents(0.1, 180, 20, 1.2), "service_level"),
    (lambda: required_agents(0.1, 180, 20, 0.0), "service_level"),
    (lambda: required_agents(0.1, 180, 20, 0.8, max_occupancy=1.5), "max_occupancy"),
    (lambda: required_agents(0.1, 180, 20, 0.8, max_asa_s=-1.0), "max_asa_s"),
    (lambda: required_agents(0.1, 180, 20, 0.8, max_abandon_frac=0.1), "max_abandon_frac"),
    (lambda: required_agents(0.1, 180, 20), "target"),
    (lambda: required_agents(0.1, 180, 20, 0.8, max_agents=5), "max_agents"),
])
def test_function_errors_name_the_field(call, field):
    with pytest.raises(ValueError, match=field):
        call()


BASE = dict(channel="phone", kind="voice", mode="realtime", service_level=0.8, answer_s=20)


@pytest.mark.parametrize("change, field", [
    ({"service_level": 1.5}, "service_level"),
    ({"service_level": 0.0}, "service_level"),
    ({"answer_s": 0.0}, "answer_s"),
    ({"kind": "fax"}, "kind"),
    ({"mode": "batch"}, "mode"),
    ({"channel": ""}, "channel"),
    ({"patience_s": -5.0}, "patience_s"),
    ({"concurrency": 0}, "concurrency"),
    ({"concurrency": 2, "concurrency_aht_factor": (1.0,)}, "concurrency_aht_factor"),
    ({"concurrency": 2, "concurrency_aht_factor": (1.0, -1.0)}, "concurrency_aht_factor"),
    ({"max_occupancy": 0.0}, "max_occupancy"),
    ({"max_abandon_frac": 0.05}, "max_abandon_frac"),
    ({"shrinkage_frac": 1.0}, "shrinkage_frac"),
    ({"surge_buffer_frac": -0.1}, "surge_buffer_frac"),
    ({"sl_definition": "x"}, "sl_definition"),
    ({"mode": "deferred", "patience_s": 60.0}, "deferred"),
])
def test_channel_target_validates(change, field):
    with pytest.raises(ValueError, match=field):
        ChannelTarget(**{**BASE, **change})


def test_channel_target_is_frozen():
    t = ChannelTarget(**BASE)
    with pytest.raises(AttributeError):
        t.service_level = 0.5  # type: ignore[misc]


def _frame(**cols):
    ds = pd.date_range("2026-11-30 08:00", periods=2, freq="15min", tz="Asia/Shanghai")
    base = {"channel": ["phone", "phone"], "ds": ds, "volume": [10.0, 20.0],
            "aht_s": [200.0, 200.0]}
    base.update(cols)
    return pd.DataFrame(base)


@pytest.mark.parametrize("frame, targets, interval, field", [
    (_frame().drop(columns="aht_s"), [ChannelTarget(**BASE)], 15, "aht_s"),
    (_frame(volume=[-1.0, 2.0]), [ChannelTarget(**BASE)], 15, "volume"),
    (_frame(aht_s=[0.0, 200.0]), [ChannelTarget(**BASE)], 15, "aht_s"),
    (_frame(), [ChannelTarget(**{**BASE, "channel": "chat"})], 15, "ChannelTarget"),
    (_frame(), [ChannelTarget(**BASE)], 0, "interval_min"),
    (_frame(), [ChannelTarget(**BASE), ChannelTarget(**BASE)], 15, "one ChannelTarget"),
])
def test_staffing_requirements_errors(frame, targets, interval, field):
    with pytest.raises(ValueError, match=field):
        staffing_requirements(frame, targets, interval)
