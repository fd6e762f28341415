"""A fixture site of hostile pages, written at test time (some are too big to keep in git).

One list page links to every case; `_routes.toml` gives the broken statuses, headers and
redirects. Each case is (path, what the archive must do with it).
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

LIST = "/news/list.html"
BODY = "区政府召开常务会议，研究部署秋季防火和安全生产工作。会议要求各街道压实责任，确保群众安全。"


def release_page(title: str, body: str = BODY, date: str = "2023-09-10 09:00", charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title>'
        f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{date}">'
        f'<meta name="ContentSource" content="区政府办公室"></head>'
        f'<body><div id="zoom"><p>{body}</p><p>{BODY}</p></div></body></html>'
    )


def gzip_bomb(size: int) -> bytes:
    """`size` bytes of zeros, gzipped: a few kilobytes that inflate past any sane limit."""
    chunk = b"\0" * (1 << 20)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as handle:
        for _ in range(size // len(chunk)):
            handle.write(chunk)
    return buffer.getvalue()


PAGES: dict[str, bytes] = {}
ROUTES: list[str] = []
LINKS: list[str] = []


def page(path: str, content: bytes | str, route: str = "", link: bool = True) -> None:
    PAGES[path] = content.encode("utf-8") if isinstance(content, str) else content
    if route:
        ROUTES.append(f'[routes."{path}"]\n{route}\n')
    if link:
        LINKS.append(path)


page(
    "/news/20230910/invalid.html",
    "<html><head><title>残缺页面</title><body><div id=zoom><p>"
    + BODY
    + "<p><b><i>未闭合</div></span></td></table>",
)
page("/news/20230910/huge.html", release_page("超大页面", "大" * (21 * 1024 * 1024 // 3)))
page("/news/20230910/bomb.html", gzip_bomb(64 * 1024 * 1024), 'headers = { "Content-Encoding" = "gzip" }')
page("/news/20230910/binary.html", bytes(range(256)) * 400)
page(
    "/news/20230910/lying-header.html",
    release_page("区政府通知", charset="gbk").encode("gbk"),
    'content_type = "text/html; charset=utf-8"',
)
page("/news/20230910/lying-meta.html", release_page("区政府公告", charset="gb2312"))
page(
    "/news/20230910/mixed.html",
    release_page("混合编码")
    .replace("</div>", "<p>__GBK__</p></div>")
    .encode("utf-8")
    .replace(b"__GBK__", "这一段是GBK编码的文字".encode("gbk")),
)
page(
    "/news/20230910/control.html", release_page("控制\x00字符\x07标题", "正文\x00含有\x1b[31m控制\x0b字符。")
)
page("/news/20230910/long-title.html", release_page("长" * 100_000))
page("/news/20230910/future.html", release_page("未来日期", date="2099-01-01 09:00"))
page("/news/20230910/old.html", release_page("远古日期", date="1900-01-01 09:00"))
MOVED = "<html><body>moved</body></html>"
page(
    "/news/20230910/loop-a.html",
    MOVED,
    'status = 302\nheaders = { "Location" = "/news/20230910/loop-b.html" }',
)
page(
    "/news/20230910/loop-b.html",
    MOVED,
    'status = 302\nheaders = { "Location" = "/news/20230910/loop-a.html" }',
    link=False,
)
page(
    "/news/20230910/away.html",
    MOVED,
    'status = 302\nheaders = { "Location" = "http://elsewhere.invalid/news/1.html" }',
)
page("/news/20230910/dots/../dotted.html", release_page("点号路径"), link=True)
PAGES["/news/20230910/dotted.html"] = release_page("点号路径").encode("utf-8")
page("/news/20230910/%2e%2e/%2e%2e/%2e%2e/etc/passwd", b"", link=True)
LONG_PATH = "/news/20230910/" + "/".join(["x" * 200] * 14) + "/long.html"  # 2,850 characters
page(LONG_PATH, release_page("超长路径"))
page("/news/20230910/\u202egnp.html", release_page("奇异字符路径"))
FOREIGN = [
    "file:///etc/passwd",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://10.0.0.1/news/1.html",
    "http://192.168.1.1/news/2.html",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:1/news/3.html",
]
LINKS += FOREIGN


def write_site(
    root: Path, robots: bytes | None = None, robots_route: str = "", only: str | None = None
) -> Path:
    """Write the hostile site under `root`; `robots` replaces robots.txt; `only` keeps one page."""
    from urllib.parse import unquote

    for path, content in PAGES.items():
        if not content or (only and path != only):
            continue
        file = root / unquote(path).lstrip("/")
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(content)
    links = [only] if only else LINKS
    items = "".join(f'<li><a href="{href}">条目</a><span>2023-09-10</span></li>' for href in links)
    (root / LIST.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    (root / LIST.lstrip("/")).write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知公告</title></head>'
        f"<body><ul>{items}</ul></body></html>",
        "utf-8",
    )
    routes = list(ROUTES)
    if robots is not None:
        (root / "robots.txt").write_bytes(robots)
        if robots_route:
            routes.append(f'[routes."/robots.txt"]\n{robots_route}\n')
    (root / "_routes.toml").write_text("\n".join(routes), "utf-8")
    return root
