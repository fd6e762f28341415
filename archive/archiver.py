"""Archive one record: link it to an earlier copy, store it, log the link, remember the original.

The one write path for releases, so the crawl, tests and benchmarks archive alike.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.dedup import DedupIndex, Link, Sketch
from archive.events import append_event, is_withdrawn, read_events
from archive.record import content_hash
from archive.store import ArchiveError, ArchiveStore

logger = logging.getLogger(__name__)
DUPLICATE_KEYS = ("duplicate_of", "duplicate_kind", "similarity")


@dataclass
class Archived:
    outcome: str  # new | changed | unchanged
    path: Path
    record: dict[str, Any]
    link: Link | None = None


class Archiver:
    def __init__(self, data: Path) -> None:
        self.data = Path(data)
        self.store = ArchiveStore(data)
        self.dedup = DedupIndex(data)

    def close(self) -> None:
        self.store.close()
        self.dedup.close()

    def _text(self, release_id: str) -> str | None:
        try:
            return self.store.load(release_id).get("text")
        except ArchiveError:
            return None

    def archive(self, record: dict[str, Any]) -> Archived:
        known = self.store.lookup(record)
        link, sketch = None, Sketch.of(record.get("text") or "")
        if known:  # a new version keeps the links of the release
            try:
                previous = self.store.load(record["id"])
            except ArchiveError as exc:  # damaged by hand: `gazette verify` names it; go on
                logger.warning("%s; its links are not carried over", exc)
                previous = {}
            record = {**record, **{k: previous[k] for k in DUPLICATE_KEYS if previous.get(k)}}
        else:
            link = self.dedup.find(record, self._text, sketch)
            if link:
                record = {
                    **record,
                    "duplicate_of": link.of,
                    "duplicate_kind": link.kind,
                    "similarity": link.similarity,
                }
        record["content_hash"] = content_hash(record)
        outcome, path = self.store.put(record)
        if outcome == "new":
            if link:
                append_event(
                    self.data,
                    link.of,
                    "also_at",
                    url=record["url"],
                    id=record["id"],
                    kind=link.kind,
                    similarity=link.similarity,
                )
            else:
                self.dedup.add(record, sketch)
        if is_withdrawn(read_events(self.data, record["id"])):
            append_event(
                self.data, record["id"], "restored", url=record["url"], status=record["raw"]["status"]
            )
        return Archived(outcome, path, record, link)

    def withdraw(self, release_id: str, reason: str, url: str, status: int | None = None) -> bool:
        """Record that a release is gone (once, until it is restored); False if already recorded."""
        if is_withdrawn(read_events(self.data, release_id)):
            return False
        append_event(self.data, release_id, "withdrawn", reason=reason, url=url, status=status)
        return True
