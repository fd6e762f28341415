"""Per-release event logs: append-only JSON lines beside the records, part of the truth.

Records never change once written, so what happens to a release later (another copy found at
another URL, the page withdrawn, the page back again) is appended to DATA/events/<id[:2]>/<id>.jsonl.
Each event is one line written with a single O_APPEND write, so a crash leaves whole lines.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from archive.record import utc_now

EVENT_TYPES = ("also_at", "withdrawn", "restored")


def events_path(data: Path, release_id: str) -> Path:
    return Path(data) / "events" / release_id[:2] / f"{release_id}.jsonl"


def append_event(data: Path, release_id: str, event_type: str, **detail: Any) -> dict[str, Any]:
    """Append one event; returns it."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r} (known: {', '.join(EVENT_TYPES)})")
    event = {"type": event_type, "at": utc_now(), **detail}
    path = events_path(data, release_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(event, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    return event


def read_events(data: Path, release_id: str) -> list[dict[str, Any]]:
    """Every event of a release, oldest first; a torn last line (crash mid-write) is ignored."""
    path = events_path(data, release_id)
    if not path.exists():
        return []
    events = []
    for line in path.read_text("utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return events


def also_at(events: list[dict[str, Any]]) -> list[str]:
    """URLs of the other copies of a release, in the order they were found."""
    return list(dict.fromkeys(e["url"] for e in events if e["type"] == "also_at"))


def is_withdrawn(events: list[dict[str, Any]]) -> bool:
    state = [e["type"] for e in events if e["type"] in ("withdrawn", "restored")]
    return bool(state) and state[-1] == "withdrawn"


def iter_event_files(data: Path) -> list[Path]:
    root = Path(data) / "events"
    return sorted(root.rglob("*.jsonl")) if root.exists() else []


def withdrawn_ids(data: Path) -> list[tuple[str, dict[str, Any]]]:
    """(id, its last withdrawn event) of every release currently withdrawn."""
    found = []
    for path in iter_event_files(data):
        events = read_events(data, path.stem)
        if is_withdrawn(events):
            found.append((path.stem, [e for e in events if e["type"] == "withdrawn"][-1]))
    return found
