"""A zonefeed config.toml for the quality web: every site a source, as an operator would add it
(no selectors: list and article detection are what is measured), manners off for loopback."""

from __future__ import annotations

from pathlib import Path

from .families import FAMILIES
from .web import QualityWeb


def write_config(web: QualityWeb, directory: Path, fetch_timeout: float = 2.0,
                 storage_url: str = "sqlite:///zonefeed.db") -> Path:
    """Write `directory/config.toml` (data, and by default the SQLite file, in `directory`)."""
    lines = ["[service]", 'data_dir = "."', 'base_url = "http://127.0.0.1:8080"', 'title = "quality web"', "",
             "[storage]", f'url = "{storage_url}"', "",
             "[fetch]", "min_delay = 0", "delay_factor = 0", "respect_robots = false",
             f"timeout = {fetch_timeout}", "", "[defaults]", 'interval = "1m"', ""]
    for site in web.plan.sites:
        kind = FAMILIES[site.family].KIND
        lines += ["[[sources]]", f'id = "{site.id}"', f'name = "{site.name}"', f'kind = "{kind}"',
                  f'url = "{web.source_url(site)}"', 'region = ["重庆市"]', 'tags = ["开发区"]']
        if kind == "html":
            lines += ["pages = 2", "backfill_pages = 5"]
        lines.append("")
    lines += ["[[feeds]]", 'id = "all"', 'title = "全部"', "max_items = 2000", ""]
    path = directory / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
