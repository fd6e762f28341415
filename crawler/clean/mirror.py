"""Corrupted mirror copies: pinyin appended to characters (`區(qū)`, `辦(ban)`, `政(zheng)(zheng)`) and
paragraph indents turned into `??`.

An annotation is stripped only when its Latin text is a valid reading of the character before it,
so `世界贸易组织(WTO)` and `(一)` survive. This runs before script conversion: converting first
would turn `乾(qián)隆` into `干隆` and the reading check would no longer hold.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from pypinyin import Style, pinyin

PINYIN_LETTERS = "a-zA-ZāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüÜńňǹḿ"
GROUP_RE = re.compile(rf"(?P<char>[\u3400-\u9fff])(?P<anns>(?:[(（][{PINYIN_LETTERS}]{{1,7}}[1-5]?[)）])+)")
ONE_RE = re.compile(rf"[(（](?P<py>[{PINYIN_LETTERS}]{{1,7}}[1-5]?)[)）]")
QUESTION_INDENT_RE = re.compile(r"^[?？]{2}(?=[^\s?？])")
CORRUPTION_THRESHOLD = 3


def _plain(syllable: str) -> str:
    """Tone marks and tone digits off, ü as v: 'qū' → 'qu', 'lǜ' → 'lv'."""
    text = syllable.lower().replace("ü", "v")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return text.rstrip("12345").replace("u\u0308", "v")


@cache
def readings(char: str) -> frozenset[str]:
    """Every reading of `char`, tone-marked, numbered and plain (traditional forms included)."""
    from crawler.clean.script import to_simplified

    found: set[str] = set()
    for form in {char, to_simplified(char)}:
        for style in (Style.TONE, Style.TONE3, Style.NORMAL):
            for options in pinyin(form, style=style, heteronym=True, errors="ignore"):
                found.update(o.lower() for o in options)
    return frozenset(found | {_plain(r) for r in found})


def is_reading(char: str, latin: str) -> bool:
    latin = latin.lower()
    return latin in readings(char) or _plain(latin) in readings(char)


def strip_annotations(text: str) -> tuple[str, int]:
    """Remove valid pinyin annotations; returns (text, annotations removed)."""
    removed = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal removed
        char, kept = match.group("char"), match.group("anns")
        for ann in ONE_RE.finditer(match.group("anns")):
            if not is_reading(char, ann.group("py")):
                break
            removed += 1
            kept = kept[len(ann.group()) :]
        return char + kept

    return GROUP_RE.sub(fix, text), removed


def strip_question_indents(paragraphs: list[str]) -> tuple[list[str], int]:
    """'??' at the start of a paragraph is a lost full-width indent, not text."""
    out, count = [], 0
    for para in paragraphs:
        new, n = QUESTION_INDENT_RE.subn("", para)
        out.append(new)
        count += n
    return out, count
