"""Near-duplicate detection on a labelled set of generated releases, and linking speed at scale.

Labelled set: originals; copies of them (exact, edited 1-20%, with an appended footer, truncated
to 50-90%); and distinct releases that share a template (same opening and closing paragraphs).
Methods side by side: Gazette's (MinHash LSH bands for candidates, then 5-character shingle
overlap >= 0.70), a 64-bit simhash with Hamming distance <= 3, and datasketch MinHashLSH at a
Jaccard threshold of 0.8. Then throughput over N releases and the time to link one new release
against an archive of 1M.

    pip install -e '.[bench]' && python benchmarks/dedup.py [--throughput 100000] [--archive 1000000]
"""

from __future__ import annotations

import argparse
import logging
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from archive.dedup import DedupIndex, Sketch  # noqa: E402
from archive.fingerprint import BANDS, normalise  # noqa: E402
from benchmarks.search import make_corpus  # noqa: E402

OPENING = (
    "为深入贯彻落实党中央国务院决策部署，进一步推动本区经济社会高质量发展，"
    "根据市政府有关工作要求，现将有关事项通知如下。"
)
CLOSING = (
    "请各街道办事处、镇人民政府及区政府各委、办、局认真抓好贯彻落实，"
    "工作中遇到的问题请及时向区政府办公室反映。"
)


def texts(count: int, seed: int) -> list[str]:
    return [doc["text"] for doc in make_corpus(count, seed=seed)]


def mutate(text: str, share: float, rng: random.Random, filler: str) -> str:
    """Replace about `share` of the characters, in runs of ten, with other text."""
    chars = list(text)
    for _ in range(max(1, int(len(chars) * share / 10))):
        at = rng.randrange(len(chars))
        start = rng.randrange(len(filler) - 10)
        chars[at : at + 10] = list(filler[start : start + 10])
    return "".join(chars)


def labelled_set(
    originals: int, seed: int = 3
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str | None]]]:
    """(archive of (id, text)), (queries of (id, text, id of the original or None))."""
    rng = random.Random(seed)
    bodies = texts(originals * 2 + 1, seed)
    archive = [(f"o{n}", OPENING + bodies[n] + CLOSING) for n in range(originals)]
    queries: list[tuple[str, str, str | None]] = []
    for n, (oid, text) in enumerate(archive):
        kind = n % 6
        if kind == 0:
            queries.append((f"q{n}", text, oid))
        elif kind == 1:
            queries.append((f"q{n}", mutate(text, rng.uniform(0.01, 0.20), rng, bodies[-1]), oid))
        elif kind == 2:
            queries.append(
                (f"q{n}", text + "（责任编辑：王宁）本文来源：区融媒体中心。转载请注明出处。", oid)
            )
        elif kind == 3:
            queries.append((f"q{n}", text[: int(len(text) * rng.uniform(0.5, 0.9))], oid))
        else:  # a distinct release on the same template
            queries.append((f"q{n}", OPENING + bodies[originals + n] + CLOSING, None))
    return archive, queries


def score(name: str, predict, queries) -> None:  # type: ignore[no-untyped-def]
    tp = fp = fn = 0
    start = time.perf_counter()
    for qid, text, truth in queries:
        got = predict(qid, text)
        tp += got is not None and got == truth
        fp += got is not None and got != truth
        fn += truth is not None and got != truth
    per = (time.perf_counter() - start) / len(queries) * 1000
    precision = tp / (tp + fp) if tp + fp else 1.0
    print(f"{name:<34}{precision:>10.3f}{tp / (tp + fn):>8.3f}{per:>12.2f}")


def gazette_method(archive, tmp: Path):  # type: ignore[no-untyped-def]
    index = DedupIndex(tmp)
    texts = dict(archive)
    for oid, text in archive:
        index.add({"id": oid, "text": text})

    def predict(qid: str, text: str) -> str | None:
        link = index.find({"id": qid, "text": text}, texts.get)
        return link.of if link else None

    return predict


def simhash_method(archive):  # type: ignore[no-untyped-def]
    from simhash import Simhash, SimhashIndex

    def features(text: str) -> list[str]:
        norm = normalise(text)
        return [norm[i : i + 5] for i in range(max(1, len(norm) - 4))]

    index = SimhashIndex([(oid, Simhash(features(t))) for oid, t in archive], k=3)

    def predict(qid: str, text: str) -> str | None:
        near = index.get_near_dups(Simhash(features(text)))
        return sorted(near)[0] if near else None

    return predict


def datasketch_method(archive):  # type: ignore[no-untyped-def]
    from datasketch import MinHash, MinHashLSH

    def signature(text: str) -> MinHash:
        norm = normalise(text)
        m = MinHash(num_perm=128)
        m.update_batch([norm[i : i + 5].encode() for i in range(max(1, len(norm) - 4))])
        return m

    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    for oid, text in archive:
        lsh.insert(oid, signature(text))

    def predict(qid: str, text: str) -> str | None:
        found = lsh.query(signature(text))
        return sorted(found)[0] if found else None

    return predict


def throughput(count: int) -> None:
    """Find-then-add every release, as the crawl does; releases/s and peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        index = DedupIndex(Path(tmp))
        known: dict[str, str] = {}
        corpus = texts(count, seed=9)
        start = time.perf_counter()
        for n, text in enumerate(corpus):
            record = {"id": f"{n:016x}", "text": text}
            sketch = Sketch.of(text)
            if index.find(record, known.get, sketch) is None:
                index.add(record, sketch)
            known[record["id"]] = text
        elapsed = time.perf_counter() - start
        size = (Path(tmp) / "index" / "dedup.sqlite").stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nthroughput: {count:,} releases linked and added in {elapsed:.0f} s = {count / elapsed:,.0f}/s; "
        f"dedup index {size / 1e6:,.0f} MB; peak RSS of this process {peak:,.0f} MB"
    )


def link_latency(archived: int) -> None:
    """Time to link a new release against `archived` originals (band rows filled in bulk)."""
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        index = DedupIndex(Path(tmp))
        db: sqlite3.Connection = index.db
        with db:
            db.executemany(
                "INSERT OR IGNORE INTO bands VALUES (?, ?)",
                ((rng.getrandbits(63), f"{n:016x}") for n in range(archived) for _ in range(BANDS)),
            )
            db.executemany(
                "INSERT OR IGNORE INTO fingerprints VALUES (?, ?)",
                ((f"{rng.getrandbits(128):032x}", f"{n:016x}") for n in range(archived)),
            )
        originals = {f"x{n}": text for n, text in enumerate(texts(50, seed=13))}
        for oid, text in originals.items():
            index.add({"id": oid, "text": text})
        times = []
        for n, (oid, text) in enumerate(originals.items()):
            query = {"id": f"new{n}", "text": text + "（责任编辑：王宁）"}
            start = time.perf_counter()
            link = index.find(query, originals.get)
            times.append((time.perf_counter() - start) * 1000)
            assert link is not None and link.of == oid
        times.sort()
    print(
        f"linking a new release against {archived:,} archived: p50 {statistics.median(times):.2f} ms, "
        f"p95 {times[int(len(times) * 0.95) - 1]:.2f} ms (all 50 found their original)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--originals", type=int, default=3000)
    parser.add_argument("--throughput", type=int, default=100_000)
    parser.add_argument("--archive", type=int, default=1_000_000)
    args = parser.parse_args()
    logging.getLogger("simhash").setLevel(logging.ERROR)  # it warns about every large bucket
    archive, queries = labelled_set(args.originals)
    positives = sum(1 for q in queries if q[2])
    print(
        f"labelled set: {len(archive)} originals, {len(queries)} queries ({positives} copies: exact, "
        "edited 1-20%, footer appended, truncated to 50-90%; "
        f"{len(queries) - positives} distinct on a template)"
    )
    print(f"{'method':<34}{'precision':>10}{'recall':>8}{'ms/query':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        score("gazette: LSH + overlap >= 0.70", gazette_method(archive, Path(tmp)), queries)
    score("simhash 64-bit, Hamming <= 3", simhash_method(archive), queries)
    score("datasketch MinHashLSH, J >= 0.8", datasketch_method(archive), queries)
    if args.throughput:
        throughput(args.throughput)
    if args.archive:
        link_latency(args.archive)


if __name__ == "__main__":
    main()
