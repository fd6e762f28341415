"""A site changes between crawls: a new release, an edit, takedowns, a repost. Nothing is lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from archive.urls import release_id
from crawler.demo.server import SiteServer
from tests.conftest import SITES_DIR, FixtureSite, archived, run_gazette

EDITED = "/xw/001001/20230912/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d.html"
GONE = "/xw/001001/20230905/2f3e4d5c-6b7a-4891-a2b3-c4d5e6f7a8b9.html"
HOME = "/xw/001001/20230918/5c2d7e8f-1a2b-4c3d-9e0f-112233445566.html"
DELISTED = "/xw/001001/20230831/4b3c2d1e-0f9a-4b8c-9d7e-6f5a4b3c2d1e.html"
ADDED = "/xw/001001/20230925/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d.html"


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory: pytest.TempPathFactory):
    """Crawl a copy of the Epoint site, change it, crawl again with --recheck."""
    root = tmp_path_factory.mktemp("site") / "epoint"
    shutil.copytree(SITES_DIR / "epoint", root)
    server = SiteServer(root).start()
    site = FixtureSite("hp", server, json.loads((root / "expected.json").read_text("utf-8")))
    config = root.parent / "sites.toml"
    config.write_text(site.config(), "utf-8")
    data = root.parent / "data"
    first = run_gazette("--config", str(config), "--data", str(data), "crawl", "hp")
    assert first.returncode == 0, first.stderr
    v1 = {p: p.read_bytes() for p in (data / "releases").rglob("*.json")}
    change_site(root)
    server.requests.clear()
    second = run_gazette("--config", str(config), "--data", str(data), "crawl", "hp", "--recheck")
    assert second.returncode == 0, second.stderr
    yield site, config, data, v1, second
    server.stop()


def change_site(root: Path) -> None:
    edited = root / EDITED.lstrip("/")
    edited.write_text(edited.read_text("utf-8").replace("二十余项活动", "三十余项活动"), "utf-8")
    (root / GONE.lstrip("/")).unlink()
    routes = (root / "_routes.toml").read_text("utf-8")
    routes += f'\n[routes."{HOME}"]\nstatus = 301\nfile = "index.html"\nheaders = {{ "Location" = "/" }}\n'
    (root / "_routes.toml").write_text(routes, "utf-8")
    page1, page2 = root / "xw/001001/news_important.html", root / "xw/001001/news_important_2.html"
    added = (root / HOME.lstrip("/")).read_text("utf-8").replace("汛期城市运行保障演练", "秋季消防安全检查")
    (root / ADDED.lstrip("/")).parent.mkdir(parents=True)
    (root / ADDED.lstrip("/")).write_text(added.replace("2023-09-18 16:30", "2023-09-25 10:00"), "utf-8")
    text = page1.read_text("utf-8").replace(  # at the end of page 1: the walk must go on to page 2
        "</ul>",
        f'  <li><a href="{ADDED}">区城运中心开展秋季消防安全检查</a><span>2023-09-25</span></li>\n</ul>',
        1,
    )
    page1.write_text(text, "utf-8")
    lines = [line for line in page2.read_text("utf-8").splitlines() if DELISTED not in line]
    page2.write_text("\n".join(lines), "utf-8")


def test_edit_becomes_a_new_version_and_old_files_stay(lifecycle) -> None:
    site, _, data, v1, second = lifecycle
    assert "1 new, 1 changed" in second.stdout
    for path, content in v1.items():
        assert path.read_bytes() == content, f"{path} was rewritten"
    rid = release_id(site.url(EDITED))
    history = run_gazette("--data", str(data), "history", rid)
    assert history.returncode == 0, history.stderr
    assert history.stdout.count("version ") == 2
    diff = run_gazette("--data", str(data), "history", rid, "--diff", "1", "2")
    assert "-睦邻节期间，街道将组织邻里美食分享、老物件展览和亲子游园等二十余项活动" in diff.stdout
    assert "+睦邻节期间，街道将组织邻里美食分享、老物件展览和亲子游园等三十余项活动" in diff.stdout
    assert "column:" not in diff.stdout, "a recheck lost what the list page said"
    shown = json.loads(run_gazette("--data", str(data), "show", rid, "--json").stdout)
    assert shown["version"] == 2 and "三十余项活动" in shown["text"]


def test_takedowns_are_withdrawn_events_and_records_stay(lifecycle) -> None:
    site, _, data, _, second = lifecycle
    listing = run_gazette("--data", str(data), "withdrawn", "--site", "hp")
    assert listing.returncode == 0, listing.stderr
    assert "3 withdrawn releases" in listing.stdout
    assert f"http 404 (HTTP 404): {site.url(GONE)}" in listing.stdout
    assert f"redirect to home page (HTTP 200): {site.url(HOME)}" in listing.stdout
    assert f"dropped out of list: {site.url('/xw/001001/news_important.html')}" in listing.stdout
    ids = {r["id"] for r in archived(data)}
    for path in (GONE, HOME, DELISTED):
        assert release_id(site.url(path)) in ids, f"{path}: record deleted"
    shown = run_gazette("--data", str(data), "show", release_id(site.url(GONE)))
    assert "withdrawn:" in shown.stdout
    assert "3 withdrawn" not in second.stderr


def test_second_crawl_fetched_only_what_it_needed(lifecycle) -> None:
    site, _, _, _, _ = lifecycle
    server = site.server
    assert server.requested(ADDED) == 1
    # page 1 ends with a new release, so the frontier may lie further on
    assert server.requested("/xw/001001/news_important_2.html") == 1


def test_crawl_without_changes_fetches_only_the_first_list_page(lifecycle) -> None:
    site, config, data, _, _ = lifecycle
    site.server.requests.clear()
    again = run_gazette("--config", str(config), "--data", str(data), "crawl", "hp")
    assert again.returncode == 0, again.stderr
    assert sorted(site.server.requests) == ["/robots.txt", "/xw/001001/news_important.html"], (
        site.server.requests
    )
