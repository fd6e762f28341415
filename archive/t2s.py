"""Traditional to simplified Chinese with OpenCC, skipped for text it would not change.

Most archived text is simplified already, and OpenCC's conversion is the costliest step of folding
a release for the index. A text can only change if it holds a character that OpenCC converts on
its own, or one of the few characters that only its phrase table converts (回覆 → 回复 while 覆
alone stays): those are the triggers. tests/test_tokens.py checks this against OpenCC's
dictionaries.
"""

from __future__ import annotations

import re
from functools import cache

# characters that t2s changes only inside a phrase (TSPhrases entries without a converting character)
PHRASE_ONLY = "哩坏沈甦瞭藉衹覆"
# where OpenCC's dictionaries have keys in the BMP: CJK radicals to CJK unified ideographs, and
# compatibility ideographs
KEY_RANGES = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF))


@cache
def converter():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


@cache
def triggers() -> re.Pattern[str]:
    """A character class of every character whose presence may change the conversion. Characters
    beyond the BMP always count: a class of them makes `re` test each one in turn (200x slower)."""
    chars = [chr(code) for low, high in KEY_RANGES for code in range(low, high + 1)]
    converted = converter().convert("\n".join(chars)).split("\n")
    changed = {c for c, s in zip(chars, converted, strict=True) if s != c} | set(PHRASE_ONLY)
    return re.compile("[" + "".join(sorted(changed)) + "\U00010000-\U0010ffff]")


SHORT = 256  # shorter texts (queries, titles) are converted without building the triggers first


def to_simplified(text: str) -> str:
    """OpenCC t2s, or `text` itself when no trigger character is in it."""
    if len(text) < SHORT or triggers().search(text):
        return converter().convert(text)
    return text
