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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_TIME_LIMIT = 6 * 3600


class CrawlError(RuntimeError):
    """A crawl that could not run at all (not one that found problems on the site)."""


@dataclass
class CrawlResult:
    site: str
    exit_code: int
    report: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.report.get("outcome") == "ok"


def run_crawl(
    site: str,
    data: Path,
    config: Path | None = None,
    log_level: str = "WARNING",
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> CrawlResult:
    """Crawl `site` into `data` in a child process; returns its exit code and run report."""
    with tempfile.TemporaryDirectory(prefix="gazette-run-") as tmp:
        report_file = Path(tmp) / "report.json"
        cmd = [
            sys.executable,
            "-m",
            "crawler.run",
            site,
            "--data",
            str(data),
            "--report",
            str(report_file),
            "--log-level",
            log_level,
        ]
        if config:
            cmd += ["--config", str(config)]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        try:
            proc = subprocess.run(cmd, env=env, timeout=time_limit, check=False)
        except subprocess.TimeoutExpired as exc:
            raise CrawlError(f"crawl of {site!r} exceeded its time limit of {time_limit:.0f}s") from exc
        if not report_file.exists():
            raise CrawlError(
                f"crawl of {site!r} exited with code {proc.returncode} and no report (see the log above)"
            )
        report = json.loads(report_file.read_text("utf-8"))
    return CrawlResult(site, proc.returncode, report)
