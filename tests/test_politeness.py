"""Pushback and politeness: 429 with Retry-After, the User-Agent, blocked runs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from crawler.demo.server import SiteServer
from tests.conftest import SITES_DIR, archived, run_gazette, serve_copy


def config_for(tmp_path: Path, base: str, start: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(
        f'[sites.s]\ntitle = "示范"\nstart_urls = ["{base}{start}"]\ndownload_delay = 0\n', "utf-8"
    )
    return path


def crawl_hanweb(tmp_path: Path, routes: str) -> tuple[subprocess.CompletedProcess[str], SiteServer]:
    """Crawl a copy of the Hanweb fixture site with `routes` added; returns the run and the server."""
    server = serve_copy(tmp_path, "hanweb", routes)
    try:
        config = config_for(tmp_path, server.base_url, "/col/col4584/index.html")
        result = run_gazette("--config", str(config), "--data", str(tmp_path / "d"), "crawl", "s")
    finally:
        server.stop()
    return result, server


def test_short_retry_after_is_honoured_and_the_release_archived(tmp_path: Path) -> None:
    result, server = crawl_hanweb(  # 429 the first time only
        tmp_path,
        '\n[routes."/art/2023/9/6/art_4584_60353.html"]\nfirst_status = 429\n'
        'first_headers = { "Retry-After" = "1" }\n',
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert server.requested("/art/2023/9/6/art_4584_60353.html") == 2
    assert "1 retry" in result.stdout
    assert len(archived(tmp_path / "d")) == 3
    assert all(ua.startswith("GazetteArchive/") and "+http" in ua for ua in server.user_agents)


def test_long_retry_after_blocks_the_run_and_the_next_one_waits(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES_DIR / "blocked", root)
    (root / "_routes.toml").write_text(
        '[routes."/xw/001001/news_important.html"]\nstatus = 429\nfile = "_challenge.html"\n'
        'headers = { "Retry-After" = "3600" }\n',
        "utf-8",
    )
    server = SiteServer(root).start()
    try:
        config = config_for(tmp_path, server.base_url, "/xw/001001/news_important.html")
        first = run_gazette("--config", str(config), "--data", str(tmp_path / "d"), "crawl", "s")
        assert first.returncode == 1
        assert "s: blocked" in first.stdout and "rate-limited" in first.stdout
        assert server.requested("/xw/001001/news_important.html") == 1, "no tight retry loop"
        server.requests.clear()
        second = run_gazette("--config", str(config), "--data", str(tmp_path / "d"), "crawl", "s")
    finally:
        server.stop()
    assert second.returncode == 1
    assert "backing off until" in second.stdout
    assert server.requests == [], "the site was contacted during its Retry-After"


def test_new_release_above_archived_ones_costs_one_list_page_and_itself(tmp_path: Path) -> None:
    """The frontier: page 1 ends with an archived release, so older pages are not walked."""
    root = tmp_path / "site"
    shutil.copytree(SITES_DIR / "epoint", root)
    server = SiteServer(root).start()
    try:
        config = config_for(tmp_path, server.base_url, "/xw/001001/news_important.html")
        data = str(tmp_path / "d")
        assert run_gazette("--config", str(config), "--data", data, "crawl", "s").returncode == 0
        page1 = root / "xw/001001/news_important.html"
        old = root / "xw/001001/20230912/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d.html"
        added = "/xw/001001/20231008/5d4c3b2a-1908-4f7e-8d6c-5b4a39281706.html"
        (root / added.lstrip("/")).parent.mkdir(parents=True)
        (root / added.lstrip("/")).write_text(
            old.read_text("utf-8").replace("外滩街道举办社区睦邻节", "外滩街道举办重阳敬老活动"), "utf-8"
        )
        page1.write_text(
            page1.read_text("utf-8").replace(
                '<ul class="ewb-list">',
                f'<ul class="ewb-list">\n  <li><a href="{added}">外滩街道举办重阳敬老活动</a>'
                "<span>2023-10-08</span></li>",
            ),
            "utf-8",
        )
        server.requests.clear()
        second = run_gazette("--config", str(config), "--data", data, "crawl", "s")
    finally:
        server.stop()
    assert second.returncode == 0, second.stdout + second.stderr
    assert sorted(server.requests) == sorted(["/robots.txt", "/xw/001001/news_important.html", added])
    assert any(r["url"].endswith(added) for r in archived(Path(data)))


def test_retries_back_off_before_they_go_out(tmp_path: Path) -> None:
    """A 500 is retried, but not at once: the retry waits RETRY_BACKOFF_BASE (1 s), then 2 s."""
    page = "/art/2023/9/6/art_4584_60353.html"
    result, server = crawl_hanweb(tmp_path, f'\n[routes."{page}"]\nfault = 500\nfault_times = 2\n')
    assert result.returncode == 0, result.stdout + result.stderr
    times = [t for p, t in zip(server.requests, server.times, strict=True) if p == page]
    assert len(times) == 3, server.requests
    assert times[1] - times[0] >= 0.9 and times[2] - times[1] >= 1.9, times
    assert any(r["url"].endswith(page) for r in archived(tmp_path / "d"))
