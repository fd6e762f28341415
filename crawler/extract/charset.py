"""Decode page bytes: HTTP header, then <meta>, then detection; GB2312/GBK decode as GB18030.

A declared charset that does not decode the page (a header saying UTF-8 over GBK bytes) loses to
whichever of <meta> or detection decodes it with fewer errors.

Government pages often label GBK text as gb2312 (which lacks characters such as 镕), so the GB
family is always widened to GB18030, its superset.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, html_to_unicode

WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "ascii": "utf-8"}


def normalise_charset(name: str) -> str:
    """The codec to decode a declared charset with (GB family widened)."""
    canonical = codecs.lookup(name).name
    return WIDER.get(canonical, WIDER.get(name.lower(), canonical))


def detect_charset(body: bytes) -> str | None:
    """Statistical detection, used only when neither header nor <meta> declares a charset."""
    best = from_bytes(body[:65536]).best()
    return normalise_charset(best.encoding) if best else None


def decode_html(body: bytes, content_type: str | None = None, forced: str | None = None) -> tuple[str, str]:
    """Return (text, charset used). `forced` (the site's `charset` key) beats everything."""
    if forced:
        charset = normalise_charset(forced)
        return body.decode(charset, errors="replace"), charset
    charset, text = html_to_unicode(content_type, body, auto_detect_fun=detect_charset)
    charset = normalise_charset(charset)
    if "\ufffd" in text:  # the declared charset lies: try <meta>, then detection
        for candidate in (html_body_declared_encoding(body), detect_charset(body)):
            if not candidate:
                continue
            try:
                better = body.decode(normalise_charset(candidate), errors="replace")
            except LookupError:
                continue
            if better.count("\ufffd") < text.count("\ufffd"):
                text, charset = better, normalise_charset(candidate)
    return text, charset
