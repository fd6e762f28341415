"""The scheduler, the per-site lock, SIGTERM, and `gazette status`, run for real."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from datetime import datetime
from pathlib import Path

import pytest

from archive.record import schema_errors
from crawler.demo.server import SiteServer
from scheduler.locks import SiteLock
from tests.conftest import SITES_DIR, archived, gazette_command, run_gazette


def site_copy(tmp_path: Path, family: str, delay: float = 0.0) -> SiteServer:
    root = tmp_path / family
    shutil.copytree(SITES_DIR / family, root)
    if delay:
        routes = root / "_routes.toml"
        routes.write_text(f"delay = {delay}\n" + routes.read_text("utf-8"), "utf-8")
    return SiteServer(root).start()


def write_config(tmp_path: Path, sites: dict[str, tuple[str, str | None]]) -> Path:
    """name -> (start URL, schedule)."""
    lines = []
    for name, (start, schedule) in sites.items():
        lines += [f"[sites.{name}]", 'title = "示范"', f'start_urls = ["{start}"]', "download_delay = 0"]
        if schedule:
            lines.append(f'schedule = "{schedule}"')
    path = tmp_path / "sites.toml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def runs(data: Path, site: str) -> list[Path]:
    folder = data / "runs" / site
    return sorted(folder.glob("*.json")) if folder.exists() else []


def wait_for(condition, timeout: float = 40.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def start_scheduler(config: Path, data: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*gazette_command(), "--config", str(config), "--data", str(data), "schedule"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err


def test_jobs_fire_on_schedule_and_sigterm_stops_cleanly(tmp_path: Path) -> None:
    server = site_copy(tmp_path, "hanweb")
    data = tmp_path / "data"
    config = write_config(tmp_path, {"hw": (f"{server.base_url}/col/col4584/index.html", "*/3 * * * * *")})
    proc = start_scheduler(config, data)
    try:
        assert wait_for(lambda: len(runs(data, "hw")) >= 2), "the job did not fire twice"
    finally:
        code, err = stop(proc)
        server.stop()
    assert code == 0, err
    assert "scheduled 1 sites: hw" in err
    assert len(archived(data)) == 3
    assert run_gazette("--data", str(data), "verify").returncode == 0


def test_a_missed_run_is_caught_up_once(tmp_path: Path) -> None:
    server = site_copy(tmp_path, "hanweb")
    data = tmp_path / "data"
    minute = (datetime.now().minute + 30) % 60  # last due about 30 minutes ago, next in about 30
    config = write_config(
        tmp_path, {"hw": (f"{server.base_url}/col/col4584/index.html", f"{minute} * * * *")}
    )
    try:
        proc = start_scheduler(config, data)
        assert wait_for(lambda: len(runs(data, "hw")) == 1), "the missed run was not caught up"
        time.sleep(2)
        stop(proc)
        proc = start_scheduler(config, data)
        time.sleep(4)
        code, err = stop(proc)
    finally:
        server.stop()
    assert code == 0, err
    assert len(runs(data, "hw")) == 1, "caught up more than once"


def test_a_second_run_of_a_site_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    config = write_config(tmp_path, {"hw": ("http://127.0.0.1:9/list.html", None)})
    with SiteLock(data, "hw"):
        result = run_gazette("--config", str(config), "--data", str(data), "crawl", "hw")
    assert result.returncode == 1
    assert f"Error: site 'hw' is already being crawled (pid {os.getpid()})" in result.stderr


def test_a_stale_lock_is_taken_over(tmp_path: Path) -> None:
    server = site_copy(tmp_path, "hanweb")
    data = tmp_path / "data"
    dead = subprocess.run(["sh", "-c", "echo $$"], capture_output=True, text=True, check=True).stdout.strip()
    (data / "locks").mkdir(parents=True)
    (data / "locks" / "hw.lock").write_text(f"{dead}\n")
    config = write_config(tmp_path, {"hw": (f"{server.base_url}/col/col4584/index.html", None)})
    try:
        result = run_gazette("--config", str(config), "--data", str(data), "crawl", "hw")
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    assert f"took over the lock of hw left by pid {dead}" in result.stderr


def test_sigterm_during_a_crawl_leaves_no_partial_record(tmp_path: Path) -> None:
    server = site_copy(tmp_path, "epoint", delay=0.4)
    data = tmp_path / "data"
    config = write_config(tmp_path, {"hp": (f"{server.base_url}/xw/001001/news_important.html", None)})
    proc = subprocess.Popen(
        [*gazette_command(), "--config", str(config), "--data", str(data), "crawl", "hp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for(lambda: (data / "releases").exists() and any((data / "releases").rglob("*.json")))
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
        for path in (data / "releases").rglob("*"):
            assert not path.name.endswith(".tmp"), f"temporary file left: {path}"
        for record in archived(data):
            assert schema_errors(record) == []
        again = run_gazette("--config", str(config), "--data", str(data), "crawl", "hp")
    finally:
        server.stop()
    assert again.returncode == 0, again.stderr
    assert len(archived(data)) == 4
    assert run_gazette("--data", str(data), "verify").returncode == 0


@pytest.mark.parametrize("as_json", [False, True])
def test_status_flags_a_silent_layout_change_and_a_blocked_site(tmp_path: Path, as_json: bool) -> None:
    good, blocked = site_copy(tmp_path, "hanweb"), site_copy(tmp_path, "blocked")
    data = tmp_path / "data"
    config = write_config(
        tmp_path,
        {
            "hw": (f"{good.base_url}/col/col4584/index.html", None),
            "hp": (f"{blocked.base_url}/xw/001001/news_important.html", None),
        },
    )
    try:
        assert run_gazette("--config", str(config), "--data", str(data), "crawl", "hw").returncode == 0
        before = run_gazette("--config", str(config), "--data", str(data), "status")
        assert "hw: last run" in before.stdout and "WARNING" not in before.stdout.split("hp:")[0]
        (tmp_path / "hanweb" / "col/col4584/index.html").write_text(
            "<html><body><div class='new-layout'>改版后的栏目页</div></body></html>", "utf-8"
        )
        run_gazette("--config", str(config), "--data", str(data), "crawl", "hw", "hp")
        args = ["--json"] if as_json else []
        result = run_gazette("--config", str(config), "--data", str(data), "status", *args)
    finally:
        good.stop()
        blocked.stop()
    assert result.returncode == 1
    if as_json:
        states = {s["site"]: s for s in json.loads(result.stdout)}
        assert any("yielded no release links" in w for w in states["hw"]["warnings"])
        assert any(w.startswith("blocked (challenge)") for w in states["hp"]["warnings"])
        assert states["hp"]["failure_streak"] == 1
    else:
        assert "WARNING: list pages yielded no release links" in result.stdout
        assert "WARNING: blocked (challenge) on list page" in result.stdout


def test_sighup_reloads_sites_toml(tmp_path: Path) -> None:
    data = tmp_path / "data"
    far = "0 3 1 1 *"  # once a year: nothing fires during the test
    config = write_config(tmp_path, {"a": ("http://127.0.0.1:9/a.html", far)})
    log = tmp_path / "scheduler.log"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [*gazette_command(), "--config", str(config), "--data", str(data), "schedule"],
            stdout=subprocess.DEVNULL,
            stderr=err,
            text=True,
        )
        try:
            assert wait_for(lambda: "scheduled 1 sites: a" in log.read_text())
            write_config(
                tmp_path, {"a": ("http://127.0.0.1:9/a.html", far), "b": ("http://127.0.0.1:9/b.html", far)}
            )
            proc.send_signal(signal.SIGHUP)
            assert wait_for(lambda: "scheduled 2 sites: a, b" in log.read_text())
            config.write_text("[sites.a]\ncolour = 1\n", "utf-8")  # a broken edit keeps the old schedule
            proc.send_signal(signal.SIGHUP)
            assert wait_for(lambda: "sites.toml not reloaded" in log.read_text())
            assert proc.poll() is None
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    assert proc.returncode == 0
