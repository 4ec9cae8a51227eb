"""`zonefeed probe URL`: what a user sees when adding a site, and a snippet that works as is."""

from __future__ import annotations

import tomllib

import service
from scheduler.collect import collect_source
from settings import load_config
from sources import Fetcher
from sources.html.probe import suggest_id
from tests import html_sites
from tests.fixtures import GBK_ONLY_TITLES, gb2312_feed, utf8_atom
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


def test_probe_of_a_feed_says_so_and_prints_a_feed_block(web, write_config, tmp_path, capsys):
    url = web.add("/yunyang/rss.xml", gb2312_feed(), "text/xml")  # declared GB2312, served without charset
    out = _probe(capsys, write_config, url)

    assert 'this is an RSS/Atom feed (RSS): use kind = "feed"' in out
    assert "list      " not in out and "no news list detected" not in out
    assert "title     云阳网" in out and "items     " in out
    assert GBK_ONLY_TITLES[0] in out
    parsed = tomllib.loads(out.split("# paste into config.toml:\n", 1)[1])["sources"][0]
    assert parsed == {"id": "yunyang", "name": "云阳网", "kind": "feed", "url": url, "region": [], "tags": []}

    config = load_config(write_config(out.split("# paste into config.toml:\n", 1)[1]))  # pasted as is
    outcome = collect_source(config, config.sources[0], Fetcher(config.fetch), open_test_store(config.storage.url))
    assert outcome.error is None and outcome.new == len(GBK_ONLY_TITLES)


def test_probe_of_an_atom_feed(web, write_config, capsys):
    url = web.add("/kfq/atom.xml", utf8_atom([("k1", "经开区新签约项目", "2023-08-28T09:00:00+08:00")]),
                  "application/atom+xml")
    out = _probe(capsys, write_config, url)
    assert 'this is an RSS/Atom feed (Atom): use kind = "feed"' in out
    assert "2023-08-28T09:00:00+08:00" in out and "经开区新签约项目" in out
    assert 'id = "kfq"' in out and 'kind = "feed"' in out


def test_suggested_id_names_the_column_not_the_host():
    assert suggest_id("http://www.yunyang.gov.cn/zwgk_254/zwdt/", "云阳县人民政府") == "yunyang-zwdt"
    assert suggest_id("http://www.yunyang.gov.cn/zwgk_254/tzgg/index.html") == "yunyang-tzgg"
    assert suggest_id("http://kfq.example.gov.cn/col/col57263/index.html") == "kfq-col57263"
    assert suggest_id("http://127.0.0.1:8081/kfq/atom.xml", "") == "kfq"
    assert suggest_id("http://127.0.0.1:8081/trs/index.html", "云阳县人民政府") == "trs"
    assert suggest_id("https://zone.example.com/news/", "Suzhou Industrial Park News") == "suzhou-industrial-park-news"
