"""Search over an archive made by really crawling the fixture sites."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.index import INDEX_DIR, SearchIndex
from archive.query import QueryError
from archive.search import Filters, search
from archive.tokens import fold
from tests.conftest import FAMILIES, FixtureSite, archived, run_gazette


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, config_file: Path, sites: dict[str, FixtureSite]):
    data = tmp_path_factory.mktemp("search") / "data"
    result = run_gazette("--config", str(config_file), "--data", str(data), "crawl", *FAMILIES)
    assert result.returncode == 0, result.stderr
    return data, sites


def paths(data: Path, query: str, **kwargs) -> list[str]:
    """Hit URLs as site-relative paths, in rank order."""
    hits = search(data, query, **kwargs).hits
    return [hit.url.split("/", 3)[3] for hit in hits]


def truth(data: Path, term: str) -> set[str]:
    """Ground truth for a Chinese term: original records (a duplicate is shown once, as its
    original) whose title or text contains it (after folding)."""
    needle = fold(term)
    return {
        r["url"].split("/", 3)[3]
        for r in archived(data)
        if not r.get("duplicate_of") and needle in fold(r["title"] + "\n" + r["text"])
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "专利",
            {
                "xw/001001/20230905/2f3e4d5c-6b7a-4891-a2b3-c4d5e6f7a8b9.html",
                "zhengwu/zdgkml-qzfwj/20260703/204477.html",
                "xw/001001/20230831/4b3c2d1e-0f9a-4b8c-9d7e-6f5a4b3c2d1e.html",
            },
        ),
        ("河长", {"zhengwu/zdgkml-qzfwj/20260615/203991.html", "tupianxinwen/20260612/958655.html"}),
        (
            "知识产权",
            {
                "xw/001001/20230905/2f3e4d5c-6b7a-4891-a2b3-c4d5e6f7a8b9.html",
                "zhengwu/zdgkml-qzfwj/20260703/204477.html",
                "xw/001001/20230831/4b3c2d1e-0f9a-4b8c-9d7e-6f5a4b3c2d1e.html",
            },
        ),
        (
            '"知识产权 服务"',
            {
                "xw/001001/20230905/2f3e4d5c-6b7a-4891-a2b3-c4d5e6f7a8b9.html",
                "xw/001001/20230831/4b3c2d1e-0f9a-4b8c-9d7e-6f5a4b3c2d1e.html",
            },
        ),
        ("知识产权 -开放月", {"zhengwu/zdgkml-qzfwj/20260703/204477.html"}),
        ("秸秆 OR 医疗保险", {"art/2023/9/6/art_4584_60353.html", "art/2023/8/15/art_4584_59870.html"}),
        (
            "專利 監管局",
            {
                "xw/001001/20230905/2f3e4d5c-6b7a-4891-a2b3-c4d5e6f7a8b9.html",
                "xw/001001/20230831/4b3c2d1e-0f9a-4b8c-9d7e-6f5a4b3c2d1e.html",
            },
        ),
        ("环保", {"gia/general/202309/08P2023090800321.htm"}),
        ("2023", {"art/2023/9/6/art_4584_60353.html", "art/2023/8/28/art_4584_60211.html"}),
        ("镕", {"col/xwdt/202309/t20230906_123.html"}),
        ("不存在的词语", set()),
    ],
)
def test_exact_hit_sets(archive, query: str, expected: set[str]) -> None:
    data, _ = archive
    assert set(paths(data, query)) == expected


@pytest.mark.parametrize(
    "term",
    # the last three occur only across punctuation (服务，推动): a bigram phrase must not span it
    [
        "专利",
        "河长",
        "防汛",
        "知识产权",
        "监管局",
        "高质量发展",
        "区",
        "活动",
        "志愿",
        "服务推动",
        "会议研究",
        "汛办区建",
    ],
)
def test_chinese_terms_match_exact_substrings(archive, term: str) -> None:
    data, _ = archive
    assert set(paths(data, term, limit=100)) == truth(data, term)


def test_title_hits_rank_above_body_only_hits(archive) -> None:
    data, _ = archive
    ranked = paths(data, "防汛")
    assert ranked[0] == "zhengwu/zdgkml-qzfwj/20260615/203991.html"  # 防汛 in the title
    assert set(ranked) == {
        "zhengwu/zdgkml-qzfwj/20260615/203991.html",
        "xw/001001/20230918/5c2d7e8f-1a2b-4c3d-9e0f-112233445566.html",
    }


def test_filters(archive) -> None:
    data, _ = archive
    assert set(paths(data, "通知", filters=Filters(site="hanweb"))) == {"art/2023/9/6/art_4584_60353.html"}
    window = Filters(since=date(2023, 9, 1), until=date(2023, 9, 6))
    assert set(paths(data, "", filters=window)) == {
        "col/xwdt/202309/t20230906_123.html",
        "col/xwdt/202309/t20230901_118.html",
        "art/2023/9/6/art_4584_60353.html",
        "xw/001001/20230905/2f3e4d5c-6b7a-4891-a2b3-c4d5e6f7a8b9.html",
        # the mirror copy of 2023-09-01 is a duplicate of a 2023-08-31 release: outside the window
    }
    assert set(paths(data, "", filters=Filters(source="教育局"))) == {
        "col/xwdt/202309/t20230906_123.html",
        "col/xwdt/202309/t20230901_118.html",
    }
    assert paths(data, "", filters=Filters(doc_number="普府〔2026〕54号")) == [
        "zhengwu/zdgkml-qzfwj/20260703/204477.html"
    ]
    assert paths(data, "", filters=Filters(doc_number="54号")) == [
        "zhengwu/zdgkml-qzfwj/20260703/204477.html"
    ]


def test_sort_by_date_and_paging(archive) -> None:
    data, sites = archive
    expected = len(sites["epoint"].expected["releases"])
    newest = search(data, "", filters=Filters(site="epoint"), sort="date")
    days = [hit.published_at for hit in newest.hits]
    assert days == sorted(days, reverse=True) and newest.total == expected == len(days)
    page2 = search(data, "", filters=Filters(site="epoint"), sort="date", limit=1, offset=1)
    assert [h.id for h in page2.hits] == [newest.hits[1].id] and page2.total == expected


def test_snippet_and_offsets_come_from_the_original_text(archive) -> None:
    data, _ = archive
    hit = search(data, "專利").hits[0]
    record = next(r for r in archived(data) if r["id"] == hit.id)
    assert hit.text_matches
    for start, end in hit.text_matches:
        assert record["text"][start:end] == "专利"
    assert "«专利»" in hit.snippet


def test_cli_search_text_json_csv(archive) -> None:
    data, _ = archive
    text = run_gazette("--data", str(data), "search", "河长")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("2 releases match")
    assert "[shanghai]  长风公园举办夏季河长制宣传活动" in text.stdout
    lines = run_gazette("--data", str(data), "search", "河长", "--json").stdout.splitlines()
    hits = [json.loads(line) for line in lines]
    assert {"id", "url", "title", "published_at", "site", "source", "snippet", "matches"} <= set(hits[0])
    csv = run_gazette("--data", str(data), "search", "河长", "--csv").stdout.splitlines()
    assert csv[0] == "id,published_at,site,title,source,url,snippet" and len(csv) == 3


HOSTILE = [
    '"',
    '""',
    "(",
    ")",
    "*",
    "专利*",
    "AND",
    "OR",
    "NOT",
    "NEAR(专利 河长)",
    "专利 AND OR",
    "\x01\x1b[31m\x7f",
    "-",
    "--",
    '-""',
    "'",
    "\\",
    "{}",
    "[专利]",
    "^",
    ":",
    "title:专利",
    "专利" * 400,
    "a" * 999,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_crash(archive, query: str) -> None:
    data, _ = archive
    result = run_gazette("--data", str(data), "search", "--", query)  # `--`: a query may start with -
    assert result.returncode in (0, 2), result.stderr
    assert "Traceback" not in result.stderr
    if result.returncode == 2:
        assert result.stderr.startswith("Error: ")


def test_nul_and_control_characters_are_ignored(archive) -> None:
    data, _ = archive
    assert set(paths(data, "河\x00长\x07")) == set(paths(data, "河长")) != set()


def test_overlong_query_is_a_clear_error(archive) -> None:
    data, _ = archive
    result = run_gazette("--data", str(data), "search", "专" * 10_000)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: query is too long (10000 characters")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_text_is_a_valid_query(archive, query: str) -> None:
    data, _ = archive
    try:
        search(data, query)
    except QueryError as exc:
        assert "nothing to search for" in str(exc)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_reindex_gives_the_same_answers(archive, tmp_path: Path, workers: str) -> None:
    data, _ = archive
    copy = tmp_path / "copy"
    shutil.copytree(data, copy)
    queries = ["专利", "河长", "知识产权 -开放月", "2023", "环保", "区"]
    before = {q: paths(copy, q, limit=100) for q in queries}
    shutil.rmtree(copy / "index")
    result = run_gazette("--data", str(copy), "reindex", "--workers", workers)
    assert result.returncode == 0, result.stderr
    assert {q: paths(copy, q, limit=100) for q in queries} == before


def test_verify_finds_index_problems_and_reindex_fixes_them(archive, tmp_path: Path) -> None:
    data, _ = archive
    copy = tmp_path / "copy"
    shutil.copytree(data, copy)
    assert run_gazette("--data", str(copy), "verify").returncode == 0
    shutil.rmtree(copy / "index" / INDEX_DIR)
    broken = run_gazette("--data", str(copy), "verify")
    assert broken.returncode == 1 and "the search index is missing" in broken.stdout
    record_file = next((copy / "releases").rglob("*.json"))
    record_file.write_text("{ not json", "utf-8")
    assert run_gazette("--data", str(copy), "reindex").returncode == 0
    after = run_gazette("--data", str(copy), "verify")
    assert after.returncode == 1
    assert f"invalid record: {record_file.relative_to(copy).as_posix()}" in after.stdout
    assert "missing from index" not in after.stdout


def test_a_writer_with_nothing_new_leaves_the_index_files_alone(archive, tmp_path: Path) -> None:
    """Opening a writer and committing nothing (a sync that found nothing to index) writes no new
    index generation on any shard."""
    data, _ = archive
    copy = tmp_path / "copy"
    shutil.copytree(data, copy)
    metas = sorted((copy / "index" / INDEX_DIR).glob("shard-*/meta.json"))
    assert len(metas) == 2
    before = [m.read_bytes() for m in metas]
    with SearchIndex(copy).writer() as writer:
        assert writer.commit() == []
    assert [m.read_bytes() for m in metas] == before
    assert paths(copy, "专利", limit=100) == paths(data, "专利", limit=100)


def test_an_index_from_an_older_version_is_replaced(archive, tmp_path: Path, config_file: Path) -> None:
    """After an upgrade that changes the tokens, search says to reindex instead of answering from an
    empty index, and the next crawl indexes every release again (the old directory is removed)."""
    data, _ = archive
    copy = tmp_path / "copy"
    shutil.copytree(data, copy)
    expected = paths(copy, "专利", limit=100)
    (copy / "index" / INDEX_DIR).rename(copy / "index" / "search-v0")
    refused = run_gazette("--data", str(copy), "search", "专利")
    assert refused.returncode != 0 and "run `gazette reindex`" in refused.stderr
    crawl = run_gazette("--config", str(config_file), "--data", str(copy), "crawl", "epoint")
    assert crawl.returncode == 0, crawl.stderr
    assert not (copy / "index" / "search-v0").exists()
    assert paths(copy, "专利", limit=100) == expected  # found on every site, not just the crawled one


def test_a_duplicated_release_is_shown_once_with_its_other_urls(archive) -> None:
    data, sites = archive
    hits = search(data, "城运中心").hits
    assert [h.url for h in hits] == [
        sites["epoint"].url("/xw/001001/20230918/5c2d7e8f-1a2b-4c3d-9e0f-112233445566.html")
    ]
    assert hits[0].also_at == [sites["shanghai"].url("/tupianxinwen/20230919/958700.html")]
    text = run_gazette("--data", str(data), "search", "城运中心").stdout
    assert f"also at: {sites['shanghai'].url('/tupianxinwen/20230919/958700.html')}" in text
