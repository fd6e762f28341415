"""Downloader middlewares: transport concerns only."""

from __future__ import annotations

import logging

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from archive.store import data_dir
from archive.warc import WarcRun

logger = logging.getLogger(__name__)


def _header_pairs(headers) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, values in headers.items() for v in values]


class WarcCaptureMiddleware:
    """Writes every response, as received, to the run's WARC file (priority near the downloader)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.warc: WarcRun | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        return cls(crawler)

    def spider_opened(self) -> None:
        spider = self.crawler.spider
        site = getattr(spider, "site", None)
        name = site.name if site is not None else getattr(spider, "name", "crawl")
        root = data_dir(self.crawler.settings.get("GAZETTE_DATA_DIR"))
        self.warc = WarcRun(root, name, software=self.crawler.settings.get("USER_AGENT", "gazette"))
        if spider is not None:
            spider.warc_file = self.warc.relpath  # type: ignore[attr-defined]

    def spider_closed(self) -> None:
        if self.warc:
            self.warc.close()

    def process_response(self, request: Request, response: Response) -> Response:
        if self.warc is None:
            return response
        record_id, digest = self.warc.write_exchange(
            response.url,
            response.status,
            _header_pairs(response.headers),
            response.body,
            _header_pairs(request.headers),
            request.method,
        )
        request.meta["warc"] = {
            "warc_file": self.warc.relpath,
            "warc_record_id": record_id,
            "payload_sha256": digest,
        }
        return response


class ConditionalListMiddleware:
    """Fetch list pages with If-None-Match / If-Modified-Since where the server gave validators;
    a 304 then costs the site nothing. New validators are kept by the spider until the run ends
    well, so a crashed run never makes a page look unchanged before its releases were archived."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalListMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        state = getattr(self.crawler.spider, "state", None)
        if request.meta.get("gazette_kind") != "list" or state is None:
            return
        etag, modified = state.validators(request.url)
        if etag:
            request.headers.setdefault("If-None-Match", etag)
        if modified:
            request.headers.setdefault("If-Modified-Since", modified)

    def process_response(self, request: Request, response: Response) -> Response:
        spider = self.crawler.spider
        if request.meta.get("gazette_kind") == "list" and response.status == 200 and spider is not None:
            etag = response.headers.get("ETag")
            modified = response.headers.get("Last-Modified")
            spider.validators[request.url] = (  # type: ignore[attr-defined]
                etag.decode("latin-1") if etag else None,
                modified.decode("latin-1") if modified else None,
            )
        return response
