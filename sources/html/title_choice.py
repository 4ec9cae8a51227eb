"""Which of the strings a list entry and its page offer is the article's title.

CMS templates put the site's name in `<h1>`, the title in `<h2>`, `<title>` text with a
`_站名` suffix, and list entries cut short with "…". No single element is right everywhere,
so the title is the candidate the others agree with:

- a string the same source shows for several different URLs (a site name, a column name, a
  template heading) or that names the site (the source's name, the `<title>` suffix) is never
  a title;
- when the list entry is a good candidate (not cut short, not a template), the title agrees
  with it: the page's own form of it wins when some page candidate agrees, else the list text;
- a list entry cut short ("…", "...") is matched by the page candidate that starts with it;
- otherwise the candidate most others agree with wins (ties: metas, headings, `<title>`).

Agreement is on `title_key` (width, case and punctuation ignored); a candidate that starts
with another of at least PREFIX_CHARS characters agrees with it too (lists often cut titles
without marking it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from text.titles import site_suffix_forms, title_key

PREFIX_CHARS = 8
MIN_CHARS = 4
MAX_CHARS = 200
TRUNCATED = ("...", "…", "..", "。。。")
_SEPARATOR = re.compile(r"\s*(?:[_|｜·:：/\\>»(（\[【]|[-—–]+(?!\d))")
# Origin order for ties; a configured selector always wins (the operator said where the title is).
CONFIGURED = "configured selector"
ORIGINS = (CONFIGURED, "ArticleTitle", "og:title", "heading", "list", "<title>")


@dataclass(frozen=True)
class Candidate:
    origin: str  # one of ORIGINS, headings as "h2 heading"
    text: str

    @property
    def kind(self) -> str:
        return "heading" if self.origin.endswith("heading") else self.origin


@dataclass(frozen=True)
class TitleChoice:
    title: str
    origin: str
    reason: str  # one line for `explain`: what won, what agreed, what was set aside

    @property
    def from_page_title(self) -> bool:
        return self.origin == "<title>"


def page_title_forms(page_title: str) -> tuple[list[str], list[str]]:
    """`<title>` (or `og:title`) text minus each site suffix in turn, and the names cut.

    The uncut text is no candidate when a suffix was cut: it would agree with the title by
    prefix and win by length."""
    return site_suffix_forms(page_title)


def truncated(text: str) -> bool:
    return text.rstrip().endswith(TRUNCATED)


def _stem(text: str) -> str:
    text = text.rstrip()
    for mark in TRUNCATED:
        if text.endswith(mark):
            return title_key(text[: -len(mark)])
    return title_key(text)


def _raw_end(text: str, key_chars: int) -> int:
    """Where in `text` its first `key_chars` title-key characters end."""
    seen = 0
    for index, char in enumerate(text):
        if seen >= key_chars:
            return index
        seen += len(title_key(char))
    return len(text)


def agree(a: str, b: str) -> bool:
    """Same title by key, or one starts with the other (cut short, marked or not)."""
    ka, kb = _stem(a), _stem(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    (shorter, short_text), (longer, long_text) = sorted(((ka, a), (kb, b)), key=lambda p: len(p[0]))
    if not longer.startswith(shorter):
        return False
    if truncated(short_text):
        return len(shorter) >= MIN_CHARS
    # Cut short without a mark: the longer text runs on, it does not start a suffix ("…_站名").
    return len(shorter) >= PREFIX_CHARS and not _SEPARATOR.match(long_text[_raw_end(long_text, len(shorter)):])


def choose_title(candidates: Sequence[Candidate], site_names: Iterable[str] = (),
                 templates: Iterable[str] = ()) -> TitleChoice | None:
    """The agreed title among `candidates` (list entry first, then the page's), or None.

    `templates` are title keys the source showed for several URLs; `site_names` name the site.
    """
    configured = next((c for c in candidates if c.origin == CONFIGURED and c.text), None)
    if configured is not None:
        return TitleChoice(configured.text, CONFIGURED, "configured selector: [sources.article] title")
    names = {title_key(n) for n in site_names} - {""}
    template_keys = set(templates)
    usable, set_aside = [], []
    for candidate in candidates:
        key = _stem(candidate.text)
        if not key or len(candidate.text) > MAX_CHARS:
            continue
        if key in template_keys:
            set_aside.append(f"{candidate.origin} {candidate.text!r} (shown for several URLs of this source)")
        elif key in names or any(key in name for name in names if len(key) >= MIN_CHARS):
            set_aside.append(f"{candidate.origin} {candidate.text!r} (the site's name)")
        else:
            usable.append(candidate)
    if not usable:
        return None
    support = {id(c): {o.kind for o in usable if o.kind != c.kind and agree(c.text, o.text)} for c in usable}
    exact = {id(c): {o.kind for o in usable if o.kind != c.kind and _stem(c.text) == _stem(o.text)}
             for c in usable}

    def rank(c: Candidate) -> tuple[int, int, int, int]:
        """Full (not cut short, not a stub) first; then agreement as written (a "标题 – 站名" form agrees with
        "标题" only by prefix), then any agreement, then the origin's order."""
        full = 0 if truncated(c.text) or len(_stem(c.text)) < MIN_CHARS else 1
        return (full, len(exact[id(c)]), len(support[id(c)]), -ORIGINS.index(c.kind))

    list_entry = next((c for c in usable if c.kind == "list"), None)
    page = [c for c in usable if c.kind != "list"]
    if list_entry is not None:
        with_list = [c for c in page if agree(c.text, list_entry.text)]
        if with_list:
            winner = max(with_list, key=lambda c: (*rank(c)[:3], len(_stem(c.text)), rank(c)[3]))
            why = "agrees with the list entry"
        elif not truncated(list_entry.text):
            winner, why = list_entry, "no page candidate agrees with the list entry"
        else:
            winner = max(usable, key=rank)
            why = "the list entry is cut short and no page candidate starts with it; most agreement"
    else:
        winner = max(usable, key=rank)
        why = "most agreement among the page's candidates"
    agreed = sorted(support[id(winner)])
    reason = f"{winner.origin}: {why}" + (f"; agreed: {', '.join(agreed)}" if agreed else "")
    if set_aside:
        reason += "; set aside: " + "; ".join(set_aside[:3])
    return TitleChoice(winner.text, winner.origin, reason)
