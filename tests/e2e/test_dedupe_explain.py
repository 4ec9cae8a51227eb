"""Cross-posts collected from two fixture sites become one story, and `explain` says why."""

from __future__ import annotations

from xml.sax.saxutils import escape

import feedparser

import service
from tests.items.dedupe_cases import STORIES

ORIGINAL = STORIES["yy-signing"][3]


def _rss(channel: str, items: list[tuple[str, str, str, str]]) -> bytes:
    """(guid, title, pubDate, html) items."""
    body = "".join(
        f"<item><title>{escape(t)}</title><link>/a/{g}.html</link><guid isPermaLink=\"false\">{g}</guid>"
        f"<pubDate>{d}</pubDate><description>{escape(h)}</description></item>"
        for g, t, d, h in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{channel}</title>'
            f"<link>/</link><description>d</description>{body}</channel></rss>").encode()


def _html(paragraphs) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _config(web, write_config):
    web.add("/yy/rss.xml", _rss("云阳", [
        ("yy1", "云阳县与三家企业签约新能源电池材料项目", "2023-08-28 10:30", _html(ORIGINAL)),
        ("yy2", "云阳县召开2023年招商引资工作推进会", "2023-08-28 09:00",
         _html(["云阳县召开2023年招商引资工作推进会，总结上半年工作。", "会议强调要抓项目促发展。"])),
    ]), "application/rss+xml")
    web.add("/tz/rss.xml", _rss("投促中国", [
        ("tz1", "【开发区动态】云阳县与三家企业签约新能源电池材料项目", "2023-08-29 09:00",
         _html(["发布时间：2023-08-29 来源：云阳县人民政府", *ORIGINAL[:-1],
                ORIGINAL[-1] + "（责任编辑：李明）"])),
    ]), "application/rss+xml")
    return write_config(
        f"""
        [[sources]]
        id = "tz"
        name = "投促中国"
        kind = "feed"
        url = "{web.url('/tz/rss.xml')}"

        [[sources]]
        id = "yy"
        name = "云阳县人民政府"
        kind = "feed"
        url = "{web.url('/yy/rss.xml')}"

        [[feeds]]
        id = "all"
        title = "全部"
        """
    )


def test_cross_post_is_one_story_credited_to_its_origin(web, write_config, tmp_path, capsys):
    config = _config(web, write_config)
    assert service.main(["--config", str(config), "collect"]) == 0
    atom = feedparser.parse((tmp_path / "data" / "public" / "feeds" / "all.atom").read_bytes())
    titles = [e.title for e in atom.entries]
    assert len(titles) == 2
    signing = next(e for e in atom.entries if "电池材料" in e.title)
    assert signing.link == web.url("/a/yy1.html")  # the origin's page, not the re-post
    assert signing.title == "云阳县与三家企业签约新能源电池材料项目"

    capsys.readouterr()
    assert service.main(["--config", str(config), "explain", web.url("/a/tz1.html?utm_source=x#top")]) == 0
    out = capsys.readouterr().out
    assert "near-duplicate" in out and "MERGE" in out
    assert "canonical #" in out and web.url("/a/yy1.html") in out
    assert "original publisher" in out

    assert service.main(["--config", str(config), "explain", web.url("/a/nowhere.html")]) == 1
