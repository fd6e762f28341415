"""Find the article body and turn it into paragraphs.

Known CMS body containers are tried first (each family has one); otherwise the element whose
direct paragraphs hold the most CJK text wins, which is how a reader's eye finds the article.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

BODY_SELECTORS = (
    "#ivs_content",
    ".TRS_Editor",
    ".TRS_UEDITOR",
    "#zoom",
    "#Zoom",
    ".ewb-article-info",
    "#UCAP-CONTENT",
    ".Article_content",
    ".article-content",
    "#mainText",
    ".content_body_box",
    ".newsContainer_text",
    "div.article",
    "article",
)
BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "center",
    "dd",
    "dt",
    "dl",
    "hr",
}
SKIP_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "select", "button"}
CJK_RE = re.compile(r"[\u3400-\u9fff]")
MIN_BODY_CJK = 10
HTML_SPACE_RE = re.compile(r"[ \t\r\n\f]+")
INVISIBLE = " \t\r\n\u3000\xa0\u200b\ufeff"


def cjk_count(text: str) -> int:
    return len(CJK_RE.findall(text))


def _text_chunks(node: Tag, out: list[str]) -> None:
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            out.append(HTML_SPACE_RE.sub(" ", str(child)))  # source line breaks are not paragraph breaks
        elif isinstance(child, Tag) and child.name not in SKIP_TAGS:
            block = child.name in BLOCK_TAGS
            if block:
                out.append("\n")
            _text_chunks(child, out)
            if block:
                out.append("\n")


def paragraphs(node: Tag) -> list[str]:
    """Block-level text of `node`, one paragraph per item, with HTML whitespace collapsed as a browser
    would; indents (U+3000, &nbsp;) are left for the cleaner, which records what it removes."""
    chunks: list[str] = []
    _text_chunks(node, chunks)
    lines = (line.strip(" ") for line in "".join(chunks).split("\n"))
    return [line for line in lines if line.strip(INVISIBLE)]


def _direct_paragraph_score(tag: Tag) -> int:
    return sum(cjk_count(p.get_text()) for p in tag.find_all("p", recursive=False))


def find_body(soup: BeautifulSoup, selector: str | None = None) -> tuple[Tag | None, str]:
    """(body element, how it was found)."""
    for css in ((selector,) if selector else ()) + BODY_SELECTORS:
        for tag in soup.select(css):
            if cjk_count(tag.get_text()) >= MIN_BODY_CJK:
                return tag, f"css:{css}"
    best, best_score = None, 0
    for tag in soup.find_all(["div", "td", "section"]):
        score = _direct_paragraph_score(tag)
        if score > best_score:
            best, best_score = tag, score
    if best is not None and best_score >= MIN_BODY_CJK:
        return best, "heuristic:paragraph-density"
    return None, "none"
