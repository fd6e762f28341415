"""Per-run WARC files holding every response a crawl fetched, byte for byte.

Each response is written (and flushed) before its record is archived, so no record ever points
at a capture that is not on disk.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# the downloader already de-chunked the body; keep the header for the record under another name
HOP_HEADERS = {"transfer-encoding"}


class WarcRun:
    """One WARC file for one crawl run of one site."""

    def __init__(self, data: Path, site: str, software: str) -> None:
        now = datetime.now(UTC)
        folder = data / "warc" / now.strftime("%Y") / now.strftime("%m")
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{site}-{now.strftime('%Y%m%dT%H%M%SZ')}-{os.getpid()}.warc.gz"
        self.path = folder / name
        self.relpath = self.path.relative_to(data).as_posix()
        self._file: BinaryIO = open(self.path, "ab")  # noqa: SIM115 - kept open for the run
        self._writer = WARCWriter(self._file, gzip=True)
        info = self._writer.create_warcinfo_record(name, {"software": software, "format": "WARC/1.1"})
        self._write(info)

    def _write(self, record) -> None:  # type: ignore[no-untyped-def]
        self._writer.write_record(record)
        self._file.flush()

    def write_exchange(
        self,
        url: str,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        request_headers: list[tuple[str, str]],
        method: str = "GET",
    ) -> tuple[str, str]:
        """Write a response (and its request); returns (WARC-Record-ID, payload sha256)."""
        kept = [(k, v) if k.lower() not in HOP_HEADERS else (f"X-Archive-Orig-{k}", v) for k, v in headers]
        http = StatusAndHeaders(f"{status} {_reason(status)}", kept, protocol="HTTP/1.1")
        response = self._writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http)
        self._write(response)
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        req_http = StatusAndHeaders(f"{method} /{path} HTTP/1.1", request_headers, is_http_request=True)
        request = self._writer.create_warc_record(url, "request", http_headers=req_http)
        request.rec_headers.add_header("WARC-Concurrent-To", record_id)
        self._write(request)
        return record_id, hashlib.sha256(body).hexdigest()

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
