"""When to look at an archived release again: a schedule that thins out with age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from archive import clock

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


def recheck_base(published_at: str | None, first_seen: str) -> str:
    """Age counts from publication (an old release archived today is not re-checked), or from when
    it was first seen when undated or dated in the future."""
    if published_at:
        published = datetime.fromisoformat(published_at).astimezone(UTC)
        if published <= parse_stamp(first_seen):
            return stamp(published)
    return first_seen


def now_utc() -> datetime:
    return clock.now()


def stamp(moment: datetime) -> str:
    return moment.strftime(STAMP)
