"""Labelled header fields: `来源：…`, `发布时间：…` lines and the disclosure (政务公开) header table.

Pages print these as "label：value" runs on one line, as label/value table cells, or as spans;
all of them become text lines, which is what is parsed here.
"""

from __future__ import annotations

import re

# field name -> labels that carry it, most specific first
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "index_number": ("索引号",),
    "doc_number": ("发文字号", "文号"),
    "issuer": ("发文机关", "发文单位", "发布机关", "发布机构", "公开主体"),
    "written_at": ("成文日期", "印发日期", "发文日期"),
    "topic": ("主题分类", "主题词分类"),
    "source": ("信息来源", "稿件来源", "文章来源", "来源"),
    "published_at": ("发布时间", "发布日期", "发表时间", "日期"),
    "column": ("所属栏目", "栏目"),
}
# labels that only bound another label's value
STOP_LABELS = (
    "作者",
    "责任编辑",
    "编辑",
    "浏览次数",
    "点击数",
    "访问量",
    "阅读次数",
    "字体",
    "字号",
    "公开属性",
    "公开方式",
    "有效性",
    "关键词",
    "分享到",
)
_ALL = sorted(
    {lab for labs in FIELD_LABELS.values() for lab in labs} | set(STOP_LABELS), key=len, reverse=True
)
_LABEL_RE = re.compile(r"(?P<label>" + "|".join(map(re.escape, _ALL)) + r")\s*[:：]\s*")
_BARE_LABEL_RE = re.compile(r"^\s*(?P<label>" + "|".join(map(re.escape, _ALL)) + r")\s*[:：]?\s*$")
_FIELD_OF = {lab: name for name, labs in FIELD_LABELS.items() for lab in labs}
_TRAIL = " \t\u3000\xa0|｜【】[]"


def _pairs_in_line(line: str) -> list[tuple[str, str]]:
    matches = list(_LABEL_RE.finditer(line))
    pairs = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        pairs.append((match.group("label"), line[match.end() : end].strip(_TRAIL)))
    return pairs


def labelled_pairs(lines: list[str]) -> list[tuple[str, str]]:
    """(label, value) pairs; a label alone on its line takes the next line as its value."""
    pairs: list[tuple[str, str]] = []
    for i, line in enumerate(lines):
        bare = _BARE_LABEL_RE.match(line)
        if bare:
            following = lines[i + 1].strip(_TRAIL) if i + 1 < len(lines) else ""
            if following and not _LABEL_RE.match(following) and not _BARE_LABEL_RE.match(following):
                pairs.append((bare.group("label"), following))
            continue
        pairs.extend(_pairs_in_line(line))
    return pairs


def labelled_fields(lines: list[str]) -> dict[str, tuple[str, str]]:
    """Field name -> (value, label it came from); for each field the most specific label wins."""
    found: dict[str, tuple[str, str]] = {}
    rank: dict[str, int] = {}
    for label, value in labelled_pairs(lines):
        field = _FIELD_OF.get(label)
        if not field or not value:
            continue
        order = FIELD_LABELS[field].index(label)
        if field not in found or order < rank[field]:
            found[field], rank[field] = (value, label), order
    return found


HANWEB_SOURCE_RE = re.compile(r"<\$\[信息来源\]>begin-->(?P<value>.*?)<!--<\$\[信息来源\]>end", re.S)


def hanweb_source(html: str) -> str | None:
    """Hanweb JCMS marks the source with `<!--<$[信息来源]>begin-->…<!--<$[信息来源]>end-->`."""
    match = HANWEB_SOURCE_RE.search(html)
    if not match:
        return None
    value = re.sub(r"<[^>]+>", "", match.group("value"))
    value = re.sub(r"^\s*(信息来源|来源)\s*[:：]", "", value)
    return " ".join(value.split()) or None
