"""The catalog: a derived SQLite table of which release lives in which file.

Derived from the JSON records only; delete it and `rebuild` makes it again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS releases (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    path TEXT NOT NULL,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    published_at TEXT,
    fetched_at TEXT NOT NULL,
    title TEXT NOT NULL,
    indexed_hash TEXT
);
CREATE INDEX IF NOT EXISTS releases_site_url ON releases (site, canonical_url);
"""
COLUMNS = (
    "id",
    "site",
    "canonical_url",
    "path",
    "version",
    "content_hash",
    "published_at",
    "fetched_at",
    "title",
)


class Catalog:
    """id → latest version's file, plus what the crawl needs to skip known releases."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, timeout=30)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(releases)")}
        if "indexed_hash" not in columns:  # catalogs from before the search index
            self.db.execute("ALTER TABLE releases ADD COLUMN indexed_hash TEXT")

    def close(self) -> None:
        self.db.close()

    def get(self, release_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM releases WHERE id = ?", (release_id,)).fetchone()
        return dict(row) if row else None

    def put(self, record: dict[str, Any], relpath: str) -> None:
        values = {key: record.get(key) for key in COLUMNS}
        values["path"] = relpath
        names = ", ".join(COLUMNS)
        marks = ", ".join("?" for _ in COLUMNS)
        with self.db:
            self.db.execute(
                f"INSERT OR REPLACE INTO releases ({names}) VALUES ({marks})",
                [values[key] for key in COLUMNS],
            )

    def put_many(self, rows: list[tuple[dict[str, Any], str]]) -> None:
        """Insert (record, relative path) pairs in one transaction (for rebuilds)."""
        names = ", ".join(COLUMNS)
        marks = ", ".join("?" for _ in COLUMNS)
        values = [[path if key == "path" else record.get(key) for key in COLUMNS] for record, path in rows]
        with self.db:
            self.db.executemany(f"INSERT OR REPLACE INTO releases ({names}) VALUES ({marks})", values)

    def pending_index(self, limit: int | None = None) -> list[str]:
        """Ids whose latest version is not (yet) in the search index."""
        sql = "SELECT id FROM releases WHERE indexed_hash IS NULL OR indexed_hash != content_hash ORDER BY id"
        rows = self.db.execute(sql + (" LIMIT ?" if limit else ""), (limit,) if limit else ())
        return [row[0] for row in rows]

    def mark_indexed(self, ids: list[str]) -> None:
        with self.db:
            self.db.executemany(
                "UPDATE releases SET indexed_hash = content_hash WHERE id = ?", [(i,) for i in ids]
            )

    def known_urls(self, site: str) -> set[str]:
        rows = self.db.execute("SELECT canonical_url FROM releases WHERE site = ?", (site,))
        return {row[0] for row in rows}

    def count(self, site: str | None = None) -> int:
        if site:
            return self.db.execute("SELECT count(*) FROM releases WHERE site = ?", (site,)).fetchone()[0]
        return self.db.execute("SELECT count(*) FROM releases").fetchone()[0]

    def ids(self) -> Iterable[str]:
        return [row[0] for row in self.db.execute("SELECT id FROM releases ORDER BY id")]

    def clear(self) -> None:
        with self.db:
            self.db.execute("DELETE FROM releases")
