"""What one crawl run did, for the summary and the run history."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

MAX_SKIPS_KEPT = 500


@dataclass
class RunReport:
    """Counts by outcome and every skipped URL with its reason."""

    site: str
    started_at: str
    releases: Counter[str] = field(default_factory=Counter)  # new / unchanged / changed / known
    skipped: list[dict[str, str]] = field(default_factory=list)
    list_pages_ok: int = 0
    list_pages_failed: int = 0
    blocked: list[dict[str, str]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)  # fetch or write failures, per URL

    def count(self, outcome: str) -> None:
        self.releases[outcome] += 1

    def skip(self, reason: str, url: str) -> None:
        self.releases["skipped"] += 1
        if len(self.skipped) < MAX_SKIPS_KEPT:
            self.skipped.append({"reason": reason, "url": url})

    def error(self, reason: str, url: str) -> None:
        """Something that should have worked did not (network, server error, disk): the run is
        incomplete and the URL is tried again by a later run."""
        self.releases["errors"] += 1
        if len(self.errors) < MAX_SKIPS_KEPT:
            self.errors.append({"reason": reason, "url": url})

    def block(self, reason: str, url: str, kind: str) -> None:
        self.blocked.append({"reason": reason, "url": url, "kind": kind})

    @property
    def outcome(self) -> str:
        """'blocked' or 'failed' when the site as a whole could not be crawled, 'incomplete' when
        some pages failed to download or archive, else 'ok'."""
        if any(b["reason"] == "rate-limited" or b["reason"].startswith("backing off") for b in self.blocked):
            return "blocked"
        if self.list_pages_ok == 0 and any(b["kind"] == "list" for b in self.blocked):
            return "blocked"
        if self.list_pages_ok == 0:
            return "failed"
        return "incomplete" if self.errors else "ok"

    def to_dict(self, **extra: Any) -> dict[str, Any]:
        return {
            "site": self.site,
            "started_at": self.started_at,
            "outcome": self.outcome,
            "list_pages": {"ok": self.list_pages_ok, "failed": self.list_pages_failed},
            "releases": {
                key: self.releases.get(key, 0)
                for key in (
                    "new",
                    "changed",
                    "unchanged",
                    "known",
                    "skipped",
                    "errors",
                    "duplicate_exact",
                    "duplicate_near",
                    "withdrawn",
                    "rechecked",
                    "no_date",
                    "no_source",
                )
            },
            "skipped": self.skipped,
            "errors": self.errors,
            "blocked": self.blocked,
            **extra,
        }
