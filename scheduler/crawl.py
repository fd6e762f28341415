"""Run one site's crawl as a child process and read back its report.

The scheduler side never imports Scrapy: each crawl gets its own process (and reactor), a time
limit, and can be killed without harming the parent.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scheduler.locks import SiteLock

logger = logging.getLogger(__name__)
DEFAULT_TIME_LIMIT = 6 * 3600


class CrawlError(RuntimeError):
    """A crawl that could not run at all (not one that found problems on the site)."""


@dataclass
class CrawlOptions:
    """What a crawl is asked to do beyond the site's configuration."""

    recheck: bool = False  # fetch every archived release again now
    since: str | None = None  # YYYY-MM-DD: walk list pages back to this date
    log_level: str = "WARNING"
    time_limit: float = DEFAULT_TIME_LIMIT
    settings: dict[str, str] = field(default_factory=dict)

    def arguments(self) -> list[str]:
        args = ["--log-level", self.log_level]
        if self.recheck:
            args.append("--recheck")
        if self.since:
            args += ["--since", self.since]
        for name, value in self.settings.items():
            args += ["--set", f"{name}={value}"]
        return args


@dataclass
class CrawlResult:
    site: str
    exit_code: int
    report: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.report.get("outcome") == "ok"


def crawl_command(
    site: str, data: Path, config: Path | None, report: Path, options: CrawlOptions
) -> list[str]:
    cmd = [sys.executable, "-m", "crawler.run", site, "--data", str(data), "--report", str(report)]
    if config:
        cmd += ["--config", str(config)]
    return cmd + options.arguments()


RUNNING: set[subprocess.Popen[bytes]] = set()  # crawl children, for signal forwarding


def stop_running(sig: int = signal.SIGTERM) -> None:
    """Ask every running crawl to stop: Scrapy finishes the pages in flight and closes cleanly."""
    for child in list(RUNNING):
        if child.poll() is None:
            child.send_signal(sig)


def _wait(child: subprocess.Popen[bytes], site: str, limit: float) -> int:
    try:
        return child.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGTERM)  # graceful first, then for good
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        raise CrawlError(
            f"crawl of {site!r} exceeded its time limit of {limit:.0f}s and was stopped"
        ) from None


LOW_DISK = 1_000_000  # bytes: below this, a failed run is most likely the disk's doing


def low_disk_note(data: Path) -> str:
    """'; the disk holding DATA is full (…)' when it nearly is: SQLite and others then say only
    'disk I/O error', which does not tell an operator what to do."""
    try:
        free = shutil.disk_usage(data if Path(data).exists() else Path(data).parent).free
    except OSError:
        return ""
    return f"; the disk holding {str(data)!r} is full ({free // 1000} kB free)" if free < LOW_DISK else ""


def run_crawl(
    site: str, data: Path, config: Path | None = None, options: CrawlOptions | None = None
) -> CrawlResult:
    """Crawl `site` into `data` in a child process, holding the site's lock; returns its exit code
    and run report. Raises SiteBusy when another process is crawling the site."""
    options = options or CrawlOptions()
    with SiteLock(data, site) as lock, tempfile.TemporaryDirectory(prefix="gazette-run-") as tmp:
        if lock.took_over_from:
            logger.warning(
                "took over the lock of %s left by pid %s (no longer running)", site, lock.took_over_from
            )
        report_file = Path(tmp) / "report.json"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        cmd = crawl_command(site, data, config, report_file, options)
        child = subprocess.Popen(cmd, env=env, pass_fds=[lock.fd] if lock.fd is not None else [])
        RUNNING.add(child)
        try:
            returncode = _wait(child, site, options.time_limit)
        finally:
            RUNNING.discard(child)
        if not report_file.exists():
            raise CrawlError(
                f"crawl of {site!r} exited with code {returncode} and no report (see the log above)"
                + low_disk_note(data)
            )
        report = json.loads(report_file.read_text("utf-8"))
    return CrawlResult(site, returncode, report)
