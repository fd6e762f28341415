"""Plain-text rendering of reports and records for the command line."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

FIELD_ORDER = (
    "title",
    "published_at",
    "source",
    "column",
    "index_number",
    "doc_number",
    "issuer",
    "written_at",
    "topic",
)
MAX_SKIPS_SHOWN = 20


def crawl_summary(report: dict[str, Any]) -> list[str]:
    """A few lines per site: outcome, pages, releases, skips by reason, WARC file."""
    rel = report["releases"]
    req = report.get("requests", {})
    lines = [
        f"{report['site']}: {report['outcome']}",
        f"  pages fetched: {req.get('responses', 0)} "
        f"(list pages ok {report['list_pages']['ok']}, failed {report['list_pages']['failed']})",
        "  requests: "
        + ", ".join(f"{req.get(k, 0)} {k}" for k in ("list", "release", "recheck", "retry", "robots")),
        f"  releases: {rel['new']} new, {rel['changed']} changed, "
        f"{rel['unchanged'] + rel['known']} unchanged, {rel['skipped']} skipped"
        + (f", {rel['errors']} failed" if rel.get("errors") else ""),
    ]
    reasons = Counter(s["reason"] for s in report["skipped"])
    for reason, count in sorted(reasons.items()):
        lines.append(f"  skipped ({reason}): {count}")
        urls = [s["url"] for s in report["skipped"] if s["reason"] == reason]
        lines.extend(f"    {url}" for url in urls[:MAX_SKIPS_SHOWN])
    errors = report.get("errors", [])
    for reason, count in sorted(Counter(e["reason"] for e in errors).items()):
        lines.append(f"  ERROR ({reason}): {count}")
        lines.extend(f"    {e['url']}" for e in errors if e["reason"] == reason)
    for block in report.get("blocked", []):
        lines.append(f"  BLOCKED ({block['reason']}) on {block['kind']} page {block['url']}")
    if report.get("warc_file"):
        lines.append(f"  raw capture: {report['warc_file']}")
    return lines


def release_text(record: dict[str, Any], events: list[dict[str, Any]] | None = None) -> str:
    """A release as a person reads it: fields, then the text, attachments, copies and events."""
    lines = [
        f"id: {record['id']} (version {record.get('version', 1)})",
        f"url: {record['url']}",
        f"site: {record['site']}",
    ]
    lines += [f"{name}: {record[name]}" for name in FIELD_ORDER if record.get(name)]
    lines += ["", record.get("text", ""), ""]
    for att in record.get("attachments", []):
        lines.append(f"attachment: {att['name']} <{att['url']}>")
    raw = record.get("raw", {})
    if raw:
        lines.append(f"raw capture: {raw.get('warc_file')} {raw.get('warc_record_id')}")
    if record.get("duplicate_of"):
        lines.append(f"duplicate of: {record['duplicate_of']} ({record.get('duplicate_kind')})")
    for event in events or []:
        detail = event.get("reason") or event.get("kind") or ""
        lines.append(f"{event['type']}: {event['at']} {detail} {event.get('url', '')}".rstrip())
    return "\n".join(lines).rstrip() + "\n"


def extracted_text(fields: dict[str, Any]) -> str:
    """What `gazette extract` shows: every field, where it came from, the paragraphs."""
    provenance = fields.get("provenance", {})
    lines = []
    for name in (*FIELD_ORDER, "charset"):
        value = fields.get(name)
        origin = f"  [{provenance[name]}]" if name in provenance else ""
        lines.append(f"{name}: {value if value is not None else '-'}{origin}")
    lines.append(f"text:  [{provenance.get('text', 'none')}]")
    lines += [f"  {p}" for p in fields.get("text", "").split("\n") if p]
    lines += [f"attachment: {a['name']} <{a['url']}>" for a in fields.get("attachments", [])]
    lines += [f"image: {i['url']}" for i in fields.get("images", [])]
    lines += [f"repair: {r['step']} on {r['field']} x{r['count']}" for r in fields.get("repairs", [])]
    lines += [f"flag: {flag}" for flag in fields.get("flags", [])]
    return "\n".join(lines) + "\n"


def search_text(result: Any, offset: int = 0) -> str:
    """The total, then one block per hit: date, site, title, source, URL, snippet."""
    shown = f"{offset + 1}-{offset + len(result.hits)}" if result.hits else "none"
    lines = [f"{result.total} releases match (showing {shown})"]
    for hit in result.hits:
        day = (hit.published_at or "undated")[:10]
        lines += ["", f"{day}  [{hit.site}]  {hit.title}"]
        if hit.source:
            lines.append(f"  source: {hit.source}")
        lines.append(f"  {hit.url}")
        lines += [f"  also at: {url}" for url in hit.also_at]
        lines.append(f"  {hit.snippet}")
    return "\n".join(lines)


CSV_COLUMNS = ("id", "published_at", "site", "title", "source", "url", "snippet")


def search_csv(hits: list[Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for hit in hits:
        writer.writerow([getattr(hit, name) or "" for name in CSV_COLUMNS])
    return out.getvalue()


def verify_text(report: Any) -> list[str]:
    lines = [f"records: {report.records}"]
    lines += [f"invalid record: {path}: {problem}" for path, problem in report.invalid]
    lines += [f"missing from index: {i}" for i in report.missing_from_index]
    lines += [f"stale in index: {i}" for i in report.stale_in_index]
    lines += [f"index entry without a record: {i}" for i in report.without_record]
    if report.index_problem:
        lines.append(f"index: {report.index_problem}")
    lines.append("ok" if report.ok else "problems found")
    return lines
