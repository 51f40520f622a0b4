"""Staffcast ties the pipeline stages together.

* :mod:`staffcast.scenario` — the TOML scenario schema (``load_scenario``, ``Scenario``);
* :mod:`staffcast.loading` — reading and validating history and agents files;
* :mod:`staffcast.pipeline` — ``build_plan`` and one function per stage;
* :mod:`staffcast.storage` — ``PlanStore`` (SQLAlchemy; SQLite by default);
* :mod:`staffcast.cost` — labor cost from the paid timeline;
* :mod:`staffcast.i18n` — Chinese and English texts;
* :mod:`staffcast.cli` — the ``staffcast`` command.

The stages themselves are the top-level packages ``forecasting``, ``staffing``,
``scheduling`` and ``simulation``; see ``docs/architecture.md``.
"""

import os

# Multithreaded OpenBLAS makes statsmodels' small fits 10-30x slower on a busy 2-core
# machine; one BLAS thread is faster for every stage here (set before numpy loads).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from staffcast.errors import DataError, ScenarioError, StaffcastError, StorageError
from staffcast.scenario import Scenario, load_scenario, parse_scenario

__all__ = [
    "DataError",
    "Scenario",
    "ScenarioError",
    "StaffcastError",
    "StorageError",
    "load_scenario",
    "parse_scenario",
]
__version__ = "0.1.0"
