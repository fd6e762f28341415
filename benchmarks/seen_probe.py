"""Memory of 20,000 seen-set lookups at N releases: `catalog` (on disk) or `set` (in memory).
Run by benchmarks/incremental.py in a fresh process per kind: python seen_probe.py DATA KIND N"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
URL = "http://www.example.gov.cn/xw/{}.html"


def rss_mb() -> float:
    """Resident memory now (ru_maxrss would carry the parent's peak across fork and exec)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    data, kind, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    before = rss_mb()
    rng = random.Random(1)
    if kind == "catalog":
        from archive.catalog import Catalog

        catalog = Catalog(data / "index" / "catalog.sqlite")
        hits = sum(catalog.by_url(URL.format(rng.randrange(2 * count))) is not None for _ in range(20_000))
    else:
        seen = {URL.format(n) for n in range(count)}
        hits = sum(URL.format(rng.randrange(2 * count)) in seen for _ in range(20_000))
    grown = rss_mb() - before
    print(f"{grown:.1f} {hits}")


if __name__ == "__main__":
    main()
