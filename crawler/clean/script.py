"""Traditional → simplified with OpenCC, for simplified-script sites and repaired mirror copies."""

from __future__ import annotations

from functools import cache

import opencc


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


def convert_script(paragraphs: list[str]) -> tuple[list[str], int]:
    """Paragraphs in simplified script; count of characters changed."""
    out, changed = [], 0
    for para in paragraphs:
        new = to_simplified(para)
        if new != para:
            changed += sum(1 for a, b in zip(new, para, strict=False) if a != b) + abs(len(new) - len(para))
        out.append(new)
    return out, changed
