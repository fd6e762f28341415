"""Link a new release to an earlier copy of the same text: exact, then near duplicates.

Exact: the fingerprint of the normalised body. Near: MinHash LSH bands (fingerprint.py) give
candidates, then the overlap coefficient of 5-character shingles decides (>= 0.70). Measured
(benchmarks/dedup.py): copies edited by up to 20% score >= 0.75, appended footers and truncations
1.0, distinct releases sharing a template 0.06 (and <= 0.12 on real government texts). The tables live
in DATA/index/dedup.sqlite, derived from the records (`rebuild`), so only originals are in it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from archive.fingerprint import band_keys, exact_fingerprint, minhash, overlap, shingle_hashes

NEAR_THRESHOLD = 0.70
MIN_SHINGLES = 30
MAX_CANDIDATES = 20
# a candidate must share two bands: Jaccard 0.5 still qualifies 99.8% of the time, a chance pair of
# distinct releases (Jaccard ~0.05) 0.3% instead of 7%, which keeps verification off the hot path
MIN_BANDS = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS fingerprints (fp TEXT PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bands (
    key INTEGER NOT NULL, id TEXT NOT NULL, PRIMARY KEY (key, id)
) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class Sketch:
    """What linking needs of a text, computed once per release."""

    fingerprint: str
    shingles: np.ndarray
    keys: list[int]

    @classmethod
    def of(cls, text: str) -> Sketch:
        shingles = shingle_hashes(text)
        keys = band_keys(minhash(shingles)) if len(shingles) >= MIN_SHINGLES else []
        return cls(exact_fingerprint(text), shingles, keys)


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

    def find(
        self, record: dict[str, Any], load_text: Callable[[str], str | None], sketch: Sketch | None = None
    ) -> Link | None:
        """The earlier copy `record` duplicates, if any. `load_text(id)` reads a candidate's text."""
        sketch = sketch or Sketch.of(record.get("text") or "")
        row = self.db.execute("SELECT id FROM fingerprints WHERE fp = ?", (sketch.fingerprint,)).fetchone()
        if row and row[0] != record["id"]:
            return Link("exact", row[0], 1.0)
        if not sketch.keys:
            return None
        marks = ",".join("?" * len(sketch.keys))
        rows = self.db.execute(
            f"SELECT id, count(*) AS n FROM bands WHERE key IN ({marks}) "
            "GROUP BY id HAVING n >= ? ORDER BY n DESC, id LIMIT ?",
            (*sketch.keys, MIN_BANDS, MAX_CANDIDATES),
        ).fetchall()
        best: Link | None = None
        for candidate, _ in rows:
            other = load_text(candidate) if candidate != record["id"] else None
            if other is None:
                continue
            score = overlap(sketch.shingles, shingle_hashes(other))
            if score >= NEAR_THRESHOLD and (best is None or score > best.similarity):
                best = Link("near", candidate, round(score, 3))
        return best

    def add(self, record: dict[str, Any], sketch: Sketch | None = None) -> None:
        """Register an original (never a duplicate) so later copies link to it."""
        sketch = sketch or Sketch.of(record.get("text") or "")
        with self.db:
            self.db.execute(
                "INSERT OR IGNORE INTO fingerprints VALUES (?, ?)", (sketch.fingerprint, record["id"])
            )
            self.db.executemany(
                "INSERT OR IGNORE INTO bands VALUES (?, ?)", [(k, record["id"]) for k in sketch.keys]
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
