"""Chinese full-text search engines compared on synthetic releases, in one run.

Engines: tantivy over CJK bigrams (Gazette's index, through archive.index and archive.search),
SQLite FTS5 over the same bigrams, SQLite FTS5 trigram, and a linear substring scan. For each size
it prints build rate, index size over raw text, p50/p95 latency of top-20 queries per query class
(rare and very common 2-character, 4-character and phrase queries; with and without a site+date
filter), and recall/precision against exact-substring ground truth.

    python benchmarks/search.py                       # 100k releases, all engines
    python benchmarks/search.py --sizes 100000 1000000 --engines tantivy scan
    python benchmarks/search.py --reindex 20000       # also time `gazette reindex` on real JSON files
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.index import SearchIndex  # noqa: E402
from archive.query import parse_query  # noqa: E402
from archive.search import Filters, build_query, ranked_ids  # noqa: E402
from archive.tokens import fold, index_text  # noqa: E402

SITES = [f"site{n:02d}" for n in range(16)]
FILLER = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后"
    "多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由"
    "其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月"
    "公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组"
    "见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济"
    "阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确"
    "才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿"
    "千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格"
)
TERMS = {  # class: [(term, share of releases it is planted in)]
    "2-char rare": [("河豚", 0.0005), ("鲈鱼", 0.001)],
    "2-char common": [("专利", 0.35), ("防汛", 0.30)],
    "4-char rare": [("有线电视", 0.0005), ("古树名木", 0.001)],
    "4-char common": [("知识产权", 0.33), ("营商环境", 0.30)],
    "phrase rare": [('"垃圾分类 督导"', 0.001)],
    "phrase common": [('"高质量 发展"', 0.31)],
}
RUNS = 40  # per term: with fewer, p95 is simply the slowest run


def make_corpus(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Synthetic releases: ~1,500 characters of frequency-weighted filler plus planted terms."""
    rng = random.Random(seed)
    weights = [1 / (rank + 8) for rank in range(len(FILLER))]  # Zipf-like character frequencies
    planted = [(t.strip('"').replace(" ", ""), share) for terms in TERMS.values() for t, share in terms]
    docs = []
    start = date(2015, 1, 1)
    for n in range(count):
        chars = "".join(rng.choices(FILLER, weights, k=1450))
        cuts = sorted(rng.sample(range(1, 1450), 55))
        sentences = [chars[a:b] for a, b in zip([0, *cuts], [*cuts, 1450], strict=True)]
        for term, share in planted:
            if rng.random() < share:
                sentences.insert(rng.randrange(len(sentences) + 1), term)
        title = "".join(rng.choices(FILLER, weights, k=16))
        if rng.random() < 0.01:
            title += planted[rng.randrange(len(planted))][0]
        docs.append(
            {
                "id": f"{n:016x}",
                "content_hash": "0" * 64,
                "site": SITES[n % len(SITES)],
                "title": title,
                "text": "，".join(sentences) + "。",
                "source": "区政府办公室",
                "doc_number": None,
                "published_at": f"{start + timedelta(days=n % 4000)}T10:00:00+08:00",
            }
        )
    return docs


FILTER = Filters(site="site03", since=date(2018, 1, 1), until=date(2022, 12, 31))


def in_filter(doc: dict[str, Any]) -> bool:
    return doc["site"] == FILTER.site and "2018-01-01" <= doc["published_at"][:10] <= "2022-12-31"


def truth(docs: list[dict[str, Any]], query: str, filtered: bool) -> set[str]:
    needle = query.strip('"').replace(" ", "")
    return {
        d["id"] for d in docs if needle in d["title"] + "\n" + d["text"] and (not filtered or in_filter(d))
    }


class TantivyEngine:
    name = "tantivy bigram"

    def __init__(self, root: Path) -> None:
        self.root = root

    def build(self, docs: list[dict[str, Any]]) -> None:
        self.index = SearchIndex.reset(self.root)
        with self.index.writer() as writer:
            for doc in docs:
                writer.add(doc)

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.index.path.rglob("*") if p.is_file())

    def notes(self) -> str:
        return "segments per shard: " + ", ".join(str(s.num_segments) for s in self.index.searchers())

    def search(self, query: str, filtered: bool, limit: int = 20) -> tuple[list[str], int]:
        """The search path of `gazette search` up to reading the JSON records of the hits."""
        engine_query = build_query(self.index.schema, parse_query(query), FILTER if filtered else Filters())
        total, ids = ranked_ids(self.index, engine_query, "relevance", limit)
        return ids, total


class Fts5Engine:
    def __init__(self, root: Path, trigram: bool) -> None:
        self.trigram = trigram
        self.name = "FTS5 trigram" if trigram else "FTS5 bigram"
        self.path = root / ("fts5-trigram.sqlite" if trigram else "fts5-bigram.sqlite")

    def build(self, docs: list[dict[str, Any]]) -> None:
        self.path.unlink(missing_ok=True)
        db = sqlite3.connect(self.path)
        tokenize = "trigram" if self.trigram else "unicode61"
        db.execute(f"CREATE VIRTUAL TABLE fts USING fts5(title, body, content='', tokenize='{tokenize}')")
        db.execute("CREATE TABLE meta (rowid INTEGER PRIMARY KEY, id TEXT, site TEXT, day TEXT)")
        db.execute("CREATE INDEX meta_site_day ON meta (site, day)")
        prep: Callable[[str], str] = (lambda t: fold(t)) if self.trigram else index_text
        with db:
            for n, doc in enumerate(docs, 1):
                db.execute(
                    "INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)",
                    (n, prep(doc["title"]), prep(doc["text"])),
                )
                db.execute(
                    "INSERT INTO meta VALUES (?, ?, ?, ?)",
                    (n, doc["id"], doc["site"], doc["published_at"][:10]),
                )
        db.execute("INSERT INTO fts (fts) VALUES ('optimize')")
        db.commit()
        self.db = db

    def size(self) -> int:
        return self.path.stat().st_size

    def search(self, query: str, filtered: bool, limit: int = 20) -> tuple[list[str], int]:
        text = query.strip('"').replace(" ", "")
        if self.trigram:
            match = '"' + fold(text) + '"'
        else:
            match = '"' + " ".join(t for t in index_text(text).split() if t != "|") + '"'
        where = "fts MATCH ?"
        args: list[Any] = [match]
        if filtered:
            where += " AND rowid IN (SELECT rowid FROM meta WHERE site = ? AND day BETWEEN ? AND ?)"
            args += [FILTER.site, "2018-01-01", "2022-12-31"]
        count = self.db.execute(f"SELECT count(*) FROM fts WHERE {where}", args).fetchone()[0]
        rows = self.db.execute(
            "SELECT meta.id FROM fts JOIN meta ON meta.rowid = fts.rowid "
            f"WHERE {where} ORDER BY rank LIMIT ?",
            [*args, limit],
        ).fetchall()
        return [r[0] for r in rows], count


class ScanEngine:
    name = "linear scan"

    def build(self, docs: list[dict[str, Any]]) -> None:
        self.docs = [(d["id"], d["title"] + "\n" + d["text"], d) for d in docs]

    def size(self) -> int:
        return 0

    def search(self, query: str, filtered: bool, limit: int = 20) -> tuple[list[str], int]:
        needle = query.strip('"').replace(" ", "")
        ids = [i for i, text, d in self.docs if needle in text and (not filtered or in_filter(d))]
        return ids[:limit], len(ids)


def measure(engine: Any, docs: list[dict[str, Any]], raw_bytes: int) -> None:
    start = time.perf_counter()
    engine.build(docs)
    build_s = time.perf_counter() - start
    size = engine.size()
    ratio = f"{size / raw_bytes:.2f}x" if size else "-"
    print(
        f"\n## {engine.name}: build {len(docs) / build_s:,.0f} releases/s ({build_s:.0f} s), "
        f"index {size / 1e6:,.0f} MB = {ratio} raw text"
    )
    if hasattr(engine, "notes"):
        print(engine.notes())
    print(
        f"{'query class':<16}{'filter':>7}{'hits':>9}{'p50 ms':>9}{'p95 ms':>9}{'recall':>8}{'precision':>10}"
    )
    for klass, terms in TERMS.items():
        for filtered in (False, True):
            times, recall, precision, hits = [], [], [], 0
            for term, _ in terms:
                want = truth(docs, term, filtered)
                _, count = engine.search(term, filtered, limit=max(len(want), 1))
                got = set(engine.search(term, filtered, limit=max(len(want), count, 1))[0])
                recall.append(len(got & want) / len(want) if want else 1.0)
                precision.append(len(got & want) / len(got) if got else float(not want))
                hits += count
                for _ in range(RUNS):
                    t = time.perf_counter()
                    engine.search(term, filtered)
                    times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            print(
                f"{klass:<16}{'yes' if filtered else 'no':>7}{hits // len(terms):>9}"
                f"{statistics.median(times):>9.2f}{p95:>9.2f}{min(recall):>8.2f}{min(precision):>10.2f}"
            )


def write_archive(data: Path, count: int, seed: int) -> None:
    """`count` synthetic releases written as real, validated JSON records under `data`."""
    from archive.record import build_record
    from archive.store import ArchiveStore
    from benchmarks.generated_site import SYNTHETIC_RAW

    store = ArchiveStore(data)
    for n, doc in enumerate(make_corpus(count, seed=seed)):
        fields = {k: doc.get(k) for k in ("title", "published_at", "source", "doc_number")}
        fields |= {
            "text": doc["text"],
            "column": None,
            "attachments": [],
            "index_number": None,
            "issuer": None,
            "written_at": None,
            "topic": None,
        }
        store.put(build_record(doc["site"], f"http://www.example.gov.cn/x/{n}.html", fields, SYNTHETIC_RAW))
    store.close()


def time_reindex(count: int) -> None:
    """End to end: write `count` JSON records, then time `gazette reindex` on them; beside it, the
    ceiling of this machine: tantivy alone, fed documents prepared beforehand."""
    with tempfile.TemporaryDirectory() as tmp:
        write_archive(Path(tmp), count, seed=11)
        cpu_before = _children_cpu()
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "scheduler.cli", "--data", tmp, "reindex"], check=True, capture_output=True
        )
        elapsed = time.perf_counter() - start
        cpu = _children_cpu() - cpu_before
    ceiling = tantivy_only_rate(count)
    print(
        f"\n`gazette reindex` of {count:,} JSON records: {count / elapsed:,.0f} releases/s ({elapsed:.1f} s, "
        f"including process start), {cpu / count * 1000:.2f} ms of CPU per release"
        f"\ntantivy alone on prepared documents: {ceiling:,.0f} releases/s; "
        f"reindex reaches {count / elapsed / ceiling:.2f} of it"
    )


def _children_cpu() -> float:
    """User + system CPU seconds of finished child processes (the reindex uses several threads)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tantivy_only_rate(count: int) -> float:
    """Releases/s of the shard writers alone: reading, folding and tokenising done beforehand."""
    import tantivy

    from archive.index import index_fields, shard_of

    prepared = [(shard_of(d["id"]), tantivy.Document(**index_fields(d))) for d in make_corpus(count, seed=11)]
    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex(Path(tmp))
        start = time.perf_counter()
        with index.writer() as writer:
            for shard, document in prepared:
                writer.raws[shard].add_document(document)
        return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--engines", nargs="+", default=["tantivy", "fts5-bigram", "fts5-trigram", "scan"])
    parser.add_argument("--reindex", type=int, default=0, help="also time `gazette reindex` on N records")
    args = parser.parse_args()
    for size in args.sizes:
        docs = make_corpus(size)
        gc.freeze()  # the corpus is this benchmark's, not the searcher's: keep it out of GC passes
        raw_bytes = sum(len((d["title"] + d["text"]).encode("utf-8")) for d in docs)
        print(
            f"\n# {size:,} releases, {raw_bytes / 1e6:,.0f} MB of UTF-8 text "
            f"(~{raw_bytes // size // 3:,} characters each)"
        )
        with tempfile.TemporaryDirectory() as tmp:
            engines = {
                "tantivy": lambda: TantivyEngine(Path(tmp)),
                "fts5-bigram": lambda: Fts5Engine(Path(tmp), trigram=False),
                "fts5-trigram": lambda: Fts5Engine(Path(tmp), trigram=True),
                "scan": ScanEngine,
            }
            for name in args.engines:
                measure(engines[name](), docs, raw_bytes)
                shutil.rmtree(Path(tmp) / "index", ignore_errors=True)
    if args.reindex:
        time_reindex(args.reindex)


if __name__ == "__main__":
    main()
