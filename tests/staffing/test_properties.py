"""Hypothesis properties of the queueing models and of required_agents."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from staffing import erlang_a, erlang_b, erlang_c, required_agents
from staffing.erlang import erlang_b_at

loads = st.floats(0.05, 400.0)
ahts = st.floats(20.0, 900.0)
patiences = st.floats(10.0, 3600.0)
answers = st.floats(0.0, 600.0)
fractions = st.floats(0.5, 0.99)
SETTINGS = settings(max_examples=60, deadline=None)


@SETTINGS
@given(load=loads, aht=ahts, answer=answers)
def test_erlang_c_service_level_never_falls_with_agents(load, aht, answer):
    n = np.arange(0, int(load) + 60)
    sl = erlang_c(load / aht, aht, n, answer)["service_level"]
    assert np.all(np.diff(sl) >= -1e-12)
    asa = erlang_c(load / aht, aht, n, answer)["asa_s"]
    assert np.all(np.diff(asa[np.isfinite(asa)]) <= 1e-9)


@SETTINGS
@given(load=loads, aht=ahts, patience=patiences, answer=answers)
def test_erlang_a_service_level_rises_and_abandonment_falls_to_zero(load, aht, patience, answer):
    n = np.arange(0, int(load + 10 * np.sqrt(load) + 30))
    m = erlang_a(load / aht, aht, patience, n, answer)
    assert np.all(np.diff(m["service_level"]) >= -1e-9)
    assert np.all(np.diff(m["p_abandon"]) <= 1e-12)
    assert m["p_abandon"][-1] < 1e-4
    assert np.all((m["p_wait"] >= 0) & (m["p_wait"] <= 1))
    assert np.all(m["p_abandon"] <= m["p_wait"] + 1e-12)


@SETTINGS
@given(load=st.floats(0.5, 300.0), aht=ahts, answer=answers, extra=st.integers(1, 40))
def test_erlang_a_tends_to_erlang_c_as_patience_grows(load, aht, answer, extra):
    """The gap to Erlang C shrinks like 1/patience (100x the patience: >= 50x smaller).

    Patience is measured against the time scale on which abandonment starts to matter:
    the mean wait, and AHT n / (n - A)^2 (queue ~ 1/(1 - rho) near critical load).
    """
    n = int(np.floor(load)) + extra
    c = erlang_c(load / aht, aht, n, answer)
    scale_s = float(c["asa_s"]) + aht + aht * n / (n - load) ** 2
    gaps, asa_gaps = [], []
    for patience in (1e5 * scale_s, 1e7 * scale_s, 1e9 * scale_s):
        a = erlang_a(load / aht, aht, patience, n, answer)
        gaps.append(max(abs(float(a[k] - c[k])) for k in ("p_wait", "service_level", "occupancy")))
        asa_gaps.append(abs(float(a["asa_s"] - c["asa_s"])) / scale_s)
    for g in (gaps, asa_gaps):
        assert g[1] <= g[0] / 50 + 1e-10 and g[2] <= g[1] / 50 + 1e-9
        assert g[2] < 1e-4


@SETTINGS
@given(load=st.floats(0.0, 1500.0), n=st.integers(0, 2000))
def test_erlang_b_recursion_matches_log_space_poisson(load, n):
    """Erlang B = pmf(n) / cdf(n) of a Poisson(A), summed in log space (independent)."""
    b = float(erlang_b(load, n))
    if load == 0:
        assert b == (1.0 if n == 0 else 0.0)
        return
    k = np.arange(n + 1)
    log_b = stats.poisson.logpmf(n, load) - special.logsumexp(stats.poisson.logpmf(k, load))
    assert np.isclose(b, np.exp(log_b), rtol=1e-9, atol=1e-300)
    assert np.isclose(float(erlang_b_at(np.array(load), np.array(float(n)))), b,
                      rtol=1e-9, atol=1e-300)


@SETTINGS
@given(load=loads, aht=ahts, answer=st.floats(1.0, 120.0), sl=fractions,
       occ=st.one_of(st.none(), st.floats(0.6, 1.0)))
def test_required_agents_c_is_minimal_and_exceeds_load(load, aht, answer, sl, occ):
    n = int(required_agents(load / aht, aht, answer, sl, max_occupancy=occ))
    assert n > load
    ok = erlang_c(load / aht, aht, [n - 1, n], answer)
    assert ok["service_level"][1] >= sl - 1e-12
    below_ok = ok["service_level"][0] >= sl - 1e-12
    if occ is not None:
        assert ok["occupancy"][1] <= occ + 1e-12
        below_ok &= ok["occupancy"][0] <= occ + 1e-12
    assert not below_ok


@SETTINGS
@given(load=loads, aht=ahts, patience=patiences, answer=st.floats(1.0, 300.0), sl=fractions,
       ab=st.one_of(st.none(), st.floats(0.01, 0.2)))
def test_required_agents_a_is_minimal(load, aht, patience, answer, sl, ab):
    n = int(required_agents(load / aht, aht, answer, sl, patience_s=patience, max_abandon_frac=ab))
    assert n >= sl * load
    m = erlang_a(load / aht, aht, patience, [max(n - 1, 0), n], answer)
    assert m["service_level"][1] >= sl - 1e-12
    if ab is not None:
        assert m["p_abandon"][1] <= ab + 1e-12
    below_ok = (m["service_level"][0] >= sl - 1e-12) and n - 1 >= 1
    if ab is not None:
        below_ok &= m["p_abandon"][0] <= ab + 1e-12
    assert not below_ok


@SETTINGS
@given(load=loads, aht=ahts, patience=st.one_of(st.none(), patiences), sl=fractions)
def test_fractional_agents_lie_between_n_minus_one_and_n(load, aht, patience, sl):
    n = required_agents(load / aht, aht, 20.0, sl, patience_s=patience)
    f = required_agents(load / aht, aht, 20.0, sl, patience_s=patience, fractional=True)
    assert n - 1 < f <= n + 1e-12


@SETTINGS
@given(load=st.floats(1.0, 200.0), aht=ahts, patience=patiences, n_extra=st.integers(-5, 30))
def test_sl_definitions_are_ordered(load, aht, patience, n_extra):
    """Answered-only and short-abandon-excluded service levels are >= the offered one."""
    n = max(1, int(load) + n_extra)
    args = (load / aht, aht, patience, n, 30.0)
    offered = erlang_a(*args)["service_level"]
    answered = erlang_a(*args, sl_definition="answered")["service_level"]
    excl = erlang_a(*args, sl_definition="offered_excl_short_abandons",
                    short_abandon_s=10.0)["service_level"]
    assert answered >= offered - 1e-12
    assert excl >= offered - 1e-12
    excl0 = erlang_a(*args, sl_definition="offered_excl_short_abandons")["service_level"]
    assert np.isclose(excl0, offered, atol=1e-12)
