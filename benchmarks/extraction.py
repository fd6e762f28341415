"""Compare Gazette's extractor with trafilatura and readability-lxml on the fixture release pages.

For every release page of the fixture sites under tests/sites (the expected values are in each
site's expected.json) it prints title, date and source accuracy and the mean body F1 (over the
multiset of non-space characters) for each extractor, side by side.

    pip install -e '.[bench]' && python benchmarks/extraction.py
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from crawler.extract.charset import decode_html  # noqa: E402
from crawler.fields import release_fields  # noqa: E402
from crawler.sites import SiteConfig  # noqa: E402

SITES = ROOT / "tests" / "sites"
Result = dict[str, str | None]


def cases() -> list[tuple[Path, str, dict[str, Any], str]]:
    """(page file, imitated URL, expected fields, content type) for every fixture release; the
    expected fields carry the site's configuration under "_site"."""
    found = []
    for expected_file in sorted(SITES.glob("*/expected.json")):
        site = expected_file.parent
        routes = (site / "_routes.toml").read_text("utf-8") if (site / "_routes.toml").exists() else ""
        ctype = "text/html" if 'default_content_type = "text/html"' in routes else "text/html; charset=utf-8"
        expected = json.loads(expected_file.read_text("utf-8"))
        config = SiteConfig(
            name=site.name,
            title=expected["site"]["title"],
            start_urls=("http://www.example.gov.cn/",),
            script=expected["site"].get("script", "simplified"),
        )
        for path, fields in expected["releases"].items():
            found.append(
                (
                    site / path.lstrip("/"),
                    f"http://www.example.gov.cn{path}",
                    {**fields, "_site": config},
                    ctype,
                )
            )
    return found


def gazette(body: bytes, url: str, ctype: str, site: SiteConfig | None = None) -> Result:
    """What Gazette archives: extraction, then cleaning."""
    found = release_fields(body, url, ctype, site)
    return {
        "title": found["title"],
        "date": found["published_at"],
        "source": found["source"],
        "text": found["text"],
    }


def trafilatura_(body: bytes, url: str, ctype: str, site: SiteConfig | None = None) -> Result:
    import trafilatura

    html, _ = decode_html(body, ctype)
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if doc is None:
        return {"title": None, "date": None, "source": None, "text": ""}
    return {"title": doc.title, "date": doc.date, "source": doc.author, "text": doc.text or ""}


def readability_(body: bytes, url: str, ctype: str, site: SiteConfig | None = None) -> Result:
    import lxml.html
    from readability import Document

    html, _ = decode_html(body, ctype)
    doc = Document(html)
    text = lxml.html.fromstring(doc.summary()).text_content()
    return {"title": doc.short_title(), "date": None, "source": None, "text": text}


def body_f1(got: str | None, want: str) -> float:
    a, b = Counter(re.sub(r"\s", "", got or "")), Counter(re.sub(r"\s", "", want))
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def score(extractor: Callable[..., Result]) -> dict[str, float]:
    totals = Counter[str]()
    all_cases = cases()
    for file, url, want, ctype in all_cases:
        got = extractor(file.read_bytes(), url, ctype, want["_site"])
        totals["title"] += got["title"] == want["title"]
        totals["date"] += (got["date"] or "")[:10] == (want["published_at"] or "")[:10]
        totals["source"] += got["source"] == want["source"]
        totals["body_f1"] += body_f1(got["text"], want["text"])
    return {key: value / len(all_cases) for key, value in totals.items()}


def main() -> None:
    warnings.simplefilter("ignore")
    extractors = {"gazette": gazette, "trafilatura": trafilatura_, "readability-lxml": readability_}
    families = len(list(SITES.glob("*/expected.json")))
    print(f"{len(cases())} fixture release pages from {families} CMS families")
    print(f"{'extractor':<18}{'title':>8}{'date':>8}{'source':>8}{'body F1':>9}")
    for name, extractor in extractors.items():
        s = score(extractor)
        print(f"{name:<18}{s['title']:>8.2f}{s['date']:>8.2f}{s['source']:>8.2f}{s['body_f1']:>9.3f}")


if __name__ == "__main__":
    main()
