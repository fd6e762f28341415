"""Link a new release to an earlier copy of the same text: exact, then near duplicates.

Exact: the fingerprint of the normalised body. Near: MinHash LSH bands (fingerprint.py) give
candidates, then the overlap of 5-character shingles decides (>= 0.80; measured on government
texts: near duplicates score >= 0.80, distinct releases on one template <= 0.12). The tables live
in DATA/index/dedup.sqlite, derived from the records (`rebuild`), so only originals are in it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.fingerprint import band_keys, exact_fingerprint, minhash, overlap, shingle_hashes

NEAR_THRESHOLD = 0.80
MIN_SHINGLES = 30
MAX_CANDIDATES = 20
SCHEMA = """
CREATE TABLE IF NOT EXISTS fingerprints (fp TEXT PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bands (
    key INTEGER NOT NULL, id TEXT NOT NULL, PRIMARY KEY (key, id)
) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class Link:
    kind: str  # "exact" or "near"
    of: str  # id of the first archived copy
    similarity: float


class DedupIndex:
    def __init__(self, data: Path) -> None:
        path = Path(data) / "index" / "dedup.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def find(self, record: dict[str, Any], load_text: Callable[[str], str | None]) -> Link | None:
        """The earlier copy `record` duplicates, if any. `load_text(id)` reads a candidate's text."""
        text = record.get("text") or ""
        row = self.db.execute(
            "SELECT id FROM fingerprints WHERE fp = ?", (exact_fingerprint(text),)
        ).fetchone()
        if row and row[0] != record["id"]:
            return Link("exact", row[0], 1.0)
        shingles = shingle_hashes(text)
        if len(shingles) < MIN_SHINGLES:
            return None
        keys = band_keys(minhash(shingles))
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(
            f"SELECT id, count(*) AS n FROM bands WHERE key IN ({marks}) "
            "GROUP BY id ORDER BY n DESC, id LIMIT ?",
            (*keys, MAX_CANDIDATES),
        ).fetchall()
        best: Link | None = None
        for candidate, _ in rows:
            other = load_text(candidate) if candidate != record["id"] else None
            if other is None:
                continue
            score = overlap(shingles, shingle_hashes(other))
            if score >= NEAR_THRESHOLD and (best is None or score > best.similarity):
                best = Link("near", candidate, round(score, 3))
        return best

    def add(self, record: dict[str, Any]) -> None:
        """Register an original (never a duplicate) so later copies link to it."""
        text = record.get("text") or ""
        with self.db:
            self.db.execute(
                "INSERT OR IGNORE INTO fingerprints VALUES (?, ?)", (exact_fingerprint(text), record["id"])
            )
            shingles = shingle_hashes(text)
            if len(shingles) >= MIN_SHINGLES:
                self.db.executemany(
                    "INSERT OR IGNORE INTO bands VALUES (?, ?)",
                    [(key, record["id"]) for key in band_keys(minhash(shingles))],
                )

    def rebuild(self, records: Iterable[dict[str, Any]]) -> int:
        """Recreate the tables from records, streamed: only originals go in (two originals never
        share a fingerprint, or the later would have been linked), so order does not matter."""
        with self.db:
            self.db.execute("DELETE FROM fingerprints")
            self.db.execute("DELETE FROM bands")
        count = 0
        for record in records:
            if not record.get("duplicate_of"):
                self.add(record)
                count += 1
        return count
