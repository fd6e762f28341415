"""Keep the search index in step with the archive, and rebuild it from the JSON records.

The catalog remembers which content hash of each release is in the index, so indexing is
idempotent and catches up by itself: whatever a crashed or concurrent crawl did not index is
picked up by the next sync (the crawl syncs as it goes and when it ends) or by `gazette reindex`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from archive.index import SearchIndex, SearchIndexError
from archive.store import ArchiveError, ArchiveStore

logger = logging.getLogger(__name__)
LOCK_WAIT = 30.0
BATCH = 500


def _with_writer(index: SearchIndex, work: Callable[[Any], list[str]], wait: float) -> list[str]:
    deadline = time.monotonic() + wait
    while True:
        try:
            with index.writer() as writer:
                work(writer)
                return writer.commit()
        except SearchIndexError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.5)


def sync_index(store: ArchiveStore, index: SearchIndex, wait: float = LOCK_WAIT) -> int:
    """Index every release whose latest version is not in the index yet; returns how many."""
    total = 0
    while pending := store.catalog.pending_index(limit=BATCH):

        def work(writer: Any, ids: list[str] = pending) -> list[str]:
            for release_id in ids:
                try:
                    writer.put(store.load(release_id))
                except ArchiveError as exc:
                    logger.warning("not indexed: %s", exc)
            return ids

        _with_writer(index, work, wait)
        store.catalog.mark_indexed(pending)
        total += len(pending)
    return total


def rebuild(store: ArchiveStore, wait: float = LOCK_WAIT) -> int:
    """Rebuild catalog and search index from the JSON records alone, in one pass over the files."""
    index = SearchIndex(store.root)
    done: list[str] = []

    def work(writer: Any) -> list[str]:
        writer.raw.delete_all_documents()

        def add(record: dict[str, Any]) -> None:
            writer.add(record)
            done.append(record["id"])

        store.rebuild_catalog(on_record=add)
        return done

    _with_writer(index, work, wait)
    store.catalog.mark_indexed(done)
    return len(done)
