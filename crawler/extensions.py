"""Extensions: write the run report when the crawl ends."""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler

from archive.runs import run_path, write_run
from archive.store import data_dir

logger = logging.getLogger(__name__)
REQUEST_STATS = {
    "requests": "downloader/request_count",
    "responses": "downloader/response_count",
    "list": "gazette/requests/list",
    "release": "gazette/requests/release",
    "recheck": "gazette/requests/recheck",
    "retry": "gazette/requests/retry",
    "robots": "gazette/requests/robots",
    "robots_forbidden": "robotstxt/forbidden",
}


class RunReportExtension:
    """Saves the spider's RunReport (plus request stats) to the run history and a report file."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunReportExtension:
        return cls(crawler)

    def spider_closed(self, reason: str) -> None:
        spider = self.crawler.spider
        report = getattr(spider, "report", None)
        if report is None:
            return
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        data = data_dir(self.crawler.settings.get("GAZETTE_DATA_DIR"))
        summary = report.to_dict(
            finished_at=stats.get("finish_time").strftime("%Y-%m-%dT%H:%M:%SZ")
            if stats.get("finish_time")
            else None,
            finish_reason=reason,
            requests={name: stats.get(key, 0) for name, key in REQUEST_STATS.items()},
            warc_file=getattr(spider, "warc_file", None),
        )
        path = write_run(run_path(data, report.site, report.started_at), summary)
        extra = self.crawler.settings.get("GAZETTE_REPORT_FILE")
        if extra:
            write_run(Path(extra), summary)
        logger.info("run report: %s", path)
