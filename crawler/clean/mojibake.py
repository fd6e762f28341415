"""Mojibake: text decoded with the wrong charset, repaired only where the repair is unambiguous.

Two common cases on Chinese government pages: UTF-8 bytes read as GBK (区市 → 鍖哄競) and GBK bytes
read as latin-1 (区市 → Çø ÊÐ). A repair is made only when re-encoding and decoding succeeds strictly
and turns rare characters into common ones; a suspicious paragraph that cannot be repaired is
left alone and flagged.
"""

from __future__ import annotations

import re
from functools import cache

CJK_RE = re.compile(r"[\u3400-\u9fff]")
LATIN1_RUN_RE = re.compile(r"[\x80-\xff]{2,}")
MIN_CJK = 8
COMMON_AFTER = 0.85
COMMON_BEFORE = 0.6
SAMPLE = 200


@cache
def _level1() -> frozenset[str]:
    """GB2312 level-1 hanzi: the 3,755 commonest characters (lead bytes B0-D7)."""
    chars = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


def _share(chars: list[str]) -> float:
    common = _level1()
    return sum(1 for ch in chars if ch in common) / len(chars) if chars else 0.0


def common_share(text: str) -> float:
    """Share of the first CJK characters that are among the commonest; traditional text counts by
    its simplified form, since traditional script is not mojibake."""
    chars = CJK_RE.findall(text)[:SAMPLE]
    share = _share(chars)
    if share >= COMMON_AFTER or not chars:
        return share
    from crawler.clean.script import to_simplified

    return _share(CJK_RE.findall(to_simplified("".join(chars))))


def _utf8_read_as_gbk(text: str) -> str | None:
    try:
        fixed = text.encode("gb18030").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return fixed if fixed != text else None


def _gbk_read_as_latin1(text: str) -> str | None:
    """Decode runs of U+0080-U+00FF as GB18030 bytes, if every run decodes to common hanzi."""
    runs = [m for m in LATIN1_RUN_RE.finditer(text) if m.group().strip("\xa0")]
    if not runs:
        return None
    decoded = []
    for match in runs:
        try:
            decoded.append(match.group().encode("latin-1").decode("gb18030"))
        except UnicodeDecodeError:
            return None
    produced = CJK_RE.findall("".join(decoded))
    if len(produced) < 2 or _share(produced) < COMMON_AFTER:
        return None
    pieces, last = [], 0
    for match, fixed in zip(runs, decoded, strict=True):
        pieces += [text[last : match.start()], fixed]
        last = match.end()
    return "".join(pieces) + text[last:]


def repair_paragraph(text: str) -> tuple[str, bool, bool]:
    """(text, repaired?, still suspicious?)."""
    latin = _gbk_read_as_latin1(text)
    if latin is not None:
        return latin, True, False
    if len(CJK_RE.findall(text)) < MIN_CJK:
        return text, False, False
    before = common_share(text)
    if before >= COMMON_BEFORE:
        return text, False, False
    fixed = _utf8_read_as_gbk(text)
    if fixed is not None and common_share(fixed) >= COMMON_AFTER:
        return fixed, True, False
    return text, False, True


def repair_mojibake(paragraphs: list[str]) -> tuple[list[str], int, bool]:
    """(paragraphs, characters changed, whether some paragraph still looks like mojibake)."""
    out, changed, suspicious = [], 0, False
    for para in paragraphs:
        fixed, repaired, doubtful = repair_paragraph(para)
        if repaired:
            changed += sum(1 for a, b in zip(fixed, para, strict=False) if a != b) + abs(
                len(fixed) - len(para)
            )
        suspicious = suspicious or doubtful
        out.append(fixed)
    return out, changed, suspicious
