"""Where the Curtois & Qu test data lives: the hand-checked tiny instance in ``data/`` and
the published instances in ``shared/`` beside the checkout (tests skip without them)."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
CURTOIS = (Path(__file__).resolve().parents[3]
           / "shared" / "benchmarks" / "curtois-qu-shift-scheduling" / "instances")
needs_curtois = pytest.mark.skipif(not CURTOIS.is_dir(), reason="benchmark data not present")
