"""The cleaning pipeline: the order of the steps, and the repairs they record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from crawler.clean.furniture import remove_furniture
from crawler.clean.mirror import CORRUPTION_THRESHOLD, strip_annotations, strip_question_indents
from crawler.clean.mojibake import repair_mojibake
from crawler.clean.punctuation import full_width_punctuation
from crawler.clean.script import convert_script
from crawler.clean.title import strip_title_suffix
from crawler.clean.whitespace import normalise_whitespace

MAX_TITLE = 300  # characters; real titles are far shorter


@dataclass
class CleanResult:
    paragraphs: list[str]
    repairs: list[dict[str, Any]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def note(self, step: str, target: str, count: int) -> None:
        if count:
            self.repairs.append({"step": step, "field": target, "count": count})


def _pinyin(paragraphs: list[str]) -> tuple[list[str], int]:
    out, total = [], 0
    for para in paragraphs:
        new, n = strip_annotations(para)
        out.append(new)
        total += n
    return out, total


def clean_text(
    paragraphs: Iterable[str],
    *,
    script: str = "simplified",
    attachment_names: Iterable[str] = (),
    target: str = "text",
) -> CleanResult:
    """Run every step over `paragraphs` (order matters: see docs/cleaning.md)."""
    result = CleanResult(list(paragraphs))
    result.paragraphs, n, doubtful = repair_mojibake(result.paragraphs)
    result.note("mojibake", target, n)
    if doubtful:
        result.flags.append("possible-mojibake")
    result.paragraphs, n = normalise_whitespace(result.paragraphs)
    result.note("whitespace", target, n)
    if target == "text":
        result.paragraphs, n = remove_furniture(result.paragraphs, set(attachment_names))
        result.note("furniture", target, n)
    result.paragraphs, n = strip_question_indents(result.paragraphs)
    result.note("mirror-indents", target, n)
    result.paragraphs, annotations = _pinyin(result.paragraphs)
    result.note("pinyin-annotations", target, annotations)
    if annotations >= CORRUPTION_THRESHOLD:
        result.flags.append("mirror-copy")
    if script == "simplified" or "mirror-copy" in result.flags:
        result.paragraphs, n = convert_script(result.paragraphs)
        result.note("traditional-to-simplified", target, n)
    result.paragraphs, n = full_width_punctuation(result.paragraphs)
    result.note("punctuation", target, n)
    return result


def clean_release(
    fields: dict[str, Any], *, site_names: Iterable[str] = (), script: str = "simplified"
) -> dict[str, Any]:
    """Cleaned copy of extracted fields, with `repairs` and `flags` added."""
    text = clean_text(
        (fields.get("text") or "").split("\n"),
        script=script,
        attachment_names=[a["name"] for a in fields.get("attachments", [])],
    )
    mirror = "mirror-copy" in text.flags
    title = clean_text([fields.get("title") or ""], script="simplified" if mirror else script, target="title")
    new_title, n = strip_title_suffix(" ".join(title.paragraphs), tuple(site_names))
    title.note("title-suffix", "title", n)
    if len(new_title) > MAX_TITLE:  # a page stuffed its title; the whole of it stays in the WARC
        title.note("title-length", "title", len(new_title) - MAX_TITLE + 1)
        title.flags.append("title-truncated")
        new_title = new_title[: MAX_TITLE - 1] + "…"
    return {
        **fields,
        "title": new_title or None,
        "text": "\n".join(text.paragraphs),
        "repairs": text.repairs + title.repairs,
        "flags": sorted(set(text.flags + title.flags)),
    }
