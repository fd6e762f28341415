"""Scrapy settings for Gazette. Per-site values (delay, concurrency) come from sites.toml."""

from __future__ import annotations

import os

BOT_NAME = "gazette"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

GAZETTE_CONTACT_URL = os.environ.get("GAZETTE_CONTACT_URL", "https://example.org/gazette-crawler")
USER_AGENT = os.environ.get(
    "GAZETTE_USER_AGENT",
    f"GazetteArchive/0.1 (+{GAZETTE_CONTACT_URL}; archive of government announcements)",
)
GAZETTE_DATA_DIR = None  # None: $GAZETTE_DATA or ./gazette-data
GAZETTE_REPORT_FILE = None

# politeness
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
RETRY_BACKOFF_BASE = 1.0  # seconds before the first retry; doubled for each further one
RETRY_BACKOFF_MAX = 60.0
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False

ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300}
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.RequestStatsMiddleware": 540,
    "crawler.middlewares.BackoffMiddleware": 545,
    "crawler.middlewares.RetryBackoffMiddleware": 548,
    "crawler.middlewares.ConditionalListMiddleware": 560,
    "crawler.middlewares.RedirectGuardMiddleware": 650,
    "crawler.middlewares.WarcCaptureMiddleware": 950,
}
EXTENSIONS = {"crawler.extensions.RunReportExtension": 500}

LOG_LEVEL = os.environ.get("GAZETTE_LOG_LEVEL", "INFO")
FEED_EXPORT_ENCODING = "utf-8"
