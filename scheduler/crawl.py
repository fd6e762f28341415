"""Run one site's crawl as a child process and read back its report.

The scheduler side never imports Scrapy: each crawl gets its own process (and reactor), a time
limit, and can be killed without harming the parent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def run_crawl(
    site: str, data: Path, config: Path | None = None, options: CrawlOptions | None = None
) -> CrawlResult:
    """Crawl `site` into `data` in a child process; returns its exit code and run report."""
    options = options or CrawlOptions()
    with tempfile.TemporaryDirectory(prefix="gazette-run-") as tmp:
        report_file = Path(tmp) / "report.json"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        cmd = crawl_command(site, data, config, report_file, options)
        try:
            proc = subprocess.run(cmd, env=env, timeout=options.time_limit, check=False)
        except subprocess.TimeoutExpired as exc:
            raise CrawlError(
                f"crawl of {site!r} exceeded its time limit of {options.time_limit:.0f}s"
            ) from exc
        if not report_file.exists():
            raise CrawlError(
                f"crawl of {site!r} exited with code {proc.returncode} and no report (see the log above)"
            )
        report = json.loads(report_file.read_text("utf-8"))
    return CrawlResult(site, proc.returncode, report)
