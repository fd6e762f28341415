"""The release title: meta ArticleTitle, then title elements, then <title> minus the site name."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

TITLE_SELECTORS = ("#ivs_title", ".article-title", ".ewb-article-tt", ".newsContainer_title", "h1", ".title")
SUFFIX_SPLIT_RE = re.compile(r"\s*(?:_|\||｜|——|--| - )\s*")
MAX_TITLE = 300


def _squash(text: str) -> str:
    return " ".join(text.split())


def strip_site_suffix(title: str, site_names: tuple[str, ...]) -> str:
    """Drop `_上海市黄浦区人民政府`-style parts that name the site, keep the rest."""
    parts = [p for p in SUFFIX_SPLIT_RE.split(title) if p]
    kept = [p for p in parts if p not in site_names]
    return _squash("_".join(kept) if kept else title)


def find_title(
    soup: BeautifulSoup, meta: dict[str, str], site_names: tuple[str, ...], selector: str | None = None
) -> tuple[str | None, str]:
    """(title, where it came from)."""
    if meta.get("ArticleTitle"):
        return _squash(meta["ArticleTitle"]), "meta:ArticleTitle"
    for css in ((selector,) if selector else ()) + TITLE_SELECTORS:
        tag = soup.select_one(css)
        text = _squash(tag.get_text()) if tag else ""
        if text and len(text) <= MAX_TITLE:
            return text, f"css:{css}"
    if soup.title and soup.title.string:
        text = strip_site_suffix(str(soup.title.string), site_names)
        if text and text not in site_names:
            return text, "html:title"
    return None, "none"
