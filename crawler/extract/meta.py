"""The standard government-website meta tags (ArticleTitle, PubDate, ContentSource, ...)."""

from __future__ import annotations

from bs4 import BeautifulSoup

GOV_META = (
    "ArticleTitle",
    "PubDate",
    "ContentSource",
    "ColumnName",
    "SiteName",
    "SiteDomain",
    "SiteIDCode",
    "Url",
    "Keywords",
    "Author",
    "Description",
    "Image",
)
_BY_LOWER = {name.lower(): name for name in GOV_META}


def read_meta(soup: BeautifulSoup) -> dict[str, str]:
    """Meta tags by their standard name; names match case-insensitively, first one wins."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        name = str(tag.get("name") or "").strip().lower()
        content = " ".join(str(tag.get("content") or "").split())
        standard = _BY_LOWER.get(name)
        if standard and content and standard not in found:
            found[standard] = content
    return found
