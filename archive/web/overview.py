"""The site overview: releases per site, last crawl and its outcome, from the catalog and runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from archive.runs import runs_of


def site_overview(data: Path, config: Path | None = None) -> list[dict[str, Any]]:
    """One row per site that has releases or runs; titles from sites.toml when it is given."""
    counts: dict[str, int] = {}
    catalog = Path(data) / "index" / "catalog.sqlite"
    if catalog.exists():
        db = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)
        try:
            counts = dict(
                db.execute("SELECT site, count(*) FROM releases WHERE duplicate_of IS NULL GROUP BY site")
            )
        except sqlite3.Error:
            counts = {}
        finally:
            db.close()
    runs_dir = Path(data) / "runs"
    names = set(counts) | ({p.name for p in runs_dir.iterdir() if p.is_dir()} if runs_dir.exists() else set())
    titles = _titles(config)
    rows = []
    for name in sorted(names):
        runs = runs_of(data, name)
        last = runs[-1] if runs else {}
        rows.append(
            {
                "name": name,
                "title": titles.get(name, ""),
                "releases": counts.get(name, 0),
                "last_run": last.get("finished_at") or last.get("started_at"),
                "outcome": last.get("outcome"),
                "new": last.get("releases", {}).get("new"),
            }
        )
    return rows


def _titles(config: Path | None) -> dict[str, str]:
    if config is None:
        return {}
    try:
        from crawler.sites import ConfigError, load_sites
    except ImportError:  # the archive side works without the crawler installed
        return {}
    try:
        return {name: site.title for name, site in load_sites(config).items()}
    except ConfigError:
        return {}
