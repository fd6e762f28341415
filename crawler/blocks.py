"""Recognise responses that are not content: JS challenges, WAF pages, rate limits.

A block is never archived and never retried in a tight loop; the run reports it.
"""

from __future__ import annotations

import re

from crawler.extract.body import cjk_count

CHALLENGE_STATUSES = frozenset({202, 403, 412, 521})
RATE_LIMIT_STATUSES = frozenset({429})  # 503 with Retry-After is handled by BackoffMiddleware
SCRIPT_RE = re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I)
TAG_RE = re.compile(r"<[^>]+>")
# Ruishu (瑞数) and similar cookie challenges
CHALLENGE_MARKERS = re.compile(r"\$_ts\s*=|document\.cookie\s*=|FSSBB|challenge-platform|_waf_|yunsuo", re.I)
WAF_MARKERS = re.compile(r"创宇盾|安全狗|云锁|Web应用防火墙|访问被拦截|您的访问请求可能对网站造成安全威胁")
MAX_CHALLENGE_CJK = 40


def visible_text(html: str) -> str:
    return TAG_RE.sub(" ", SCRIPT_RE.sub(" ", html))


def classify_block(status: int, html: str) -> str | None:
    """'challenge', 'waf' or 'rate-limited' when the response is a block page, else None."""
    if status in RATE_LIMIT_STATUSES:
        return "rate-limited"
    has_script = "<script" in html.lower()
    little_text = cjk_count(visible_text(html)) <= MAX_CHALLENGE_CJK
    if WAF_MARKERS.search(html) and little_text:
        return "waf"
    if status in CHALLENGE_STATUSES and has_script and little_text:
        return "challenge"
    if has_script and little_text and CHALLENGE_MARKERS.search(html):
        return "challenge"
    return None
