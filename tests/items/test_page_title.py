"""A title taken from a page's <title> loses its site suffix; a real title is left alone."""

from __future__ import annotations

from items.normalize import normalize
from model.raw import RawItem
from settings.model import SourceConfig

SOURCE = SourceConfig(id="s", name="s", kind="html", url="http://x.gov.cn/", interval=60)


def test_site_suffix_is_cut_only_from_page_titles():
    from_page = RawItem("s", "http://x.gov.cn/1.html", "园区新闻一则_某某县人民政府", title_from_page_title=True)
    stated = RawItem("s", "http://x.gov.cn/2.html", "园区新闻一则_某某县人民政府")
    assert normalize(from_page, SOURCE, "Asia/Shanghai").title == "园区新闻一则"
    assert normalize(stated, SOURCE, "Asia/Shanghai").title == "园区新闻一则_某某县人民政府"
