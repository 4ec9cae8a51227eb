"""check-config refuses what would crash later: numbers out of range, selectors that do not
compile; and warns about a feed no configured source can ever fill."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from settings import ConfigError, load_config
from tests.support import ROOT

SOURCE = '[[sources]]\nid = "a"\nkind = "html"\nurl = "http://127.0.0.1/a/"\nregion = ["重庆市"]\n'


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[service]\ndata_dir = "{tmp_path / "data"}"\n[storage]\n'
                    f'url = "sqlite:///{tmp_path / "z.db"}"\n' + textwrap.dedent(body), encoding="utf-8")
    return path


def _check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "service.py"), "--config", str(path), "check-config"],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("body,key", [
    ("[server]\nport = 70000\n", "server.port"),
    ("[server]\nport = -1\n", "server.port"),
    ('[defaults]\ninterval = "99999999999999d"\n', "defaults.interval"),
    ('[scheduler]\nmax_backoff = "999999999d"\n', "scheduler.max_backoff"),
    ('[scheduler]\nlease = "999999999d"\n', "scheduler.lease"),
    ("[fetch]\ntimeout = nan\n", "fetch.timeout"),
    ("[fetch]\ntimeout = inf\n", "fetch.timeout"),
    ("[fetch]\ntimeout = 1e308\n", "fetch.timeout"),
    ("[fetch]\ntimeout = 0\n", "fetch.timeout"),
    ("[fetch]\nmin_delay = inf\n", "fetch.min_delay"),
    ("[fetch]\nmax_delay = -1\n", "fetch.max_delay"),
    ("[fetch]\ndelay_factor = nan\n", "fetch.delay_factor"),
    ("[fetch]\nmax_bytes = 99999999999999\n", "fetch.max_bytes"),
    ("[fetch]\nper_host_concurrency = 100000\n", "fetch.per_host_concurrency"),
    ("[scheduler]\nworkers = 1000000\n", "scheduler.workers"),
    ("[scheduler]\nparse_processes = 1000\n", "scheduler.parse_processes"),
    (SOURCE + 'interval = "9999d"\n', "sources[0].interval"),
    (SOURCE + "pages = 100000\n", "sources[0].pages"),
    (SOURCE + "backfill_pages = 0\n", "sources[0].backfill_pages"),
    ('[[feeds]]\nid = "f"\nmax_items = 10000000\n', "feeds[0].max_items"),
])
def test_numbers_out_of_range_are_one_problem_naming_the_key(tmp_path, body, key):
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, body))
    assert len(caught.value.problems) == 1 and caught.value.problems[0].startswith(f"{key}: ")
    assert "between" in caught.value.problems[0]


def test_the_edges_of_every_range_are_accepted_and_run(tmp_path):
    config = load_config(_write(tmp_path, """
        [server]
        port = 65535
        [defaults]
        interval = "30d"
        [fetch]
        timeout = 600
        min_delay = 3600
        max_delay = 86400
        [scheduler]
        max_backoff = "30d"
        lease = "1d"
        """))
    from datetime import UTC, datetime

    from scheduler.backoff import next_poll_after_failure
    now = datetime.now(UTC)
    assert next_poll_after_failure(now, config.default_interval, 10**6, config.scheduler.max_backoff, None) > now


def test_check_config_prints_one_line_and_exits_2(tmp_path):
    result = _check(_write(tmp_path, '[scheduler]\nlease = "999999999d"\n'))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "scheduler.lease: bad interval '999999999d': must be between 1s and 1d" in result.stderr


@pytest.mark.parametrize("table,key,selector,says", [
    ("list", "item", "ul >> li[", "bad CSS selector 'ul >> li['"),
    ("list", "item", "li::text", "this key picks elements"),
    ("list", "date", "span::attr(", "may end in one ::attr(name) or ::text"),
    ("article", "date", "meta[name=PubDate]@content", "write meta[name=PubDate]::attr(content)"),
    ("article", "title", "h1::text::text", "may end in one ::attr(name) or ::text"),
    ("article", "body", "div.content::attr(class)", "this key picks elements"),
    ("article", "remove", ["p.ok", "div >"], "bad CSS selector 'div >'"),
])
def test_selectors_are_compiled_at_check_time(tmp_path, table, key, selector, says):
    value = '["p.ok", "div >"]' if isinstance(selector, list) else f'"{selector}"'
    result = _check(_write(tmp_path, SOURCE + f"[sources.{table}]\n{key} = {value}\n"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert f"sources[0].{table}.{key}: " in result.stderr and says in result.stderr


def test_parsel_style_selectors_pass(tmp_path):
    config = load_config(_write(tmp_path, SOURCE + """
        [sources.list]
        item = "ul.list > li"
        link = "a::attr(href)"
        title = "a::attr(title)"
        date = "span.date::text"
        [sources.article]
        title = "meta[name=ArticleTitle]::attr(content)"
        date = "meta[name=PubDate]::attr(content)"
        source = "meta[name=ContentSource]::attr(content)"
        body = "div.TRS_Editor"
        """))
    assert config.sources[0].list.title == "a::attr(title)"


def test_a_feed_no_source_can_fill_is_a_warning_naming_it(tmp_path):
    """Regions are places a story is about (the gazetteer knows 重庆 as 重庆市); a region name
    it does not know, or a tag no source carries, leaves the feed empty: a warning names it."""
    path = _write(tmp_path, SOURCE + """
        [[feeds]]
        id = "cq"
        regions = ["重庆"]
        [[feeds]]
        id = "nowhere"
        regions = ["不存在的地方"]
        [[feeds]]
        id = "tagged"
        tags = ["招商"]
        """)
    result = _check(path)
    assert result.returncode == 0, result.stderr
    warnings = result.stderr.splitlines()
    assert len(warnings) == 2, warnings
    assert "feeds[2] (tagged)" in warnings[0] and "tags ['招商'] (sources have: none)" in warnings[0]
    assert "feeds[1].regions: '不存在的地方' is not a place the gazetteer knows" in warnings[1]
