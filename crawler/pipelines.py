"""Item pipeline: glue extraction, cleaning and storage into Scrapy's item flow."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from archive.archiver import Archiver
from archive.index import SearchIndex, SearchIndexError
from archive.indexer import sync_index
from archive.record import RecordError, build_record
from archive.store import ArchiveError, data_dir
from crawler.fields import release_fields
from crawler.recheck import next_check, now_utc, recheck_base
from crawler.spiders.announcements import FetchedPage, Withdrawal

logger = logging.getLogger(__name__)


SYNC_EVERY = 200  # archived releases between search index syncs


class ArchivePipeline:
    """Extract and clean the release from a fetched page, archive it, keep the index in step."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.archiver: Archiver | None = None
        self.index: SearchIndex | None = None
        self.unsynced = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        root = data_dir(self.crawler.settings.get("GAZETTE_DATA_DIR"))
        self.archiver = Archiver(root)
        self.index = SearchIndex(root)
        if self.index.created:  # first crawl, or an index from another version: index everything
            self.archiver.store.catalog.forget_indexed()
        self.sync()  # catch up on whatever an earlier run left unindexed

    def close_spider(self) -> None:
        if self.archiver:
            self.withdraw_dropped()
            self.sync()
            self.archiver.close()

    def withdraw_dropped(self) -> None:
        """Releases that dropped out of a list they should still be on, within the dates the
        walk covered, are withdrawn (only after a walk with no failed list page)."""
        assert self.archiver is not None
        spider = self.crawler.spider
        for start, walk in getattr(spider, "walks", {}).items():
            if walk.failed or not walk.oldest_day or not walk.seen:
                continue
            for row in self.archiver.store.catalog.listed_after(start, walk.oldest_day):
                if row["canonical_url"] not in walk.seen and self.archiver.withdraw(
                    row["id"], "dropped out of list", start
                ):
                    spider.report.count("withdrawn")  # type: ignore[union-attr]

    def sync(self) -> None:
        """Bring the search index up to date; if another process holds it, the next sync will."""
        assert self.archiver is not None and self.index is not None
        try:
            count = sync_index(self.archiver.store, self.index)
        except SearchIndexError as exc:
            logger.warning("search index not updated now: %s", exc)
            return
        self.unsynced = 0
        if count and self.crawler.stats:
            self.crawler.stats.inc_value("gazette/indexed", count)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Withdrawal):
            return self.withdraw(item)
        if not isinstance(item, FetchedPage):
            return item
        spider = self.crawler.spider
        site = spider.site  # type: ignore[union-attr]
        report = spider.report  # type: ignore[union-attr]
        stats = self.crawler.stats
        assert self.archiver is not None and stats is not None
        hints = item.hints
        if item.recheck_of:  # a recheck has no list page: what the list said last time still holds
            hints = {**self.listed_hints(item.recheck_of), **hints}
        try:
            fields = release_fields(item.body, item.url, item.content_type, site, hints)
        except Exception as exc:  # a page that breaks the extractor must not stop the crawl
            logger.exception("extraction failed: %s", item.url)
            spider.skip_release(f"extraction error: {type(exc).__name__}", item.url, item.meta())  # type: ignore[union-attr]
            raise DropItem(f"extraction failed: {item.url}") from exc
        if not fields["title"] or not fields["text"] or not item.warc:
            reason = "no title" if not fields["title"] else "no body" if not fields["text"] else "no capture"
            spider.skip_release(reason, item.url, item.meta())  # type: ignore[union-attr]
            stats.inc_value(f"gazette/dropped/{reason.replace(' ', '_')}")
            raise DropItem(f"{reason}: {item.url}", log_level="INFO")
        raw = {**item.warc, "status": item.status, "content_type": item.content_type}
        record = build_record(site.name, item.url, {**fields, "found_on": item.found_on}, raw)
        try:
            archived = self.archiver.archive(record)
        except (ArchiveError, RecordError, OSError, sqlite3.Error) as exc:  # disk full, bad files
            logger.error("could not archive %s: %s", item.url, exc)
            report.error(f"archive error: {exc}"[:300], item.url)
            raise DropItem(f"not archived: {item.url}", log_level="INFO") from exc
        outcome, path = archived.outcome, archived.path
        if archived.link:
            report.count(f"duplicate_{archived.link.kind}")
        if item.recheck_of:
            report.count("rechecked")
        report.count(outcome)
        if outcome == "new":
            for name, label in (("published_at", "no_date"), ("source", "no_source")):
                if not record.get(name):
                    report.count(label)
        self.schedule_recheck(record["id"], site.recheck_after)
        stats.inc_value(f"gazette/releases/{outcome}")
        if outcome != "unchanged":
            self.unsynced += 1
            if self.unsynced >= SYNC_EVERY:
                self.sync()
        logger.info("%s release %s: %s", outcome, record["id"], item.url)
        return {"id": record["id"], "outcome": outcome, "path": str(path), "url": item.url}

    def withdraw(self, item: Withdrawal) -> dict[str, Any]:
        assert self.archiver is not None
        if self.archiver.withdraw(item.release_id, item.reason, item.url, item.status):
            self.crawler.spider.report.count("withdrawn")  # type: ignore[union-attr]
            logger.warning("withdrawn (%s): %s", item.reason, item.url)
        return {"id": item.release_id, "outcome": "withdrawn", "url": item.url}

    def schedule_recheck(self, release_id: str, intervals: tuple[float, ...]) -> None:
        assert self.archiver is not None
        catalog = self.archiver.store.catalog
        row = catalog.get(release_id)
        if row:
            start = recheck_base(row["published_at"], row["first_seen"])
            catalog.set_next_check(release_id, next_check(start, intervals, now_utc()))

    def listed_hints(self, release_id: str) -> dict[str, str]:
        """The list-page hints a release was archived with, read back from its provenance."""
        assert self.archiver is not None
        try:
            record = self.archiver.store.load(release_id)
        except Exception:  # an unreadable record is verify's business; extract without hints
            return {}
        provenance = record.get("provenance", {})
        hints = {}
        for field, hint in (("title", "title"), ("column", "column"), ("published_at", "date")):
            if provenance.get(field, "").startswith("list:") and record.get(field):
                hints[hint] = record[field][:10] if hint == "date" else record[field]
        return hints
