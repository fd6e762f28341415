"""The full-text index: tantivy over CJK bigrams (see tokens.py), derived only from JSON records.

Chosen by measurement (benchmarks/search.py): exact substring semantics like FTS5 over bigrams,
but top-k retrieval and counting that stay fast at a million releases, and a smaller index.
"""

from __future__ import annotations

import logging
import shutil
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import tantivy

from archive.tokens import index_text

logger = logging.getLogger(__name__)

INDEX_DIR = "search-v3"  # bump when the schema or tokens change; old directories are rebuilt
UNDATED = -(2**62)
WRITER_HEAP = 128_000_000  # per shard
SHARDS = 2
TEXT_FIELDS = ("title", "body", "source", "doc_number")


class SearchIndexError(RuntimeError):
    """The index cannot be opened or written; the message says which and what to do."""


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("content_hash", stored=True, tokenizer_name="raw")
    builder.add_text_field("site", tokenizer_name="raw")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    builder.add_integer_field("key", fast=True)  # the id as a number: hits are ranked without a doc read
    builder.add_integer_field("published", indexed=True, fast=True)
    builder.add_integer_field("duplicate", indexed=True, fast=True)
    return builder.build()


def published_seconds(value: str | None) -> int:
    return int(datetime.fromisoformat(value).timestamp()) if value else UNDATED


def index_fields(record: dict[str, Any]) -> dict[str, Any]:
    """The index entry of a record: every searchable field as bigram tokens, filters as raw values.
    Plain strings and ints, so worker processes can prepare them (see indexer.rebuild)."""
    return dict(
        id=record["id"],
        key=id_key(record["id"]),
        content_hash=record["content_hash"],
        site=record["site"],
        title=index_text(record.get("title") or ""),
        body=index_text(record.get("text") or ""),
        source=index_text(record.get("source") or ""),
        doc_number=index_text(record.get("doc_number") or ""),
        published=published_seconds(record.get("published_at")),
        duplicate=1 if record.get("duplicate_of") else 0,
    )  # fmt: skip


class SearchIndex:
    """Opens (or creates) the index under DATA/index/; one writer at a time across processes.

    The index is split into SHARDS tantivy indexes by a hash of the release id, searched in
    parallel: a query that matches a third of a million releases costs half as long on two cores
    (tantivy searches one index's segments one after another)."""

    def __init__(self, data: Path) -> None:
        self.path = Path(data) / "index" / INDEX_DIR
        self.created = not self.exists(data)  # new, or made by another version
        if self.created:
            for older in self.path.parent.glob("search-v*"):
                if older != self.path:
                    shutil.rmtree(older, ignore_errors=True)  # derived: rebuilt from the records
        self.schema = build_schema()
        self.shards = [self._open(self.path / f"shard-{n}") for n in range(SHARDS)]

    def _open(self, path: Path) -> tantivy.Index:
        path.mkdir(parents=True, exist_ok=True)
        try:
            return tantivy.Index(self.schema, path=str(path), reuse=True)
        except ValueError as exc:
            raise SearchIndexError(
                f"cannot open the search index {str(path)!r} ({exc}); run `gazette reindex` to rebuild it"
            ) from exc

    @classmethod
    def exists(cls, data: Path) -> bool:
        folder = Path(data) / "index" / INDEX_DIR
        return all((folder / f"shard-{n}" / "meta.json").exists() for n in range(SHARDS))

    @classmethod
    def reset(cls, data: Path) -> SearchIndex:
        """A new, empty index (the old one is removed: it is derived)."""
        shutil.rmtree(Path(data) / "index" / INDEX_DIR, ignore_errors=True)
        return cls(data)

    @contextmanager
    def writer(self) -> Iterator[IndexWriter]:
        raws: list[tantivy.IndexWriter] = []
        try:
            for shard in self.shards:  # always in the same order, so two processes cannot deadlock
                raws.append(shard.writer(heap_size=WRITER_HEAP, num_threads=1))
        except ValueError as exc:
            del raws  # drops the shard writers taken so far, and their locks
            raise SearchIndexError(
                f"the search index {str(self.path)!r} is being written by another "
                f"process ({exc}); try again when it has finished"
            ) from exc
        writer = IndexWriter(raws)
        try:
            yield writer
            writer.commit()
        except BaseException:
            for raw in raws:
                raw.rollback()
            raise
        finally:
            for raw in raws:
                raw.wait_merging_threads()

    def searchers(self) -> list[tantivy.Searcher]:
        """One searcher per shard, reloaded so that the latest commits are seen."""
        for shard in self.shards:
            shard.reload()
        return [shard.searcher() for shard in self.shards]

    def entries(self) -> dict[str, str]:
        """id → content hash of every indexed release (for `gazette verify`)."""
        entries = {}
        for searcher in self.searchers():
            found = searcher.search(tantivy.Query.all_query(), limit=max(searcher.num_docs, 1))
            for _, address in found.hits:
                doc = searcher.doc(address)
                entries[doc["id"][0]] = doc["content_hash"][0]
        return entries


def id_key(release_id: str) -> int:
    """The 16-hex-digit id as a signed 64-bit integer, in the same order (tantivy-py stores Python
    ints as i64)."""
    return int(release_id, 16) - 2**63


def id_from_key(key: int) -> str:
    return f"{key + 2**63:016x}"


def shard_of(release_id: str) -> int:
    return zlib.crc32(release_id.encode("utf-8")) % SHARDS


@cache
def shard_pool() -> ThreadPoolExecutor:
    """One thread per shard, for work done on every shard at once (searches, commits): tantivy
    lets go of the GIL while it works."""
    return ThreadPoolExecutor(SHARDS, thread_name_prefix="shard")


class IndexWriter:
    """Adds or replaces records; changes become visible at commit."""

    def __init__(self, raws: list[tantivy.IndexWriter]) -> None:
        self.raws = raws
        self.pending: list[str] = []
        self.dirty = False

    def put(self, record: dict[str, Any]) -> None:
        """Add or replace the entry of a release."""
        self.raws[shard_of(record["id"])].delete_documents_by_term("id", record["id"])
        self.dirty = True
        self.add(record)

    def add(self, record: dict[str, Any]) -> None:
        """Add an entry, for a release known not to be in the index (rebuilds)."""
        self.add_fields(index_fields(record))

    def add_fields(self, fields: dict[str, Any]) -> None:
        self.raws[shard_of(fields["id"])].add_document(tantivy.Document(**fields))
        self.pending.append(fields["id"])
        self.dirty = True

    def delete_all(self) -> None:
        for raw in self.raws:
            raw.delete_all_documents()
        self.dirty = True

    def commit(self) -> list[str]:
        """Commit every shard (at once: a commit waits for the shard's indexing thread and then
        writes its segment, and tantivy lets go of the GIL meanwhile) and return the ids made
        visible. Without changes since the last commit there is nothing to write."""
        if self.dirty:
            list(shard_pool().map(tantivy.IndexWriter.commit, self.raws))
            self.dirty = False
        done, self.pending = self.pending, []
        return done
