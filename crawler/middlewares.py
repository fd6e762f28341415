"""Downloader middlewares: transport concerns only."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from archive.store import data_dir
from archive.warc import WarcRun
from crawler.discover import on_site

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


class RequestStatsMiddleware:
    """Count requests by why they were made: list, release, recheck, retry, robots."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequestStatsMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if request.meta.get("retry_times") or request.meta.get("gazette_backoff"):
            reason = "retry"
        elif request.url.endswith("/robots.txt"):
            reason = "robots"
        else:
            reason = request.meta.get("gazette_kind", "other")
        if self.crawler.stats:
            self.crawler.stats.inc_value(f"gazette/requests/{reason}")


MAX_INLINE_WAIT = 60.0  # a longer Retry-After ends the run; the next scheduled run waits it out
MAX_BACKOFF_RETRIES = 2


def retry_after_seconds(value: bytes | None, default: float) -> float:
    """Retry-After as seconds: delta-seconds or an HTTP date."""
    if not value:
        return default
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    from email.utils import parsedate_to_datetime

    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return default
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


class BackoffMiddleware:
    """429 and 503 with Retry-After: slow the whole site down and try again later, never in a tight
    loop. A short wait is honoured in this run (the site's download slot waits); a long one, or
    pushback that goes on, is left to the spider, which reports the run as blocked."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in (429, 503):
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"), default=MAX_INLINE_WAIT * 2)
        tries = request.meta.get("gazette_backoff", 0)
        request.meta["gazette_retry_after"] = wait  # the spider reads it from response.meta
        if wait > MAX_INLINE_WAIT or tries >= MAX_BACKOFF_RETRIES:
            return response
        engine = self.crawler.engine
        slot_key = request.meta.get("download_slot") or urlsplit(request.url).hostname
        slot = engine.downloader.slots.get(slot_key) if engine else None
        if slot is not None:
            slot.delay = max(slot.delay, wait)
        logger.info("backing off %.0fs (HTTP %s): %s", wait, response.status, request.url)
        retry = request.replace(dont_filter=True)
        retry.meta["gazette_backoff"] = tries + 1
        return retry


class RetryBackoffMiddleware:
    """Scrapy's retries (timeouts, resets, 5xx) wait before they go out, doubling each time
    (RETRY_BACKOFF_BASE, RETRY_BACKOFF_BASE * 2, ...): a struggling server is not hit again at once.
    Only the retried request waits; the rest of the crawl goes on."""

    def __init__(self, base: float, cap: float) -> None:
        self.base, self.cap = base, cap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryBackoffMiddleware:
        settings = crawler.settings
        return cls(settings.getfloat("RETRY_BACKOFF_BASE", 1.0), settings.getfloat("RETRY_BACKOFF_MAX", 60.0))

    async def process_request(self, request: Request) -> None:
        tries = request.meta.get("retry_times", 0)
        if not tries or request.meta.get("gazette_backed_off") == tries:
            return
        request.meta["gazette_backed_off"] = tries
        wait = min(self.cap, self.base * 2 ** (tries - 1))
        logger.info("retry %d of %s in %.1fs", tries, request.url, wait)
        from twisted.internet import reactor  # the one Scrapy installed: never import it early

        await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))


class Refused(IgnoreRequest):
    """A request Gazette will not follow; the message is the reason the run report shows."""


REDIRECTS = (301, 302, 303, 307, 308)


class RedirectGuardMiddleware:
    """Sits before Scrapy's RedirectMiddleware: a redirect off the site (or off http/https) or
    round in a loop is refused with a reason, instead of being dropped without a word."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if response.status not in REDIRECTS or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        seen = [*request.meta.get("redirect_urls", []), request.url]
        if target in seen:
            raise Refused(f"redirect loop ({len(seen)} hops)")
        site = getattr(self.crawler.spider, "site", None)
        if urlsplit(target).scheme not in ("http", "https") or not on_site(
            target, site.domains if site else ()
        ):
            raise Refused(f"redirect off the site to {target[:200]}")
        return response
