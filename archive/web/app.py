"""The web application: search page, release page, site overview and a JSON API.

Read-only: only GET routes exist. Everything that came from a crawled page is untrusted, so it
reaches HTML only through Jinja's autoescaping; ids are checked against their pattern before any
file is touched, so no path can leave DATA.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, jsonify, render_template, request
from markupsafe import Markup, escape
from werkzeug.routing import BaseConverter

from archive.events import also_at, read_events
from archive.history import diff, pick, versions
from archive.query import QueryError
from archive.search import MAX_LIMIT, SORTS, Filters, search
from archive.snippet import MARK_END, MARK_START
from archive.store import ArchiveError, ArchiveStore
from archive.web.overview import site_overview

logger = logging.getLogger(__name__)
PAGE_SIZE = 20
ID_PATTERN = "[0-9a-f]{16}"


class BadRequest(ValueError):
    """A request parameter that cannot be used; shown to the user as a message."""


def highlight(snippet: str) -> Markup:
    """Escape a snippet, then turn its «match» markers into <mark> elements."""
    safe = str(escape(snippet))
    return Markup(safe.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def _date(name: str) -> date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{name} must be a date like 2023-09-06, got {value!r}") from None


def _int(name: str, default: int, low: int, high: int) -> int:
    value = request.args.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    return int(value)


def search_params() -> tuple[str, Filters, str, int, int]:
    filters = Filters(
        site=request.args.get("site", "").strip() or None,
        since=_date("since"),
        until=_date("until"),
        source=request.args.get("source", "").strip() or None,
        doc_number=request.args.get("doc_number", "").strip() or None,
    )
    sort = request.args.get("sort", "relevance")
    if sort not in SORTS:
        raise BadRequest(f"sort must be one of {', '.join(SORTS)}, got {sort!r}")
    limit = _int("limit", PAGE_SIZE, 1, MAX_LIMIT)
    return request.args.get("q", ""), filters, sort, limit, _int("offset", 0, 0, 10_000_000)


class RegexConverter(BaseConverter):
    """<regex('...'):name> route parts: a release id must look like one before anything is read."""

    def __init__(self, url_map: Any, *items: str) -> None:
        super().__init__(url_map)
        self.regex = items[0]


def create_app(data: Path, config: Path | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(DATA=Path(data), SITES_CONFIG=config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.jinja_env.filters["highlight"] = highlight
    app.url_map.converters["regex"] = RegexConverter

    def store() -> ArchiveStore:
        return ArchiveStore(app.config["DATA"])

    @app.errorhandler(BadRequest)
    @app.errorhandler(QueryError)
    def bad_request(exc: Exception) -> tuple[str, int]:
        return render_template("message.html", title="请求有误 Bad request", message=str(exc)), 400

    @app.errorhandler(404)
    def not_found(exc: Exception) -> tuple[str, int]:
        return render_template(
            "message.html", title="未找到 Not found", message="No such page or release."
        ), 404

    @app.errorhandler(405)
    def read_only(exc: Exception) -> tuple[str, int]:
        return render_template(
            "message.html", title="只读 Read-only", message="This archive is read-only."
        ), 405

    @app.errorhandler(Exception)
    def failure(exc: Exception) -> tuple[str, int]:
        logger.exception("request failed: %s", request.path)
        return render_template(
            "message.html",
            title="出错了 Error",
            message="Something went wrong; the error is in the server log.",
        ), 500

    @app.get("/")
    def index() -> str:
        query, filters, sort, limit, offset = search_params()
        result = None
        if query.strip() or any(vars(filters).values()):
            result = search(app.config["DATA"], query, filters, sort=sort, limit=limit, offset=offset)
        args = request.args.to_dict()
        return render_template(
            "search.html",
            result=result,
            args=args,
            sorts=SORTS,
            limit=limit,
            offset=offset,
            sites=site_overview(app.config["DATA"], app.config["SITES_CONFIG"]),
        )

    @app.get("/api/search")
    def api_search() -> Response:
        query, filters, sort, limit, offset = search_params()
        try:
            result = search(app.config["DATA"], query, filters, sort=sort, limit=limit, offset=offset)
        except QueryError as exc:
            return Response(jsonify(error=str(exc)).get_data(), status=400, mimetype="application/json")
        return jsonify(total=result.total, hits=[hit.as_json() for hit in result.hits])

    @app.get(f"/release/<regex('{ID_PATTERN}'):release_id>")
    def release(release_id: str) -> str:
        archive = store()
        try:
            record = archive.load(release_id)
            found = versions(archive, release_id)
        except ArchiveError:
            abort(404)
        finally:
            archive.close()
        events = read_events(app.config["DATA"], release_id)
        return render_template(
            "release.html", r=record, versions=found, events=events, also_at=also_at(events)
        )

    @app.get(f"/release/<regex('{ID_PATTERN}'):release_id>.json")
    def release_json(release_id: str) -> Response:
        archive = store()
        try:
            record = archive.load(release_id)
        except ArchiveError:
            abort(404)
        finally:
            archive.close()
        response = jsonify(record)
        response.headers["Content-Disposition"] = f'attachment; filename="{release_id}.json"'
        return response

    @app.get(f"/release/<regex('{ID_PATTERN}'):release_id>/diff")
    def release_diff(release_id: str) -> str:
        archive = store()
        try:
            found = versions(archive, release_id)
            old = pick(found, _int("a", 1, 1, 10_000))
            new = pick(found, _int("b", len(found), 1, 10_000))
        except ArchiveError as exc:
            raise BadRequest(str(exc)) from None
        finally:
            archive.close()
        return render_template("diff.html", r=new, old=old, new=new, lines=diff(old, new))

    @app.get("/sites")
    def sites() -> str:
        return render_template(
            "sites.html", sites=site_overview(app.config["DATA"], app.config["SITES_CONFIG"])
        )

    return app
