"""Faults: kill -9, a full disk, a broken index or record, a failing server, two writers.

Each case injects the fault, then checks the archive the way a user would: by reading the files
and running `gazette verify`. CI runs the fast cases; `GAZETTE_LONG=1` (see docs/operations.md)
adds the long ones: 40 kill -9 points instead of 6, five disk-full moments instead of one.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.index import INDEX_DIR
from benchmarks.generated_site import GeneratedSite
from crawler.demo.server import SiteServer
from tests.conftest import SITES_DIR, archived, gazette_command, run_gazette, serve_copy

LONG = os.environ.get("GAZETTE_LONG") == "1"  # the long run: more kills, more disk-full moments
KILL_POINTS = int(os.environ.get("GAZETTE_KILL_POINTS", "40" if LONG else "6"))


def site_config(path: Path, start_url: str, **extra: object) -> Path:
    lines = [f'[sites.s]\ntitle = "示范区"\nstart_urls = ["{start_url}"]\ndownload_delay = 0\n']
    lines += [f"{key} = {json.dumps(value)}\n" for key, value in extra.items()]
    path.write_text("".join(lines), "utf-8")
    return path


def warc_ids(path: Path) -> set[str]:
    """Response record ids in a WARC file; a member torn by a kill ends the reading."""
    ids = set()
    with path.open("rb") as stream:
        try:
            for rec in ArchiveIterator(stream):
                if rec.rec_type == "response":
                    ids.add(rec.rec_headers.get_header("WARC-Record-ID"))
        except Exception:
            pass
    return ids


def assert_archive_sound(data: Path) -> list[dict]:
    """Every record file is whole, valid JSON, and its raw capture is on disk."""
    records = []
    warcs: dict[str, set[str]] = {}
    for path in (data / "releases").rglob("*.json") if (data / "releases").exists() else []:
        record = json.loads(path.read_text("utf-8"))  # a partial file would not parse
        warc = record["raw"]["warc_file"]
        if warc not in warcs:
            warcs[warc] = warc_ids(data / warc)
        assert record["raw"]["warc_record_id"] in warcs[warc], f"{path}: capture missing from {warc}"
        records.append(record)
    return records


def verify(data: Path) -> subprocess.CompletedProcess[str]:
    return run_gazette("--data", str(data), "verify")


@pytest.fixture
def slow_site() -> Iterator[GeneratedSite]:
    with GeneratedSite(40, delay=0.03) as site:
        yield site


def test_kill_9_at_random_moments_loses_nothing(tmp_path: Path, slow_site: GeneratedSite) -> None:
    """Each crawl is killed at a random moment after its first request; the site grows between
    crawls, so every one has list pages, releases, records and index updates in flight."""
    config = site_config(tmp_path / "sites.toml", slow_site.start_url, max_list_pages=100)
    data = tmp_path / "data"
    rng = random.Random(9)
    cmd = [*gazette_command(), "--config", str(config), "--data", str(data), "crawl", "s"]
    for _ in range(KILL_POINTS):
        slow_site.grow(6)
        before = len(slow_site.requests)
        crawl = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + 30
        while len(slow_site.requests) == before and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 1.5))
        os.killpg(crawl.pid, signal.SIGKILL)
        crawl.wait()
        assert_archive_sound(data)
    final = run_gazette("--config", str(config), "--data", str(data), "crawl", "s")
    assert final.returncode == 0, final.stdout + final.stderr
    records = assert_archive_sound(data)
    assert sorted(r["url"] for r in records) == sorted(slow_site.base_url + p for p in slow_site.index)
    assert all(r["version"] == 1 for r in records), "a release was archived twice"
    checked = verify(data)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    hits = run_gazette("--data", str(data), "search", "通知", "--limit", "1000", "--json")
    assert len(hits.stdout.splitlines()) == len(slow_site.index)


@pytest.fixture(scope="module")
def crawled_epoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, SiteServer]]:
    """One crawl of the Epoint fixture site, shared: each test damages its own copy of DATA."""
    tmp = tmp_path_factory.mktemp("epoint")
    root = tmp / "site"
    shutil.copytree(SITES_DIR / "epoint", root)
    server = SiteServer(root).start()
    config = site_config(tmp / "sites.toml", server.base_url + "/xw/001001/news_important.html")
    data = tmp / "data"
    result = run_gazette("--config", str(config), "--data", str(data), "crawl", "s")
    assert result.returncode == 0, result.stdout + result.stderr
    yield config, data, server
    server.stop()


@pytest.fixture
def epoint_archive(crawled_epoint, tmp_path: Path) -> tuple[Path, Path, SiteServer]:
    config, data, server = crawled_epoint
    copy = tmp_path / "data"
    shutil.copytree(data, copy, ignore=shutil.ignore_patterns("*.lock"))
    return config, copy, server


def test_deleted_index_is_reported_and_reindex_restores_it(epoint_archive) -> None:
    _, data, _ = epoint_archive
    before = run_gazette("--data", str(data), "search", "防汛", "--json").stdout
    shutil.rmtree(data / "index" / INDEX_DIR)
    checked = verify(data)
    assert checked.returncode == 1 and "search index is missing" in checked.stdout + checked.stderr
    assert run_gazette("--data", str(data), "reindex").returncode == 0
    assert verify(data).returncode == 0
    assert run_gazette("--data", str(data), "search", "防汛", "--json").stdout == before


@pytest.mark.parametrize("damage", ["meta.json", "store", "every segment file"])
def test_corrupted_index_is_reported_and_reindex_restores_it(epoint_archive, damage: str) -> None:
    _, data, _ = epoint_archive
    folder = data / "index" / INDEX_DIR
    if damage == "meta.json":
        for meta in folder.rglob("meta.json"):
            meta.write_text("{not json", "utf-8")
    else:
        suffixes = (".store",) if damage == "store" else (".store", ".idx", ".pos", ".term", ".fast")
        for path in folder.rglob("*"):
            if path.suffix in suffixes:
                path.write_bytes(b"\0garbage" * 7)
    checked = verify(data)
    assert checked.returncode == 1, checked.stdout
    assert "search index" in checked.stdout + checked.stderr
    search = run_gazette("--data", str(data), "search", "防汛")
    assert "Traceback" not in search.stderr
    assert run_gazette("--data", str(data), "reindex").returncode == 0
    assert verify(data).returncode == 0
    assert "防汛" in run_gazette("--data", str(data), "search", "防汛").stdout


def test_hand_corrupted_record_is_named_and_nothing_else_stops(epoint_archive) -> None:
    config, data, _ = epoint_archive
    victim = sorted((data / "releases").rglob("*.json"))[0]
    victim.write_bytes(victim.read_bytes()[:200])
    checked = verify(data)
    assert checked.returncode == 1
    assert victim.relative_to(data).as_posix() in checked.stdout
    search = run_gazette("--data", str(data), "search", "区")
    assert search.returncode == 0 and "Traceback" not in search.stderr
    crawl = run_gazette("--config", str(config), "--data", str(data), "crawl", "s", "--recheck")
    assert "Traceback" not in crawl.stderr
    assert victim.read_bytes().startswith(b"{")  # left for a person to look at, not rewritten


def test_two_writers_crawl_refused_and_reindex_waits(tmp_path: Path) -> None:
    with GeneratedSite(40, delay=0.15) as slow_site:  # a crawl of 4 s or more: time to overlap
        config = site_config(tmp_path / "sites.toml", slow_site.start_url, max_list_pages=100)
        data = tmp_path / "data"
        cmd = [*gazette_command(), "--config", str(config), "--data", str(data), "crawl", "s"]
        first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while len(slow_site.requests) < 3 and time.monotonic() < deadline:  # the crawl is under way
            time.sleep(0.01)
        second = run_gazette("--config", str(config), "--data", str(data), "crawl", "s")
        reindex = run_gazette("--data", str(data), "reindex")
        out, err = first.communicate(timeout=120)
        assert first.returncode == 0, out + err
        assert second.returncode != 0 and "already being crawled" in second.stdout + second.stderr
        assert reindex.returncode == 0, reindex.stdout + reindex.stderr
        sync = run_gazette("--config", str(config), "--data", str(data), "crawl", "s")
        assert sync.returncode == 0
    assert len(assert_archive_sound(data)) == len(slow_site.index)
    checked = verify(data)
    assert checked.returncode == 0, checked.stdout


def faulty_site(tmp_path: Path, routes: str) -> tuple[Path, SiteServer]:
    server = serve_copy(tmp_path, "hanweb", routes)
    return server.files.root, server


RELEASE = "/art/2023/9/6/art_4584_60353.html"


@pytest.mark.parametrize(
    ("route", "tries"),
    [
        ('fault = "reset"', 4),
        ('fault = "truncate"', 3),
        ("delay = 3", 2),
    ],
    ids=["connection reset", "truncated body", "slower than the timeout"],
)
def test_failing_release_is_reported_retried_and_never_archived_half(
    tmp_path: Path, route: str, tries: int
) -> None:
    _, server = faulty_site(tmp_path, f'\n[routes."{RELEASE}"]\n{route}\n')
    data = tmp_path / "data"
    try:
        config = site_config(
            tmp_path / "sites.toml",
            server.base_url + "/col/col4584/index.html",
            download_timeout=1,
            max_retries=1,
        )
        result = run_gazette("--config", str(config), "--data", str(data), "crawl", "s")
    finally:
        server.stop()
    assert result.returncode == 1, result.stdout + result.stderr
    assert server.base_url + RELEASE in result.stdout, result.stdout
    assert 2 <= server.requested(RELEASE) <= tries  # Twisted itself retries a GET once on a reset
    assert not any(r["url"].endswith(RELEASE) for r in archived(data))
    assert_archive_sound(data)
    assert verify(data).returncode == 0


def test_server_dying_mid_crawl_is_a_failed_run_and_the_next_completes(tmp_path: Path) -> None:
    _, server = faulty_site(tmp_path, '\n[routes."/col/col4584/index.html"]\ndelay = 0.3\n')
    data = tmp_path / "data"
    config = site_config(tmp_path / "sites.toml", server.base_url + "/col/col4584/index.html", max_retries=1)
    try:
        threading.Timer(0.1, lambda: _go_down_after(server, 3)).start()
        result = run_gazette("--config", str(config), "--data", str(data), "crawl", "s")
        assert result.returncode == 1, result.stdout + result.stderr
        assert "ERROR (error: " in result.stdout and "Traceback" not in result.stderr
        partial = assert_archive_sound(data)
        server.down = False  # back up
        again = run_gazette("--config", str(config), "--data", str(data), "crawl", "s")
    finally:
        server.stop()
    assert again.returncode == 0, again.stdout + again.stderr
    complete = assert_archive_sound(data)
    assert len(complete) > len(partial) and len(complete) == 3
    assert verify(data).returncode == 0


def _go_down_after(server: SiteServer, count: int) -> None:
    """The site dies once it has answered `count` requests."""
    deadline = time.monotonic() + 60
    while len(server.requests) < count and time.monotonic() < deadline:
        time.sleep(0.005)
    server.down = True


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 8 MB tmpfs (needs root, as on CI; otherwise the test says why it cannot run)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Fill the disk, then give back `leave` bytes."""
    filler = disk / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


@pytest.mark.parametrize("free", [0, 96_000, 150_000, 200_000, 250_000] if LONG else [200_000])
def test_disk_full_fails_clearly_damages_nothing_and_the_next_run_completes(
    small_disk: Path, tmp_path: Path, free: int
) -> None:
    """The disk fills at different moments of a crawl: before it starts, in the WARC, the records,
    the catalog or the index."""
    epoint = SiteServer(SITES_DIR / "epoint").start()
    _, hanweb = faulty_site(tmp_path, "")
    config = tmp_path / "sites.toml"
    config.write_text(
        f'[sites.e]\ntitle = "甲"\nstart_urls = ["{epoint.base_url}/xw/001001/news_important.html"]\n'
        f'download_delay = 0\n[sites.h]\ntitle = "乙"\n'
        f'start_urls = ["{hanweb.base_url}/col/col4584/index.html"]\n'
        "download_delay = 0\nmax_retries = 0\n",
        "utf-8",
    )
    data = small_disk / "data"
    try:
        first = run_gazette("--config", str(config), "--data", str(data), "crawl", "e")
        assert first.returncode == 0, first.stdout + first.stderr
        kept = {p: p.read_bytes() for p in data.rglob("*") if p.is_file() and "releases" in p.parts}
        filler = fill(small_disk, free)
        full = run_gazette("--config", str(config), "--data", str(data), "crawl", "h")
        assert full.returncode == 1, full.stdout + full.stderr
        said = full.stdout + full.stderr
        assert "is full" in said or "No space left on device" in said
        assert "Traceback" not in full.stdout
        for path, content in kept.items():
            assert path.read_bytes() == content, f"{path} changed"
        assert_archive_sound(data)
        filler.unlink()
        again = run_gazette("--config", str(config), "--data", str(data), "crawl", "h")
        assert again.returncode == 0, again.stdout + again.stderr
        assert len([r for r in assert_archive_sound(data) if r["site"] == "h"]) == 3
        checked = verify(data)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    finally:
        epoint.stop()
        hanweb.stop()
