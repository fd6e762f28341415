"""Item pipeline: glue extraction, cleaning and storage into Scrapy's item flow."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from archive.record import build_record
from archive.store import ArchiveStore, data_dir
from crawler.fields import release_fields
from crawler.spiders.announcements import FetchedPage

logger = logging.getLogger(__name__)


class ArchivePipeline:
    """Extract the release from a fetched page and archive it as a JSON record."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.store: ArchiveStore | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.store = ArchiveStore(data_dir(self.crawler.settings.get("GAZETTE_DATA_DIR")))

    def close_spider(self) -> None:
        if self.store:
            self.store.close()

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
            raise DropItem(f"{reason}: {item.url}")
        raw = {**item.warc, "status": item.status, "content_type": item.content_type}
        record = build_record(site.name, item.url, fields, raw)
        outcome, path = self.store.put(record)
        report.count(outcome)
        stats.inc_value(f"gazette/releases/{outcome}")
        logger.info("%s release %s: %s", outcome, record["id"], item.url)
        return {"id": record["id"], "outcome": outcome, "path": str(path), "url": item.url}
