"""Load on the search API of `gazette serve`: requests/s and latency percentiles at N releases.

Builds an archive of N synthetic releases (real JSON records, then `gazette reindex`), serves it
with waitress on 127.0.0.1, and drives /api/search from a second process with concurrent
clients for a bounded time (a mix of rare and very common 2- and 4-character terms and phrases,
some filtered). Also times /api/search for a single client as the baseline.

    python benchmarks/web.py [--releases 100000] [--clients 8] [--seconds 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ["专利", "防汛", "河豚", "知识产权", "有线电视", '"高质量 发展"', "营商环境 -专利", "专利 OR 鲈鱼"]
FILTERS = ["", "&site=site03", "&since=2018-01-01&until=2022-12-31", "&sort=date"]


def build_archive(data: Path, count: int) -> float:
    """Write the archive, then `gazette reindex` it; returns the reindex seconds."""
    from benchmarks.search import write_archive

    write_archive(data, count, seed=21)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "scheduler.cli", "--data", str(data), "reindex"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def load(base: str, clients: int, seconds: float) -> None:
    """The second process: `clients` threads querying for `seconds`; prints one JSON line."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(offset: int) -> None:
        nonlocal errors
        n = offset
        while time.monotonic() < deadline:
            q = QUERIES[n % len(QUERIES)]
            url = f"{base}/api/search?q={urllib.parse.quote(q)}{FILTERS[(n // len(QUERIES)) % len(FILTERS)]}"
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    json.loads(response.read())
                ok = True
            except (OSError, ValueError):
                ok = False
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed) if ok else None
                errors += not ok
            n += clients

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    latencies.sort()
    print(
        json.dumps(
            {
                "requests": len(latencies),
                "errors": errors,
                "rps": len(latencies) / wall,
                "p50": statistics.median(latencies),
                "p95": latencies[int(len(latencies) * 0.95) - 1],
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--releases", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--load", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        load(args.load, args.clients, args.seconds)
        return
    import logging

    from waitress import create_server

    from archive.web import create_app

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # it logs every queued request under load

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        started = time.perf_counter()
        reindex_s = build_archive(data, args.releases)
        print(
            f"archive of {args.releases:,} releases built in {time.perf_counter() - started:.0f} s "
            f"(reindex {reindex_s:.0f} s = {args.releases / reindex_s:,.0f} releases/s)"
        )
        server = create_server(create_app(data), host="127.0.0.1", port=0, threads=8)
        threading.Thread(target=server.run, daemon=True).start()
        base = f"http://127.0.0.1:{server.effective_port}"
        for clients in (1, args.clients):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--load",
                    base,
                    "--clients",
                    str(clients),
                    "--seconds",
                    str(args.seconds),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(out.stdout)
            print(
                f"{clients} client(s), {args.seconds:.0f} s: {result['rps']:.1f} requests/s, "
                f"p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, errors {result['errors']}"
            )
        server.close()


if __name__ == "__main__":
    main()
