"""The one generic spider: list pages → release links + next pages → release pages.

It only discovers and fetches. Extraction, cleaning and storage happen in the item pipeline;
raw capture happens in a downloader middleware.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive.catalog import Catalog
from archive.record import utc_now
from archive.store import data_dir
from archive.urls import canonical_url
from crawler.blocks import classify_block
from crawler.discover import read_list_page
from crawler.report import RunReport
from crawler.sites import SiteConfig, get_site

# let callbacks see error pages so each one is classified (challenge, 404…), redirects still followed
ERROR_STATUSES = list(range(400, 600))
HOME_PATHS = {"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp"}


@dataclass
class FetchedPage:
    """A fetched release page on its way through the item pipeline."""

    site: str
    url: str
    status: int
    content_type: str | None
    body: bytes = field(repr=False)
    hints: dict[str, str]
    warc: dict[str, str]


class AnnouncementsSpider(scrapy.Spider):
    name = "announcements"

    def __init__(
        self, site: str | None = None, config: str | None = None, data: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if not site:
            raise ValueError("the announcements spider needs a site: -a site=NAME")
        self.site: SiteConfig = get_site(site, config)
        self.data = data_dir(data)
        self.allowed_domains = list(self.site.domains)
        self.report = RunReport(site=self.site.name, started_at=utc_now())
        self.known: set[str] = set()
        self.queued: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        spider = super().from_crawler(crawler, *args, **kwargs)
        site = spider.site
        settings = crawler.settings
        settings.set("GAZETTE_DATA_DIR", str(spider.data), priority="spider")
        settings.set("DOWNLOAD_DELAY", site.download_delay, priority="spider")
        settings.set("AUTOTHROTTLE_START_DELAY", max(site.download_delay, 0.1), priority="spider")
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", site.concurrent_requests, priority="spider")
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        catalog = Catalog(self.data / "index" / "catalog.sqlite")
        try:
            self.known = catalog.known_urls(self.site.name)
        finally:
            catalog.close()
        for url in self.site.start_urls:
            yield self.list_request(url, page=1)

    def list_request(self, url: str, page: int, column: str | None = None) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_list,
            errback=self.failed,
            meta={
                "gazette_kind": "list",
                "page": page,
                "column": column,
                "handle_httpstatus_list": ERROR_STATUSES,
            },
        )

    def parse_list(self, response: Response) -> Any:
        if not self.usable(response, "list"):
            self.report.list_pages_failed += 1
            return
        self.report.list_pages_ok += 1
        assert isinstance(response, TextResponse)
        page = read_list_page(response.text, response.url, self.site)
        column = page.column or response.meta.get("column")
        for url in page.offsite:
            self.report.skip("offsite", url)
        for url, hints in page.releases.items():
            key = canonical_url(url)
            if key in self.known:
                self.report.count("known")
            elif key not in self.queued:
                self.queued.add(key)
                if column:
                    hints = {**hints, "column": column}
                yield scrapy.Request(
                    url,
                    callback=self.parse_release,
                    errback=self.failed,
                    meta={
                        "gazette_kind": "release",
                        "hints": hints,
                        "handle_httpstatus_list": ERROR_STATUSES,
                    },
                )
        number = response.meta.get("page", 1)
        if number < self.site.max_list_pages:
            for url in page.next_pages:
                yield self.list_request(url, page=number + 1, column=column)

    def parse_release(self, response: Response) -> Any:
        if not self.usable(response, "release"):
            return
        if self.redirected_home(response):
            self.report.skip("redirect to home page", response.meta.get("redirect_urls", [response.url])[0])
            return
        yield FetchedPage(
            site=self.site.name,
            url=response.url,
            status=response.status,
            content_type=response.headers.get("Content-Type", b"").decode("latin-1") or None,
            body=response.body,
            hints=response.meta.get("hints", {}),
            warc=response.meta.get("warc", {}),
        )

    def usable(self, response: Response, kind: str) -> bool:
        """False (and reported) for error pages and block pages."""
        text = response.text if isinstance(response, TextResponse) else ""
        block = classify_block(response.status, text)
        if block:
            self.logger.warning("blocked (%s, HTTP %s): %s", block, response.status, response.url)
            self.report.block(block, response.url, kind)
            self.report.skip(block, response.url)
            return False
        if response.status >= 400:
            self.report.skip(f"http {response.status}", response.url)
            return False
        if not isinstance(response, TextResponse):
            self.report.skip("not a text page", response.url)
            return False
        return True

    def redirected_home(self, response: Response) -> bool:
        if not response.meta.get("redirect_urls"):
            return False
        path = urlsplit(response.url).path
        return path in HOME_PATHS or response.url in self.site.start_urls

    def failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get("gazette_kind", "release")
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            reason = "robots.txt"
        elif failure.check(HttpError):
            reason = f"http {failure.value.response.status}"
        else:
            reason = f"error: {failure.type.__name__}: {failure.getErrorMessage()}"[:300]
        self.logger.warning("not fetched (%s): %s", reason, request.url)
        if kind == "list":
            self.report.list_pages_failed += 1
        self.report.skip(reason, request.url)
