"""A simulated week of scheduled runs over generated sites: what does incremental crawling cost?

100 generated district sites (Epoint-style, 20 releases per list page) start with 60 releases each
and publish about 3 a day. Every 4 simulated hours all sites are crawled (GAZETTE_NOW moves the
clock, so the recheck schedule runs in simulated time). Printed: requests made over the minimum
needed (robots.txt, the first list page, the list pages needed to reach new releases, and the new
releases themselves), the same with the rechecks for edits counted separately, releases missed,
and the memory of the on-disk seen-set (the catalog) when looking URLs up at 1M archived releases,
beside a Python set of the same URLs.

    python benchmarks/incremental.py [--sites 100] [--days 7] [--seen 1000000]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# this file shares its name with Twisted's `incremental` dependency: keep its folder off the path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))
from benchmarks.generated_site import PER_PAGE, GeneratedSite  # noqa: E402

TICK = timedelta(hours=4)
CHUNK = 10


def tick_child(config: str, data: str, names: list[str]) -> None:
    """One scheduled run of every site, in one process (as many cron jobs would, but cheaper)."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from crawler.spiders.announcements import AnnouncementsSpider

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("LOG_LEVEL", "ERROR")
    settings.set("AUTOTHROTTLE_ENABLED", False)
    process = CrawlerProcess(settings)
    for name in names:
        process.crawl(AnnouncementsSpider, site=name, config=config, data=data)
    process.start()


def seen_set_memory(count: int) -> None:
    """RSS of looking up URLs in a catalog of `count` releases, in a fresh process each."""
    with tempfile.TemporaryDirectory() as tmp:
        from archive.catalog import Catalog

        catalog = Catalog(Path(tmp) / "index" / "catalog.sqlite")
        rows = (
            (
                f"{n:016x}",
                "s",
                f"http://www.example.gov.cn/xw/{n}.html",
                f"http://www.example.gov.cn/xw/{n}.html",
                "p",
                1,
                "0" * 64,
                None,
                "2026-01-01T00:00:00Z",
                "t",
                None,
                None,
                "2026-01-01T00:00:00Z",
            )
            for n in range(count)
        )
        with catalog.db:
            columns = (
                "id, site, canonical_url, url, path, version, content_hash, published_at, fetched_at, title"
            )
            catalog.db.executemany(
                f"INSERT INTO releases ({columns}, found_on, duplicate_of, first_seen) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
        catalog.close()
        for kind in ("catalog", "set"):
            out = subprocess.run(
                [sys.executable, str(Path(__file__).with_name("seen_probe.py")), tmp, kind, str(count)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            label = "on-disk catalog (SQLite)" if kind == "catalog" else "Python set in memory"
            print(f"seen-set at {count:,} releases, {label}: +{float(out[0]):,.0f} MB for 20,000 lookups")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--per-day", type=float, default=3.0)
    parser.add_argument("--initial", type=int, default=60)
    parser.add_argument("--seen", type=int, default=1_000_000)
    parser.add_argument("--tick-child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.tick_child:
        tick_child(args.tick_child[0], args.tick_child[1], args.tick_child[2:])
        return
    rng = random.Random(17)
    sites = [GeneratedSite(args.initial, prefix=f"{n:03d}") for n in range(args.sites)]
    for site in sites:
        site.thread.start()
    now = datetime(2026, 3, 2, tzinfo=UTC)
    totals = {"requests": 0, "minimum": 0, "rechecks": 0}
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "sites.toml"
        config.write_text(
            "".join(
                f'[sites.s{n:03d}]\ntitle = "示范区{n}"\nstart_urls = ["{s.start_url}"]\ndownload_delay = 0\n'
                f"max_list_pages = 1000\n"
                for n, s in enumerate(sites)
            ),
            "utf-8",
        )
        data = Path(tmp) / "data"
        known = [0] * len(sites)
        fetched: list[set[str]] = [set() for _ in sites]  # release pages requested in earlier runs
        for tick in range(int(args.days * 24 / 4)):
            minimum = 0
            for n, site in enumerate(sites):
                if tick:
                    site.grow(sum(rng.random() < args.per_day / 6 / 3 for _ in range(3)), now.date())
                new = site.total - known[n]
                minimum += 2 + math.ceil(max(new, 1) / PER_PAGE) - 1 + new  # robots, list pages, releases
                known[n] = site.total
                site.requests.clear()
            env = {**os.environ, "GAZETTE_NOW": now.isoformat()}
            names = [f"s{n:03d}" for n in range(len(sites))]
            for chunk in range(0, len(names), CHUNK):  # a few crawlers per process, as cron would run them
                subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--tick-child",
                        str(config),
                        str(data),
                        *names[chunk : chunk + CHUNK],
                    ],
                    env=env,
                    check=True,
                )
            made = sum(len(s.requests) for s in sites)
            rechecks = sum(1 for n, s in enumerate(sites) for p in s.requests if p in fetched[n])
            for n, s in enumerate(sites):
                fetched[n].update(p for p in s.requests if p in s.index)
            totals["requests"] += made
            totals["minimum"] += minimum
            totals["rechecks"] += rechecks
            now += TICK
        archived = sum(1 for _ in (data / "releases").rglob("*.json"))
    published = sum(s.total for s in sites)
    print(f"{args.sites} sites, {args.days} days, a run every 4 hours: {published:,} releases published")
    print(
        f"requests: {totals['requests']:,}; minimum needed: {totals['minimum']:,}; "
        f"ratio {totals['requests'] / totals['minimum']:.2f}"
    )
    print(
        f"of which rechecks for edits: {totals['rechecks']:,}; ratio without them "
        f"{(totals['requests'] - totals['rechecks']) / totals['minimum']:.2f}"
    )
    print(f"releases missed: {published - archived}")
    if args.seen:
        seen_set_memory(args.seen)


if __name__ == "__main__":
    main()
