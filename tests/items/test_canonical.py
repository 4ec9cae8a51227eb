"""The canonical rule's time order: a date known only to the day is less precise, not earlier."""

from __future__ import annotations

from datetime import UTC, datetime

from items.canonical import EARLIEST, ORIGINAL_PUBLISHER, choose, earliest_face
from items.normalize import normalize
from model.raw import RawItem
from settings.model import SourceConfig
from store.match_tx import CanonicalCandidate
from text.dates import is_day_only

TITLE = "杨春林调研长寿经开区装备制造重点项目建设"
DAY = datetime(2023, 9, 28, 16, tzinfo=UTC)  # 2023-09-29, a day
TIMED = datetime(2023, 9, 29, 3, 15, tzinfo=UTC)  # 2023-09-29 11:15 +08:00
ORIGINAL = CanonicalCandidate(1, "changshou", "长寿经开区", None, TIMED, "c-1", TITLE)
DAY_ONLY = CanonicalCandidate(2, "yunyang", "云阳工业园区", None, DAY, "y-1", TITLE, date_is_day=True)


def _texts(bodies: dict[int, list[str]], asked: list[list[int]] | None = None):
    def read(ids):
        if asked is not None:
            asked.append(sorted(ids))
        return {i: bodies[i] for i in ids}
    return read


def test_a_timed_appearance_beats_a_day_only_one_of_its_day_and_no_text_is_read_for_it():
    asked: list[list[int]] = []
    texts = _texts({1: ["正文"], 2: ["正文"]}, asked)
    assert earliest_face([DAY_ONLY, ORIGINAL], texts) == ORIGINAL
    assert choose([DAY_ONLY, ORIGINAL], texts) == (ORIGINAL, EARLIEST)
    assert asked == [[1, 2], [1, 2]]  # the timed one might be a re-post of the day: its text was read


def test_a_day_only_date_of_an_earlier_day_is_earlier():
    earlier = DAY_ONLY._replace(published_at=datetime(2023, 9, 27, 16, tzinfo=UTC))
    assert earliest_face([ORIGINAL, earlier], _texts({})) == earlier  # no text read: no tie


def test_a_timed_repost_that_marks_itself_one_is_passed_over():
    repost = ORIGINAL._replace(id=3, published_at=datetime(2023, 9, 29, 7, 20, tzinfo=UTC))
    original = DAY_ONLY._replace(id=4)
    text = ["正文第一段。", "正文第二段。"]
    for mark in ("（本网编辑整理）", "编者按：本文转自相关部门，内容有删节。", "来源：云阳工业园区"):
        assert earliest_face([repost, original], _texts({3: [*text, mark], 4: text})) == original, mark
    # more text is no evidence by itself: an original's own furniture, its own name, a copyright line
    for line in ("点击“阅读原文”了解更多", "来源：长寿经开区", "版权所有，未经许可不得转载"):
        assert earliest_face([repost, original], _texts({3: [*text, line], 4: [*text, "来源：云阳工业园区"]})) \
            == repost, line
    assert earliest_face([repost, original], _texts({3: text, 4: text})) == repost  # nothing says which


def test_a_credit_still_comes_first():
    later = ORIGINAL._replace(published_at=datetime(2023, 9, 30, 3, tzinfo=UTC))
    crediting = DAY_ONLY._replace(publisher="长寿经开区")
    assert choose([later, crediting], _texts({})) == (later, ORIGINAL_PUBLISHER)


def test_normalize_marks_a_date_without_a_time_of_day():
    source = SourceConfig(id="s", name="站", kind="feed", url="http://127.0.0.1:9/rss.xml", interval=60)

    def day_only(published: str | None) -> bool:
        raw = RawItem(source_id="s", url="http://127.0.0.1:9/a/1.html", title=TITLE, published=published)
        return normalize(raw, source, "Asia/Shanghai", first_seen=TIMED).date_is_day

    assert day_only("2023-09-29") and day_only("2023年9月29日") and day_only("Fri, 29 Sep 2023 00:00:00 +0800")
    assert not day_only("2023-09-29 11:15") and not day_only("Fri, 29 Sep 2023 11:15:00 +0800")
    assert not day_only(None)  # a guess (the fetch time) is no day
    assert is_day_only(datetime(2023, 9, 28, 16, tzinfo=UTC)) and not is_day_only(TIMED)
