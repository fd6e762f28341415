"""`gazette verify`: is every record readable and valid, and does the index match the records?"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive.index import SearchIndex, SearchIndexError
from archive.record import schema_errors
from archive.store import ArchiveError, ArchiveStore, read_record


@dataclass
class VerifyReport:
    records: int = 0
    invalid: list[tuple[str, str]] = field(default_factory=list)  # (file, problem)
    missing_from_index: list[str] = field(default_factory=list)
    stale_in_index: list[str] = field(default_factory=list)
    without_record: list[str] = field(default_factory=list)
    index_problem: str | None = None

    @property
    def ok(self) -> bool:
        return not (
            self.invalid
            or self.missing_from_index
            or self.stale_in_index
            or self.without_record
            or self.index_problem
        )


def _index_entries(data: Path, report: VerifyReport) -> dict[str, str]:
    if not SearchIndex.exists(data):
        report.index_problem = "the search index is missing (run `gazette reindex`)"
        return {}
    try:
        return SearchIndex(data).entries()
    except (SearchIndexError, ValueError, OSError) as exc:
        report.index_problem = f"the search index cannot be read: {exc} (run `gazette reindex`)"
        return {}


def verify(data: Path) -> VerifyReport:
    """Read every record file once; compare the latest versions with the index."""
    report = VerifyReport()
    store = ArchiveStore(data)
    try:
        latest_paths = {path: release_id for release_id, path in store.latest_files().items()}
        latest: dict[str, str] = {}
        for path in store.iter_files():
            relative = path.relative_to(data).as_posix()
            try:
                record = read_record(path)
            except ArchiveError as exc:
                report.invalid.append((relative, str(exc)))
                continue
            errors = schema_errors(record)
            if errors:
                report.invalid.append((relative, errors[0]))
            if path in latest_paths:
                latest[latest_paths[path]] = record["content_hash"]
        report.records = len(latest_paths)
    finally:
        store.close()
    entries = _index_entries(data, report)
    if report.index_problem is None:
        report.missing_from_index = sorted(set(latest) - set(entries))
        report.without_record = sorted(set(entries) - set(latest_paths.values()))
        report.stale_in_index = sorted(i for i in latest if i in entries and entries[i] != latest[i])
    return report
