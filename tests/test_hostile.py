"""Hostile input: pages, links, robots.txt, records and sites.toml shapes that try to break the
archive. Each case asserts what happens to it. (Hostile queries are in test_search.py.)"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.record import RecordError
from archive.store import ArchiveStore
from crawler.demo.server import SiteServer
from crawler.sites import ConfigError, load_sites
from tests import hostile_site
from tests.conftest import archived, run_gazette
from tests.hostile_site import BODY, FOREIGN, LIST, LONG_PATH

RECORD_PATH_RE = re.compile(r"^releases/(\d{4}/\d{2}/\d{2}|undated)/[0-9a-f]{16}(\.v\d+)?\.json$")


def crawl(
    tmp: Path, robots: bytes | None = None, robots_route: str = "", only: str | None = None
) -> tuple[dict, Path, SiteServer]:
    root = hostile_site.write_site(tmp / "site", robots, robots_route, only)
    server = SiteServer(root).start()
    config = tmp / "sites.toml"
    config.write_text(
        f'[sites.h]\ntitle = "示范区"\nstart_urls = ["{server.base_url}{LIST}"]\ndownload_delay = 0\n'
        "max_retries = 0\n",
        "utf-8",
    )
    data = tmp / "data"
    result = run_gazette("--config", str(config), "--data", str(data), "crawl", "h", "--quiet", timeout=300)
    server.stop()
    assert "Traceback" not in result.stderr, result.stderr
    report = json.loads(sorted((data / "runs").rglob("*.json"))[-1].read_text("utf-8"))
    return {"result": result, "report": report}, data, server


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict, Path, SiteServer]]:
    yield crawl(tmp_path_factory.mktemp("hostile"))


def record_for(data: Path, path: str) -> dict | None:
    return next((r for r in archived(data) if r["url"].endswith(path)), None)


def skip_reason(run: dict, path: str) -> str | None:
    return next((s["reason"] for s in run["report"]["skipped"] if s["url"].endswith(path)), None)


def test_the_hostile_run_completes_and_says_what_it_skipped(hostile) -> None:
    run, _, _ = hostile
    assert run["result"].returncode == 0, run["result"].stdout + run["result"].stderr
    assert run["report"]["outcome"] == "ok"


def test_invalid_html_is_still_read(hostile) -> None:
    record = record_for(hostile[1], "/invalid.html")
    assert record and record["title"] == "残缺页面" and BODY in record["text"]


@pytest.mark.parametrize("path", ["/huge.html", "/bomb.html"], ids=["20 MB page", "gzip bomb"])
def test_oversized_pages_are_refused_by_size(hostile, path: str) -> None:
    run, data, _ = hostile
    assert skip_reason(run, path) == "too large"
    assert record_for(data, path) is None


def test_binary_served_as_html_is_not_archived(hostile) -> None:
    run, data, _ = hostile
    assert skip_reason(run, "/binary.html") in ("no body", "no title", "not a text page")
    assert record_for(data, "/binary.html") is None


@pytest.mark.parametrize(
    ("path", "title"),
    [("/lying-header.html", "区政府通知"), ("/lying-meta.html", "区政府公告"), ("/mixed.html", "混合编码")],
    ids=["header lies", "meta lies", "two encodings in one page"],
)
def test_wrong_charsets_still_give_the_right_text(hostile, path: str, title: str) -> None:
    record = record_for(hostile[1], path)
    assert record is not None and record["title"] == title
    assert BODY in record["text"]
    if path != "/mixed.html":
        assert "\ufffd" not in record["text"]


def test_nul_and_control_characters_never_reach_a_record(hostile) -> None:
    record = record_for(hostile[1], "/control.html")
    assert record is not None
    for value in (record["title"], record["text"]):
        assert not [c for c in value if unicodedata.category(c) == "Cc" and c != "\n"], repr(value)
    assert any(r["step"] == "whitespace" for r in record["repairs"])


def test_a_100k_character_title_is_cut_and_the_cut_recorded(hostile) -> None:
    record = record_for(hostile[1], "/long-title.html")
    assert record is not None and len(record["title"]) == 300
    assert "title-truncated" in record["flags"]
    assert {"step": "title-length", "field": "title", "count": 100_000 - 299} in record["repairs"]


@pytest.mark.parametrize("path", ["/future.html", "/old.html"], ids=["dated 2099", "dated 1900"])
def test_implausible_dates_fall_back_to_the_url_date(hostile, path: str) -> None:
    record = record_for(hostile[1], path)
    assert record is not None and record["published_at"] == "2023-09-10T00:00:00+08:00"


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/loop-b.html", "redirect loop"), ("/away.html", "redirect off the site to http://elsewhere.invalid/")],
    ids=["redirect loop", "cross-domain redirect"],
)
def test_bad_redirects_are_refused_with_a_reason(hostile, path: str, reason: str) -> None:
    run, data, _ = hostile
    assert (skip_reason(run, path) or "").startswith(reason)
    assert not any("elsewhere" in r["url"] for r in archived(data))


def test_dot_segments_are_resolved_before_fetching(hostile) -> None:
    record = record_for(hostile[1], "/news/20230910/dotted.html")
    assert record is not None and ".." not in record["url"]


@pytest.mark.parametrize(
    "path",
    ["/%2e%2e/%2e%2e/%2e%2e/etc/passwd", LONG_PATH, "/\u202egnp.html"],
    ids=["%2e%2e", "2,850-character path", "right-to-left override"],
)
def test_odd_urls_never_name_a_file_outside_data(hostile, path: str) -> None:
    _, data, _ = hostile
    for file in data.rglob("*"):
        assert file.resolve().is_relative_to(data.resolve())
    for file in (data / "releases").rglob("*.json"):
        assert RECORD_PATH_RE.match(file.relative_to(data).as_posix()), file
    assert not any("passwd" in r["url"] for r in archived(data))


@pytest.mark.parametrize(
    "url", FOREIGN, ids=["file", "javascript", "data", "10/8", "192.168/16", "169.254/16", "::1"]
)
def test_foreign_and_private_links_are_never_fetched(hostile, url: str) -> None:
    _, data, server = hostile
    targets = set()
    for warc in (data / "warc").rglob("*.warc.gz"):
        with warc.open("rb") as stream:
            targets |= {r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(stream)}
    assert url not in targets and not any(t and t.startswith(url[:12]) for t in targets)
    assert not any(r["url"] == url for r in archived(data))
    assert all(t is None or t.startswith(server.base_url) for t in targets)


@pytest.mark.parametrize(
    ("robots", "route"),
    [
        (b"User-agent: *\n" + b"Disallow: /private/%d/\n" * 150_000, ""),
        (bytes(range(256)) * 64, ""),
        (
            b"<html><body><h1>Welcome</h1><p>Disallow: nothing here</p></body></html>",
            'content_type = "text/html"',
        ),
        (b"<html><body>404 Not Found</body></html>", 'status = 404\ncontent_type = "text/html"'),
    ],
    ids=["3 MB robots.txt", "binary robots.txt", "robots.txt served as HTML", "robots.txt 404 with HTML"],
)
def test_strange_robots_txt_does_not_stop_the_crawl(tmp_path: Path, robots: bytes, route: str) -> None:
    run, data, _ = crawl(tmp_path, robots, route, only="/news/20230910/dotted.html")
    assert run["result"].returncode == 0, run["result"].stdout
    assert record_for(data, "/dotted.html") is not None


def put(tmp_path: Path, **changes: object) -> None:
    record = {
        "id": "0123456789abcdef",
        "url": "http://a.gov.cn/x.html",
        "site": "a",
        "title": "标题",
        "text": "正文",
        "published_at": "2023-09-10T00:00:00+08:00",
        "fetched_at": "2023-09-10T00:00:00Z",
        "version": 1,
        "raw": {"warc_file": "warc/x.warc.gz", "warc_record_id": "<urn:uuid:1>", "status": 200},
        **changes,
    }
    store = ArchiveStore(tmp_path / "data")
    try:
        store.put(record)
    finally:
        store.close()


@pytest.mark.parametrize(
    "changes",
    [{"published_at": "../../../../../tmp/evil"}, {"id": "../../../evil"}, {"id": "/etc/passwd"}],
    ids=["published_at with ..", "id with ..", "absolute id"],
)
def test_records_that_would_escape_data_are_refused(tmp_path: Path, changes: dict) -> None:
    with pytest.raises(RecordError):
        put(tmp_path, **changes)
    assert not (tmp_path / "evil").exists() and not list(tmp_path.parent.glob("evil*"))
    assert not list((tmp_path / "data").rglob("*.json"))


SITE = '[sites.a]\ntitle = "甲区"\nstart_urls = ["https://www.a.gov.cn/list.html"]\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sites = 5\n", "no sites configured"),
        ('[sites]\na = "x"\n', "site 'a': must be a table"),
        ('[sites."../x"]\ntitle = "x"\n', "site '../x': name must be"),
        ('[sites.a]\ntitle = 5\nstart_urls = ["https://a.gov.cn/"]\n', "site 'a': 'title' must be"),
        ('[sites.a]\ntitle = "甲"\nstart_urls = { a = 1 }\n', "site 'a': 'start_urls' must be"),
        ('[sites.a]\ntitle = "甲"\nstart_urls = [5]\n', "site 'a': 'start_urls'"),
        (
            '[sites.a]\ntitle = "甲"\nstart_urls = ["javascript:alert(1)"]\n',
            "site 'a': 'start_urls' has a bad URL",
        ),
        (
            '[sites.a]\ntitle = "甲"\nstart_urls = ["file:///etc/passwd"]\n',
            "site 'a': 'start_urls' has a bad URL",
        ),
        (SITE + 'download_delay = "fast"\n', "site 'a': 'download_delay' must be seconds"),
        (SITE + "download_delay = -1\n", "site 'a': 'download_delay' must be seconds"),
        (SITE + "download_delay = nan\n", "site 'a': 'download_delay' must be seconds"),
        (SITE + "download_delay = inf\n", "site 'a': 'download_delay' must be seconds"),
        (SITE + "download_timeout = 0\n", "site 'a': 'download_timeout' must be seconds"),
        (SITE + "max_retries = -1\n", "site 'a': 'max_retries' must be a whole number"),
        (SITE + "max_list_pages = true\n", "site 'a': 'max_list_pages' must be a whole number"),
        (SITE + 'recheck_after = "1h"\n', "site 'a': 'recheck_after'"),
        (SITE + 'recheck_after = ["1x"]\n', "site 'a': 'recheck_after'"),
        (SITE + "schedule = 5\n", "site 'a': 'schedule'"),
        (SITE + 'allowed_domains = "a.gov.cn"\n', "site 'a': 'allowed_domains'"),
        (SITE + "[sites.a.extra]\nx = 1\n", "site 'a': unknown key 'extra'"),
    ],
)
def test_malformed_config_is_one_line_naming_site_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_sites(path)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_cli_prints_a_malformed_config_as_one_line(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(SITE + "download_delay = nan\n", "utf-8")
    result = run_gazette("--config", str(path), "crawl", "a")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
