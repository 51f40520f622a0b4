"""Synthetic sample data for the bundled Staffcast scenario.

Builds the 15-minute contact history (``history.csv.gz``) and the agents file
(``agents.csv``) of a fictional Chinese e-commerce customer-service center in
Asia/Shanghai. Everything is synthetic and reproducible from one integer seed; see
``data/README.md`` for every effect and its size, and ``data/generate_sample.py`` for the
command line.
"""

from samplegen.agents import PT_MIN_DAYS, FT_MIN_DAYS, make_agents
from samplegen.calendar_cn import DayCalendar, build_calendar
from samplegen.history import Outage, make_history, pick_outages
from samplegen.profiles import CHANNELS, ChannelProfile

__all__ = [
    "CHANNELS",
    "ChannelProfile",
    "DayCalendar",
    "FT_MIN_DAYS",
    "Outage",
    "PT_MIN_DAYS",
    "build_calendar",
    "make_agents",
    "make_history",
    "pick_outages",
]
