"""The one generic spider: list pages → release links + next pages → release pages.

It only discovers and fetches. Extraction, cleaning and storage happen in the item pipeline; raw
capture and conditional requests happen in downloader middlewares. It asks the catalog (on disk)
whether a release is known, so memory stays flat however large the archive grows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import CloseSpider, DownloadCancelledError, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive.catalog import Catalog
from archive.record import utc_now
from archive.store import data_dir
from archive.urls import canonical_url
from crawler.blocks import classify_block
from crawler.discover import ListPage, read_list_page
from crawler.middlewares import Refused
from crawler.recheck import now_utc, stamp
from crawler.report import RunReport
from crawler.sites import SiteConfig, get_site
from crawler.state import CrawlState

# let callbacks see error pages so each one is classified (challenge, 404…), redirects still followed
ERROR_STATUSES = list(range(400, 600))
GONE_STATUSES = (404, 410)
DEFAULT_BACKOFF = 600.0  # seconds, when a 429 says nothing about how long to wait
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
    found_on: str | None = None
    recheck_of: str | None = None

    def meta(self) -> dict[str, Any]:
        return {"found_on": self.found_on, "hints": self.hints, "recheck_of": self.recheck_of}


@dataclass
class Withdrawal:
    """An archived release that is gone from its site (404/410 or a redirect to the home page)."""

    release_id: str
    reason: str
    url: str
    status: int | None


RELEASE_PRIORITY = 10  # a long first walk would otherwise queue every release of the site in memory


@dataclass
class ListWalk:
    """What one start URL's walk through its list pages saw (for spotting dropped releases)."""

    seen: set[str] = field(default_factory=set)
    oldest_day: str | None = None
    failed: bool = False
    trust_frontier: bool = False  # the last walk ended cleanly, so stopping at the frontier is safe


class AnnouncementsSpider(scrapy.Spider):
    name = "announcements"

    def __init__(
        self,
        site: str | None = None,
        config: str | None = None,
        data: str | None = None,
        recheck: str | bool = False,
        since: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not site:
            raise ValueError("the announcements spider needs a site: -a site=NAME")
        self.site: SiteConfig = get_site(site, config)
        self.data = data_dir(data)
        self.allowed_domains = list(self.site.domains)
        self.report = RunReport(site=self.site.name, started_at=utc_now())
        self.recheck_all = recheck in (True, "1", "true", "yes")
        self.since = date.fromisoformat(since) if since else None
        self.walks: dict[str, ListWalk] = {url: ListWalk() for url in self.site.start_urls}
        self.queued: set[str] = set()
        self.catalog: Catalog | None = None
        self.state: CrawlState | None = None
        self.validators: dict[str, tuple[str | None, str | None]] = {}  # list URL → ETag, Last-Modified

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        spider = super().from_crawler(crawler, *args, **kwargs)
        site = spider.site
        settings = crawler.settings
        settings.set("GAZETTE_DATA_DIR", str(spider.data), priority="spider")
        settings.set("DOWNLOAD_DELAY", site.download_delay, priority="spider")
        settings.set("AUTOTHROTTLE_START_DELAY", max(site.download_delay, 0.1), priority="spider")
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", site.concurrent_requests, priority="spider")
        settings.set("DOWNLOAD_TIMEOUT", site.download_timeout, priority="spider")
        settings.set("RETRY_TIMES", site.max_retries, priority="spider")
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.catalog = Catalog(self.data / "index" / "catalog.sqlite")
        self.state = CrawlState(self.data)
        waiting = self.state.backing_off(self.site.name, now_utc())
        if waiting:
            self.logger.warning("backing off until %s (%s): %s", waiting[0], waiting[1], self.site.name)
            self.report.block(
                f"backing off until {waiting[0]} ({waiting[1]})", self.site.start_urls[0], "list"
            )
            return
        for url in self.site.start_urls:
            self.walks[url].trust_frontier = self.state.begin_walk(url)
            yield self.list_request(url, url, page=1)
        for row in self.catalog.due(self.site.name, stamp(now_utc()), everything=self.recheck_all):
            self.queued.add(row["canonical_url"])
            yield self.release_request(row["url"], {}, row["found_on"], recheck_of=row["id"])
        for url, found_on, hints in self.state.due_retries(self.site.name, now_utc()):
            if url not in self.queued:
                self.queued.add(url)
                yield self.release_request(url, hints, found_on)

    def closed(self, reason: str) -> None:
        # only a whole run without errors may make list pages conditional: after a failed
        # download the list must be read again, or its releases would never be fetched
        if self.state and reason == "finished" and not self.report.errors:
            for url, (etag, modified) in self.validators.items():
                self.state.save_validators(url, etag, modified)
            for url, walk in self.walks.items():
                if not walk.failed:
                    self.state.end_walk(url)
        if self.catalog:
            self.catalog.close()
        if self.state:
            self.state.close()

    def skip_release(self, reason: str, url: str, meta: dict[str, Any] | None = None) -> None:
        """Report a release URL that was not archived, and leave it alone for a while (`meta`: the
        request's found_on, hints and recheck_of)."""
        self.report.skip(reason, url)
        meta = meta or {}
        if self.state and not meta.get("recheck_of"):
            self.state.remember_skip(
                self.site.name, canonical_url(url), reason, now_utc(), meta.get("found_on"), meta.get("hints")
            )

    def list_request(self, url: str, start: str, page: int, column: str | None = None) -> scrapy.Request:
        meta = {
            "gazette_kind": "list",
            "start": start,
            "page": page,
            "column": column,
            "handle_httpstatus_list": [304, *ERROR_STATUSES],
        }
        return scrapy.Request(url, callback=self.parse_list, errback=self.failed, meta=meta)

    def release_request(
        self, url: str, hints: dict[str, str], found_on: str | None, recheck_of: str | None = None
    ) -> scrapy.Request:
        meta = {
            "gazette_kind": "recheck" if recheck_of else "release",
            "hints": hints,
            "found_on": found_on,
            "recheck_of": recheck_of,
            "handle_httpstatus_list": ERROR_STATUSES,
        }
        return scrapy.Request(  # releases before further list pages: the queue stays short
            url,
            callback=self.parse_release,
            errback=self.failed,
            meta=meta,
            dont_filter=bool(recheck_of),
            priority=RELEASE_PRIORITY,
        )

    def parse_list(self, response: Response) -> Any:
        walk = self.walks.setdefault(response.meta["start"], ListWalk())
        if response.status == 304:  # unchanged since the last run: nothing new on it or after it
            self.report.list_pages_ok += 1
            return
        if not self.usable(response, "list"):
            self.report.list_pages_failed += 1
            walk.failed = True
            return
        self.report.list_pages_ok += 1
        assert isinstance(response, TextResponse)
        page = read_list_page(response.text, response.url, self.site)
        column = page.column or response.meta.get("column")
        for url in page.offsite:
            self.report.skip("offsite", url)
        new = last_new = 0
        for url, hints in page.releases.items():
            last_new = yield from self.consider(
                url, {**hints, "column": column} if column else hints, walk, response
            )
            new += last_new
        yield from self.follow(page, response, column, new and last_new)

    def consider(self, url: str, hints: dict[str, str], walk: ListWalk, response: Response) -> Any:
        """Queue a listed release unless it is archived already; returns 1 when it is new."""
        key = canonical_url(url)
        walk.seen.add(key)
        if hints.get("date") and (walk.oldest_day is None or hints["date"] < walk.oldest_day):
            walk.oldest_day = hints["date"]
        if self.since and hints.get("date") and hints["date"] < self.since.isoformat():
            return 0
        assert self.catalog is not None and self.state is not None
        if key in self.queued or self.catalog.by_url(key):
            self.report.count("known")
            return 0
        if self.state.skipped_until(key, now_utc()):
            self.report.count("known")  # fetched before and not archivable; retried on a backoff
            return 0
        self.queued.add(key)
        yield self.release_request(url, hints, response.meta["start"])
        return 1

    def follow(self, page: ListPage, response: Response, column: str | None, tail_new: int) -> Any:
        """Next list pages, unless this page reaches the known frontier (its last release is
        archived, so everything after it is too: pinned items at the top do not count), or is
        too old. `frontier_pages` more pages are walked past the frontier as a safety margin."""
        number = response.meta.get("page", 1)
        streak = 0 if tail_new else response.meta.get("known_streak", 0) + 1
        trusted = self.walks.setdefault(response.meta["start"], ListWalk()).trust_frontier
        if (trusted and streak > self.site.frontier_pages) or number >= self.site.max_list_pages:
            return
        dates = [h["date"] for h in page.releases.values() if h.get("date")]
        if self.since and dates and max(dates) < self.since.isoformat():
            return
        for url in page.next_pages:
            request = self.list_request(url, response.meta["start"], number + 1, column)
            request.meta["known_streak"] = streak
            yield request

    def parse_release(self, response: Response) -> Any:
        recheck_of = response.meta.get("recheck_of")
        home = self.redirected_home(response)
        if recheck_of and (response.status in GONE_STATUSES or home):
            reason = "redirect to home page" if home else f"http {response.status}"
            yield Withdrawal(
                recheck_of, reason, response.meta.get("redirect_urls", [response.url])[0], response.status
            )
            return
        if not self.usable(response, "release"):
            return
        if home:
            url = response.meta.get("redirect_urls", [response.url])[0]
            self.skip_release("redirect to home page", url, response.meta)
            return
        yield FetchedPage(
            site=self.site.name,
            url=response.url,
            status=response.status,
            content_type=response.headers.get("Content-Type", b"").decode("latin-1") or None,
            body=response.body,
            hints=response.meta.get("hints", {}),
            warc=response.meta.get("warc", {}),
            found_on=response.meta.get("found_on"),
            recheck_of=recheck_of,
        )

    def usable(self, response: Response, kind: str) -> bool:
        """False (and reported) for error pages and block pages."""
        text = response.text if isinstance(response, TextResponse) else ""

        def skip(reason: str, url: str) -> None:
            if kind == "list":
                self.report.skip(reason, url)
            else:
                self.skip_release(reason, url, response.meta)

        block = classify_block(response.status, text)
        if block:
            self.logger.warning("blocked (%s, HTTP %s): %s", block, response.status, response.url)
            self.report.block(block, response.url, kind)
            skip(block, response.url)
            if block == "rate-limited":
                self.stop_for(response)
            return False
        if response.status >= 500:  # the server is in trouble: an error, tried again next run
            self.report.error(f"http {response.status}", response.url)
            return False
        if response.status >= 400:
            skip(f"http {response.status}", response.url)
            return False
        if not isinstance(response, TextResponse):
            skip("not a text page", response.url)
            return False
        return True

    def stop_for(self, response: Response) -> None:
        """The site pushed back: remember to leave it alone for Retry-After, and end this run."""
        wait = response.meta.get("gazette_retry_after") or DEFAULT_BACKOFF
        if self.state:
            self.state.back_off(
                self.site.name, now_utc() + timedelta(seconds=wait), f"HTTP {response.status}"
            )
        raise CloseSpider("rate-limited")

    def redirected_home(self, response: Response) -> bool:
        if not response.meta.get("redirect_urls"):
            return False
        path = urlsplit(response.url).path
        return path in HOME_PATHS or response.url in self.site.start_urls

    def failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get("gazette_kind", "release")
        transient = not failure.check(IgnoreRequest, HttpError)  # timeouts, resets, cut-off bodies
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            reason = "robots.txt"
        elif failure.check(Refused):
            reason = str(failure.value)
        elif failure.check(DownloadCancelledError) or "DOWNLOAD_MAXSIZE" in str(failure.value):
            reason, transient = "too large", False  # over DOWNLOAD_MAXSIZE, compressed or not
        elif failure.check(HttpError):
            reason = f"http {failure.value.response.status}"
        else:
            reason = f"error: {failure.type.__name__}: {failure.getErrorMessage()}"[:300]
        self.logger.warning("not fetched (%s): %s", reason, request.url)
        if kind == "list":
            self.report.list_pages_failed += 1
            self.walks.setdefault(request.meta.get("start", request.url), ListWalk()).failed = True
        if transient:  # not remembered as a skip: the next run tries again
            self.report.error(reason, request.url)
        elif kind == "list":
            self.report.skip(reason, request.url)
        else:
            self.skip_release(reason, request.url, request.meta)
