"""When to look at an archived release again: a schedule that thins out with age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

STAMP = "%Y-%m-%dT%H:%M:%SZ"


def parse_stamp(value: str) -> datetime:
    return datetime.strptime(value, STAMP).replace(tzinfo=UTC)


def next_check(first_seen: str, intervals: tuple[float, ...], now: datetime) -> str | None:
    """The first scheduled check after `now` (first_seen + an interval), or None when none is left."""
    start = parse_stamp(first_seen)
    for seconds in intervals:
        due = start + timedelta(seconds=seconds)
        if due > now:
            return due.strftime(STAMP)
    return None


def now_utc() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    return moment.strftime(STAMP)
