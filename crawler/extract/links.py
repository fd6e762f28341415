"""Attachments and images of a release."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from w3lib.url import safe_url_string

ATTACHMENT_EXTS = ("pdf", "doc", "docx", "xls", "xlsx", "wps", "ofd", "zip", "rar", "et", "ppt", "pptx")
ATTACHMENT_AREAS = (
    ".xgfj",
    ".pdf-content",
    ".attachment",
    ".attachments",
    "#fj",
    ".fj",
    ".ewb-article-attach",
)
SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "#")


def _ext(text: str) -> str:
    return posixpath.splitext(text.strip().lower())[1].lstrip(".")


def _is_attachment(href: str, name: str) -> bool:
    return _ext(urlsplit(href).path) in ATTACHMENT_EXTS or _ext(name) in ATTACHMENT_EXTS


def _areas(soup: BeautifulSoup, body: Tag | None) -> list[Tag]:
    areas = [body] if body is not None else []
    for css in ATTACHMENT_AREAS:
        areas.extend(soup.select(css))
    return areas


def attachments(soup: BeautifulSoup, body: Tag | None, base_url: str) -> list[dict[str, str]]:
    """Links to documents in the body or a page's attachment area, as {url, name}."""
    found: dict[str, dict[str, str]] = {}
    for area in _areas(soup, body):
        for link in area.find_all("a", href=True):
            href = str(link["href"]).strip()
            if not href or href.lower().startswith(SKIP_SCHEMES):
                continue
            name = " ".join(link.get_text().split()) or str(link.get("title") or "")
            if not _is_attachment(href, name):
                continue
            url = safe_url_string(urljoin(base_url, href))
            name = name or unquote(posixpath.basename(urlsplit(url).path))
            found.setdefault(url, {"url": url, "name": name})
    return list(found.values())


def images(body: Tag | None, base_url: str) -> list[dict[str, str]]:
    """Images in the body, as {url, alt}; inline data: images are skipped."""
    if body is None:
        return []
    found: dict[str, dict[str, str]] = {}
    for img in body.find_all("img", src=True):
        src = str(img["src"]).strip()
        if not src or src.lower().startswith("data:"):
            continue
        url = safe_url_string(urljoin(base_url, src))
        found.setdefault(url, {"url": url, "alt": " ".join(str(img.get("alt") or "").split())})
    return list(found.values())
