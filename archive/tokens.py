"""Search tokens for Chinese and Latin text: overlapping CJK bigrams, Latin words, run separators.

`fold` normalises text character by character (full-width ASCII to ASCII, lower case, traditional
to simplified) so offsets in the folded text are offsets in the original, which is what snippets
and match offsets are cut from.

A CJK run of two or more characters becomes its overlapping bigrams (知识产权 → 知识 识产 产权), a
one-character run its unigram, and every CJK run is followed by a separator token so that a phrase
can skip positions without matching across punctuation. This is Lucene's CJK bigram scheme: any
substring of two or more characters is a phrase of bigrams, so search is exact substring search.
"""

from __future__ import annotations

import operator
import re
from functools import cache

SEPARATOR = "|"
UNIT_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+")
CJK_START = "\u3400"


@cache
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def _fold_ascii(text: str) -> str:
    return "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)


def fold(text: str) -> str:
    """Char-aligned normalisation: len(fold(t)) == len(t), and fold(t)[i] corresponds to t[i]."""
    lowered = _fold_ascii(text).lower()
    if len(lowered) != len(text):  # a few lower-case mappings change length (İ): fold per character
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in _fold_ascii(text))
    simplified = _t2s().convert(lowered)
    if len(simplified) == len(lowered):
        return simplified
    return "".join(s if len(s := _t2s().convert(c)) == 1 else c for c in lowered)


def units(folded: str) -> list[str]:
    """CJK runs and Latin/number words of already folded text."""
    return UNIT_RE.findall(folded)


def index_text(text: str) -> str:
    """Whitespace-separated tokens for the index (tantivy's whitespace tokenizer positions them)."""
    out: list[str] = []
    for unit in units(fold(text)):
        if unit[0] < CJK_START:
            out.append(unit)
        elif len(unit) == 1:
            out += [unit, SEPARATOR]
        else:
            out += [" ".join(map(operator.add, unit, unit[1:])), SEPARATOR]
    return " ".join(out)


def phrase_terms(text: str) -> list[tuple[int, str]]:
    """(position offset, token) pairs that match `text` as a substring, using as few bigrams as
    possible: 知识产权 → [(0, 知识), (2, 产权)]; a 1-character run is returned as (k, 'X')."""
    terms: list[tuple[int, str]] = []
    position = 0
    for unit in units(fold(text)):
        if unit[0] < CJK_START:
            terms.append((position, unit))
            position += 1
            continue
        if len(unit) == 1:
            terms.append((position, unit))
        else:
            starts = list(range(0, len(unit) - 1, 2))
            if starts[-1] != len(unit) - 2:
                starts.append(len(unit) - 2)  # odd length: the last bigram overlaps by one
            terms += [(position + s, unit[s : s + 2]) for s in starts]
        position += max(len(unit) - 1, 1) + 1  # bigrams (or unigram) + separator
    return terms
