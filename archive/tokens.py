"""Search tokens for Chinese and Latin text: overlapping CJK bigrams, Latin words, run separators.

`fold` normalises text character by character (full-width ASCII to ASCII, lower case, traditional
to simplified) so offsets in the folded text are offsets in the original, which is what snippets
and match offsets are cut from.

A CJK run of two or more characters becomes its overlapping bigrams (知识产权 → 知识 识产 产权), a
one-character run its unigram, and every CJK run is followed by two separator tokens. This is
Lucene's CJK bigram scheme: any substring of two or more characters is a phrase of bigrams, so
search is exact substring search. A query uses every other bigram (知识 _ 产权); the two separator
positions keep such a phrase from matching across punctuation (产权保护 must not match 产权，保护).
"""

from __future__ import annotations

import re

import numpy as np

from archive.t2s import to_simplified

SEPARATOR = "|"
CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
CJK_CLASS = "".join(f"{chr(low)}-{chr(high)}" for low, high in CJK_RANGES)  # for [...] in a regex
UNIT_RE = re.compile(f"[{CJK_CLASS}]+|[0-9a-z]+")
CJK_START = chr(CJK_RANGES[0][0])  # CJK characters sort from here on; Latin words below
VECTOR_MIN = 64  # below this many characters the plain-Python tokeniser is faster than numpy's setup


FULL_WIDTH_ALNUM = {
    code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
}
FULL_WIDTH_ALNUM_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def _fold_ascii(text: str) -> str:
    """Full-width letters and digits to ASCII (punctuation does not matter to the tokens)."""
    return text.translate(FULL_WIDTH_ALNUM) if FULL_WIDTH_ALNUM_RE.search(text) else text


def fold(text: str) -> str:
    """Char-aligned normalisation: len(fold(t)) == len(t), and fold(t)[i] corresponds to t[i]."""
    lowered = _fold_ascii(text).lower()
    if len(lowered) != len(text):  # a few lower-case mappings change length (İ): fold per character
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in _fold_ascii(text))
    simplified = to_simplified(lowered)
    if len(simplified) == len(lowered):
        return simplified
    return "".join(s if len(s := to_simplified(c)) == 1 else c for c in lowered)


def units(folded: str) -> list[str]:
    """CJK runs and Latin/number words of already folded text."""
    return UNIT_RE.findall(folded)


def bigrams(run: str) -> str:
    """'知识产权' → '知识 识产 产权', built with C-level slice assignment (this is the hot loop of
    indexing: about 2.5x faster than joining a+b pairs in Python)."""
    chars = list(run)
    count = len(chars) - 1
    out = [" "] * (3 * count - 1)
    out[0::3] = chars[:-1]
    out[1::3] = chars[1:]
    return "".join(out)


def index_text(text: str) -> str:
    """Whitespace-separated tokens for the index (tantivy's whitespace tokenizer positions them)."""
    folded = fold(text)
    return _tokens_vector(folded) if len(folded) >= VECTOR_MIN else _tokens_loop(folded)


def _tokens_loop(folded: str) -> str:
    """The token scheme, written plainly: the reference for `_tokens_vector`."""
    out: list[str] = []
    for unit in units(folded):
        if unit[0] < CJK_START:
            out.append(unit)
        elif len(unit) == 1:
            out += [unit, SEPARATOR, SEPARATOR]
        else:
            out += [bigrams(unit), SEPARATOR, SEPARATOR]
    return " ".join(out)


def _char_classes() -> np.ndarray:
    classes = np.zeros(0x10000, dtype=np.uint8)  # 0: neither; astral characters clip to U+FFFF
    for low, high in CJK_RANGES:
        classes[low : high + 1] = CJK
    classes[ord("0") : ord("9") + 1] = classes[ord("a") : ord("z") + 1] = WORD
    return classes


CJK, WORD = 1, 2
CHAR_CLASSES = _char_classes()
SPACE, BAR, GONE = ord(" "), ord(SEPARATOR), 0


def _tokens_vector(folded: str) -> str:
    """The same tokens as `_tokens_loop`, built with numpy: six output slots per character,
    filled by masks, then read back as one string (3x faster on a release-sized text; a rebuild
    spends most of its Python time here). Extra spaces are harmless to the tokenizer; GONE marks
    the slots inside a Latin word, removed at the end."""
    if not folded:
        return ""
    chars = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32)
    kind = CHAR_CLASSES.take(chars, mode="clip")
    after, before = np.zeros_like(kind), np.zeros_like(kind)
    after[:-1], before[1:] = kind[1:], kind[:-1]
    cjk = kind == CJK
    bigram = cjk & (after == CJK)  # this character and the next
    run_end = cjk & ~bigram
    lone = run_end & (before != CJK)  # a one-character run: its unigram, then the separators
    in_word = (kind == WORD) & (after == WORD)
    following = np.empty_like(chars)
    following[:-1], following[-1] = chars[1:], SPACE
    inside = np.where(in_word, GONE, SPACE)
    slots = np.empty((len(chars), 6), dtype=np.uint32)
    slots[:, 0] = np.where(kind == 0, SPACE, np.where(run_end & ~lone, BAR, chars))
    slots[:, 1] = np.where(bigram, following, inside)
    slots[:, 2] = np.where(run_end, BAR, inside)
    slots[:, 3] = inside
    slots[:, 4] = np.where(lone, BAR, inside)
    slots[:, 5] = inside
    return slots.tobytes().decode("utf-32-le").replace(chr(GONE), "")


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
        position += max(len(unit) - 1, 1) + 2  # bigrams (or unigram) + separators
    return terms
