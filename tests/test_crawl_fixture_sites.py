"""End to end: `gazette crawl` against the fixture sites (CMS families, a mirror, a traditional site)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.record import schema_errors
from archive.urls import release_id
from tests.conftest import FAMILIES, FixtureSite, archived, run_gazette

CHECKED_FIELDS = (
    "title",
    "published_at",
    "source",
    "column",
    "text",
    "index_number",
    "doc_number",
    "issuer",
    "written_at",
    "topic",
)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory, config_file: Path, sites: dict[str, FixtureSite]):
    data = tmp_path_factory.mktemp("crawl") / "data"
    result = run_gazette("--config", str(config_file), "--data", str(data), "crawl", *FAMILIES)
    assert result.returncode == 0, result.stdout + result.stderr
    return data, result, sites


def test_every_release_archived_with_expected_fields(crawled) -> None:
    data, _, sites = crawled
    records = {r["url"]: r for r in archived(data)}
    expected_urls = set()
    for site in sites.values():
        for path, fields in site.expected["releases"].items():
            url = site.url(path)
            expected_urls.add(url)
            assert url in records, f"{site.name}: {path} was not archived"
            record = records[url]
            assert record["site"] == site.name
            assert record["id"] == release_id(url)
            for name in CHECKED_FIELDS:
                assert record[name] == fields[name], f"{site.name} {path}: {name}"
            assert record["attachments"] == [{**a, "url": site.url(a["url"])} for a in fields["attachments"]]
            assert record["images"] == [{**i, "url": site.url(i["url"])} for i in fields["images"]]
            if "duplicate_of" in fields:
                other_site, other_path = fields["duplicate_of"].split(":", 1)
                assert record["duplicate_of"] == release_id(sites[other_site].url(other_path))
                assert record["duplicate_kind"] == fields["duplicate_kind"]
            else:
                assert record.get("duplicate_of") is None, f"{site.name} {path} linked as a duplicate"
            if "flags" in fields:
                assert record["flags"] == fields["flags"], f"{site.name} {path}: flags"
            if "repairs" in fields:
                assert record["repairs"] == fields["repairs"], f"{site.name} {path}: repairs"
    assert set(records) == expected_urls, "something else was archived"


def test_records_are_valid_dated_utf8_json(crawled) -> None:
    data, _, _ = crawled
    for path in (data / "releases").rglob("*.json"):
        raw = path.read_text("utf-8")
        record = json.loads(raw)
        assert "\\u" not in raw, f"{path} has \\u escapes"
        assert schema_errors(record) == [], path
        assert path.name == f"{record['id']}.json"
        y, m, d = record["published_at"][:10].split("-")
        assert path.parent.relative_to(data / "releases").parts == (y, m, d)


def test_records_point_at_their_raw_capture(crawled) -> None:
    data, _, _ = crawled
    for record in archived(data):
        warc = data / record["raw"]["warc_file"]
        with warc.open("rb") as stream:
            ids = {
                rec.rec_headers.get_header("WARC-Record-ID"): rec.rec_headers.get_header("WARC-Target-URI")
                for rec in ArchiveIterator(stream)
                if rec.rec_type == "response"
            }
        assert ids.get(record["raw"]["warc_record_id"]) == record["url"]
    warcs = list((data / "warc").rglob("*.warc.gz"))
    listing = subprocess.run(
        [str(Path(sys.executable).with_name("warcio")), "index", str(warcs[0])],
        capture_output=True,
        text=True,
        check=True,
    )
    assert '"warc-type": "response"' in listing.stdout


def test_broken_cases_are_skipped_with_reasons(crawled) -> None:
    _, result, sites = crawled
    epoint = sites["epoint"]
    for reason, paths in epoint.expected["skipped"].items():
        assert f"skipped ({reason}): {len(paths)}" in result.stdout
        for path in paths:
            assert epoint.url(path) in result.stdout
    for path in epoint.expected["never_requested"]:
        assert epoint.server.requested(path) == 0, f"{path} was requested despite robots.txt"
    assert epoint.server.requested("/robots.txt") == 1
    assert "www.example.gov.cn" not in "".join(epoint.server.requests)


def test_second_crawl_archives_nothing_and_refetches_no_release(crawled, config_file) -> None:
    data, _, sites = crawled
    before = {p: p.stat().st_mtime_ns for p in (data / "releases").rglob("*.json")}
    for site in sites.values():
        site.server.requests.clear()
    again = run_gazette("--config", str(config_file), "--data", str(data), "crawl", *FAMILIES)
    assert again.returncode == 0, again.stderr
    assert "0 new, 0 changed" in again.stdout
    after = {p: p.stat().st_mtime_ns for p in (data / "releases").rglob("*.json")}
    assert after == before
    for site in sites.values():
        for path in site.expected["releases"]:
            assert site.server.requested(path) == 0, f"{site.name}: re-fetched {path}"


def test_show_prints_an_archived_release(crawled) -> None:
    data, _, sites = crawled
    url = sites["trs"].url("/col/xwdt/202309/t20230906_123.html")
    shown = run_gazette("--data", str(data), "show", release_id(url))
    assert shown.returncode == 0, shown.stderr
    assert "区政府与朱镕基同志题词的老校签约共建" in shown.stdout
    assert "source: 区教育局" in shown.stdout
