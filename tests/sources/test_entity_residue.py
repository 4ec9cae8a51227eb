"""Hostile entity markup never reaches a reader: feeds whose DOCTYPE declares external,
nested or exponential entities, and references nobody declared, in RSS and Atom titles,
descriptions and content. They are collected over HTTP and published; the published RSS,
Atom and JSON feeds carry neither an expansion nor the reference text."""

from __future__ import annotations

import json
import re

import pytest

import service
from tests.support import exported_items

RESIDUE = re.compile(r"&(?:amp;)?(?:xxe|probe|lol\d?|a|b|undefined|foo|zz);")
XXE = ('<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
       '<!ENTITY probe SYSTEM "http://127.0.0.1:9/probe">]>')
NESTED = '<!DOCTYPE feed [<!ENTITY a "AAAA"><!ENTITY b "&a;&a;&a;&a;">]>'
LAUGHS = ('<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>')


def rss(prolog: str, title: str, description: str, encoded: str = "") -> bytes:
    content = (f'<content:encoded><![CDATA[{encoded}]]></content:encoded>' if encoded else "")
    return (f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}\n<rss version="2.0" '
            f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>'
            f"<item><title>{title}</title><link>http://zone.example.gov.cn/a/1.html</link>"
            f"<guid>g1</guid><pubDate>Mon, 28 Aug 2023 10:00:00 +0800</pubDate>"
            f"<description>{description}</description>{content}</item></channel></rss>").encode()


def atom(prolog: str, title: str, content: str, title_type: str = "text") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>t</title><id>urn:t</id><updated>2023-08-28T02:00:00Z</updated>"
            f'<entry><id>urn:e1</id><title type="{title_type}">{title}</title>'
            f'<link href="http://zone.example.gov.cn/a/2.html"/><updated>2023-08-28T02:00:00Z</updated>'
            f'<content type="html">{content}</content></entry></feed>').encode()


CASES = {
    "rss-xxe": rss(XXE, "园区签约仪式&xxe;&probe;", "正文第一段&xxe;。&lt;p&gt;第二段&amp;probe;&lt;/p&gt;"),
    "rss-laughs": rss(LAUGHS, "标题&lol2;测试", "&lol2;&lol1;说明", "<p>内容&lol2;&amp;lol; 结束</p>"),
    "rss-undefined": rss("", "未声明&undefined;实体", "描述&foo;内容 &amp; 其他&nbsp;文字",
                         "<p>正文&zz;保留&copy;符号</p>"),
    "atom-nested": atom(NESTED, "嵌套&b;实体标题", "&lt;p&gt;正文&amp;a;与&b;&lt;/p&gt;"),
    "atom-xxe-html-title": atom(XXE.replace("rss", "feed"), "标题 &amp;xxe; 后缀", "&lt;p&gt;&amp;amp;xxe;&lt;/p&gt;x",
                                 title_type="html"),
    "atom-undefined": atom("", "未定义&undefined;引用", "&lt;p&gt;x &amp;amp; y&foo;&lt;/p&gt;&zz;"),
}


TITLES = {"rss-xxe": "园区签约仪式", "rss-laughs": "标题测试", "rss-undefined": "未声明实体",
          "atom-nested": "嵌套实体标题", "atom-xxe-html-title": "标题 后缀", "atom-undefined": "未定义引用"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_entity_text_or_expansion_is_published(name, web, write_config, tmp_path):
    url = web.add(f"/{name}.xml", CASES[name], "application/xml")
    config = write_config(f"""
        [[sources]]
        id = "hostile"
        name = "hostile"
        kind = "feed"
        url = "{url}"
        """)
    assert service.main(["--config", str(config), "collect"]) == 0
    feeds = tmp_path / "data" / "public" / "feeds"
    published = {ext: (feeds / f"all.{ext}").read_text("utf-8") for ext in ("rss", "atom", "json")}
    entries = json.loads(published["json"])["items"]
    assert len(entries) == 1, "the feed is read, only its references are dropped"
    entry = entries[0]
    for text in (entry["title"], entry.get("content_html", ""), entry.get("summary", "")):
        assert not RESIDUE.search(text), text
        assert "lollol" not in text and "AAAA" not in text and "root:" not in text
    for document in published.values():
        assert not RESIDUE.search(document.replace("&amp;", "&")), name
    assert entry["title"] == TITLES[name]


def test_known_references_still_read_as_their_characters(web, write_config, tmp_path):
    url = web.add("/known.xml", rss("", "甲&amp;乙公司签约", "说明&nbsp;文字&copy;", "<p>正文&copy;2023</p>"),
                  "application/xml")
    config = write_config(f"""
        [[sources]]
        id = "known"
        name = "known"
        kind = "feed"
        url = "{url}"
        """)
    assert service.main(["--config", str(config), "collect"]) == 0
    entry = exported_items(tmp_path / "data")[0]
    assert entry["title"] == "甲&乙公司签约"
    assert "©" in entry["content_html"]
