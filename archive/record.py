"""The release record: how it is built, hashed, serialised and validated."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from archive import clock
from archive.urls import canonical_url, release_id

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("release.schema.json")
# the fields whose change makes a new version; fetch metadata never does
CONTENT_FIELDS = (
    "title",
    "published_at",
    "source",
    "column",
    "text",
    "attachments",
    "index_number",
    "doc_number",
    "issuer",
    "written_at",
    "topic",
)


class RecordError(ValueError):
    """A record that does not match the release schema."""


def utc_now() -> str:
    return clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")


def content_hash(record: dict[str, Any]) -> str:
    """Hash of the content fields, so an identical re-fetch is recognised as unchanged."""
    content = {key: record.get(key) for key in CONTENT_FIELDS}
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def build_record(site: str, url: str, fields: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    """A version-1 record from extracted fields and the pointer to the raw capture."""
    record: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": release_id(url),
        "version": 1,
        "site": site,
        "url": url,
        "canonical_url": canonical_url(url),
        "fetched_at": utc_now(),
    }
    record.update(fields)
    record["raw"] = raw
    record["content_hash"] = content_hash(record)
    return record


def dumps(record: dict[str, Any]) -> bytes:
    """UTF-8, pretty-printed, no \\u escapes, trailing newline."""
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text("utf-8")))


def schema_errors(record: Any) -> list[str]:
    """Human-readable schema violations, empty when the record is valid."""
    errors = sorted(_validator().iter_errors(record), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(record)'}: {e.message}" for e in errors]


def validate(record: dict[str, Any]) -> None:
    errors = schema_errors(record)
    if errors:
        raise RecordError(f"record {record.get('id')!r} does not match the schema: {errors[0]}")
