"""A site that answers with a JS challenge fails the run; the demo and `scrapy crawl` work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import archived, run_gazette, start_site

ROOT = Path(__file__).resolve().parent.parent


def test_challenged_list_page_blocks_the_run(tmp_path: Path) -> None:
    site = start_site("blocked")
    try:
        config = tmp_path / "sites.toml"
        config.write_text(
            f'[sites.hp]\ntitle = "黄浦"\nstart_urls = ["{site.base}/xw/001001/news_important.html"]\n'
            "download_delay = 0\n",
            "utf-8",
        )
        result = run_gazette("--config", str(config), "--data", str(tmp_path / "d"), "crawl", "hp")
    finally:
        site.server.stop()
    assert result.returncode == 1
    assert "hp: blocked" in result.stdout
    assert "BLOCKED (challenge) on list page" in result.stdout
    assert "Error: crawl failed for hp" in result.stderr
    assert site.server.requested("/xw/001001/news_important.html") == 1, "a challenge must not be retried"
    assert archived(tmp_path / "d") == []


def test_unreachable_site_fails_the_run(tmp_path: Path) -> None:
    config = tmp_path / "sites.toml"
    config.write_text(
        '[sites.gone]\ntitle = "无"\nstart_urls = ["http://127.0.0.1:9/list.html"]\ndownload_delay = 0\n',
        "utf-8",
    )
    result = run_gazette("--config", str(config), "--data", str(tmp_path / "d"), "crawl", "gone")
    assert result.returncode == 1
    assert "gone: failed" in result.stdout
    assert "http://127.0.0.1:9/list.html" in result.stdout


def test_demo_archives_the_bundled_site(tmp_path: Path) -> None:
    result = run_gazette("demo", "--data", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    assert "archived 3 releases" in result.stdout
    titles = {r["title"] for r in archived(tmp_path / "demo")}
    assert "区城运中心开展汛期城市运行保障演练" in titles


def test_scrapy_crawl_command_works_too(tmp_path: Path) -> None:
    site = start_site("hanweb")
    try:
        config = tmp_path / "sites.toml"
        config.write_text(site.config(), "utf-8")
        scrapy = Path(sys.executable).with_name("scrapy")
        result = subprocess.run(
            [
                str(scrapy),
                "crawl",
                "announcements",
                "-a",
                "site=hanweb",
                "-a",
                f"config={config}",
                "-a",
                f"data={tmp_path / 'd'}",
                "-s",
                "LOG_LEVEL=WARNING",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        site.server.stop()
    assert result.returncode == 0, result.stderr
    assert len(archived(tmp_path / "d")) == 3
