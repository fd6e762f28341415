"""A static HTTP server for fixture and demo sites, on 127.0.0.1 and a free port.

A site is a folder of files keyed by the URL path they imitate, plus an optional `_routes.toml`
that gives some paths a status, a file, a content type, headers, a delay or a fault (an error
status, a reset connection or a truncated body, the first `fault_times` times). Every request is logged so
tests can assert what was (and was not) fetched.
"""

from __future__ import annotations

import hashlib
import socket
import threading
import time
import tomllib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "text/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
    ".jsp": "text/xml; charset=utf-8",
}
NOT_FOUND_PAGE = b"<html><head><title>404</title></head><body><h1>404 Not Found</h1></body></html>"


@dataclass
class SiteFiles:
    """A fixture site on disk and its routing table."""

    root: Path
    routes: dict[str, dict[str, Any]] = field(default_factory=dict)
    default_content_type: str | None = None
    delay: float = 0.0  # seconds before every answer: a slow site

    @classmethod
    def load(cls, root: Path) -> SiteFiles:
        table: dict[str, Any] = {}
        if (root / "_routes.toml").exists():
            table = tomllib.loads((root / "_routes.toml").read_text("utf-8"))
        return cls(root, table.get("routes", {}), table.get("default_content_type"), table.get("delay", 0.0))

    def resolve(self, target: str) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) for a request target (path and query)."""
        path = urlsplit(target).path
        route = self.routes.get(target) or self.routes.get(path) or {}
        name = route.get("file") or unquote(path).lstrip("/")
        if not name or name.endswith("/"):
            name += "index.html"
        file = (self.root / name).resolve()
        inside = file.is_relative_to(self.root.resolve())
        status = route.get("status", 200)
        if not inside or not file.is_file() or file.name.startswith("_routes"):
            return route.get("status", 404), {"Content-Type": "text/html"}, NOT_FOUND_PAGE
        ctype = (
            route.get("content_type")
            or self.default_content_type
            or CONTENT_TYPES.get(file.suffix, "application/octet-stream")
        )
        headers = {"Content-Type": ctype, **route.get("headers", {})}
        return status, headers, file.read_bytes()


class SiteServer:
    """Serve one SiteFiles on 127.0.0.1:<free port> in a background thread."""

    def __init__(self, root: Path, port: int = 0) -> None:
        self.files = SiteFiles.load(root)
        self.requests: list[str] = []
        self.down = False  # set to make the site drop every connection, as a dead server does
        self.times: list[float] = []  # time.monotonic() of each request, in step with `requests`
        self.user_agents: list[str] = []
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def files_now(self) -> SiteFiles:
        """The site as it is on disk now: tests edit pages and routes between crawls."""
        return SiteFiles.load(self.files.root)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with server._lock:
                    server.requests.append(self.path)
                    server.times.append(time.monotonic())
                    server.user_agents.append(self.headers.get("User-Agent", ""))
                    seen = server.requests.count(self.path)
                if server.down:  # the site has died: every connection is dropped
                    self.fault("reset", {}, b"")
                    return
                files = server.files_now()
                route = files.routes.get(self.path) or files.routes.get(urlsplit(self.path).path) or {}
                delay = route.get("delay", files.delay)
                if delay:
                    time.sleep(delay)
                status, headers, body = files.resolve(self.path)
                if seen == 1 and "first_status" in route:  # e.g. a 429 the first time only
                    status, headers, body = route["first_status"], route.get("first_headers", {}), b""
                fault = route.get("fault") if seen <= route.get("fault_times", 1_000_000) else None
                if isinstance(fault, int):  # an error status, e.g. 500 the first two times
                    status, body = fault, NOT_FOUND_PAGE.replace(b"404 Not Found", str(fault).encode())
                elif fault:
                    self.fault(fault, headers, body)
                    return
                if status == 200:  # validators and conditional requests, as nginx and most CMSs do
                    headers = {**headers, "ETag": '"' + hashlib.sha1(body).hexdigest()[:16] + '"'}
                    if self.headers.get("If-None-Match") == headers["ETag"]:
                        status, body = 304, b""
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def fault(self, kind: str, headers: dict[str, str], body: bytes) -> None:
                """A broken answer: `reset` (connection closed, no answer) or `truncate` (half
                the body after a Content-Length promising all of it)."""
                if kind == "truncate":
                    self.send_response(200)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def start(self) -> SiteServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def requested(self, path: str) -> int:
        """How many times a path (with or without its query) was requested."""
        with self._lock:
            return sum(1 for r in self.requests if r == path or urlsplit(r).path == path)

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
