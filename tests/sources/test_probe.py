"""`service.py probe URL`: what a user sees when adding a site, and a snippet that works as is."""

from __future__ import annotations

import tomllib

import service
from scheduler.collect import collect_source
from settings import load_config
from sources import Fetcher
from tests import html_sites
from tests.support import open_test_store


def _probe(capsys, write_config, url: str) -> str:
    config = write_config("")
    assert service.main(["--config", str(config), "probe", url]) == 0
    return capsys.readouterr().out


def test_probe_prints_items_dates_selector_and_a_working_snippet(web, write_config, tmp_path, capsys):
    url = html_sites.serve_trs(web)
    out = _probe(capsys, write_config, url)

    assert "list      ul.list > li" in out
    assert "items     3 (3 with a date)" in out
    assert "2023-08-28         朱镕基考察云阳工业园区新材料项目" in out
    assert f"next page {web.url('/trs/index_1.html')}" in out
    snippet = out.split("# paste into config.toml:\n", 1)[1]
    parsed = tomllib.loads(snippet)["sources"][0]
    assert parsed["list"] == {"item": "ul.list > li"} and parsed["name"] == "云阳县人民政府"

    config = load_config(write_config(snippet))  # pasted as is
    store = open_test_store(config.storage.url)
    outcome = collect_source(config, config.sources[0], Fetcher(config.fetch), store)
    assert outcome.error is None and outcome.new == 5  # first poll backfills: both list pages


def test_probe_names_the_hanweb_preset(web, write_config, capsys):
    out = _probe(capsys, write_config, html_sites.serve_hanweb(web))
    assert "Hanweb/JCMS datastore (3 records" in out
    assert "高新区举办重点企业用工对接会" in out


def test_probe_of_a_page_without_a_list_says_so(web, write_config, capsys):
    url = web.add("/about.html", "<html><body><p>关于我们</p></body></html>", "text/html")
    out = _probe(capsys, write_config, url)
    assert "no news list detected" in out
