"""The catalog: a derived SQLite table of which release lives in which file, and when to look at
it again.

Derived from the JSON records only; delete it and it is rebuilt from them. It is also the crawl's
seen-set: lookups go to disk through an index, so memory stays flat at millions of releases.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

VERSION = 3
SCHEMA = """
CREATE TABLE IF NOT EXISTS releases (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    url TEXT NOT NULL,
    path TEXT NOT NULL,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    published_at TEXT,
    fetched_at TEXT NOT NULL,
    title TEXT NOT NULL,
    found_on TEXT,
    duplicate_of TEXT,
    first_seen TEXT NOT NULL,
    next_check TEXT,
    indexed_hash TEXT
);
CREATE INDEX IF NOT EXISTS releases_url ON releases (canonical_url);
CREATE INDEX IF NOT EXISTS releases_found_on ON releases (found_on, published_at);
"""
COLUMNS = (
    "id",
    "site",
    "canonical_url",
    "url",
    "path",
    "version",
    "content_hash",
    "published_at",
    "fetched_at",
    "title",
    "found_on",
    "duplicate_of",
)
# on a new version the row is updated, but when the release was first seen is kept
UPSERT = (
    f"INSERT INTO releases ({', '.join(COLUMNS)}, first_seen) VALUES ({', '.join('?' * len(COLUMNS))}, ?) "
    "ON CONFLICT(id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c != "id")
)


class Catalog:
    """id → latest version's file; canonical URL → id; the recheck schedule."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, timeout=30)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.fresh = self.db.execute("PRAGMA user_version").fetchone()[0] != VERSION
        if self.fresh:  # new, or made by an older Gazette: start over (it is derived)
            self.db.execute("DROP TABLE IF EXISTS releases")
            self.db.execute(f"PRAGMA user_version = {VERSION}")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def get(self, release_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM releases WHERE id = ?", (release_id,)).fetchone()
        return dict(row) if row else None

    def by_url(self, canonical_url: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM releases WHERE canonical_url = ?", (canonical_url,)).fetchone()
        return dict(row) if row else None

    def _values(self, record: dict[str, Any], relpath: str) -> list[Any]:
        values = [relpath if key == "path" else record.get(key) for key in COLUMNS]
        return [*values, record.get("fetched_at")]

    def put(self, record: dict[str, Any], relpath: str) -> None:
        with self.db:
            self.db.execute(UPSERT, self._values(record, relpath))

    def put_many(self, rows: list[tuple[dict[str, Any], str]]) -> None:
        """Insert (record, relative path) pairs in one transaction (for rebuilds)."""
        with self.db:
            self.db.executemany(UPSERT, [self._values(record, path) for record, path in rows])

    def pending_index(self, limit: int | None = None) -> list[str]:
        """Ids whose latest version is not (yet) in the search index."""
        sql = "SELECT id FROM releases WHERE indexed_hash IS NULL OR indexed_hash != content_hash ORDER BY id"
        rows = self.db.execute(sql + (" LIMIT ?" if limit else ""), (limit,) if limit else ())
        return [row[0] for row in rows]

    def mark_indexed(self, indexed: list[tuple[str, str]]) -> None:
        """Record which content hash of each release went into the index (a newer version archived
        meanwhile by another process stays pending, so the next sync picks it up)."""
        with self.db:
            self.db.executemany(
                "UPDATE releases SET indexed_hash = ? WHERE id = ?", [(h, i) for i, h in indexed]
            )

    def forget_indexed(self) -> None:
        """Mark every release as not in the search index (a new or rebuilt-from-nothing index)."""
        with self.db:
            self.db.execute("UPDATE releases SET indexed_hash = NULL")

    def prune_missing(self, root: Path) -> int:
        """Forget rows whose record file is gone (a catalog rebuilt beside a changed archive)."""
        gone = [
            (i,) for i, path in self.db.execute("SELECT id, path FROM releases") if not (root / path).exists()
        ]
        with self.db:
            self.db.executemany("DELETE FROM releases WHERE id = ?", gone)
        return len(gone)

    def set_next_check(self, release_id: str, when: str | None) -> None:
        with self.db:
            self.db.execute("UPDATE releases SET next_check = ? WHERE id = ?", (when, release_id))

    def due(self, site: str, now: str, everything: bool = False) -> list[dict[str, Any]]:
        """Releases of `site` whose recheck is due (all of them with `everything`), oldest due first."""
        sql = "SELECT id, url, canonical_url, found_on FROM releases WHERE site = ?"
        if not everything:
            return [
                dict(r)
                for r in self.db.execute(sql + " AND next_check <= ? ORDER BY next_check", (site, now))
            ]
        return [dict(r) for r in self.db.execute(sql + " ORDER BY id", (site,))]

    def listed_after(self, found_on: str, day: str) -> list[dict[str, Any]]:
        """Releases first found on list `found_on` and published after `day` (YYYY-MM-DD)."""
        rows = self.db.execute(
            "SELECT id, canonical_url, published_at FROM releases WHERE found_on = ? AND published_at > ?",
            (found_on, f"{day}T23:59:59"),
        )
        return [dict(row) for row in rows]

    def count(self, site: str | None = None) -> int:
        if site:
            return self.db.execute("SELECT count(*) FROM releases WHERE site = ?", (site,)).fetchone()[0]
        return self.db.execute("SELECT count(*) FROM releases").fetchone()[0]

    def ids(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT id FROM releases ORDER BY id")]

    def clear(self) -> None:
        with self.db:
            self.db.execute("DELETE FROM releases")
