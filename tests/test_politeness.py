"""Pushback and politeness: 429 with Retry-After, the User-Agent, blocked runs."""

from __future__ import annotations

import shutil
from pathlib import Path

from crawler.demo.server import SiteServer
from tests.conftest import SITES_DIR, archived, run_gazette


def config_for(tmp_path: Path, base: str, start: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(
        f'[sites.s]\ntitle = "示范"\nstart_urls = ["{base}{start}"]\ndownload_delay = 0\n', "utf-8"
    )
    return path


def test_short_retry_after_is_honoured_and_the_release_archived(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES_DIR / "hanweb", root)
    with (root / "_routes.toml").open("a", encoding="utf-8") as routes:  # 429 the first time only
        routes.write(
            '\n[routes."/art/2023/9/6/art_4584_60353.html"]\nfirst_status = 429\n'
            'first_headers = { "Retry-After" = "1" }\n'
        )
    server = SiteServer(root).start()
    try:
        config = config_for(tmp_path, server.base_url, "/col/col4584/index.html")
        result = run_gazette("--config", str(config), "--data", str(tmp_path / "d"), "crawl", "s")
    finally:
        server.stop()
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
