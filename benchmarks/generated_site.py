"""A generated Epoint-style district site of N releases, served on 127.0.0.1 for benchmarks.

Pages are made on request from their path, so any size costs no disk. Text is synthetic but of
realistic length (about 1,500 characters per release).
"""

from __future__ import annotations

import random
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PER_PAGE = 20
# the raw-capture fields of records that benchmarks archive without a real WARC behind them
SYNTHETIC_RAW = {
    "warc_file": "w",
    "warc_record_id": "<urn:uuid:12345678-1234-1234-1234-123456789abc>",
    "status": 200,
    "content_type": "text/html",
    "payload_sha256": "0" * 64,
}
PHRASES = (
    "区市场监管局",
    "知识产权",
    "优化营商环境",
    "安全生产",
    "防汛防台",
    "河长制",
    "高质量发展",
    "政务公开",
    "街道社区",
    "志愿服务",
    "城市更新",
    "民生实事",
    "专利转化",
    "垃圾分类",
    "为民办实事",
    "一网通办",
)
FILLER = "会议强调各部门要进一步提高认识压实责任加强协同确保各项工作落到实处取得实效推动工作再上新台阶"


def release_path(n: int) -> str:
    day = date(2020, 1, 1) + timedelta(days=n // 3)
    return f"/xw/001001/{day:%Y%m%d}/{n:08x}-0000-4000-8000-{n:012x}.html"


def release_day(n: int) -> date:
    return date(2020, 1, 1) + timedelta(days=n // 3)


def release_text(n: int, length: int = 1500) -> list[str]:
    rng = random.Random(n)
    paragraphs, size = [], 0
    while size < length:
        words = [rng.choice(PHRASES) + FILLER[rng.randrange(30) : rng.randrange(31, 60)] for _ in range(4)]
        para = "，".join(words) + "。"
        paragraphs.append(para)
        size += len(para)
    return paragraphs


def release_page(n: int, day: date | None = None) -> str:
    day = day or release_day(n)
    body = "".join(f"<p>　　{p}</p>" for p in release_text(n))
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>第{n}号通知_示范区人民政府</title>'
        f'<meta name="ArticleTitle" content="第{n}号通知"><meta name="PubDate" content="{day} 10:00">'
        f'<meta name="ContentSource" content="区政府办公室"></head><body><div class="ewb-article">'
        f'<h3 class="ewb-article-tt">第{n}号通知</h3><div class="ewb-article-info">{body}</div>'
        f"</div></body></html>"
    )


def list_page(page: int, total: int, path_of=release_path, day_of=None) -> str:  # type: ignore[no-untyped-def]
    day_of = day_of or release_day
    first = total - 1 - (page - 1) * PER_PAGE
    items = "".join(
        f'<li><a href="{path_of(n)}" title="第{n}号通知">第{n}号通知</a><span>{day_of(n)}</span></li>'
        for n in range(first, max(first - PER_PAGE, -1), -1)
    )
    pages = (total + PER_PAGE - 1) // PER_PAGE
    nxt = f'<a href="/xw/001001/list_{page + 1}.html">下一页</a>' if page < pages else ""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>要闻</title></head><body>'
        f'<ul class="ewb-list">{items}</ul><div class="ewb-page">{nxt}</div></body></html>'
    )


class GeneratedSite:
    """Serve a generated site of `total` releases; `base_url` and `start_url` once started."""

    def __init__(self, total: int, prefix: str = "", delay: float = 0.0) -> None:
        self.total = total
        self.delay = delay  # seconds before each answer: a slow site
        self.prefix = prefix  # keeps release URLs of several generated sites apart
        self.index = {self.release_path(n): n for n in range(total)}
        self.requests: list[str] = []
        self.published: dict[int, date] = {}  # publication days of releases added by grow()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def release_path(self, n: int) -> str:
        return release_path(n).replace("/xw/", f"/xw{self.prefix}/", 1) if self.prefix else release_path(n)

    def grow(self, count: int, day: date | None = None) -> None:
        """Publish `count` new releases on `day` (they appear at the top of the list)."""
        for n in range(self.total, self.total + count):
            self.index[self.release_path(n)] = n
            if day:
                self.published[n] = day
        self.total += count

    @property
    def start_url(self) -> str:
        return f"{self.base_url}/xw/001001/list_1.html"

    def page(self, path: str) -> str | None:
        if path.startswith("/xw/001001/list_"):
            number = int(path.rsplit("_", 1)[1].split(".")[0])
            return list_page(
                number, self.total, self.release_path, lambda n: self.published.get(n) or release_day(n)
            )
        if path in self.index:
            n = self.index[path]
            return release_page(n, self.published.get(n))
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site.requests.append(self.path)
                if site.delay:
                    time.sleep(site.delay)
                page = site.page(self.path)
                body = (page or "not found").encode("utf-8")
                self.send_response(200 if page else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def __enter__(self) -> GeneratedSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
