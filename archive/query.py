"""The archive's query language, parsed into plain data; no engine syntax ever reaches the engine.

    专利 河长          both (AND)
    "知识产权 保护"     a phrase (spaces between Chinese characters are dropped: 知识产权保护)
    -防汛              exclude
    专利 OR 商标        either
    AND                the default, ignored; NEAR and every other symbol are just text

Any input is accepted: quotes are balanced, brackets, `*`, control characters and operators are
treated as text (and fall away as punctuation); only an empty or over-long query is refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from archive.tokens import CJK_CLASS, fold, units

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
TOKEN_RE = re.compile(r'(?P<neg>-)?"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)')
SPACE_IN_CJK_RE = re.compile(rf"(?<=[{CJK_CLASS}])\s+(?=[{CJK_CLASS}])")


class QueryError(ValueError):
    """A query that cannot be searched; the message says why and what to do."""


@dataclass(frozen=True)
class Term:
    """One searchable string: a word or a quoted phrase, matched as a substring."""

    text: str

    @property
    def folded(self) -> str:
        return fold(self.text)


@dataclass
class Query:
    """AND of clauses, each an OR of terms; minus the excluded terms."""

    clauses: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    @property
    def positive(self) -> list[Term]:
        return [term for clause in self.clauses for term in clause]

    @property
    def empty(self) -> bool:
        return not self.clauses and not self.excluded


def _clean(raw: str) -> str:
    """Drop control and format characters, normalise spaces."""
    kept = (" " if unicodedata.category(c) in ("Cc", "Zs", "Zl", "Zp") else c for c in raw)
    return "".join(c for c in kept if unicodedata.category(c) not in ("Cf", "Cs", "Co", "Cn"))


def _searchable(text: str) -> bool:
    return bool(units(fold(text)))


def parse_query(raw: str) -> Query:
    """Parse user input into a Query; raises QueryError only for over-long input."""
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError(f"query is too long ({len(raw)} characters; the limit is {MAX_QUERY_CHARS})")
    query, pending_or = Query(), False
    for match in TOKEN_RE.finditer(_clean(raw)):
        negative = bool(match.group("neg"))
        phrase = match.group("phrase")
        text = SPACE_IN_CJK_RE.sub("", phrase) if phrase is not None else match.group("word")
        if match.group("word") is not None:
            if text in ("OR", "|", "||"):
                pending_or = bool(query.clauses)
                continue
            if text in ("AND", "&&", "+"):
                continue
            if text.startswith("-") and len(text) > 1:
                negative, text = True, text[1:]
        if not _searchable(text):
            continue
        term = Term(text)
        if negative:
            query.excluded.append(term)
        elif pending_or:
            query.clauses[-1].append(term)
        else:
            query.clauses.append([term])
        pending_or = False
    if len(query.positive) + len(query.excluded) > MAX_TERMS:
        raise QueryError(f"query has too many terms (the limit is {MAX_TERMS})")
    return query
