"""Run history: one JSON report per crawl run under DATA/runs/<site>/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archive import atomic


def run_path(data: Path, site: str, started_at: str) -> Path:
    stamp = started_at.replace(":", "").replace("-", "")
    return data / "runs" / site / f"{stamp}.json"


def write_run(path: Path, report: dict[str, Any]) -> Path:
    atomic.replace(path, (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return path


def read_run(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))


def runs_of(data: Path, site: str) -> list[dict[str, Any]]:
    """Every run report of a site, oldest first; unreadable ones are skipped."""
    folder = Path(data) / "runs" / site
    found = []
    for path in sorted(folder.glob("*.json")) if folder.exists() else []:
        try:
            found.append(read_run(path))
        except (OSError, ValueError):
            continue
    return sorted(found, key=lambda r: r.get("started_at", ""))
