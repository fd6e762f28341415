"""Crash-safe file writes: a reader sees the old file or the whole new one, never a part."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def _write_temp(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def write_new(path: Path, data: bytes) -> None:
    """Create `path` atomically; FileExistsError if it exists (archive files are never replaced)."""
    tmp = _write_temp(path, data)
    try:
        os.link(tmp, path)
    finally:
        os.unlink(tmp)


def replace(path: Path, data: bytes) -> None:
    """Atomically replace a derived file (run reports, caches): never for archive records."""
    tmp = _write_temp(path, data)
    os.replace(tmp, path)
