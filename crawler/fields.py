"""Page bytes → archived fields: extraction then cleaning, the one path every caller takes.

The item pipeline, `gazette extract` and the benchmarks all call `release_fields`, so what a user
sees from `gazette extract` is exactly what the crawl would archive.
"""

from __future__ import annotations

from typing import Any

from crawler.clean import clean_release
from crawler.extract import extract_release
from crawler.sites import SiteConfig


def release_fields(
    body: bytes,
    url: str,
    content_type: str | None = None,
    site: SiteConfig | None = None,
    hints: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Extracted and cleaned fields of one release page (`repairs` says what cleaning changed)."""
    found = extract_release(
        body,
        url,
        content_type,
        charset=site.charset if site else None,
        site_names=(site.title,) if site else (),
        title_selector=site.title_selector if site else None,
        body_selector=site.body_selector if site else None,
        hints=hints,
    )
    names = tuple(n for n in ((site.title if site else None), found.site_name) if n)
    return clean_release(found.fields(), site_names=names, script=site.script if site else "simplified")
