"""The `gazette` command: thin wrappers that turn library errors into one `Error:` line."""

from __future__ import annotations

import functools
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from archive.record import RecordError
from archive.store import ArchiveError, ArchiveStore, data_dir
from crawler.sites import SCRIPTS, ConfigError, config_path, get_site, load_sites
from scheduler.crawl import CrawlError, run_crawl
from scheduler.render import crawl_summary, extracted_text, release_text

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
        except (ArchiveError, CrawlError, RecordError, OSError) as exc:
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
@click.pass_obj
@friendly_errors
def crawl(obj: dict[str, Any], sites: tuple[str, ...], all_sites: bool, verbose: bool) -> None:
    """Crawl SITES (or --all) and archive their releases."""
    configured = load_sites(obj["config"])
    if all_sites == bool(sites):
        raise click.UsageError("name one or more sites, or give --all")
    names = sorted(configured) if all_sites else list(sites)
    for name in names:
        if name not in configured:
            raise ConfigError(f"unknown site {name!r} (configured: {', '.join(sorted(configured))})")
    failed = []
    for name in names:
        result = run_crawl(name, obj["data"], obj["config"], log_level="INFO" if verbose else "WARNING")
        click.echo("\n".join(crawl_summary(result.report)))
        if not result.ok:
            failed.append(name)
    if failed:
        click.echo(f"Error: crawl failed for {', '.join(failed)}", err=True)
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
    """Print an archived release."""
    store = ArchiveStore(obj["data"])
    try:
        record = store.load(release_id)
    finally:
        store.close()
    click.echo(
        json.dumps(record, ensure_ascii=False, indent=2) if as_json else release_text(record), nl=as_json
    )


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
@click.pass_obj
@friendly_errors
def reindex(obj: dict[str, Any]) -> None:
    """Rebuild the derived indexes from the JSON records."""
    store = ArchiveStore(obj["data"])
    try:
        count = store.rebuild_catalog()
    finally:
        store.close()
    click.echo(f"reindexed {count} releases in {obj['data']}")


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


def main() -> None:
    cli(prog_name="gazette")


if __name__ == "__main__":
    main()
