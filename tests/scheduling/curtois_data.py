"""Where the Curtois & Qu test data lives: the hand-checked tiny instance in ``data/`` and
the published instances in ``shared/`` beside the checkout, else in ``$STAFFCAST_SHARED``
or this workplace's ``/work/shared`` (a CI clone lives elsewhere); tests skip without them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
_SHARED = [Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")]
if os.environ.get("STAFFCAST_SHARED"):
    _SHARED.insert(0, Path(os.environ["STAFFCAST_SHARED"]))
CURTOIS = next((p for p in (s / "benchmarks" / "curtois-qu-shift-scheduling" / "instances"
                            for s in _SHARED) if p.is_dir()), _SHARED[0])
needs_curtois = pytest.mark.skipif(not CURTOIS.is_dir(), reason="benchmark data not present")
