"""Run a query against the index and build hits from the JSON records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any

import tantivy

from archive.dates import SHANGHAI
from archive.events import also_at, read_events
from archive.index import SearchIndex, SearchIndexError, id_from_key, shard_pool
from archive.query import Query, QueryError, Term, parse_query
from archive.snippet import make_snippet, match_offsets
from archive.store import ArchiveError, ArchiveStore
from archive.tokens import CJK_START, phrase_terms

TITLE_BOOST = 10_000.0  # any title hit outranks every body-only hit
SORTS = ("relevance", "date")
MAX_LIMIT = 1000
TIE_WINDOW = 50


@dataclass
class Filters:
    site: str | None = None
    since: date | None = None
    until: date | None = None
    source: str | None = None
    doc_number: str | None = None


@dataclass
class Hit:
    id: str
    url: str
    title: str
    published_at: str | None
    site: str
    source: str | None
    snippet: str
    title_matches: list[tuple[int, int]]
    text_matches: list[tuple[int, int]]
    also_at: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "published_at": self.published_at,
            "site": self.site,
            "source": self.source,
            "snippet": self.snippet,
            "matches": {"title": self.title_matches, "text": self.text_matches},
            "also_at": self.also_at,
        }


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]


def _phrase(schema: tantivy.Schema, name: str, term: Term) -> tantivy.Query | None:
    words = phrase_terms(term.text)
    if not words:
        return None
    if len(words) == 1:
        token = words[0][1]
        if len(token) == 1 and token >= CJK_START:  # one character: any bigram containing it
            return tantivy.Query.regex_query(schema, name, f"{token}.|.{token}|{token}")
        return tantivy.Query.term_query(schema, name, token)
    return tantivy.Query.phrase_query(schema, name, words)


def _either_field(schema: tantivy.Schema, term: Term, boost_title: bool) -> tantivy.Query:
    title, body = _phrase(schema, "title", term), _phrase(schema, "body", term)
    assert title is not None and body is not None
    if boost_title:
        title = tantivy.Query.const_score_query(title, TITLE_BOOST)
    should = tantivy.Occur.Should
    return tantivy.Query.boolean_query([(should, title), (should, body)])


def _filters(schema: tantivy.Schema, filters: Filters) -> list[tantivy.Query]:
    out = []
    if filters.site:
        out.append(tantivy.Query.term_query(schema, "site", filters.site))
    if filters.since or filters.until:
        low = int(datetime.combine(filters.since, time.min, SHANGHAI).timestamp()) if filters.since else None
        high = int(datetime.combine(filters.until, time.max, SHANGHAI).timestamp()) if filters.until else None
        out.append(tantivy.Query.range_query(schema, "published", tantivy.FieldType.Integer, low, high))
    for name in ("source", "doc_number"):
        value = getattr(filters, name)
        if value:
            phrase = _phrase(schema, name, Term(value))
            out.append(phrase if phrase is not None else tantivy.Query.empty_query())
    return out


def build_query(schema: tantivy.Schema, query: Query, filters: Filters) -> tantivy.Query:
    """The engine query: AND of clauses (each an OR of terms, in title or body), NOT excluded."""
    must, should = tantivy.Occur.Must, tantivy.Occur.Should
    parts: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for clause in query.clauses:
        options = [(should, _either_field(schema, term, True)) for term in clause]
        parts.append((must, tantivy.Query.boolean_query(options)))
    for term in query.excluded:
        parts.append((tantivy.Occur.MustNot, _either_field(schema, term, False)))
    parts += [(must, tantivy.Query.const_score_query(f, 0.0)) for f in _filters(schema, filters)]
    parts.append((tantivy.Occur.MustNot, tantivy.Query.term_query(schema, "duplicate", 1)))
    if not any(occur == must for occur, _ in parts):
        parts.append((must, tantivy.Query.all_query()))
    return tantivy.Query.boolean_query(parts)


def _hit(record: dict[str, Any], terms: list[str], data: Path) -> Hit:
    text_spans = match_offsets(record.get("text", ""), terms)
    return Hit(
        id=record["id"],
        url=record["url"],
        title=record["title"],
        published_at=record.get("published_at"),
        site=record["site"],
        source=record.get("source"),
        snippet=make_snippet(record.get("text", ""), text_spans),
        title_matches=match_offsets(record["title"], terms),
        text_matches=text_spans,
        also_at=also_at(read_events(data, record["id"])),
    )


def _require_index(data: Path) -> None:
    """An archive with releases but no index (deleted, or made by an older version) says so."""
    if SearchIndex.exists(data):
        return
    store = ArchiveStore(data)
    try:
        if store.catalog.count():
            raise SearchIndexError(
                f"there is no search index for the archive in {str(data)!r} (deleted, or made by an "
                "older version of Gazette); run `gazette reindex` to build it"
            )
    finally:
        store.close()


def ranked_ids(
    index: SearchIndex, engine_query: tantivy.Query, sort: str, want: int
) -> tuple[int, list[str]]:
    """Total matches and the ids of the first `want`, best first: each shard is searched on its own
    thread (tantivy lets go of the GIL) and the answers merged. Equal scores are ordered by id, so
    an incrementally built index and a rebuilt one answer alike (index order differs between them)."""
    options: dict[str, Any] = {"limit": want + TIE_WINDOW, "count": True}
    if sort == "date":
        options |= {"order_by_field": "published", "order": tantivy.Order.Desc}

    def one(searcher: tantivy.Searcher) -> tuple[int, list[tuple[Any, int]]]:
        found = searcher.search(engine_query, **options)
        ids = searcher.fast_field_values("key", [address for _, address in found.hits])
        return found.count or 0, [(-rank, key) for (rank, _), key in zip(found.hits, ids, strict=True)]

    answers = list(shard_pool().map(one, index.searchers()))
    keyed = sorted(pair for _, pairs in answers for pair in pairs)
    return sum(count for count, _ in answers), [id_from_key(key) for _, key in keyed[:want]]


@lru_cache(maxsize=8)
def open_index(data: Path) -> SearchIndex:
    """Opening an index costs more than a query: keep it open (each search reloads its searcher,
    so commits by a running crawl show up)."""
    return SearchIndex(data)


def search(
    data: Path,
    raw_query: str,
    filters: Filters | None = None,
    sort: str = "relevance",
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """Search the archive under `data`. Raises QueryError for unusable input."""
    filters = filters or Filters()
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r} (use one of: {', '.join(SORTS)})")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise QueryError(f"limit must be 1..{MAX_LIMIT} and offset >= 0, got {limit} and {offset}")
    query = parse_query(raw_query)
    if query.empty and not any(vars(filters).values()):
        raise QueryError(f"nothing to search for in {raw_query!r}: give words, a phrase or a filter")
    _require_index(Path(data))
    index = open_index(Path(data))
    engine_query = build_query(index.schema, query, filters)
    total, ranked = ranked_ids(index, engine_query, sort, offset + limit)
    store = ArchiveStore(data)
    terms = [t.text for t in query.positive]
    hits = []
    try:
        for release_id in ranked[offset : offset + limit]:
            try:
                hits.append(_hit(store.load(release_id), terms, data))
            except ArchiveError:
                continue  # indexed but unreadable: `gazette verify` reports it
    finally:
        store.close()
    return SearchResult(total=total, hits=hits)
