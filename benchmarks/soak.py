"""Soak: the scheduler crawls a generated local site every few minutes for an hour, while the
site keeps publishing. Loopback only, bounded in time.

Printed: releases archived vs served, duplicates (a release archived twice, or one URL under two
ids), peak memory and open file handles of the scheduler and its crawls, and the time of each
run as the archive grows.

    python benchmarks/soak.py                              # 50,000 releases, one hour, every 3 minutes
    python benchmarks/soak.py --releases 5000 --minutes 10 --every 2
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.generated_site import GeneratedSite  # noqa: E402


def tree(pid: int) -> list[int]:
    """`pid` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo += children.get(current, [])
    return out


def sample(pid: int) -> tuple[int, int]:
    """(largest RSS in bytes of any process in the tree, open file handles of the whole tree)."""
    rss = handles = 0
    for member in tree(pid):
        try:
            status = (Path("/proc") / str(member) / "status").read_text()
            kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            rss = max(rss, kb * 1024)
            handles += len(os.listdir(f"/proc/{member}/fd"))
        except (OSError, StopIteration):
            continue
    return rss, handles


def duplicates(data: Path) -> tuple[int, int, int]:
    """(latest records, records whose URL has another id, ids with more than one version)."""
    urls: Counter[str] = Counter()
    versions = 0
    for path in (data / "releases").rglob("*.json"):
        if ".v" in path.name:
            versions += 1
            continue
        urls[json.loads(path.read_text("utf-8"))["url"]] += 1
    return sum(urls.values()), sum(n - 1 for n in urls.values() if n > 1), versions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--releases", type=int, default=50_000)
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--every", type=int, default=3, help="minutes between scheduled runs")
    parser.add_argument("--per-run", type=int, default=20, help="new releases published between runs")
    args = parser.parse_args()
    with GeneratedSite(args.releases) as site, tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "sites.toml"
        config.write_text(
            f'[sites.soak]\ntitle = "示范区"\nstart_urls = ["{site.start_url}"]\n'
            f'schedule = "*/{args.every} * * * *"\ndownload_delay = 0\nconcurrent_requests = 8\n'
            f"max_list_pages = {args.releases // 20 + 100}\n",
            "utf-8",
        )
        data = Path(tmp) / "data"
        cmd = [sys.executable, "-m", "scheduler.cli", "--config", str(config), "--data", str(data)]
        cmd.append("schedule")
        log = (Path(tmp) / "scheduler.log").open("w")
        scheduler = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        started, peak_rss, peak_handles = time.monotonic(), 0, 0
        next_growth = started + args.every * 60
        while time.monotonic() - started < args.minutes * 60 and scheduler.poll() is None:
            rss, handles = sample(scheduler.pid)
            peak_rss, peak_handles = max(peak_rss, rss), max(peak_handles, handles)
            if time.monotonic() >= next_growth:  # the site publishes between scheduled runs
                site.grow(args.per_run)
                next_growth += args.every * 60
            time.sleep(2)
        scheduler.send_signal(signal.SIGTERM)
        scheduler.wait(timeout=600)
        served = site.total
        archived, same_url, versions = duplicates(data)
        runs = [json.loads(p.read_text("utf-8")) for p in sorted((data / "runs" / "soak").glob("*.json"))]
    print(f"soak: {args.minutes:g} minutes, a run every {args.every} minutes, {args.releases:,} releases")
    print(f"releases served: {served:,}; archived: {archived:,} (missing {served - archived:,})")
    print(f"duplicates: {same_url} URLs under two ids, {versions} extra versions")
    print(f"peak memory of one process: {peak_rss / 2**20:.0f} MiB; peak open file handles: {peak_handles}")
    total = 0
    print("run  started (UTC)        seconds  new     archive after  outcome")
    for number, run in enumerate(runs, 1):
        begin = datetime.fromisoformat(run["started_at"].replace("Z", "+00:00"))
        end = datetime.fromisoformat((run.get("finished_at") or run["started_at"]).replace("Z", "+00:00"))
        total += run["releases"]["new"]
        print(
            f"{number:>3}  {run['started_at']:<20} {(end - begin).total_seconds():>8.0f}  "
            f"{run['releases']['new']:>6}  {total:>13,}  {run['outcome']}"
        )


if __name__ == "__main__":
    main()
