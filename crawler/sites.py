"""Site registry: the `sites.toml` model, its loader and its validation.

Every mistake in the file is reported at load time with the site and the key, so an operator
finds out when editing the file, not weeks later when a scheduled crawl silently does nothing.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cssselect import GenericTranslator, SelectorError

BUNDLED_CONFIG = Path(__file__).with_name("sites.toml")
CONFIG_ENV = "GAZETTE_CONFIG"
SITE_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
SCRIPTS = ("simplified", "traditional")
DEFAULT_TIMEZONE = "Asia/Shanghai"


class ConfigError(ValueError):
    """A sites.toml that cannot be used; the message names the file, site and key."""


@dataclass(frozen=True)
class SiteConfig:
    """One site to crawl. Only `title` and `start_urls` are required."""

    name: str
    title: str
    start_urls: tuple[str, ...]
    schedule: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    allowed_domains: tuple[str, ...] = ()
    release_url_pattern: str | None = None
    list_selector: str | None = None
    next_page_selector: str | None = None
    title_selector: str | None = None
    body_selector: str | None = None
    charset: str | None = None
    max_list_pages: int = 20
    download_delay: float = 1.0
    concurrent_requests: int = 2
    download_timeout: float = 30.0
    max_retries: int = 2
    script: str = "simplified"
    recheck_after: tuple[float, ...] = (3600.0, 86400.0, 7 * 86400.0, 30 * 86400.0)
    frontier_pages: int = 0
    alert_after_days: int = 14

    @property
    def domains(self) -> tuple[str, ...]:
        """Domains the crawl may visit: configured, else the hosts of the start URLs."""
        if self.allowed_domains:
            return self.allowed_domains
        hosts = {urlsplit(url).hostname or "" for url in self.start_urls}
        return tuple(sorted(h for h in hosts if h))


def _check_str(site: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"site {site!r}: {key!r} must be a non-empty string, got {value!r}")
    return value


def _check_url(site: str, key: str, value: Any) -> str:
    url = _check_str(site, key, value)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"site {site!r}: {key!r} has a bad URL {url!r} (need http:// or https://)")
    return url


def _check_url_list(site: str, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ConfigError(f"site {site!r}: {key!r} must be a non-empty list of URLs")
    return tuple(_check_url(site, key, v) for v in value)


def _check_domains(site: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"site {site!r}: {key!r} must be a list of domain names, got {value!r}")
    for domain in value:
        if "/" in domain or ":" in domain:
            raise ConfigError(f"site {site!r}: {key!r} has {domain!r}; give a bare domain name")
    return tuple(d.lower() for d in value)


def _check_regex(site: str, key: str, value: Any) -> str:
    pattern = _check_str(site, key, value)
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"site {site!r}: {key!r} is not a valid regex {pattern!r}: {exc}") from exc
    return pattern


def _check_css(site: str, key: str, value: Any) -> str:
    selector = _check_str(site, key, value)
    try:
        GenericTranslator().css_to_xpath(selector)
    except SelectorError as exc:
        raise ConfigError(f"site {site!r}: {key!r} is not a valid CSS selector {selector!r}") from exc
    return selector


def _check_charset(site: str, key: str, value: Any) -> str:
    name = _check_str(site, key, value)
    try:
        "".encode(name)
    except LookupError as exc:
        raise ConfigError(f"site {site!r}: {key!r} names an unknown charset {name!r}") from exc
    return name


def _check_cron(site: str, key: str, value: Any) -> str:
    """Five crontab fields, or six with seconds first; weekdays by name (see below)."""
    from apscheduler.triggers.cron import CronTrigger

    expr = _check_str(site, key, value)
    fields = expr.split()
    if len(fields) not in (5, 6):
        raise ConfigError(f"site {site!r}: {key!r} must have 5 cron fields, got {expr!r}")
    # APScheduler 3 numbers weekdays from Monday=0, crontab from Sunday=0: refuse the ambiguity.
    if re.search(r"\d", fields[-1]):
        raise ConfigError(
            f"site {site!r}: {key!r} uses a numeric weekday in {expr!r}; write day names (mon-fri)"
        )
    try:
        if len(fields) == 6:
            names = ("second", "minute", "hour", "day", "month", "day_of_week")
            CronTrigger(**dict(zip(names, fields, strict=True)), timezone=DEFAULT_TIMEZONE)
        else:
            CronTrigger.from_crontab(expr, timezone=DEFAULT_TIMEZONE)
    except ValueError as exc:
        raise ConfigError(f"site {site!r}: {key!r} is not a valid cron expression {expr!r}: {exc}") from exc
    return expr


def _check_timezone(site: str, key: str, value: Any) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = _check_str(site, key, value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"site {site!r}: {key!r} names an unknown time zone {name!r}") from exc
    return name


def _check_positive_int(site: str, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"site {site!r}: {key!r} must be a whole number >= 1, got {value!r}")
    return value


def _check_delay(site: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 600:
        raise ConfigError(f"site {site!r}: {key!r} must be seconds between 0 and 600, got {value!r}")
    return float(value)


def _check_timeout(site: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 600:
        raise ConfigError(f"site {site!r}: {key!r} must be seconds between 1 and 600, got {value!r}")
    return float(value)


DURATION_RE = re.compile(r"^(?P<n>\d+(?:\.\d+)?)(?P<unit>[smhdw])$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration(text: str) -> float:
    """'90s', '15m', '1h', '1d', '2w' → seconds; ValueError otherwise."""
    match = DURATION_RE.match(text.strip())
    if not match:
        raise ValueError(f"not a duration: {text!r} (use 90s, 15m, 1h, 1d or 2w)")
    return float(match["n"]) * UNIT_SECONDS[match["unit"]]


def _check_durations(site: str, key: str, value: Any) -> tuple[float, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'site {site!r}: {key!r} must be a list of durations like ["1h", "1d"]')
    try:
        seconds = tuple(parse_duration(v) for v in value)
    except ValueError as exc:
        raise ConfigError(f"site {site!r}: {key!r}: {exc}") from exc
    if list(seconds) != sorted(seconds):
        raise ConfigError(f"site {site!r}: {key!r} must be in increasing order, got {value!r}")
    return seconds


def _check_count(site: str, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"site {site!r}: {key!r} must be a whole number >= 0, got {value!r}")
    return value


def _check_script(site: str, key: str, value: Any) -> str:
    if value not in SCRIPTS:
        raise ConfigError(f"site {site!r}: {key!r} must be one of {SCRIPTS}, got {value!r}")
    return value


CHECKS = {
    "title": _check_str,
    "start_urls": _check_url_list,
    "schedule": _check_cron,
    "timezone": _check_timezone,
    "allowed_domains": _check_domains,
    "release_url_pattern": _check_regex,
    "list_selector": _check_css,
    "next_page_selector": _check_css,
    "title_selector": _check_css,
    "body_selector": _check_css,
    "charset": _check_charset,
    "max_list_pages": _check_positive_int,
    "download_delay": _check_delay,
    "concurrent_requests": _check_positive_int,
    "download_timeout": _check_timeout,
    "max_retries": _check_count,
    "script": _check_script,
    "recheck_after": _check_durations,
    "frontier_pages": _check_count,
    "alert_after_days": _check_positive_int,
}
REQUIRED = ("title", "start_urls")


def parse_site(name: str, table: Any) -> SiteConfig:
    """Validate one `[sites.NAME]` table and build its SiteConfig."""
    if not SITE_NAME_RE.match(name):
        raise ConfigError(f"site {name!r}: name must be lowercase letters, digits, '-' or '_'")
    if not isinstance(table, dict):
        raise ConfigError(f"site {name!r}: must be a table ([sites.{name}]), got {table!r}")
    unknown = sorted(set(table) - set(CHECKS))
    if unknown:
        known = ", ".join(CHECKS)
        raise ConfigError(f"site {name!r}: unknown key {unknown[0]!r} (known keys: {known})")
    for key in REQUIRED:
        if key not in table:
            raise ConfigError(f"site {name!r}: missing required key {key!r}")
    values = {key: CHECKS[key](name, key, value) for key, value in table.items()}
    return SiteConfig(name=name, **values)


def parse_config(data: dict[str, Any], origin: str = "sites.toml") -> dict[str, SiteConfig]:
    """Validate a whole decoded config; the only top-level table is `sites`."""
    unknown = sorted(set(data) - {"sites"})
    if unknown:
        raise ConfigError(f"{origin}: unknown top-level key {unknown[0]!r} (expected [sites.NAME])")
    sites = data.get("sites")
    if not isinstance(sites, dict) or not sites:
        raise ConfigError(f"{origin}: no sites configured (add a [sites.NAME] table)")
    return {name: parse_site(name, table) for name, table in sites.items()}


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config file in force: explicit, then $GAZETTE_CONFIG, then the bundled one."""
    chosen = explicit or os.environ.get(CONFIG_ENV) or BUNDLED_CONFIG
    return Path(chosen)


def load_sites(path: str | os.PathLike[str] | None = None) -> dict[str, SiteConfig]:
    """Read and validate the config file in force."""
    file = config_path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read config {str(file)!r}: {exc.strerror}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config {str(file)!r} is not valid TOML: {exc}") from exc
    return parse_config(data, origin=str(file))


def get_site(name: str, path: str | os.PathLike[str] | None = None) -> SiteConfig:
    """One configured site by name, with the known names in the error when it is missing."""
    sites = load_sites(path)
    if name not in sites:
        raise ConfigError(f"unknown site {name!r} (configured: {', '.join(sorted(sites))})")
    return sites[name]
