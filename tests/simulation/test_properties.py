"""Sample-path properties with common random numbers (the same seed draws the same
contacts whatever the staffing, since contacts do not depend on agents)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation import CenterConfig, ChannelSim, simulate_staffing

from .helpers import demand, staffing


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 10), volume=st.floats(1.0, 60.0), aht_s=st.floats(30.0, 600.0),
       patience_s=st.one_of(st.none(), st.floats(10.0, 600.0)), seed=st.integers(0, 10**6),
       absence_prob=st.sampled_from([0.0, 0.2]))
def test_adding_an_agent_never_hurts(n, volume, aht_s, patience_s, seed, absence_prob):
    """FCFS with identical agents: one more agent in every interval never lowers the number
    answered within the threshold nor raises abandonment, replication by replication (with
    absence, agent i's absent days are the same in both runs)."""
    n_int = 6
    cfg = CenterConfig(channels=(ChannelSim("phone", answer_s=20.0, patience_s=patience_s),),
                       absence_prob=absence_prob)
    out = []
    for agents in (n, n + 1):
        res = simulate_staffing(demand("phone", volume, aht_s, n_int),
                                staffing("phone", agents, n_int), cfg, replications=2,
                                seed=seed)
        g = res.intervals.groupby("replication")[["offered", "answered_within",
                                                  "abandoned", "answered"]].sum()
        out.append(g.to_numpy())
    few, more = out
    np.testing.assert_array_equal(few[:, 0], more[:, 0])          # same contacts
    assert np.all(more[:, 1] >= few[:, 1])                          # answered within
    assert np.all(more[:, 2] <= few[:, 2])                          # abandoned
    assert np.all(more[:, 3] >= few[:, 3])                          # answered


@settings(max_examples=15, deadline=None)
@given(volume=st.floats(0.0, 40.0), seed=st.integers(0, 10**6), reps=st.integers(1, 4))
def test_counts_are_consistent(volume, seed, reps):
    """offered = answered + abandoned + unanswered; answered_within <= answered."""
    cfg = CenterConfig(channels=(ChannelSim("phone", answer_s=20.0, patience_s=90.0),))
    res = simulate_staffing(demand("phone", volume, 240.0, 5), staffing("phone", 3, 5), cfg,
                            replications=reps, seed=seed)
    f = res.intervals
    assert (f["offered"] == f["answered"] + f["abandoned"] + f["unanswered"]).all()
    assert (f["answered_within"] <= f["answered"]).all()
    assert f["replication"].nunique() == reps
