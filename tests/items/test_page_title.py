"""A page's <title> loses its site suffix when it is the title chosen; a title a feed states
keeps whatever it says, unless the tail names the source itself."""

from __future__ import annotations

from items.normalize import normalize
from model.raw import RawItem
from settings.model import SourceConfig
from sources.html.article import extract_article

SOURCE = SourceConfig(id="s", name="某某县人民政府", kind="html", url="http://x.gov.cn/", interval=60)
OTHER = SourceConfig(id="o", name="园区网", kind="feed", url="http://y.gov.cn/", interval=60)


def test_site_suffix_is_cut_only_from_page_titles():
    page = extract_article("<html><head><title>园区新闻一则_某某县人民政府</title></head><body><p>"
                           + "园区新闻正文。" * 20 + "</p></body></html>", "http://x.gov.cn/1.html")
    assert page.title == "园区新闻一则" and page.title_is_page_title
    stated = RawItem("o", "http://y.gov.cn/2.html", "园区新闻一则_某某县人民政府")
    assert normalize(stated, OTHER, "Asia/Shanghai").title == "园区新闻一则_某某县人民政府"
    own = RawItem("s", "http://x.gov.cn/3.html", "园区新闻一则_某某县人民政府")
    assert normalize(own, SOURCE, "Asia/Shanghai").title == "园区新闻一则"
