"""Canonical URLs and the stable release id derived from them."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

TRACKING_PREFIXES = ("utm_",)
TRACKING_NAMES = {"spm", "share", "jsessionid", "phpsessid", "sid", "_t", "timestamp"}
DEFAULT_PORTS = {"http": 80, "https": 443}
INDEX_PAGE_RE = re.compile(r"/(?:index|default)\.(?:html?|shtml|jsp|php|aspx?)$", re.I)
ID_LENGTH = 16


def _drop_tracking(query: str) -> str:
    pairs = [
        (k, v)
        for k, v in parse_qsl(query, keep_blank_values=True)
        if not k.lower().startswith(TRACKING_PREFIXES) and k.lower() not in TRACKING_NAMES
    ]
    return urlencode(pairs)


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no default port, fragment or tracking."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = INDEX_PAGE_RE.sub("/", parts.path.split(";", 1)[0]) or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"  # /a/b/ and /a/b, /a/index.html and /a/ are one page
    rebuilt = urlunsplit((scheme, netloc, path, _drop_tracking(parts.query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def release_id(url: str) -> str:
    """A 16-hex id that is the same on every run for every spelling of one URL."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:ID_LENGTH]
