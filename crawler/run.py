"""One crawl of one site in this process: `python -m crawler.run SITE --data DIR`.

The `gazette` command starts this as a child process per site, so the scheduler never imports
Scrapy and every crawl gets a fresh reactor.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.sites import ConfigError, get_site
from crawler.spiders.announcements import AnnouncementsSpider

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.run")
    parser.add_argument("site")
    parser.add_argument("--config")
    parser.add_argument("--data")
    parser.add_argument("--report", required=True, help="write the run report (JSON) here")
    parser.add_argument("--log-level", default=None)
    parser.add_argument("--recheck", action="store_true", help="fetch every archived release again")
    parser.add_argument("--since", help="walk list pages back to this date (YYYY-MM-DD)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy setting (repeatable)",
    )
    args = parser.parse_args(argv)
    try:
        get_site(args.site, args.config)
    except ConfigError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("GAZETTE_REPORT_FILE", args.report)
    if args.log_level:
        settings.set("LOG_LEVEL", args.log_level)
    for pair in args.set:
        name, sep, value = pair.partition("=")
        if not sep:
            print(f"Error: --set needs NAME=VALUE, got {pair!r}", file=sys.stderr)
            return EXIT_USAGE
        settings.set(name, value, priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(
        AnnouncementsSpider,
        site=args.site,
        config=args.config,
        data=args.data,
        recheck=args.recheck,
        since=args.since,
    )
    process.start()
    report = Path(args.report)
    if not report.exists():
        print(f"Error: crawl of {args.site!r} ended without a report", file=sys.stderr)
        return EXIT_FAILED
    outcome = json.loads(report.read_text("utf-8"))["outcome"]
    return EXIT_OK if outcome == "ok" else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
