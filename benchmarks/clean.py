"""Cleaning throughput over N releases, and the cleaner's share of the per-page processing time.

Releases are synthetic (about 1,500 characters) with one in ten a corrupted mirror copy (the
seed text), so every step does real work. The share compares cleaning with the rest of what the
crawl does to a fetched page (extraction, record building, validated atomic store).

    python benchmarks/clean.py [--releases 10000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from archive.record import build_record  # noqa: E402
from archive.store import ArchiveStore  # noqa: E402
from benchmarks.generated_site import SYNTHETIC_RAW, release_page, release_path, release_text  # noqa: E402
from crawler.clean import clean_release, clean_text  # noqa: E402
from crawler.extract import extract_release  # noqa: E402

SEED = (ROOT / "tests" / "data" / "seed_mirror_huangpu.txt").read_text("utf-8").split("\n")


def texts(count: int) -> list[list[str]]:
    return [SEED if n % 10 == 0 else [f"\u3000\u3000{p}" for p in release_text(n)] for n in range(count)]


def throughput(count: int) -> tuple[float, int]:
    corpus = texts(count)
    chars = sum(len(p) for text in corpus for p in text)
    start = time.perf_counter()
    for paragraphs in corpus:
        clean_text(paragraphs)
    return chars / (time.perf_counter() - start), chars


def page_share(pages: int) -> dict[str, float]:
    """Mean milliseconds per page for each stage of processing a fetched page."""
    spent = {"extract": 0.0, "clean": 0.0, "store": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        store = ArchiveStore(tmp)
        for n in range(pages):
            body, url = release_page(n).encode(), f"http://www.example.gov.cn{release_path(n)}"
            t0 = time.perf_counter()
            found = extract_release(body, url, "text/html; charset=utf-8")
            t1 = time.perf_counter()
            fields = clean_release(found.fields(), site_names=("示范区人民政府",))
            t2 = time.perf_counter()
            store.put(build_record("bench", url, fields, SYNTHETIC_RAW))
            t3 = time.perf_counter()
            spent["extract"] += t1 - t0
            spent["clean"] += t2 - t1
            spent["store"] += t3 - t2
        store.close()
    return {stage: seconds / pages * 1000 for stage, seconds in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--releases", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=1_000)
    args = parser.parse_args()
    rate, chars = throughput(args.releases)
    print(
        f"cleaned {args.releases} releases ({chars:,} characters): {rate:,.0f} characters/s "
        f"({rate / (chars / args.releases):,.0f} releases/s)"
    )
    ms = page_share(args.pages)
    total = sum(ms.values())
    print(
        f"per-page processing over {args.pages} pages: "
        + ", ".join(f"{stage} {value:.2f} ms" for stage, value in ms.items())
    )
    print(
        f"cleaner share of per-page processing: {ms['clean'] / total:.0%} "
        f"(extraction {ms['extract'] / total:.0%}, store {ms['store'] / total:.0%})"
    )


if __name__ == "__main__":
    main()
