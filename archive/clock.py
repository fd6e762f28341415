"""The current time, in one place. GAZETTE_NOW (ISO 8601, UTC) fixes it for simulations such as
benchmarks/incremental.py; nothing else sets it."""

from __future__ import annotations

import os
from datetime import UTC, datetime


def now() -> datetime:
    fixed = os.environ.get("GAZETTE_NOW")
    if fixed:
        return datetime.fromisoformat(fixed.replace("Z", "+00:00")).astimezone(UTC)
    return datetime.now(UTC)
