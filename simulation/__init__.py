"""Simulation stage: discrete-event simulation of the whole contact center.

Formulas (Erlang C/A) assume a steady state, one skill and one contact per agent. This
stage checks them and the published roster against a stochastic model of the center:
non-homogeneous Poisson arrivals (optionally gamma-Poisson over-dispersed), exponential,
lognormal or empirical handle times and patience, abandonment, agents following the
roster (shifts, breaks, absence) with skills and priorities, longest-idle routing, chat
concurrency, deferred email worked when no realtime contact waits, and queues carried
across interval and shift boundaries.

Three parts are kept apart: the description of the system (:mod:`simulation.config`),
the numba engine (:mod:`simulation.engine`, fed by :mod:`simulation.arrivals`) and the
records turned into long frames (:mod:`simulation.records`). Replications come from
``numpy.random.SeedSequence(seed).spawn(replications)`` and run in parallel threads
(numba ``prange``).

Uses:

* ``simulate_roster(demand, assignments, agent_skills, config, replications, seed)``:
  the published roster's service level per interval with 95% confidence bands
  (``.summary``), per replication (``.intervals``) and the probability that each day
  meets its target (``.daily``).
* ``simulate_staffing(demand, staffing, config, ...)``: verify a head count per interval
  and channel (single-skill agents).
* ``search_staffing(demand, config, ...)``: the smallest head count per interval whose
  simulated service level meets the target (where formulas are approximate: chat,
  deferred work, queues carried across intervals).
"""

from .config import CenterConfig, ChannelSim, Distribution, Empirical, Exponential, LogNormal
from .records import SimulationResult
from .simulate import simulate_roster
from .staffing_check import search_staffing, simulate_staffing

__all__ = [
    "CenterConfig",
    "ChannelSim",
    "Distribution",
    "Empirical",
    "Exponential",
    "LogNormal",
    "SimulationResult",
    "search_staffing",
    "simulate_roster",
    "simulate_staffing",
]
