"""The text two appearances are compared on: the article itself, without the site's furniture.

Re-posts differ from their original in exactly the lines removed here (source line, info line
with its date, poster and view counter, editor note, print/close links), so removing them
before comparing raises the similarity of true cross-posts without helping look-alikes.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata

from text import labels
from text.cleaning import squash
from text.infoline import is_info_line
from text.titles import title_key

_BLOCK_END = re.compile(r"<\s*(?:br|/p|/div|/h[1-6]|/li|/tr|/td|/blockquote|/table|hr)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")
_NOT_WORD = re.compile(r"[^\w\n]+")  # with "_" (see _words): what title_key drops, line breaks kept
_BLANK_LINES = re.compile(r"\n{2,}")
_LABELS = labels.one_of(labels.ALL)
# A furniture line starts with an info-line label followed by a colon.
_FURNITURE_LINE = re.compile(rf"^\s*[(（\[【]?\s*(?:{_LABELS})\s*[:：]")
# Editor notes glued to the last paragraph: "……（责任编辑：王五）".
_INLINE_NOTE = re.compile(rf"[(（\[【]\s*(?:{_LABELS})\s*[:：][^)）\]】]{{0,40}}[)）\]】]")
_ACTION_LINE = re.compile(r"^\s*(?:[【\[]?\s*(?:打印|关闭|打印本页|关闭窗口|返回顶部|收藏|分享)\s*[】\]]?\s*)+$")

def article_lines(fragment: str) -> list[str]:
    """The text lines of an HTML fragment (block ends become line breaks)."""
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", fragment or "")))
    return [squash(line) for line in text.splitlines() if line.strip()]


def article_text(fragment: str) -> str:
    """Body lines minus source lines, info lines (text/infoline.py), editor notes, counters and
    print/close links."""
    kept = []
    for line in article_lines(fragment):
        if _FURNITURE_LINE.match(line) or _ACTION_LINE.match(line) or is_info_line(line):
            continue
        kept.append(_INLINE_NOTE.sub("", line) if ":" in line or "：" in line else line)  # a note has a colon
    return "\n".join(kept)


@functools.lru_cache(maxsize=4096)
def comparison_text(title: str, fragment: str) -> str:
    """Title line, then body lines, in the comparison form (NFKC, lower case, no punctuation).

    The same form as `title_key`, computed for the body in one pass: ingest does this per item.
    Cached: the candidates an ingest loads were mostly new items of the last few collects.
    """
    body = _words(article_text(fragment))
    if not unicodedata.is_normalized("NFKC", body):
        body = _words(unicodedata.normalize("NFKC", body))
    if "\n\n" in body:
        body = _BLANK_LINES.sub("\n", body)
    return title_key(title) + "\n" + body.strip("\n").lower()


def _words(text: str) -> str:
    """`text` without non-word characters and underscores, line breaks kept. (One class and a
    replace: an alternation `|_+` made the regex test every character twice, 40% slower.)"""
    return _NOT_WORD.sub("", text).replace("_", "")
