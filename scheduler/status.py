"""How each site is doing, from its run history: for operators and monitoring systems."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from archive.runs import runs_of
from crawler.sites import SiteConfig

EXTRACTION_REASONS = ("no body", "no title", "extraction error")
COVERAGE_JUMP = 0.3


@dataclass
class SiteStatus:
    site: str
    last_run: str | None = None
    last_outcome: str | None = None
    last_new_release: str | None = None
    failure_streak: int = 0
    runs: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _stamp(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _missing_share(run: dict[str, Any]) -> float:
    rel = run["releases"]
    return max(rel.get("no_date", 0), rel.get("no_source", 0)) / rel["new"] if rel.get("new") else 0.0


def _run_warnings(last: dict[str, Any], earlier: list[dict[str, Any]]) -> list[str]:
    warnings = []
    rel = last["releases"]
    for block in last.get("blocked", []):
        warnings.append(f"blocked ({block['reason']}) on {block['kind']} page {block['url']}")
    links = rel["new"] + rel["changed"] + rel["unchanged"] + rel["known"] + rel["skipped"]
    if last["list_pages"]["ok"] and links == 0:
        warnings.append("list pages yielded no release links (has the site's layout changed?)")
    unreadable = [s for s in last.get("skipped", []) if s["reason"].startswith(EXTRACTION_REASONS)]
    if unreadable and rel["new"] == 0:
        warnings.append(f"{len(unreadable)} release pages fetched but none archived (extraction failing?)")
    shares = [_missing_share(run) for run in earlier if run["releases"].get("new")]
    if rel.get("new", 0) >= 3 and shares and _missing_share(last) > sum(shares) / len(shares) + COVERAGE_JUMP:
        warnings.append(
            f"field coverage dropped: {_missing_share(last):.0%} of new releases lack a date or source"
        )
    return warnings


def site_status(site: SiteConfig, data: Path, now: datetime | None = None) -> SiteStatus:
    now = now or datetime.now(UTC)
    runs = runs_of(data, site.name)
    status = SiteStatus(site.name, runs=len(runs))
    if not runs:
        status.warnings.append("never crawled")
        return status
    last = runs[-1]
    status.last_run, status.last_outcome = last.get("finished_at") or last["started_at"], last["outcome"]
    for run in reversed(runs):
        if run["outcome"] == "ok":
            break
        status.failure_streak += 1
    with_new = [run for run in runs if run["releases"].get("new")]
    if with_new:
        status.last_new_release = with_new[-1].get("finished_at") or with_new[-1]["started_at"]
    if status.failure_streak:
        status.warnings.append(f"the last {status.failure_streak} run(s) failed ({last['outcome']})")
    quiet_since = _stamp(status.last_new_release or runs[0]["started_at"])
    if now - quiet_since > timedelta(days=site.alert_after_days):
        status.warnings.append(f"no new release for {(now - quiet_since).days} days")
    status.warnings += _run_warnings(last, runs[:-1])
    return status
