"""Crawl a generated local site of N releases with the full pipeline and with a bare Scrapy spider.

Prints pages/s for both, their ratio, and the peak memory of each crawl process. Both crawls use
the same politeness settings (no delay, AutoThrottle off, the same concurrency) so the ratio is
the cost of extraction, WARC capture and archiving.

    python benchmarks/crawl_throughput.py [--releases 2000] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.generated_site import PER_PAGE, GeneratedSite


def timed_child(cmd: list[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS in MiB) of one child process, read from its own rusage."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"crawl failed with exit code {child.returncode}: {cmd}")
    return elapsed, usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--releases", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    pages = args.releases + (args.releases + PER_PAGE - 1) // PER_PAGE + 1  # + list pages + robots
    with GeneratedSite(args.releases) as site, tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "sites.toml"
        config.write_text(
            f'[sites.bench]\ntitle = "示范区人民政府"\nstart_urls = ["{site.start_url}"]\n'
            f"download_delay = 0\nconcurrent_requests = {args.concurrency}\nmax_list_pages = 100000\n",
            "utf-8",
        )
        bare_s, bare_mb = timed_child(
            [
                sys.executable,
                str(Path(__file__).with_name("bare_spider.py")),
                site.start_url,
                str(args.concurrency),
            ]
        )
        full_s, full_mb = timed_child(
            [
                sys.executable,
                "-m",
                "crawler.run",
                "bench",
                "--config",
                str(config),
                "--data",
                str(Path(tmp) / "data"),
                "--report",
                str(Path(tmp) / "report.json"),
                "--log-level",
                "WARNING",
                "--set",
                "AUTOTHROTTLE_ENABLED=False",
            ]
        )
        archived = sum(1 for _ in (Path(tmp) / "data" / "releases").rglob("*.json"))
    print(f"generated site: {args.releases} releases, {pages} pages, concurrency {args.concurrency}")
    print(f"{'crawl':<16}{'seconds':>10}{'pages/s':>10}{'peak MiB':>10}")
    print(f"{'bare scrapy':<16}{bare_s:>10.1f}{pages / bare_s:>10.1f}{bare_mb:>10}")
    print(f"{'full pipeline':<16}{full_s:>10.1f}{pages / full_s:>10.1f}{full_mb:>10}")
    print(f"ratio full/bare pages/s: {bare_s / full_s:.2f}  (archived {archived} records)")


if __name__ == "__main__":
    main()
