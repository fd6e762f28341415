"""Find release links and further list pages on a list page, for every common CMS family.

Pure functions of (page text, page URL, site config). Links come from anchors, from Hanweb's
`<record><![CDATA[…]]></record>` lists (inline or from dataproxy.jsp), and from links written by
scripts; pages come from "下一页" links, TRS `createPageHTML(...)` and Hanweb `<nextgroup>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from crawler.extract.dates import parse_date
from crawler.sites import SiteConfig

RELEASE_URL_RES = (
    re.compile(r"/\d{8}/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.s?html?$", re.I),
    re.compile(r"/t\d{8}_\d+\.s?html?$"),
    re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$"),
    re.compile(r"/(?:19|20)\d{6}/[0-9A-Za-z_-]+\.s?html?$"),
    re.compile(r"/(?:19|20)\d{2}-\d{2}-\d{2}/[0-9a-f-]{32,36}\.html$", re.I),
    re.compile(r"/content_\d+(?:\.s?html?)?$"),
    re.compile(r"/(?:19|20)\d{2}/\d+/\d+\.html$"),
)
NEXT_TEXTS = {"下一页", "下页", "下一頁", "next", "next page", ">", "»", "›"}
CDATA_RECORD_RE = re.compile(r"<record>\s*<!\[CDATA\[(?P<html>.*?)\]\]>\s*</record>", re.S)
NEXTGROUP_RE = re.compile(r"<nextgroup>\s*<!\[CDATA\[(?P<html>.*?)\]\]>\s*</nextgroup>", re.S)
TRS_PAGER_RE = re.compile(
    r"createPageHTML\(\s*['\"]?(?P<total>\d+)['\"]?\s*,\s*['\"]?(?P<current>\d+)['\"]?\s*,"
    r"\s*['\"](?P<prefix>[\w-]+)['\"]\s*,\s*['\"](?P<ext>\w+)['\"]"
)
SCRIPT_HREF_RE = re.compile(r"""(?:href\s*=\s*\\?["']|urls\[\w+\]\s*=\s*["'])(?P<href>[^"'\\\s]+)""")
SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "file:", "#")


@dataclass
class ListPage:
    """What one list page offers."""

    releases: dict[str, dict[str, str]] = field(default_factory=dict)  # url -> hints
    offsite: list[str] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)
    column: str | None = None  # the list's ColumnName, inherited by its releases


def on_site(url: str, domains: tuple[str, ...]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def looks_like_release(url: str, site: SiteConfig) -> bool:
    parts = urlsplit(url)
    if site.release_url_pattern:
        return re.search(site.release_url_pattern, url) is not None
    return any(rx.search(parts.path) for rx in RELEASE_URL_RES)


XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")


def _parse(html: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(XML_DECL_RE.sub("", html, count=1))
    except (etree.ParserError, ValueError):
        return None


def _anchor_hints(anchor: lxml.html.HtmlElement) -> dict[str, str]:
    hints = {}
    title = (anchor.get("title") or anchor.text_content() or "").strip()
    if title:
        hints["title"] = " ".join(title.split())
    holder = anchor.getparent()
    while holder is not None and holder.tag not in ("li", "tr", "dd", "div"):
        holder = holder.getparent()
    date = parse_date((holder if holder is not None else anchor).text_content())
    if date:
        hints["date"] = date.value.date().isoformat()
    return hints


def _anchors(doc: lxml.html.HtmlElement, selector: str | None) -> list[lxml.html.HtmlElement]:
    roots = doc.cssselect(selector) if selector else [doc]
    return [a for root in roots for a in root.iter("a") if a.get("href")]


def _embedded_anchors(html: str) -> list[lxml.html.HtmlElement]:
    """Anchors inside Hanweb CDATA records (inline <script type="text/xml"> or dataproxy XML)."""
    anchors = []
    for match in CDATA_RECORD_RE.finditer(html):
        fragment = _parse(f"<div>{match.group('html')}</div>")
        if fragment is not None:
            anchors.extend(a for a in fragment.iter("a") if a.get("href"))
    return anchors


def _script_hrefs(doc: lxml.html.HtmlElement) -> list[str]:
    hrefs = []
    for script in doc.iter("script"):
        if script.text and script.get("type", "").lower() != "text/xml":
            hrefs.extend(m.group("href") for m in SCRIPT_HREF_RE.finditer(script.text))
    return hrefs


def _next_pages(html: str, doc: lxml.html.HtmlElement, base: str, site: SiteConfig) -> list[str]:
    found: list[str] = []
    if site.next_page_selector:
        found += [a.get("href", "") for a in doc.cssselect(site.next_page_selector)]
    for anchor in doc.iter("a"):
        text = " ".join(anchor.text_content().split()).lower()
        if text in NEXT_TEXTS or "next" in (anchor.get("rel") or "").lower():
            found.append(anchor.get("href", ""))
    trs = TRS_PAGER_RE.search(html)
    if trs and int(trs["current"]) + 1 < int(trs["total"]):
        found.append(f"{trs['prefix']}_{int(trs['current']) + 1}.{trs['ext']}")
    group = NEXTGROUP_RE.search(html)
    if group:
        fragment = _parse(f"<div>{group.group('html')}</div>")
        found += [a.get("href", "") for a in fragment.iter("a")] if fragment is not None else []
    urls = [
        urljoin(base, href.strip()) for href in found if href and not href.lower().startswith(SKIP_SCHEMES)
    ]
    return [u for u in dict.fromkeys(urls) if on_site(u, site.domains) and u != base]


def _list_column(doc: lxml.html.HtmlElement) -> str | None:
    for meta in doc.iter("meta"):
        if (meta.get("name") or "").lower() == "columnname" and (meta.get("content") or "").strip():
            return " ".join(meta.get("content", "").split())
    return None


def read_list_page(html: str, base: str, site: SiteConfig) -> ListPage:
    """Release links (with the list's title and date for each), off-site candidates, next pages."""
    page = ListPage()
    doc = _parse(html)
    if doc is None:
        return page
    candidates = [(a.get("href", ""), _anchor_hints(a)) for a in _anchors(doc, site.list_selector)]
    candidates += [(a.get("href", ""), _anchor_hints(a)) for a in _embedded_anchors(html)]
    candidates += [(href, {}) for href in _script_hrefs(doc)]
    page.column = _list_column(doc)
    for href, hints in candidates:
        href = href.strip()
        if not href or href.lower().startswith(SKIP_SCHEMES):
            continue
        url = urljoin(base, href).split("#", 1)[0]
        if not looks_like_release(url, site):
            continue
        if not on_site(url, site.domains):
            if url not in page.offsite:
                page.offsite.append(url)
            continue
        known = page.releases.setdefault(url, {})
        for key, value in hints.items():
            known.setdefault(key, value)
    page.next_pages = _next_pages(html, doc, base, site)
    return page
