"""One lock per site, at the operating-system level, shared by cron runs and the scheduler.

`flock` locks die with their holders, so a lock left by a killed process is free again at once;
the pid written in the file only lets us say whose lock it is (or was).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class SiteBusy(RuntimeError):
    """Another process is crawling this site."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SiteLock:
    """Hold while a site is crawled; pass `fd` to the crawl child so the lock outlives a dead parent."""

    def __init__(self, data: Path, site: str) -> None:
        self.path = Path(data) / "locks" / f"{site}.lock"
        self.site = site
        self.fd: int | None = None
        self.took_over_from: int | None = None

    def acquire(self) -> SiteLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise SiteBusy(
                f"site {self.site!r} is already being crawled (pid {holder or '?'}); "
                "this run exits without crawling"
            ) from None
        previous = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        if previous.isdigit() and int(previous) != os.getpid() and not _alive(int(previous)):
            self.took_over_from = int(previous)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> SiteLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
