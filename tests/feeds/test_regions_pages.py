"""/regions/: the places that have stories, nested, with counts; a feed per place in every
format (valid), and an OPML of them; over a real socket, on both backends."""

from __future__ import annotations

import json

from lxml import etree, html

from tests.feeds.stories import appearance, fill_store
from tests.feeds.test_reading_pages import served  # noqa: F401  (the fixture)
from tests.feeds.test_server import request
from tests.feeds.validity import A, atom_rule_errors, jing_errors, json_feed_errors, rss_profile_errors


def test_regions_page_nests_places_with_counts_and_feeds(served, tmp_path):  # noqa: F811
    config, _, port = served
    fill_store(config, [appearance("kfq", 50, "苏州工业园区发布生物医药产业政策", regions=("全国",))])
    status, headers, body = request(port, "/regions/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    page = html.fromstring(body)
    top = [li.xpath("./a")[0].text_content() for li in page.cssselect("main > ul > li")]
    assert top == ["江苏省", "重庆市"]  # code order; a national source's story went to 江苏
    chongqing = page.cssselect("main > ul > li")[1]
    inner = [a.text_content() for a in chongqing.cssselect("ul a") if not a.get("href").endswith((".atom", ".rss", ".json"))]
    assert inner[:2] == ["万州区", "云阳县"]  # 重庆市's 市辖区/县 parts are not levels of their own
    assert "云阳工业园区" in inner  # the zone, under its county
    yunyang = next(li for li in chongqing.cssselect("li") if li.xpath("./a")[0].text_content() == "云阳县")
    assert "条" in yunyang.cssselect("span.meta")[0].text_content()

    _, _, atom = request(port, "/regions/500235.atom")
    titles = [e.findtext(f"{A}title") for e in etree.fromstring(atom).findall(f"{A}entry")]
    assert "云阳县召开招商引资推进会" in titles and "经开区一季度招商引资实现开门红" not in titles
    (tmp_path / "r.atom").write_bytes(atom)
    assert jing_errors([tmp_path / "r.atom"]) == "" and atom_rule_errors(atom) == []
    _, headers, rss = request(port, "/regions/500000.rss")
    assert rss_profile_errors(rss) == [] and headers["content-type"].startswith("application/rss+xml")
    _, _, feed = request(port, "/regions/320571.json")
    document = json.loads(feed)
    assert json_feed_errors(feed) == [] and [i["title"] for i in document["items"]] == ["苏州工业园区发布生物医药产业政策"]
    assert document["items"][0]["_zonefeed"]["regions"][0]["zone"] == "320571"
    assert request(port, "/regions/999999.atom")[0] == 404

    _, _, opml = request(port, "/regions/opml.xml")
    urls = [o.get("xmlUrl") for o in etree.fromstring(opml).iter("outline")]
    assert "http://127.0.0.1:8080/regions/500235.atom" in urls and "http://127.0.0.1:8080/regions/320000.atom" in urls
