"""Titles: the site-name suffix (`_上海市黄浦区人民政府`) and stray whitespace come off."""

from __future__ import annotations

import re

SEPARATORS = r"(?:_|\||｜|——|--| - |-)"


def strip_title_suffix(title: str, site_names: tuple[str, ...]) -> tuple[str, int]:
    """(title, characters removed)."""
    new = " ".join(title.split())
    for name in sorted((n for n in site_names if n), key=len, reverse=True):
        new = re.sub(rf"\s*{SEPARATORS}\s*{re.escape(name)}\s*$", "", new)
    return new, len(title) - len(new)
