"""Baseline for crawl_throughput: a bare Scrapy spider that only fetches the same pages."""

from __future__ import annotations

import sys
from pathlib import Path

# run as a script, this folder comes first on sys.path, and benchmarks/incremental.py would shadow
# Twisted's `incremental` dependency
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import scrapy  # noqa: E402
from scrapy.crawler import CrawlerProcess  # noqa: E402


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, start_page: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.start_page = start_page

    async def start(self):  # type: ignore[no-untyped-def,override]
        yield scrapy.Request(self.start_page, callback=self.parse_list)

    def parse_list(self, response):  # type: ignore[no-untyped-def]
        for href in response.css("ul.ewb-list a::attr(href)").getall():
            yield response.follow(href, callback=self.parse_release)
        for href in response.css("div.ewb-page a::attr(href)").getall():
            yield response.follow(href, callback=self.parse_list)

    def parse_release(self, response):  # type: ignore[no-untyped-def]
        return None


if __name__ == "__main__":
    start, concurrency = sys.argv[1], int(sys.argv[2])
    process = CrawlerProcess(
        {
            "LOG_LEVEL": "WARNING",
            "ROBOTSTXT_OBEY": True,
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_DELAY": 0,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "TELNETCONSOLE_ENABLED": False,
        }
    )
    process.crawl(BareSpider, start_page=start)
    process.start()
