"""Versions of a release and readable differences between them."""

from __future__ import annotations

import difflib
from typing import Any

from archive.record import CONTENT_FIELDS
from archive.store import FILE_RE, ArchiveError, ArchiveStore, read_record


def versions(store: ArchiveStore, release_id: str) -> list[dict[str, Any]]:
    """Every version of a release, oldest first (they sit beside version 1)."""
    latest = store.catalog.get(release_id)
    if not latest:
        raise ArchiveError(f"no release with id {release_id!r} in {str(store.root)!r}")
    folder = (store.root / latest["path"]).parent
    found = []
    for path in folder.glob(f"{release_id}*.json"):
        match = FILE_RE.match(path.name)
        if match and match.group("id") == release_id:
            found.append(read_record(path))
    return sorted(found, key=lambda r: r.get("version", 1))


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Changed fields as `field: old → new`, then a unified diff of the text by paragraph."""
    lines = [
        f"{name}: {old.get(name)!r} → {new.get(name)!r}"
        for name in CONTENT_FIELDS
        if name != "text" and old.get(name) != new.get(name)
    ]
    text = difflib.unified_diff(
        (old.get("text") or "").split("\n"),
        (new.get("text") or "").split("\n"),
        fromfile=f"version {old.get('version', 1)} ({old['fetched_at']})",
        tofile=f"version {new.get('version', 1)} ({new['fetched_at']})",
        lineterm="",
    )
    return lines + list(text)


def pick(found: list[dict[str, Any]], number: int) -> dict[str, Any]:
    for record in found:
        if record.get("version", 1) == number:
            return record
    have = ", ".join(str(r.get("version", 1)) for r in found)
    raise ArchiveError(f"release {found[0]['id']!r} has no version {number} (it has: {have})")
