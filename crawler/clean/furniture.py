"""Page furniture that leaks into bodies: font-size switches, print/close links, share widgets,
view counters, previous/next links, breadcrumbs, footers, and attachment lists (those become
`attachments`)."""

from __future__ import annotations

import re

# a paragraph that is furniture as a whole
FURNITURE_LINE_RES = tuple(
    re.compile(p)
    for p in (
        r"^[【\[]?\s*字[体號号]\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小\s*[】\]]?\s*[】\]]?$",
        r"^[【\[]?\s*(?:打印(?:本页|此页)?|关闭(?:窗口|本页)?|返回顶部|返回|收藏|[\s【】\[\]|｜/]*)+\s*[】\]]?$",
        r"^分享到\s*[:：]?.*$",
        r"^扫一扫在手机(?:上)?打开当前页.*$",
        r"^(?:浏览次数|访问量|阅读次数|点击数|浏览量)\s*[:：]\s*\d*\s*(?:次)?$",
        r"^(?:上一篇|下一篇)\s*[:：].*$",
        r"^相关链接\s*[:：]?$",
        r"^(?:当前位置|您当前的位置|您现在的位置|所在位置)\s*[:：].*$",
        r"^.*(?:版权所有|网站标识码|ICP备|公网安备|网站地图|主办单位\s*[:：]).*$",
    )
)
# furniture inside a paragraph
INLINE_RES = tuple(
    re.compile(p)
    for p in (
        r"[【\[]\s*字[体号]\s*[:：]\s*大\s*中\s*小\s*[】\]]",
        r"[【\[]\s*(?:打印(?:本页)?|关闭(?:窗口)?)\s*[】\]]",
        r"(?:浏览次数|访问量|阅读次数|点击数)\s*[:：]\s*\d+\s*次?",
    )
)
ATTACHMENT_LINE_RE = re.compile(r"^(?:相关)?附件\s*\d*\s*[:：]?\s*(?P<rest>.*)$")
MAX_FURNITURE_LEN = 80


def is_furniture(paragraph: str) -> bool:
    return len(paragraph) <= MAX_FURNITURE_LEN and any(rx.match(paragraph) for rx in FURNITURE_LINE_RES)


def is_attachment_line(paragraph: str, names: set[str]) -> bool:
    """'附件：name.pdf' (or a bare attachment name) for an attachment already in `attachments`."""
    if not names:
        return False
    match = ATTACHMENT_LINE_RE.match(paragraph)
    rest = (match.group("rest") if match else paragraph).strip()
    if not rest:  # a bare "附件：" heading above the list
        return match is not None
    return rest in names


def remove_furniture(paragraphs: list[str], attachment_names: set[str]) -> tuple[list[str], int]:
    """Paragraphs without furniture and attachment lines; count of paragraphs or fragments removed."""
    kept, removed = [], 0
    for para in paragraphs:
        stripped = para.strip(" \t\u3000\xa0")
        if is_furniture(stripped) or is_attachment_line(stripped, attachment_names):
            removed += 1
            continue
        for rx in INLINE_RES:
            para, n = rx.subn("", para)
            removed += n
        kept.append(para)
    return kept, removed
