"""Snippets and match offsets, cut from the original text (not the tokens)."""

from __future__ import annotations

import re
from functools import cache

from archive.tokens import CJK_CLASS, CJK_START, fold, units

MARK_START, MARK_END = "«", "»"
SEPARATORS = f"[^0-9a-z{CJK_CLASS}]"
WIDTH = 90


@cache
def term_pattern(term: str) -> re.Pattern[str] | None:
    """A regex over folded text matching `term` as the index does: its words in order, with only
    separators (punctuation, spaces) between them, at least one between two Chinese runs; Latin
    words whole."""
    pattern = ""
    previous_cjk = False
    for unit in units(fold(term)):
        cjk = unit[0] >= CJK_START
        if pattern:
            pattern += SEPARATORS + ("+" if previous_cjk and cjk else "*")
        pattern += re.escape(unit) if cjk else rf"(?<![0-9a-z]){re.escape(unit)}(?![0-9a-z])"
        previous_cjk = cjk
    return re.compile(pattern) if pattern else None


def match_offsets(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) character offsets of every term in `text`."""
    folded = fold(text)
    spans = []
    for term in terms:
        pattern = term_pattern(term)
        if pattern is not None:
            spans += [(m.start(), m.end()) for m in pattern.finditer(folded) if m.end() > m.start()]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def make_snippet(text: str, spans: list[tuple[int, int]], width: int = WIDTH) -> str:
    """About `width` characters around the first match, every match inside marked «like this»."""
    flat = text.replace("\n", " ")
    if not spans:
        return flat[:width] + ("…" if len(flat) > width else "")
    first = spans[0][0]
    start = max(0, first - width // 3)
    end = min(len(flat), start + width)
    pieces, cursor = [], start
    for s, e in spans:
        if s < start or s >= end:
            continue
        pieces += [flat[cursor:s], MARK_START, flat[s : min(e, end)], MARK_END]
        cursor = min(e, end)
    pieces.append(flat[cursor:end])
    return ("…" if start > 0 else "") + "".join(pieces) + ("…" if end < len(flat) else "")
