"""The JSON archive: written once, versioned on change, catalog rebuildable from the files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive import atomic
from archive.record import RecordError, build_record
from archive.store import ArchiveStore
from archive.urls import canonical_url, release_id
from tests.conftest import run_gazette

RAW = {
    "warc_file": "warc/x.warc.gz",
    "warc_record_id": "<urn:uuid:12345678-1234-1234-1234-123456789abc>",
    "status": 200,
    "content_type": "text/html",
    "payload_sha256": "0" * 64,
}


def record(text: str = "第一段。", url: str = "http://www.a.gov.cn/xw/20230906/1.html") -> dict:
    fields = {
        "title": "标题",
        "published_at": "2023-09-06T10:00:00+08:00",
        "source": None,
        "column": None,
        "text": text,
        "attachments": [],
        "index_number": None,
        "doc_number": None,
        "issuer": None,
        "written_at": None,
        "topic": None,
    }
    return build_record("a", url, fields, RAW)


def test_write_new_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    atomic.write_new(target, b"one")
    with pytest.raises(FileExistsError):
        atomic.write_new(target, b"two")
    assert target.read_bytes() == b"one"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"], "temporary file left behind"


def test_unchanged_changed_and_versions(tmp_path: Path) -> None:
    store = ArchiveStore(tmp_path)
    outcome, first = store.put(record())
    assert outcome == "new"
    assert first == tmp_path / "releases/2023/09/06" / f"{release_id(record()['url'])}.json"
    original = first.read_bytes()
    assert store.put(record())[0] == "unchanged"
    outcome, second = store.put(record("第一段，已修改。"))
    assert outcome == "changed"
    assert second.name.endswith(".v2.json") and second.parent == first.parent
    assert first.read_bytes() == original
    assert store.load(record()["id"])["text"] == "第一段，已修改。"
    store.close()


def test_catalog_is_rebuilt_from_json(tmp_path: Path) -> None:
    store = ArchiveStore(tmp_path)
    store.put(record())
    store.put(record("改。"))
    store.close()
    (tmp_path / "index" / "catalog.sqlite").unlink()
    for extra in ("-wal", "-shm"):
        (tmp_path / "index" / f"catalog.sqlite{extra}").unlink(missing_ok=True)
    reopened = ArchiveStore(tmp_path)
    assert reopened.load(record()["id"])["version"] == 2
    reopened.close()
    result = run_gazette("--data", str(tmp_path), "reindex")
    assert result.returncode == 0 and "reindexed 1 releases" in result.stdout


def test_invalid_record_is_refused(tmp_path: Path) -> None:
    bad = {**record(), "title": ""}
    store = ArchiveStore(tmp_path)
    with pytest.raises(RecordError, match="title"):
        store.put(bad)
    assert not (tmp_path / "releases").exists()
    store.close()


def test_show_unknown_id_is_one_error_line(tmp_path: Path) -> None:
    result = run_gazette("--data", str(tmp_path), "show", "0123456789abcdef")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: no release with id '0123456789abcdef'")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("HTTP://WWW.A.GOV.CN:80/x/1.html#top", "http://www.a.gov.cn/x/1.html"),
        ("https://www.a.gov.cn:443/x/1.html?utm_source=wx&id=3", "https://www.a.gov.cn/x/1.html?id=3"),
        ("http://www.a.gov.cn/x/1.html;jsessionid=ABC", "http://www.a.gov.cn/x/1.html"),
    ],
)
def test_url_spellings_share_one_id(a: str, b: str) -> None:
    assert canonical_url(a) == canonical_url(b)
    assert release_id(a) == release_id(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("http://www.a.gov.cn/xw/index.html", "http://www.a.gov.cn/xw/"),
        ("http://www.a.gov.cn/xw/", "http://www.a.gov.cn/xw"),
        ("http://www.a.gov.cn/index.shtml", "http://www.a.gov.cn/"),
        ("http://www.a.gov.cn/xw/Default.aspx?id=2", "http://www.a.gov.cn/xw?id=2"),
    ],
)
def test_index_pages_and_trailing_slashes_are_one_page(a: str, b: str) -> None:
    assert canonical_url(a) == canonical_url(b)


def test_different_pages_stay_different() -> None:
    assert canonical_url("http://www.a.gov.cn/xw/1.html") != canonical_url("http://www.a.gov.cn/xw/2.html")
    assert canonical_url("http://www.a.gov.cn/x?id=1") != canonical_url("http://www.a.gov.cn/x?id=2")


def test_reindex_keeps_the_recheck_schedule_and_adopts_orphans(tmp_path: Path) -> None:
    """Reindex updates the catalog in place; a record file a killed run never catalogued is
    adopted instead of archived twice."""
    from archive.indexer import rebuild

    store = ArchiveStore(tmp_path)
    first = record()
    store.put(first)
    store.catalog.set_next_check(first["id"], "2030-01-01T00:00:00Z")
    orphan = record(url="http://www.a.gov.cn/xw/20230906/2.html")
    atomic.write_new(store.home_dir(orphan) / f"{orphan['id']}.json", json.dumps(orphan).encode())
    assert store.put(orphan)[0] == "unchanged"  # adopted: the file on disk is this very record
    assert store.catalog.get(orphan["id"]) is not None
    assert rebuild(store) == 2
    assert store.catalog.get(first["id"])["next_check"] == "2030-01-01T00:00:00Z"
    store.close()
