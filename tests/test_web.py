"""`gazette serve` on a crawled fixture archive: HTTP behaviour, escaping, and a real browser."""

from __future__ import annotations

import json
import shutil
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from archive.urls import release_id
from archive.web import create_app
from crawler.demo.server import SiteServer
from tests.conftest import SITES_DIR, run_gazette

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
EDITED = "/xw/001001/20230912/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d.html"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory):
    """Crawl an Epoint copy (then edit a release and re-crawl) and the XSS site; serve the archive."""
    tmp = tmp_path_factory.mktemp("web")
    shutil.copytree(SITES_DIR / "epoint", tmp / "epoint")
    epoint, xss = SiteServer(tmp / "epoint").start(), SiteServer(SITES_DIR / "xss").start()
    config = tmp / "sites.toml"
    config.write_text(
        f'[sites.hp]\ntitle = "上海市黄浦区人民政府"\ndownload_delay = 0\n'
        f'start_urls = ["{epoint.base_url}/xw/001001/news_important.html"]\n'
        f'[sites.xss]\ntitle = "示范区"\ndownload_delay = 0\n'
        f'start_urls = ["{xss.base_url}/news/list.html"]\n',
        "utf-8",
    )
    data = tmp / "data"
    assert run_gazette("--config", str(config), "--data", str(data), "crawl", "hp", "xss").returncode == 0
    page = tmp / "epoint" / EDITED.lstrip("/")
    page.write_text(page.read_text("utf-8").replace("二十余项活动", "三十余项活动"), "utf-8")
    assert (
        run_gazette("--config", str(config), "--data", str(data), "crawl", "hp", "--recheck").returncode == 0
    )
    from waitress import create_server

    server = create_server(create_app(data, config), host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    yield base, epoint.base_url
    server.close()
    epoint.stop()
    xss.stop()


def fetch(url: str, method: str = "GET") -> tuple[int, str]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_api_search_returns_what_the_cli_returns(web) -> None:
    base, _ = web
    status, body = fetch(f"{base}/api/search?q=%E7%9D%A6%E9%82%BB%E8%8A%82")  # 睦邻节
    assert status == 200
    payload = json.loads(body)
    assert payload["total"] == 1
    hit = payload["hits"][0]
    assert {"id", "url", "title", "published_at", "site", "source", "snippet", "matches"} <= set(hit)
    assert hit["title"] == "外滩街道举办社区睦邻节" and "«睦邻节»" in hit["snippet"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/release/0123456789abcdef", 404),
        ("/release/..%2F..%2Fetc%2Fpasswd", 404),
        ("/release/../../etc/passwd", 404),
        ("/release/ZZZ", 404),
        ("/?q=x&since=yesterday", 400),
        ("/?q=x&limit=-1", 400),
        ("/api/search?q=" + "x" * 2000, 400),
        ("/nope", 404),
    ],
)
def test_bad_requests_get_a_clear_page(web, path: str, status: int) -> None:
    base, _ = web
    got, body = fetch(base + path)
    assert got == status
    assert "Traceback" not in body


def test_no_write_endpoints(web) -> None:
    base, _ = web
    for method in ("POST", "PUT", "DELETE"):
        assert fetch(f"{base}/", method)[0] == 405


def test_untrusted_markup_is_escaped(web) -> None:
    base, _ = web
    status, body = fetch(f"{base}/?q=%E5%B8%B8%E5%8A%A1%E4%BC%9A%E8%AE%AE")  # 常务会议
    assert status == 200
    assert "<script>alert" not in body and "&lt;script&gt;alert(&#39;xss-title&#39;)&lt;/script&gt;" in body
    payload = json.loads(fetch(f"{base}/api/search?q=%E5%B8%B8%E5%8A%A1%E4%BC%9A%E8%AE%AE")[1])
    status, page = fetch(f"{base}/release/{payload['hits'][0]['id']}")
    assert status == 200
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(&#39;xss-body&#39;)&gt;" in page
    assert "<b onmouseover" not in page and "&lt;b onmouseover=alert(2)&gt;" in page


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
def test_search_filter_open_and_diff_in_a_browser(web) -> None:
    from playwright.sync_api import sync_playwright

    base, site = web
    ARTIFACTS.mkdir(exist_ok=True)
    dialogs: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base + "/")
        page.fill("input[name=q]", "睦邻节")
        page.click("button[type=submit]")
        assert "1 releases" in page.inner_text("#total")
        assert page.inner_text("mark") == "睦邻节"
        page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)
        page.goto(base + "/?q=%E4%BC%9A%E8%AE%AE&site=xss")  # 会议, filtered to the XSS site
        assert "1 releases" in page.inner_text("#total")
        page.click("a.title")
        assert page.inner_text("#release-title").startswith("<script>alert('xss-title')</script>")
        assert "<img src=x onerror=alert('xss-body')>" in page.inner_text("#release-text")
        page.screenshot(path=str(ARTIFACTS / "xss-release.png"), full_page=True)
        page.goto(f"{base}/release/{release_id(site + EDITED)}")
        page.click("text=与上一版比较 diff")
        diff = page.inner_text("#diff")
        assert "-睦邻节期间" in diff and "+睦邻节期间" in diff and "三十余项活动" in diff
        page.screenshot(path=str(ARTIFACTS / "diff.png"), full_page=True)
        page.goto(base + "/sites")
        assert "上海市黄浦区人民政府" in page.inner_text("#sites")
        browser.close()
    assert dialogs == [], "script from a crawled page ran"
