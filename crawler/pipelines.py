"""Item pipeline: glue extraction, cleaning and storage into Scrapy's item flow."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from archive.index import SearchIndex, SearchIndexError
from archive.indexer import sync_index
from archive.record import build_record
from archive.store import ArchiveStore, data_dir
from crawler.fields import release_fields
from crawler.spiders.announcements import FetchedPage

logger = logging.getLogger(__name__)


SYNC_EVERY = 200  # archived releases between search index syncs


class ArchivePipeline:
    """Extract and clean the release from a fetched page, archive it, keep the index in step."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.store: ArchiveStore | None = None
        self.index: SearchIndex | None = None
        self.unsynced = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        root = data_dir(self.crawler.settings.get("GAZETTE_DATA_DIR"))
        self.store = ArchiveStore(root)
        self.index = SearchIndex(root)
        self.sync()  # catch up on whatever an earlier run left unindexed

    def close_spider(self) -> None:
        if self.store:
            self.sync()
            self.store.close()

    def sync(self) -> None:
        """Bring the search index up to date; if another process holds it, the next sync will."""
        assert self.store is not None and self.index is not None
        try:
            count = sync_index(self.store, self.index)
        except SearchIndexError as exc:
            logger.warning("search index not updated now: %s", exc)
            return
        self.unsynced = 0
        if count and self.crawler.stats:
            self.crawler.stats.inc_value("gazette/indexed", count)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        spider = self.crawler.spider
        site = spider.site  # type: ignore[union-attr]
        report = spider.report  # type: ignore[union-attr]
        stats = self.crawler.stats
        assert self.store is not None and stats is not None
        try:
            fields = release_fields(item.body, item.url, item.content_type, site, item.hints)
        except Exception as exc:  # a page that breaks the extractor must not stop the crawl
            logger.exception("extraction failed: %s", item.url)
            report.skip(f"extraction error: {type(exc).__name__}", item.url)
            raise DropItem(f"extraction failed: {item.url}") from exc
        if not fields["title"] or not fields["text"] or not item.warc:
            reason = "no title" if not fields["title"] else "no body" if not fields["text"] else "no capture"
            report.skip(reason, item.url)
            stats.inc_value(f"gazette/dropped/{reason.replace(' ', '_')}")
            raise DropItem(f"{reason}: {item.url}", log_level="INFO")
        raw = {**item.warc, "status": item.status, "content_type": item.content_type}
        record = build_record(site.name, item.url, fields, raw)
        outcome, path = self.store.put(record)
        report.count(outcome)
        stats.inc_value(f"gazette/releases/{outcome}")
        if outcome != "unchanged":
            self.unsynced += 1
            if self.unsynced >= SYNC_EVERY:
                self.sync()
        logger.info("%s release %s: %s", outcome, record["id"], item.url)
        return {"id": record["id"], "outcome": outcome, "path": str(path), "url": item.url}
