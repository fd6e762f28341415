"""sites.toml: every mistake is one clear line naming the site and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.sites import ConfigError, load_sites
from tests.conftest import run_gazette

GOOD = '[sites.a]\ntitle = "甲区"\nstart_urls = ["https://www.a.gov.cn/list.html"]\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('colour = "red"\n', "site 'a': unknown key 'colour'"),
        ('schedule = "every day"\n', "site 'a': 'schedule' must have 5 cron fields"),
        ('schedule = "0 99 * * *"\n', "site 'a': 'schedule' is not a valid cron expression"),
        ('schedule = "0 2 * * 0"\n', "site 'a': 'schedule' uses a numeric weekday"),
        ('release_url_pattern = "([a-"\n', "site 'a': 'release_url_pattern' is not a valid regex"),
        ('list_selector = "ul[[["\n', "site 'a': 'list_selector' is not a valid CSS selector"),
        ('charset = "klingon"\n', "site 'a': 'charset' names an unknown charset"),
        ("max_list_pages = 0\n", "site 'a': 'max_list_pages' must be a whole number >= 1"),
        ('timezone = "Mars/Olympus"\n', "site 'a': 'timezone' names an unknown time zone"),
        ('allowed_domains = ["https://x.gov.cn/"]\n', "site 'a': 'allowed_domains' has"),
        ('script = "cyrillic"\n', "site 'a': 'script' must be one of"),
    ],
)
def test_bad_keys_are_rejected_with_site_and_key(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_sites(write(tmp_path, GOOD + extra))
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[sites.b]\ntitle = "乙区"\n', "site 'b': missing required key 'start_urls'"),
        (
            '[sites.b]\ntitle = "乙区"\nstart_urls = ["ftp://b.gov.cn/"]\n',
            "site 'b': 'start_urls' has a bad URL",
        ),
        ('[sites.b]\ntitle = "乙区"\nstart_urls = []\n', "site 'b': 'start_urls' must be a non-empty list"),
        (
            '[sites.B]\ntitle = "乙区"\nstart_urls = ["https://b.gov.cn/"]\n',
            "site 'B': name must be lowercase",
        ),
        ("[sites]\n", "no sites configured"),
        ('[site.b]\ntitle = "x"\n', "unknown top-level key 'site'"),
        ("[sites.b\n", "is not valid TOML"),
    ],
)
def test_bad_shapes_are_rejected(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_sites(write(tmp_path, text))
    assert message in str(caught.value)


def test_optional_keys_override_detection(tmp_path: Path) -> None:
    site = load_sites(write(tmp_path, GOOD + 'allowed_domains = ["a.gov.cn"]\nschedule = "0 2 * * sun"\n'))[
        "a"
    ]
    assert site.domains == ("a.gov.cn",)
    assert site.schedule == "0 2 * * sun"
    assert load_sites(write(tmp_path, GOOD))["a"].domains == ("www.a.gov.cn",)


def test_bundled_registry_has_the_16_shanghai_districts() -> None:
    sites = load_sites()
    assert len(sites) == 16
    assert sites["huangpu"].start_urls == ("https://www.shhuangpu.gov.cn/xw/001001/news_important.html",)
    assert sites["baoshan"].domains == ("www.shbsq.gov.cn",)
    assert all(site.schedule for site in sites.values())


def test_cli_reports_bad_config_in_one_line(tmp_path: Path) -> None:
    result = run_gazette("--config", str(write(tmp_path, GOOD + "colour = 1\n")), "sites")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        result.stderr.strip().splitlines()[0]
    ] and result.stderr.startswith("Error: site 'a': unknown key 'colour'")
    assert "Traceback" not in result.stderr


def test_cli_lists_sites(tmp_path: Path) -> None:
    result = run_gazette("--config", str(write(tmp_path, GOOD)), "sites")
    assert result.returncode == 0
    assert result.stdout.startswith("a\t甲区\t")


def test_cli_rejects_unknown_site(tmp_path: Path) -> None:
    result = run_gazette("--config", str(write(tmp_path, GOOD)), "--data", str(tmp_path / "d"), "crawl", "zz")
    assert result.returncode == 2
    assert "Error: unknown site 'zz' (configured: a)" in result.stderr
