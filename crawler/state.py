"""Crawl state on disk: URLs that were fetched but not archived (and when to try them again), and
the validators of list pages for conditional requests, and whether the last walk of each list
ended cleanly (only then may the next walk stop at the known frontier).

This is a cache of the crawler's own history, not archive truth: deleting it costs a few extra
requests on the next run, nothing else.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from crawler.recheck import stamp

RETRY_AFTER = (3600, 86400, 7 * 86400, 30 * 86400)  # seconds, by attempt
SCHEMA = """
CREATE TABLE IF NOT EXISTS skipped (
    url TEXT PRIMARY KEY, site TEXT NOT NULL, reason TEXT NOT NULL, attempts INTEGER NOT NULL,
    next_try TEXT NOT NULL, found_on TEXT, hints TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS validators (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS backoff (site TEXT PRIMARY KEY, until TEXT NOT NULL, reason TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS walks (url TEXT PRIMARY KEY, complete INTEGER NOT NULL) WITHOUT ROWID;
"""


class CrawlState:
    def __init__(self, data: Path) -> None:
        path = Path(data) / "index" / "crawlstate.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def skipped_until(self, url: str, now: datetime) -> str | None:
        """When a URL that was not archived may be tried again, if that is still in the future."""
        row = self.db.execute("SELECT next_try FROM skipped WHERE url = ?", (url,)).fetchone()
        return row[0] if row and row[0] > stamp(now) else None

    def remember_skip(
        self,
        site: str,
        url: str,
        reason: str,
        now: datetime,
        found_on: str | None = None,
        hints: dict[str, str] | None = None,
    ) -> None:
        row = self.db.execute("SELECT attempts FROM skipped WHERE url = ?", (url,)).fetchone()
        attempts = (row[0] if row else 0) + 1
        wait = RETRY_AFTER[min(attempts, len(RETRY_AFTER)) - 1]
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO skipped VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    url,
                    site,
                    reason,
                    attempts,
                    stamp(now + timedelta(seconds=wait)),
                    found_on,
                    json.dumps(hints or {}, ensure_ascii=False),
                ),
            )

    def due_retries(self, site: str, now: datetime) -> list[tuple[str, str | None, dict[str, str]]]:
        """(url, found_on, hints) of skipped URLs whose retry time has come (retried even when their
        list page has not changed, so a conditional 304 never hides them)."""
        rows = self.db.execute(
            "SELECT url, found_on, hints FROM skipped WHERE site = ? AND next_try <= ?", (site, stamp(now))
        )
        return [(url, found_on, json.loads(hints or "{}")) for url, found_on, hints in rows]

    def forget_skip(self, url: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM skipped WHERE url = ?", (url,))

    def validators(self, url: str) -> tuple[str | None, str | None]:
        row = self.db.execute("SELECT etag, last_modified FROM validators WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def save_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self.db:
            if etag or last_modified:
                self.db.execute(
                    "INSERT OR REPLACE INTO validators VALUES (?, ?, ?)", (url, etag, last_modified)
                )
            else:
                self.db.execute("DELETE FROM validators WHERE url = ?", (url,))

    def begin_walk(self, url: str) -> bool:
        """Start walking a list; True if the previous walk of it ended cleanly, so that everything
        listed above the frontier is archived. A walk that was killed, failed or never finished
        leaves False, and the next walk reads the whole list again."""
        row = self.db.execute("SELECT complete FROM walks WHERE url = ?", (url,)).fetchone()
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO walks VALUES (?, 0)", (url,))
        return bool(row and row[0])

    def end_walk(self, url: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO walks VALUES (?, 1)", (url,))

    def back_off(self, site: str, until: datetime, reason: str) -> None:
        """Leave a site alone until `until` (it answered 429/503 with a long Retry-After)."""
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO backoff VALUES (?, ?, ?)", (site, stamp(until), reason))

    def backing_off(self, site: str, now: datetime) -> tuple[str, str] | None:
        """(until, reason) while a site's backoff lasts."""
        row = self.db.execute("SELECT until, reason FROM backoff WHERE site = ?", (site,)).fetchone()
        return (row[0], row[1]) if row and row[0] > stamp(now) else None
