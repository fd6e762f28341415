"""Keep the search index in step with the archive, and rebuild it from the JSON records.

The catalog remembers which content hash of each release is in the index, so indexing is
idempotent and catches up by itself: whatever a crashed or concurrent crawl did not index is
picked up by the next sync (the crawl syncs as it goes and when it ends) or by `gazette reindex`.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from archive.catalog import COLUMNS
from archive.index import SearchIndex, SearchIndexError, index_fields
from archive.store import ArchiveError, ArchiveStore, read_record

logger = logging.getLogger(__name__)
LOCK_WAIT = 30.0
BATCH = 500
REBUILD_BATCH = 200


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
    handled: set[str] = set()
    while pending := [i for i in store.catalog.pending_index(limit=BATCH + len(handled)) if i not in handled]:
        pending = pending[:BATCH]
        indexed: list[tuple[str, str]] = []
        _with_writer(
            index, lambda writer, ids=pending, out=indexed: _index_batch(store, writer, ids, out), wait
        )
        store.catalog.mark_indexed(indexed)
        handled.update(pending)  # each release once per sync, whatever its file holds
    return len(handled)


def _index_batch(store: ArchiveStore, writer: Any, ids: list[str], out: list[tuple[str, str]]) -> list[str]:
    """Put each release's latest record in the index; `out` gets (id, content hash indexed)."""
    out.clear()
    for release_id in ids:
        try:
            record = store.load(release_id)
        except ArchiveError as exc:  # left out of the index (verify names it), not retried each sync
            logger.warning("not indexed: %s", exc)
            row = store.catalog.get(release_id)
            out.append((release_id, row["content_hash"] if row else ""))
            continue
        writer.put(record)
        out.append((release_id, record["content_hash"]))
    return ids


def _prepare(paths: list[str]) -> list[tuple[dict[str, Any], str, dict[str, Any]] | str]:
    """Worker: read records and make their index fields (the CPU-heavy part of a rebuild)."""
    out: list[tuple[dict[str, Any], str, dict[str, Any]] | str] = []
    for path in paths:
        try:
            record = read_record(path)
        except ArchiveError as exc:
            out.append(str(exc))
            continue
        row = {key: record.get(key) for key in COLUMNS if key != "path"}
        out.append((row, path, index_fields(record)))
    return out


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def rebuild(store: ArchiveStore, wait: float = LOCK_WAIT, workers: int | None = None) -> int:
    """Rebuild catalog and search index from the JSON records alone: each latest version is read
    and tokenised once (here, or by `workers` processes), and this process feeds the shard writers."""
    try:
        index = SearchIndex(store.root)
    except SearchIndexError as exc:  # unreadable: it is derived, so start it afresh
        logger.warning("%s; starting the search index afresh", exc)
        index = SearchIndex.reset(store.root)
    done: list[tuple[str, str]] = []
    # on 2 cores the shard writers' threads already use both, so worker processes only compete with
    # them; the pool pays off only with cores to spare, so it is opt-in (`gazette reindex --workers N`)
    workers = workers or 1

    def work(writer: Any) -> list[str]:
        # the file list is taken while holding the index writer, and the catalog is updated in
        # place, not cleared: a crawl archiving meanwhile leaves its new rows pending, and its
        # next sync indexes them (the recheck schedule in the catalog is kept, too)
        done.clear()
        paths = [str(p) for p in store.latest_files().values()]
        root = len(str(store.root)) + 1
        writer.delete_all()
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            batches = _batches(paths, REBUILD_BATCH)
            for batch in pool.map(_prepare, batches) if workers > 1 else map(_prepare, batches):
                rows = []
                for item in batch:
                    if isinstance(item, str):
                        logger.warning("skipping unreadable record: %s", item)
                        continue
                    row, path, fields = item
                    writer.add_fields(fields)
                    rows.append((row, path[root:].replace(os.sep, "/")))
                    done.append((row["id"], row["content_hash"]))
                store.catalog.put_many(rows)
        store.catalog.prune_missing(store.root)
        return [release_id for release_id, _ in done]

    _with_writer(index, work, wait)
    store.catalog.mark_indexed(done)
    return len(done)
