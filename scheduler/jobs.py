"""`gazette schedule`: APScheduler 3 runs each site's crawl on its cron schedule, one child process
per crawl, never two runs of a site at once.

Job defaults are explicit (APScheduler's own grace time is one second, which silently skips runs):
coalesce missed runs into one, one instance per site, and a misfire grace time. Runs missed while
the scheduler was down are found from the run history at start-up: if a site's last scheduled time
passed without a run, and no more than GRACE ago, it runs once, now.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from archive.runs import runs_of
from crawler.sites import SiteConfig, load_sites
from scheduler.crawl import CrawlError, CrawlOptions, run_crawl, stop_running
from scheduler.locks import SiteBusy

logger = logging.getLogger(__name__)
GRACE = timedelta(hours=6)
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": int(GRACE.total_seconds())}


def trigger_for(site: SiteConfig) -> CronTrigger:
    """5-field crontab, or 6 fields with seconds first (for tests and demos)."""
    fields = (site.schedule or "").split()
    if len(fields) == 6:
        second, minute, hour, day, month, dow = fields
        return CronTrigger(
            second=second,
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=dow,
            timezone=site.timezone,
        )
    return CronTrigger.from_crontab(site.schedule or "", timezone=site.timezone)


def missed(site: SiteConfig, data: Path, now: datetime) -> bool:
    """Whether the site's last scheduled time since `now - GRACE` passed with no run started after it."""
    trigger = trigger_for(site)
    fire, previous = trigger.get_next_fire_time(None, now - GRACE), None
    while fire is not None and fire <= now:
        previous = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    if previous is None:
        return False
    runs = runs_of(data, site.name)
    last = runs[-1]["started_at"] if runs else None
    return last is None or datetime.strptime(last, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) < previous


class GazetteScheduler:
    def __init__(self, config: Path, data: Path, workers: int = 2, time_limit: float = 6 * 3600) -> None:
        self.config, self.data, self.time_limit = config, data, time_limit
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(workers)},
            job_defaults=JOB_DEFAULTS,
            timezone="Asia/Shanghai",
        )
        self.stopping = threading.Event()

    def crawl(self, name: str) -> None:
        if self.stopping.is_set():
            return
        try:
            result = run_crawl(name, self.data, self.config, CrawlOptions(time_limit=self.time_limit))
        except SiteBusy as exc:
            logger.warning("%s", exc)
            return
        except CrawlError as exc:
            logger.error("%s", exc)
            return
        logger.info("%s: %s", name, result.report["outcome"])

    def load(self) -> dict[str, SiteConfig]:
        """(Re)create one job per scheduled site from sites.toml."""
        sites = {name: site for name, site in load_sites(self.config).items() if site.schedule}
        for job in self.scheduler.get_jobs():
            if job.id not in sites:
                job.remove()
        for name, site in sites.items():
            self.scheduler.add_job(
                self.crawl,
                trigger_for(site),
                args=[name],
                id=name,
                name=f"crawl {name}",
                replace_existing=True,
            )
        logger.info("scheduled %d sites: %s", len(sites), ", ".join(sorted(sites)))
        return sites

    def run(self) -> None:
        """Start, catch up on missed runs, and block until SIGTERM or SIGINT; SIGHUP reloads."""
        sites = self.load()
        now = datetime.now(UTC)
        self.scheduler.start()
        for name, site in sites.items():
            if missed(site, self.data, now):
                logger.info("catching up a missed run: %s", name)
                self.scheduler.add_job(self.crawl, args=[name], id=f"{name}-catch-up", replace_existing=True)
        done = threading.Event()

        def stop(signum: int, frame: Any) -> None:
            logger.info("stopping: running crawls finish their pages in flight")
            self.stopping.set()
            stop_running(signal.SIGTERM)
            done.set()

        def reload(signum: int, frame: Any) -> None:
            logger.info("reloading %s", self.config)
            try:
                self.load()
            except Exception as exc:  # a broken edit must not kill a running scheduler
                logger.error("sites.toml not reloaded: %s", exc)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGHUP, reload)
        done.wait()
        self.scheduler.shutdown(wait=True)
