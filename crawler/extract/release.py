"""Extraction as a pipeline of small steps: bytes + URL + site config → release fields.

Pure: no Scrapy, no I/O. The spider's pipeline, `gazette extract` and the tests all call
`extract_release` on the same bytes and get the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup

from crawler.extract.body import find_body, paragraphs
from crawler.extract.charset import decode_html
from crawler.extract.dates import ParsedDate, date_from_url, parse_date
from crawler.extract.labels import hanweb_source, labelled_fields
from crawler.extract.links import attachments, images
from crawler.extract.meta import read_meta
from crawler.extract.title import find_title

DISCLOSURE_FIELDS = ("index_number", "doc_number", "issuer", "topic")


@dataclass
class Extracted:
    """What a release page yields, with where each field came from (for `gazette extract`)."""

    url: str
    charset: str
    title: str | None = None
    published_at: str | None = None
    published_precision: str | None = None
    source: str | None = None
    column: str | None = None
    site_name: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    attachments: list[dict[str, str]] = field(default_factory=list)
    images: list[dict[str, str]] = field(default_factory=list)
    index_number: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    written_at: str | None = None
    topic: str | None = None
    keywords: list[str] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    def fields(self) -> dict[str, Any]:
        """The archived fields, in record order."""
        return {
            "title": self.title,
            "published_at": self.published_at,
            "published_precision": self.published_precision,
            "source": self.source,
            "column": self.column,
            "text": self.text,
            "attachments": self.attachments,
            "images": self.images,
            "index_number": self.index_number,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "written_at": self.written_at,
            "topic": self.topic,
            "keywords": self.keywords,
            "site_name": self.site_name,
            "charset": self.charset,
            "provenance": self.provenance,
        }


def _header_lines(soup: BeautifulSoup) -> list[str]:
    """Text lines of the page outside the body (the body was detached before this runs)."""
    for tag in soup.find_all(["script", "style", "noscript"]):
        tag.decompose()
    return [" ".join(line.split()) for line in soup.get_text("\n").split("\n") if line.strip()]


def header_datetime(lines: list[str], fallback_day: str | None) -> str | None:
    """Structural heuristic: the first date *with a time* printed outside the body, if it agrees with
    the day the list or URL gives (pages print their publish time under the title unlabelled)."""
    for line in lines:
        parsed = parse_date(line)
        if parsed and parsed.precision != "day":
            if fallback_day is None or parsed.value.date().isoformat() == fallback_day:
                return line
            return None
    return None


def _date(result: Extracted, candidates: list[tuple[str | None, str]]) -> None:
    for raw, origin in candidates:
        parsed: ParsedDate | None = parse_date(raw) if origin != "url" else date_from_url(raw or "")
        if parsed:
            result.published_at, result.published_precision = parsed.iso(), parsed.precision
            result.provenance["published_at"] = origin
            return


def _url_day(url: str) -> str | None:
    parsed = date_from_url(url)
    return parsed.value.date().isoformat() if parsed else None


def _set(result: Extracted, name: str, candidates: list[tuple[str | None, str]]) -> None:
    for value, origin in candidates:
        if value:
            setattr(result, name, value)
            result.provenance[name] = origin
            return


def extract_release(
    body: bytes,
    url: str,
    content_type: str | None = None,
    *,
    charset: str | None = None,
    site_names: tuple[str, ...] = (),
    title_selector: str | None = None,
    body_selector: str | None = None,
    hints: dict[str, str] | None = None,
) -> Extracted:
    """Extract a release page. `hints` are what the list page said (title, date, column)."""
    hints = hints or {}
    html, used = decode_html(body, content_type, charset)
    soup = BeautifulSoup(html, "lxml")
    meta = read_meta(soup)
    result = Extracted(url=url, charset=used, site_name=meta.get("SiteName"))
    names = tuple(n for n in (*site_names, meta.get("SiteName")) if n)
    title, origin = find_title(soup, meta, names, title_selector)
    _set(result, "title", [(title, origin), (hints.get("title"), "list:link")])

    body_el, origin = find_body(soup, body_selector)
    if body_el is not None:
        result.paragraphs = paragraphs(body_el)
        result.provenance["text"] = origin
    result.attachments = attachments(soup, body_el, url)
    result.images = images(body_el, url)
    if body_el is not None:
        body_el.extract()

    header = _header_lines(soup)
    labels = labelled_fields(header)
    lab = {name: labels[name][0] for name in labels}
    origin_of = {name: f"label:{labels[name][1]}" for name in labels}
    _date(
        result,
        [
            (meta.get("PubDate"), "meta:PubDate"),
            (lab.get("published_at"), origin_of.get("published_at", "")),
            (header_datetime(header, hints.get("date") or _url_day(url)), "header:datetime"),
            (hints.get("date"), "list:date"),
            (url, "url"),
        ],
    )
    _set(
        result,
        "source",
        [
            (meta.get("ContentSource"), "meta:ContentSource"),
            (hanweb_source(html), "hanweb:comment"),
            (lab.get("source"), origin_of.get("source", "")),
        ],
    )
    _set(
        result,
        "column",
        [
            (meta.get("ColumnName"), "meta:ColumnName"),
            (lab.get("column"), origin_of.get("column", "")),
            (hints.get("column"), "list:column"),
        ],
    )
    for name in DISCLOSURE_FIELDS:
        _set(result, name, [(lab.get(name), origin_of.get(name, ""))])
    written = parse_date(lab.get("written_at"))
    if written:
        result.written_at = written.value.date().isoformat()
        result.provenance["written_at"] = origin_of["written_at"]
    keywords = meta.get("Keywords", "")
    result.keywords = [
        k.strip() for k in keywords.replace("；", ";").replace(",", ";").split(";") if k.strip()
    ]
    return result
