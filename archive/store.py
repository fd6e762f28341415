"""The JSON archive: one file per release version, written once and never rewritten.

Layout: DATA/releases/YYYY/MM/DD/<id>.json (publish date in Asia/Shanghai; undated releases under
`undated/`). A changed release gets `<id>.v2.json`, `<id>.v3.json`… beside its first version.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from archive import atomic
from archive.catalog import Catalog
from archive.record import content_hash, dumps, validate

logger = logging.getLogger(__name__)

DATA_ENV = "GAZETTE_DATA"
DEFAULT_DATA = "gazette-data"
FILE_RE = re.compile(r"^(?P<id>[0-9a-f]{16})(?:\.v(?P<version>\d+))?\.json$")


class ArchiveError(RuntimeError):
    """A problem with the archive on disk; the message names the file or id."""


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The DATA directory: explicit, then $GAZETTE_DATA, then ./gazette-data."""
    return Path(explicit or os.environ.get(DATA_ENV) or DEFAULT_DATA)


def version_filename(release_id: str, version: int) -> str:
    return f"{release_id}.json" if version == 1 else f"{release_id}.v{version}.json"


class ArchiveStore:
    """Writes and reads release records under DATA; keeps the catalog in step."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.releases = self.root / "releases"
        self.catalog = Catalog(self.root / "index" / "catalog.sqlite")
        if self.catalog.fresh and self.releases.exists():
            logger.info("catalog missing, rebuilding from %s", self.releases)
            self.rebuild_catalog()

    def close(self) -> None:
        self.catalog.close()

    def home_dir(self, record: dict[str, Any]) -> Path:
        published = record.get("published_at")
        if not published:
            return self.releases / "undated"
        year, month, day = published[:10].split("-")
        return self.releases / year / month / day

    def lookup(self, record: dict[str, Any]) -> dict[str, Any] | None:
        """The catalog row of a release; a record file that a killed run wrote but never got
        into the catalog is adopted first, so the release is not archived a second time."""
        known = self.catalog.get(record["id"])
        if known:
            return known
        # an uncatalogued release can only have a first version: later ones are written only
        # for releases the catalog knows (and a lost catalog is rebuilt from the files at open)
        path = self.home_dir(record) / version_filename(record["id"], 1)
        if not path.exists():
            return None
        try:
            orphan = read_record(path)
        except ArchiveError as exc:
            raise ArchiveError(
                f"{exc}; it blocks archiving release {record['id']} (see `gazette verify`)"
            ) from exc
        logger.warning("adopting %s, written by a run that stopped before cataloguing it", path)
        self.catalog.put(orphan, path.relative_to(self.root).as_posix())
        return self.catalog.get(record["id"])

    def put(self, record: dict[str, Any]) -> tuple[str, Path]:
        """Archive a record: ("new" | "unchanged" | "changed", path of the file that holds it)."""
        validate(record)
        known = self.lookup(record)
        if known and known["content_hash"] == record["content_hash"]:
            return "unchanged", self.root / known["path"]
        if known:
            record = {**record, "version": known["version"] + 1}
            folder = (self.root / known["path"]).parent
        else:
            folder = self.home_dir(record)
        path = folder / version_filename(record["id"], record["version"])
        atomic.write_new(path, dumps(record))
        self.catalog.put(record, path.relative_to(self.root).as_posix())
        return ("changed" if known else "new"), path

    def load(self, release_id: str) -> dict[str, Any]:
        """The latest version of a release."""
        known = self.catalog.get(release_id)
        if not known:
            raise ArchiveError(f"no release with id {release_id!r} in {str(self.root)!r}")
        return read_record(self.root / known["path"])

    def iter_files(self) -> Iterator[Path]:
        """Every record file, in a stable order."""
        if self.releases.exists():
            yield from sorted(p for p in self.releases.rglob("*.json") if FILE_RE.match(p.name))

    def latest_files(self) -> dict[str, Path]:
        """id → file of its latest version, from file names alone (nothing is read)."""
        latest: dict[str, tuple[int, Path]] = {}
        for path in self.iter_files():
            match = FILE_RE.match(path.name)
            assert match is not None
            version = int(match.group("version") or 1)
            if match.group("id") not in latest or version > latest[match.group("id")][0]:
                latest[match.group("id")] = (version, path)
        return {release_id: path for release_id, (_, path) in latest.items()}

    def iter_latest(self) -> Iterator[dict[str, Any]]:
        """The latest version of every release, each file read once; unreadable ones are skipped."""
        for path in self.latest_files().values():
            try:
                yield {**read_record(path), "_path": path.relative_to(self.root).as_posix()}
            except ArchiveError as exc:
                logger.warning("skipping unreadable record: %s", exc)

    def rebuild_catalog(self, on_record: Callable[[dict[str, Any]], None] | None = None) -> int:
        """Recreate the catalog from the JSON files; `on_record` sees each latest record once."""
        self.catalog.clear()
        batch: list[tuple[dict[str, Any], str]] = []
        count = 0
        for record in self.iter_latest():
            path = record.pop("_path")
            batch.append((record, path))
            if on_record:
                on_record(record)
            count += 1
            if len(batch) >= 1000:
                self.catalog.put_many(batch)
                batch = []
        self.catalog.put_many(batch)
        return count


def read_record(path: Path | str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as file:
            record = json.loads(file.read())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArchiveError(f"cannot read record {str(path)!r}: {exc}") from exc
    if not isinstance(record, dict) or "id" not in record:
        raise ArchiveError(f"record {str(path)!r} is not a release object")
    if "content_hash" not in record:
        record["content_hash"] = content_hash(record)
    return record
