"""The `gazette` command: thin wrappers that turn library errors into one `Error:` line."""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from archive.index import SearchIndexError
from archive.query import QueryError
from archive.record import RecordError
from archive.search import MAX_LIMIT, SORTS
from archive.store import ArchiveError, ArchiveStore, data_dir
from crawler.sites import SCRIPTS, ConfigError, config_path, get_site, load_sites
from scheduler.crawl import CrawlError, CrawlOptions, low_disk_note, run_crawl, stop_running
from scheduler.locks import SiteBusy
from scheduler.render import crawl_summary, extracted_text, release_text, search_csv, search_text, verify_text

EXIT_FAILED, EXIT_USAGE = 1, 2


def friendly_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Library exceptions become `Error: …` and exit 1 (2 for bad configuration)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except QueryError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except (ArchiveError, CrawlError, RecordError, SearchIndexError, OSError) as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_FAILED)

    return wrapper


@click.group()
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    envvar="GAZETTE_CONFIG",
    help="sites.toml to use (default: the bundled one).",
)
@click.option(
    "--data",
    type=click.Path(file_okay=False),
    envvar="GAZETTE_DATA",
    help="Archive directory (default: ./gazette-data).",
)
@click.version_option(package_name="gazette")
@click.pass_context
def cli(ctx: click.Context, config: str | None, data: str | None) -> None:
    """Gazette: archive district-government announcements."""
    ctx.obj = {"config": config_path(config), "data": data_dir(data)}


@cli.command()
@click.argument("sites", nargs=-1)
@click.option("--all", "all_sites", is_flag=True, help="Crawl every configured site.")
@click.option("-v", "--verbose", is_flag=True, help="Show the crawler's log.")
@click.option("--recheck", is_flag=True, help="Fetch every archived release of the sites again now.")
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="Walk list pages back to this date (catch-up)."
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when every site is fine (for cron).")
@click.pass_obj
@friendly_errors
def crawl(
    obj: dict[str, Any],
    sites: tuple[str, ...],
    all_sites: bool,
    verbose: bool,
    recheck: bool,
    since: Any,
    quiet: bool,
) -> None:
    """Crawl SITES (or --all) and archive their releases."""
    configured = load_sites(obj["config"])
    if all_sites == bool(sites):
        raise click.UsageError("name one or more sites, or give --all")
    names = sorted(configured) if all_sites else list(sites)
    for name in names:
        if name not in configured:
            raise ConfigError(f"unknown site {name!r} (configured: {', '.join(sorted(configured))})")
    failed = []
    signal.signal(signal.SIGTERM, lambda *_: stop_running())  # let the crawl finish its pages in flight
    for name in names:
        options = CrawlOptions(
            recheck=recheck,
            since=since.date().isoformat() if since else None,
            log_level="INFO" if verbose else "WARNING",
        )
        try:
            result = run_crawl(name, obj["data"], obj["config"], options)
        except SiteBusy as exc:
            click.echo(f"Error: {exc}", err=True)
            failed.append(name)
            continue
        if not quiet or not result.ok:
            click.echo("\n".join(crawl_summary(result.report)), err=quiet)
        if not result.ok:
            failed.append(name)
    if failed:
        click.echo(f"Error: crawl failed for {', '.join(failed)}{low_disk_note(obj['data'])}", err=True)
        sys.exit(EXIT_FAILED)


@cli.command()
@click.pass_obj
@friendly_errors
def sites(obj: dict[str, Any]) -> None:
    """List the configured sites."""
    for name, site in sorted(load_sites(obj["config"]).items()):
        click.echo(f"{name}\t{site.title}\t{site.schedule or '-'}\t{' '.join(site.start_urls)}")


@cli.command()
@click.argument("release_id")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON record.")
@click.pass_obj
@friendly_errors
def show(obj: dict[str, Any], release_id: str, as_json: bool) -> None:
    """Print an archived release, its other copies and what happened to it."""
    from archive.events import also_at, read_events

    store = ArchiveStore(obj["data"])
    try:
        record = store.load(release_id)
    finally:
        store.close()
    events = read_events(obj["data"], release_id)
    if as_json:
        click.echo(
            json.dumps({**record, "also_at": also_at(events), "events": events}, ensure_ascii=False, indent=2)
        )
    else:
        click.echo(release_text(record, events), nl=False)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--url", required=True, help="The URL the page was saved from.")
@click.option("--site", "site_name", help="Use this configured site's selectors, charset and script.")
@click.option("--json", "as_json", is_flag=True, help="Print the fields as JSON.")
@click.pass_obj
@friendly_errors
def extract(obj: dict[str, Any], file: str, url: str, site_name: str | None, as_json: bool) -> None:
    """Run extraction and cleaning on one saved page and show what would be archived."""
    from crawler.fields import release_fields

    site = get_site(site_name, obj["config"]) if site_name else None
    fields = {"url": url, **release_fields(Path(file).read_bytes(), url, site=site)}
    if as_json:
        click.echo(json.dumps(fields, ensure_ascii=False, indent=2))
    else:
        click.echo(extracted_text(fields), nl=False)


@cli.command()
@click.argument("file", type=click.File("r", encoding="utf-8", errors="surrogateescape"), default="-")
@click.option(
    "--script",
    type=click.Choice(SCRIPTS),
    default="simplified",
    show_default=True,
    help="The site's script: traditional text is converted only for simplified sites.",
)
@friendly_errors
def clean(file: Any, script: str) -> None:
    """Clean a text (FILE or - for stdin): cleaned text on stdout, the repairs on stderr."""
    from crawler.clean import clean_text

    result = clean_text(file.read().split("\n"), script=script)
    click.echo("\n".join(result.paragraphs))
    for repair in result.repairs:
        click.echo(f"repair: {repair['step']} x{repair['count']}", err=True)
    for flag in result.flags:
        click.echo(f"flag: {flag}", err=True)


@cli.command()
@click.argument("release_id")
@click.option(
    "--diff", "between", nargs=2, type=int, metavar="A B", help="Show what changed from version A to B."
)
@click.pass_obj
@friendly_errors
def history(obj: dict[str, Any], release_id: str, between: tuple[int, int] | None) -> None:
    """List the versions of a release, or diff two of them."""
    from archive.events import read_events
    from archive.history import diff, pick, versions

    store = ArchiveStore(obj["data"])
    try:
        found = versions(store, release_id)
    finally:
        store.close()
    if between:
        old, new = pick(found, between[0]), pick(found, between[1])
        click.echo("\n".join(diff(old, new)) or "no differences")
        return
    for record in found:
        click.echo(f"version {record.get('version', 1)}  fetched {record['fetched_at']}  {record['title']}")
    for event in read_events(obj["data"], release_id):
        click.echo(f"{event['type']}  {event['at']}  {event.get('reason') or event.get('url', '')}")


@cli.command()
@click.option("--site", help="Only this site.")
@click.pass_obj
@friendly_errors
def withdrawn(obj: dict[str, Any], site: str | None) -> None:
    """List releases that were withdrawn from their sites (their records stay archived)."""
    from archive.events import withdrawn_ids

    store = ArchiveStore(obj["data"])
    try:
        rows = [(store.catalog.get(i), event) for i, event in withdrawn_ids(obj["data"])]
    finally:
        store.close()
    shown = [(row, event) for row, event in rows if row and (not site or row["site"] == site)]
    for row, event in shown:
        status = f" (HTTP {event['status']})" if event.get("status") else ""
        click.echo(f"{event['at'][:10]}  [{row['site']}]  {row['id']}  {row['title']}")
        click.echo(f"  {event['reason']}{status}: {event['url']}")
    click.echo(f"{len(shown)} withdrawn releases")


@cli.command()
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    default=1,
    show_default=True,
    help="Processes that read and tokenise records (worth it with more than 2 cores).",
)
@click.pass_obj
@friendly_errors
def reindex(obj: dict[str, Any], workers: int) -> None:
    """Rebuild the catalog and the search index from the JSON records."""
    from archive.indexer import rebuild

    store = ArchiveStore(obj["data"])
    try:
        count = rebuild(store, workers=workers)
    finally:
        store.close()
    click.echo(f"reindexed {count} releases in {obj['data']}")


@cli.command()
@click.argument("query", default="")
@click.option("--site", help="Only this site.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Published on or before (YYYY-MM-DD).")
@click.option("--source", help="Source department contains this text.")
@click.option("--doc-number", help="Document number (发文字号) contains this text.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
@click.pass_obj
@friendly_errors
def search(
    obj: dict[str, Any],
    query: str,
    site: str | None,
    since: Any,
    until: Any,
    source: str | None,
    doc_number: str | None,
    sort: str,
    limit: int,
    offset: int,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Search the archive: words (AND), "phrases", -exclusions, OR.

    A query that starts with "-" goes after "--": gazette search -- -防汛 河长
    """
    from archive.search import Filters
    from archive.search import search as run_search

    filters = Filters(
        site=site,
        since=since.date() if since else None,
        until=until.date() if until else None,
        source=source,
        doc_number=doc_number,
    )
    result = run_search(obj["data"], query, filters, sort=sort, limit=limit, offset=offset)
    if as_json:
        for hit in result.hits:
            click.echo(json.dumps(hit.as_json(), ensure_ascii=False))
    elif as_csv:
        click.echo(search_csv(result.hits), nl=False)
    else:
        click.echo(search_text(result, offset))


@cli.command()
@click.pass_obj
@friendly_errors
def verify(obj: dict[str, Any]) -> None:
    """Check every record against the schema and the search index against the records."""
    from archive.verify import verify as run_verify

    report = run_verify(obj["data"])
    click.echo("\n".join(verify_text(report)))
    if not report.ok:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.option(
    "--data",
    "demo_data",
    type=click.Path(file_okay=False),
    help="Archive directory for the demo (default: a new temporary one).",
)
@friendly_errors
def demo(demo_data: str | None) -> None:
    """Serve the bundled demo district site on 127.0.0.1, crawl it, show where the records are."""
    from scheduler.demo import run_demo

    target = Path(demo_data) if demo_data else Path(tempfile.mkdtemp(prefix="gazette-demo-"))
    result, records = run_demo(target)
    click.echo("\n".join(crawl_summary(result.report)))
    click.echo(f"\narchived {len(records)} releases under {target / 'releases'}:")
    for path in records:
        click.echo(f"  {path.relative_to(target)}")
    click.echo(f"\ntry: gazette --data {target} show {records[0].stem if records else 'ID'}")
    if not result.ok:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.option(
    "--workers",
    type=click.IntRange(1, 16),
    default=2,
    show_default=True,
    help="Sites crawled at the same time.",
)
@click.option(
    "--time-limit",
    type=click.IntRange(60),
    default=6 * 3600,
    show_default=True,
    help="Seconds a crawl may take before it is stopped.",
)
@click.pass_obj
@friendly_errors
def schedule(obj: dict[str, Any], workers: int, time_limit: int) -> None:
    """Run every site's crawl on its `schedule` until SIGTERM/SIGINT (SIGHUP reloads sites.toml)."""
    from scheduler.jobs import GazetteScheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    GazetteScheduler(obj["config"], obj["data"], workers=workers, time_limit=time_limit).run()


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable, for monitoring.")
@click.pass_obj
@friendly_errors
def status(obj: dict[str, Any], as_json: bool) -> None:
    """Per site: last run and outcome, last new release, failure streak, warnings.
    Exits 1 when any site needs attention."""
    from scheduler.status import site_status

    states = [site_status(site, obj["data"]) for _, site in sorted(load_sites(obj["config"]).items())]
    if as_json:
        click.echo(json.dumps([s.as_json() for s in states], ensure_ascii=False, indent=2))
    else:
        for state in states:
            click.echo(
                f"{state.site}: last run {state.last_run or 'never'} ({state.last_outcome or '-'}), "
                f"last new release {state.last_new_release or 'never'}, failure streak {state.failure_streak}"
            )
            click.echo("".join(f"  WARNING: {w}\n" for w in state.warnings), nl=False)
    if any(state.warnings for state in states):
        sys.exit(EXIT_FAILED)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.pass_obj
@friendly_errors
def serve(obj: dict[str, Any], host: str, port: int) -> None:
    """Serve a read-only web page for searching and reading the archive."""
    from waitress import create_server

    from archive.web import create_app

    server = create_server(create_app(obj["data"], obj["config"]), host=host, port=port, threads=8)
    click.echo(f"serving {obj['data']} on http://{host}:{server.effective_port}/ (Ctrl-C stops)")
    with contextlib.suppress(KeyboardInterrupt):
        server.run()


def main() -> None:
    cli(prog_name="gazette")


if __name__ == "__main__":
    main()
