"""When a list (or feed) title and the article page's title count as the same title: the
figure `status` shows per source, where a redesign that loses the article title shows first."""

from __future__ import annotations

import pytest

from text.titles import titles_agree


@pytest.mark.parametrize(("listed", "page", "agree"), [
    ("云阳县召开招商引资工作推进会", "云阳县召开招商引资工作推进会", True),
    ("云阳县召开招商引资工作推进会", "云阳县召开招商引资工作推进会 ", True),
    ("云阳县召开招商引资工作…", "云阳县召开招商引资工作推进会", True),  # the list cut it short
    ("云阳县召开招商引资工作推进会", "云阳县召开招商引资工作推进会_云阳县人民政府", True),  # <title> suffix
    ("云阳县召开招商引资工作推进会", "云阳县人民政府", False),  # the site's name took the title's place
    ("云阳县人民政府召开常务会议", "云阳县人民政府", False),  # a page title that only begins it
    ("经开区投资126亿元", "经开区投资12.6亿元", True),  # the same words once punctuation goes
    ("经开区…", "经开区新签约项目", False),  # too little left to tell
    ("", "经开区新签约项目", None),
    ("经开区新签约项目", None, None),
])
def test_titles_agree(listed, page, agree):
    assert titles_agree(listed, page) is agree
