"""Whitespace: indents, zero-width and control characters, blank-line runs; one paragraph a line."""

from __future__ import annotations

import re

ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
EDGE_RE = re.compile(r"^[\s\u3000\xa0]+|[\s\u3000\xa0]+$")
INNER_RUN_RE = re.compile(r"[ \t\xa0\u3000]{2,}|[\t\xa0]")


def normalise_whitespace(paragraphs: list[str]) -> tuple[list[str], int]:
    """Paragraphs trimmed, invisible characters removed, empty ones dropped; characters changed."""
    out, changed = [], 0
    for para in paragraphs:
        for line in para.split("\n"):
            new, zero = ZERO_WIDTH_RE.subn("", line)
            new, control = CONTROL_RE.subn("", new)
            trimmed = EDGE_RE.sub("", new)
            edges = len(new) - len(trimmed)
            new, runs = INNER_RUN_RE.subn(" ", trimmed)
            changed += zero + control + edges + runs
            if new:
                out.append(new)
    return out, changed
