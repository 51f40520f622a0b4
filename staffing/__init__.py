"""Staffing stage: from a forecast to the agents each interval needs.

Turns the forecast frame (``channel, ds, volume, aht_s[, is_open]``) into the
requirements frame (``channel, ds, volume, aht_s, is_open, load_erlangs,
required_agents, scheduled_required, service_level, asa_s, p_abandon, occupancy``) with
exact, vectorized queueing models per channel:

* voice: Erlang C (no patience) or Erlang A (M/M/n+M, exponential patience);
* chat / social: the same models on concurrency "slots" with full-load handle times;
* deferred work (email): backlog carried between open intervals within a deadline;
* shrinkage and surge buffer to the head count the roster must cover, agent-hours, FTE;
* multi-skill pooling of cross-trained groups (``pooled_requirements``);
* risk under forecast uncertainty (gamma-Poisson): expected service level, chance of
  missing the target, staffing for a forecast quantile (``staffing_risk``).

The pure functions ``erlang_b``, ``erlang_c``, ``erlang_a`` and ``required_agents``
work on numpy arrays of intervals.
"""

from staffing.erlang import erlang_b, erlang_c
from staffing.erlang_a import SL_DEFINITIONS, erlang_a
from staffing.multiskill import pooled_requirements
from staffing.required import required_agents
from staffing.requirements import REQUIREMENT_COLUMNS, staffing_requirements
from staffing.risk import cv_from_interval, expected_service_level, rate_quantile, staffing_risk
from staffing.shrinkage import Shrinkage, agent_hours, scheduled_agents, shrinkage_per_interval
from staffing.targets import ChannelTarget

__all__ = [
    "ChannelTarget",
    "REQUIREMENT_COLUMNS",
    "SL_DEFINITIONS",
    "Shrinkage",
    "agent_hours",
    "cv_from_interval",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "expected_service_level",
    "pooled_requirements",
    "rate_quantile",
    "required_agents",
    "scheduled_agents",
    "shrinkage_per_interval",
    "staffing_requirements",
    "staffing_risk",
]
