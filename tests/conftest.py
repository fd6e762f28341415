"""Fixture sites served over real HTTP on 127.0.0.1 (free ports), and the real `gazette` command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.server import SiteServer

SITES_DIR = Path(__file__).parent / "sites"
# four CMS families, a content-farm mirror of a Huangpu release, a traditional-script government site
FAMILIES = ("epoint", "shanghai", "trs", "hanweb", "mirror", "hongkong")


@dataclass
class FixtureSite:
    name: str
    server: SiteServer
    expected: dict[str, Any]

    @property
    def base(self) -> str:
        return self.server.base_url

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base + path

    def config(self) -> str:
        """A sites.toml table for this site: title, start URL, no delay, and any extra keys."""
        site = self.expected["site"]
        extra = "".join(
            f"{key} = '{value}'\n" for key, value in site.items() if key not in ("title", "start")
        )
        return (
            f'[sites.{self.name}]\ntitle = "{site["title"]}"\n'
            f'start_urls = ["{self.url(site["start"])}"]\ndownload_delay = 0\n{extra}'
        )


def serve_copy(tmp_path: Path, family: str, routes: str = "") -> SiteServer:
    """A started server for a copy of a fixture site, with `routes` added to its _routes.toml."""
    root = tmp_path / "site"
    shutil.copytree(SITES_DIR / family, root)
    with (root / "_routes.toml").open("a", encoding="utf-8") as handle:
        handle.write(routes)
    return SiteServer(root).start()


def start_site(name: str) -> FixtureSite:
    root = SITES_DIR / name
    expected = (
        json.loads((root / "expected.json").read_text("utf-8")) if (root / "expected.json").exists() else {}
    )
    return FixtureSite(name, SiteServer(root).start(), expected)


@pytest.fixture(scope="module")
def sites() -> Iterator[dict[str, FixtureSite]]:
    """The fixture sites, each on its own server, shared by a test module."""
    started = {name: start_site(name) for name in FAMILIES}
    yield started
    for site in started.values():
        site.server.stop()


@pytest.fixture(scope="module")
def config_file(tmp_path_factory: pytest.TempPathFactory, sites: dict[str, FixtureSite]) -> Path:
    path = tmp_path_factory.mktemp("config") / "sites.toml"
    path.write_text("\n".join(site.config() for site in sites.values()), "utf-8")
    return path


def gazette_command() -> list[str]:
    script = Path(sys.executable).with_name("gazette")
    return [str(script)] if script.exists() else [sys.executable, "-m", "scheduler.cli"]


def run_gazette(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real `gazette` command; returns the completed process (text mode)."""
    return subprocess.run(
        [*gazette_command(), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


def archived(data: Path) -> list[dict[str, Any]]:
    """Every record file under DATA/releases, parsed."""
    return [json.loads(p.read_text("utf-8")) for p in sorted((data / "releases").rglob("*.json"))]
