"""`gazette demo`: crawl the bundled demo district site, served on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import crawler.demo.server
from archive.store import ArchiveStore
from crawler.demo.server import SiteServer
from scheduler.crawl import CrawlResult, run_crawl

DEMO_SITE = Path(crawler.demo.server.__file__).with_name("site")
DEMO_START = "/xw/001001/news_important.html"


def demo_config(base_url: str) -> str:
    return (
        "[sites.demo]\n"
        'title = "演示区人民政府"\n'
        f'start_urls = ["{base_url}{DEMO_START}"]\n'
        "download_delay = 0\n"
    )


def run_demo(data: Path) -> tuple[CrawlResult, list[Path]]:
    """Serve, crawl, stop; returns the crawl result and the archived record files."""
    data.mkdir(parents=True, exist_ok=True)
    with SiteServer(DEMO_SITE) as server:
        config = data / "demo-sites.toml"
        config.write_text(demo_config(server.base_url), "utf-8")
        result = run_crawl("demo", data, config)
    store = ArchiveStore(data)
    try:
        records = list(store.iter_files())
    finally:
        store.close()
    return result, records
