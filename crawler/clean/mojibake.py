"""Mojibake: text decoded with the wrong charset, repaired only where the repair is unambiguous.

Two common cases on Chinese government pages: UTF-8 bytes read as GBK (区市 → 鍖哄競) and GBK bytes
read as latin-1 (区市 → Çø ÊÐ). A repair is made only when re-encoding and decoding succeeds strictly
and turns rare characters into common ones; a suspicious paragraph that cannot be repaired is
left alone and flagged.
"""

from __future__ import annotations

import re

CJK_RE = re.compile(r"[\u3400-\u9fff]")
LATIN1_RUN_RE = re.compile(r"[\x80-\xff]{2,}")
MIN_CJK = 8
COMMON_AFTER = 0.85
COMMON_BEFORE = 0.6


def common_share(text: str) -> float:
    """Share of CJK characters among the 3,755 commonest (GB2312 level 1, lead bytes B0-D7)."""
    from crawler.clean.script import to_simplified

    chars = CJK_RE.findall(to_simplified(text))  # traditional text is not mojibake
    if not chars:
        return 0.0
    common = 0
    for ch in chars:
        try:
            lead = ch.encode("gb2312")[0]
        except UnicodeEncodeError:
            continue
        common += 0xB0 <= lead <= 0xD7
    return common / len(chars)


def _utf8_read_as_gbk(text: str) -> str | None:
    try:
        fixed = text.encode("gb18030").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return fixed if fixed != text else None


def _gbk_read_as_latin1(text: str) -> str | None:
    if not LATIN1_RUN_RE.search(text):
        return None

    def decode(match: re.Match[str]) -> str:
        return match.group().encode("latin-1").decode("gb18030")

    try:
        return LATIN1_RUN_RE.sub(decode, text)
    except UnicodeDecodeError:
        return None


def repair_paragraph(text: str) -> tuple[str, bool, bool]:
    """(text, repaired?, still suspicious?)."""
    latin = _gbk_read_as_latin1(text)
    if latin is not None and common_share(latin) >= COMMON_AFTER:
        return latin, True, False
    if len(CJK_RE.findall(text)) < MIN_CJK:
        return text, False, latin is not None
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
