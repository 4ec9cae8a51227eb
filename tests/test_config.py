"""config.toml validation: every mistake reported with its key path, exit code 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from settings import ConfigError, load_config, parse_interval
from tests.support import ROOT


def test_valid_config_gets_defaults_and_an_all_feed(load):
    config = load(
        """
        [[sources]]
        id = "a"
        kind = "feed"
        url = "http://127.0.0.1/a.xml"
        region = ["重庆市", "云阳县"]
        """
    )
    assert config.service.timezone == "Asia/Shanghai"
    assert config.sources[0].interval == 1800
    assert config.sources[0].region == ("重庆市", "云阳县")
    assert [f.id for f in config.feeds] == ["all"]


def test_every_problem_is_named_by_key_path(write_config):
    path = write_config(
        """
        [defaults]
        interval = "soon"

        [[sources]]
        id = "a"
        kind = "feed"
        url = "http://127.0.0.1/a.xml"

        [[sources]]
        id = "a"
        kind = "rss"
        url = "ftp://example.org/x"
        colour = "red"

        [[sources]]
        id = "h"
        kind = "html"
        url = "http://127.0.0.1/list/"
        [sources.list]
        item = 3

        [[feeds]]
        id = "f"
        sources = ["nope"]
        max_items = "ten"
        """
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    problems = "\n".join(caught.value.problems)
    for expected in (
        "defaults.interval: bad interval 'soon'",
        "sources[1].id: duplicate source id 'a'",
        "sources[1].kind: must be one of 'feed', 'html', got 'rss'",
        "sources[1].url: bad URL 'ftp://example.org/x'",
        "sources[1].colour: unknown key",
        "sources[2].list.item: expected a string, got int",
        "feeds[0].sources: no source with id 'nope'",
        "feeds[0].max_items: expected an integer, got str",
    ):
        assert expected in problems
    assert len(caught.value.problems) == 8


def test_toml_syntax_error_names_the_line(write_config):
    path = write_config("[[sources]]\nid = \n", header=False)
    with pytest.raises(ConfigError, match=r"line 2"):
        load_config(path)


@pytest.mark.parametrize("text,seconds", [("90s", 90), ("30m", 1800), ("1h30m", 5400), ("1d", 86400)])
def test_intervals(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "0m", "10", "5 minutes", "-1h"])
def test_bad_intervals(text):
    with pytest.raises(ValueError):
        parse_interval(text)


def test_check_config_cli_exits_2_with_one_line_per_error(write_config):
    path = write_config(
        """
        [server]
        port = "eighty"
        [[sources]]
        kind = "feed"
        url = "http://127.0.0.1/x"
        """
    )
    result = subprocess.run([sys.executable, str(ROOT / "service.py"), "--config", str(path),
                             "check-config"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if str(path) in line]
    assert len(lines) == 2
    assert any("server.port: expected an integer" in line for line in lines)
    assert any("sources[0].id: missing required key" in line for line in lines)


def test_check_config_cli_ok(write_config):
    path = write_config("")
    result = subprocess.run([sys.executable, str(ROOT / "service.py"), "--config", str(path),
                             "check-config"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_html_backfill_pages_defaults_to_three_and_never_below_pages(load, write_config):
    config = load(
        """
        [[sources]]
        id = "a"
        kind = "html"
        url = "http://127.0.0.1/a/index.html"

        [[sources]]
        id = "b"
        kind = "html"
        url = "http://127.0.0.1/b/index.html"
        pages = 5
        backfill_pages = 2
        """
    )
    assert (config.sources[0].pages, config.sources[0].backfill_pages) == (1, 3)
    assert (config.sources[1].pages, config.sources[1].backfill_pages) == (5, 5)
    with pytest.raises(ConfigError) as error:
        load_config(write_config('[[sources]]\nid = "c"\nkind = "html"\nurl = "http://x.cn/"\nbackfill_pages = 0\n'))
    assert "sources[0].backfill_pages: must be between 1 and 1000, got 0" in str(error.value)


def test_scheduler_and_admin_token_settings(load, write_config):
    config = load('[server]\nadmin_token = "0123456789abcdef-token"\n[scheduler]\nmax_backoff = "6h"\n'
                  'lease = "5m"\nworkers = 3\n')
    assert config.server.admin_token == "0123456789abcdef-token"
    assert (config.scheduler.max_backoff, config.scheduler.lease, config.scheduler.workers) == (21600, 300, 3)
    assert load('[server]\nadmin_token = ""\n').server.admin_token is None
    with pytest.raises(ConfigError) as error:
        load_config(write_config('[server]\nadmin_token = "short"\n[scheduler]\nmax_backoff = "often"\n'))
    assert any(p.startswith("server.admin_token: must be at least 16 characters") for p in error.value.problems)
    assert any(p.startswith("scheduler.max_backoff: bad interval") for p in error.value.problems)


def test_server_limits_have_checked_ranges(load, write_config):
    config = load("[server]\nmax_connections = 200\nhead_timeout = 5\nsend_timeout = 2.5\nview_workers = 3\n")
    assert (config.server.max_connections, config.server.head_timeout, config.server.send_timeout,
            config.server.view_workers) == (200, 5.0, 2.5, 3)
    assert config.server.body_timeout == 30.0 and config.server.idle_timeout == 75.0
    with pytest.raises(ConfigError) as error:
        load_config(write_config("[server]\nmax_connections = 10_000_000\nhead_timeout = nan\n"
                                 "body_timeout = inf\nidle_timeout = 0\nsend_timeout = true\n"
                                 "max_unread = 1.5\nworkers = 0\nview_workers = 1e308\n"))
    problems = {p.split(":")[0]: p for p in error.value.problems}
    for key, expected in (("max_connections", "16 and 100000"), ("head_timeout", "0.1 and 300"),
                          ("body_timeout", "0.1 and 3600"), ("idle_timeout", "0.1 and 3600"),
                          ("send_timeout", "expected a number"), ("max_unread", "expected an integer"),
                          ("workers", "1 and 64"), ("view_workers", "expected an integer")):
        assert expected in problems[f"server.{key}"]
def test_topic_rules_and_feed_topic_filters(load, write_config):
    from items.tagging import tagger

    config = load(
        """
        [topics]
        "招商签约" = ["投洽会"]
        "文旅" = ["景区", "文旅"]

        [[feeds]]
        id = "big"
        topics = ["招商签约", "文旅"]
        min_investment = 1e9
        """
    )
    assert config.feeds[0].topics == ("招商签约", "文旅") and config.feeds[0].min_investment == 1e9
    rules = tagger(config.topics).rules
    assert "投洽会" in rules["招商签约"] and "签约" in rules["招商签约"] and rules["文旅"] == ("景区", "文旅")
    path = write_config('[topics]\n"空" = []\n"坏" = 3\n[[feeds]]\nid = "x"\nmin_investment = "很多"\n', header=False)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    problems = "\n".join(error.value.problems)
    assert "topics.空: needs at least one keyword" in problems and "topics.坏: expected a list of strings" in problems
    assert "feeds[0].min_investment: expected a number" in problems
