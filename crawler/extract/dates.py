"""Chinese and numeric date forms → ISO 8601 at +08:00 (China Standard Time).

Dates before 1949 or more than two days ahead are not believed (a page dated 1900 or 2099 has a
typo), so the extractor falls back to its next source (list page, URL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from archive import clock
from archive.dates import SHANGHAI

EARLIEST_YEAR = 1949  # older "publication dates" are typos or template junk
FUTURE_SLACK = timedelta(days=2)  # time zones and scheduled posts; anything later is a typo
DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[年\-/.]\s*(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?P<H>[012]?\d)\s*[:：时]\s*(?P<M>[0-5]\d)(?:\s*[:：分]\s*(?P<S>[0-5]\d))?)?"
)
COMPACT_RE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)")
URL_DATE_RES = (
    re.compile(r"/t(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})_\d+"),  # TRS
    re.compile(r"/art/(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/"),  # Hanweb
    re.compile(r"/(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})/"),  # Epoint disclosure
    re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)/"),  # most CMS families
)


@dataclass(frozen=True)
class ParsedDate:
    """A parsed date and how precise it is ("day", "minute" or "second")."""

    value: datetime
    precision: str

    def iso(self) -> str:
        return self.value.isoformat()


def _build(parts: dict[str, str | None]) -> ParsedDate | None:
    hour, minute, second = parts.get("H"), parts.get("M"), parts.get("S")
    precision = "second" if second else "minute" if minute else "day"
    try:
        value = datetime(
            int(parts["y"] or 0),
            int(parts["m"] or 0),
            int(parts["d"] or 0),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=SHANGHAI,
        )
    except ValueError:
        return None
    if value.year < EARLIEST_YEAR or value > clock.now() + FUTURE_SLACK:
        return None  # implausible: the next source of a date is tried instead
    return ParsedDate(value, precision)


def parse_date(text: str | None) -> ParsedDate | None:
    """The first valid date in `text`: 2023年9月6日, 2023-09-06 10:00, 2023/9/6, [2023-09-06]…"""
    if not text:
        return None
    for match in DATE_RE.finditer(text):
        parsed = _build(match.groupdict())
        if parsed:
            return parsed
    for match in COMPACT_RE.finditer(text):
        parsed = _build(match.groupdict())
        if parsed:
            return parsed
    return None


def date_from_url(url: str) -> ParsedDate | None:
    """The publication date most CMS families put in the release URL."""
    for pattern in URL_DATE_RES:
        match = pattern.search(url)
        if match:
            parsed = _build(match.groupdict())
            if parsed:
                return parsed
    return None
