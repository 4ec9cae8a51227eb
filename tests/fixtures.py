"""Fixture feeds built in code, so each test shows the bytes it depends on."""

from __future__ import annotations

GBK_ONLY_TITLES = ["朱镕基考察园区", "张喆出席签约仪式", "李堃调研开发区"]


def gb2312_feed(titles: list[str] = GBK_ONLY_TITLES) -> bytes:
    """A feed declared GB2312 whose titles hold GBK-only characters and naive dates."""
    items = "".join(
        f"<item><title>{title}</title><link>/news/{i}.html</link>"
        f"<guid isPermaLink=\"false\">gb-{i}</guid>"
        f"<pubDate>2023-08-2{i} 10:30:00</pubDate>"
        f"<description>&lt;p&gt;{title}。来源：云阳网&lt;/p&gt;</description></item>"
        for i, title in enumerate(titles)
    )
    xml = (
        '<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel>'
        f"<title>云阳网</title><link>/</link><description>d</description>{items}</channel></rss>"
    )
    return xml.encode("gb18030")


def utf8_atom(entries: list[tuple[str, str, str]]) -> str:
    """Atom with (id, title, published) entries."""
    body = "".join(
        f"<entry><id>{id_}</id><title>{title}</title><link href=\"/a/{id_}.html\"/>"
        f"<published>{published}</published><updated>{published}</updated>"
        f"<content type=\"html\">&lt;p&gt;{title} 正文&lt;/p&gt;</content></entry>"
        for id_, title, published in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>园区</title><id>urn:x</id><updated>2023-08-28T00:00:00Z</updated>{body}</feed>"
    )
