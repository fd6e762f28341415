"""ASCII punctuation between Chinese characters becomes full-width; Latin and number runs stay."""

from __future__ import annotations

import re

CHINESE = r"\u3400-\u9fff\u3000-\u303f\uff01-\uff5e“”‘’…—"
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
BETWEEN_RE = re.compile(rf"(?<=[{CHINESE}])[ \t]*(?P<p>[,;:?!])[ \t]*(?=[{CHINESE}]|$)")
PAREN_RE = re.compile(rf"\((?P<inner>[^()A-Za-z]*[{CHINESE}][^()A-Za-z]*)\)")


def full_width_punctuation(paragraphs: list[str]) -> tuple[list[str], int]:
    """Paragraphs with Chinese-context punctuation made full-width; count of marks changed."""
    out, changed = [], 0
    for para in paragraphs:
        new, k = PAREN_RE.subn(lambda m: f"（{m.group('inner')}）", para)
        new, n = BETWEEN_RE.subn(lambda m: FULL_WIDTH[m.group("p")], new)
        out.append(new)
        changed += n + 2 * k
    return out, changed
