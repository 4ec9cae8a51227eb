"""Who first published a story, as a page or feed states it: the one 来源 parser.

Chinese re-posts credit their original in a few set forms: `来源：万州经开区管委会` (full-width or
ascii colon, also 信息来源/文章来源/稿件来源/新闻来源/稿源), `（来源：…）` in brackets, and `转自…`
/ `转载自…` with or without a colon, `来自: …` (portal info lines). They sit in the info line under the title, or in the
first or last lines of the body. The HTML reader (info lines, `ContentSource`-less pages) and
normalization (feed bodies) both read credits here, so one page gives one answer.
"""

from __future__ import annotations

import re
import unicodedata

from text import labels
from text.dates import DATE_WITH_YEAR
from text.titles import title_key

_LABEL = labels.one_of(labels.CREDITS)
# Labels a credit runs up to when an info line has no spaces between its fields.
_NEXT_LABEL = labels.one_of(labels.DATES + labels.PEOPLE + labels.COUNTERS)
_CREDIT = re.compile(
    rf"(?<![\u4e00-\u9fff])(?P<label>{_LABEL})\s*(?P<colon>[:：])?\s*"
    r"(?P<name>[^\s|｜丨,，;；:：。()（）【】\[\]<>]{2,40}?)"
    rf"(?=\s|$|[|｜丨,，;；。()（）【】\[\]<]|{_NEXT_LABEL}|\d{{4}}\s*[-/.年])"
)
_NEEDS_COLON = ("来自",)  # a portal's info line `来自: …`; without a colon 来自 is prose (来自全国…)
_OPENERS = " \t\n\u3000（(【[|｜丨"
_GLUED_DATE = re.compile(r"(?<=日)(?=" + _LABEL + ")")
EDGE_LINES = 4  # a body's credit is in its first or last few lines
MIN_NAME_CHARS = 4  # shorter names ("开发区") are too generic to credit by containment


def credit_in(text: str) -> str | None:
    """The first credit in `text` (a line, an info line, a whole page's text), or None.

    A label counts where no Chinese character runs into it (`资金来源：` is prose) except a
    date's 日 (`2023年08月28日来源：`); `来源` and its variants and `来自` need a colon, `转自` needs one
    unless it opens the line or a bracket (`。转自去年以来…` is prose).
    """
    text = _GLUED_DATE.sub(" ", text or "")
    for match in _CREDIT.finditer(text):
        label = match.group("label")
        if match.group("colon") is None and ("来源" in label or label in _NEEDS_COLON or (
                match.start() > 0 and text[match.start() - 1] not in _OPENERS)):
            continue
        name = clean_name(match.group("name"))
        if name:
            return name
    return None


def credit_in_lines(lines: list[str]) -> str | None:
    """The credit in the first or last EDGE_LINES lines of a body."""
    edges = lines if len(lines) <= 2 * EDGE_LINES else lines[:EDGE_LINES] + lines[-EDGE_LINES:]
    for line in edges:
        found = credit_in(line)
        if found:
            return found
    return None


# An editor's note by which a page says it carries someone else's article (a credit line is the
# other way). Not a bare 转载: originals end in "未经许可不得转载".
_REPOST_NOTE = re.compile(r"编者按|(?:编辑|综合)整理|本文(?:转自|转载自|来源于)")


def says_reposted(line: str, own_name: str) -> bool:
    """Whether a body line is a re-post's own mark: a credit to a publisher other than
    `own_name` (`来源：万州经开区管委会`), or an editor's note (`编者按：本文转自…`, `（本网编辑整理）`)."""
    credit = credit_in(line)
    if credit:
        return not same_publisher(credit, own_name)
    return bool(_REPOST_NOTE.search(line))


def clean_name(value: str) -> str | None:
    """A publisher name: no trailing date, not just digits (CMS user ids), 2-40 characters."""
    value = DATE_WITH_YEAR.sub("", value).strip(" ,，;；、:：")
    if not re.search(r"[^\W\d_]", value):
        return None
    value = unicodedata.normalize("NFC", value)
    return value if 1 < len(value) <= 40 else None


def same_publisher(credit: str | None, name: str | None) -> bool:
    """Whether a credit names a publisher: equal keys, or one contains the other when both
    have MIN_NAME_CHARS or more ("万州经开区" in "重庆万州经开区管委会")."""
    a, b = title_key(credit or ""), title_key(name or "")
    if not a or not b:
        return False
    return a == b or (min(len(a), len(b)) >= MIN_NAME_CHARS and (a in b or b in a))
