"""Compare a published JSON Feed with the ground truth: the figures of issue 15, per family.

An entry is mapped to stories through its link and its "also at" links (each located on the
web, tracking parameters ignored). Per true story: present (recall), entries beyond the first
(duplicates), date within 60 s, exact title, full text (>= 90 % of the story's paragraphs in the
content). Per entry: wrong merge (it links pages of two or more stories), non-text content
(NUL/U+FFFD/control characters, or any text on an attachment's entry), entity residue
(`&name;` text in title or content).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import lxml.html

from .web import QualityWeb, Truth

ENTITY = re.compile(r"&[A-Za-z_][\w.-]*;")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
TARGETS = {"recall": (">=", 0.99), "duplicates": ("<=", 0.01), "wrong merges": ("==", 0), "dates": (">=", 1.0),
           "titles": (">=", 1.0), "full text": (">=", 0.95), "non-text": ("==", 0), "entity residue": ("==", 0)}


@dataclass
class Figures:
    expected: int = 0
    present: int = 0
    entries: int = 0
    duplicates: int = 0
    wrong_merges: int = 0
    dates: int = 0
    titles: int = 0
    full_text: int = 0
    non_text: int = 0
    entity: int = 0
    samples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # (family of the page the faulty entry shows, defect kind) -> count: where a fix belongs
    by_page: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, other: Figures) -> None:
        for name in ("expected", "present", "entries", "duplicates", "wrong_merges", "dates", "titles",
                     "full_text", "non_text", "entity"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for kind, values in other.samples.items():
            self.samples[kind].extend(values)
        self.by_page.update(other.by_page)

    def ratios(self) -> dict[str, float]:
        present = self.present or 1
        return {"recall": self.present / (self.expected or 1), "duplicates": self.duplicates / (self.entries or 1),
                "wrong merges": self.wrong_merges, "dates": self.dates / present, "titles": self.titles / present,
                "full text": self.full_text / present, "non-text": self.non_text, "entity residue": self.entity}

    def verdicts(self) -> dict[str, bool]:
        checks = {">=": lambda a, b: a >= b - 1e-9, "<=": lambda a, b: a <= b + 1e-9, "==": lambda a, b: a == b}
        return {k: checks[op](self.ratios()[k], bound) for k, (op, bound) in TARGETS.items()}


def _text(html: str) -> str:
    """The text of an HTML fragment; control characters (which lxml refuses) become U+FFFD."""
    if not html.strip():
        return ""
    html = CONTROL.sub("\ufffd", html)
    return lxml.html.fragment_fromstring(html, create_parent="div").text_content()


def _squash(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", text)


def _non_text(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text if ch == "\ufffd")
    return bad / len(text) > 0.005 or "%PDF" in text


def measure(feed: dict, web: QualityWeb, truth: Truth) -> dict[str, Figures]:
    """Figures per family of the original publisher (entries that map to no story, e.g. an
    attachment's: family "?")."""
    figures: dict[str, Figures] = defaultdict(Figures)
    by_story: dict[str, list[dict]] = defaultdict(list)

    def page_family(item: dict) -> str:
        located = web.locate(item["url"])
        return web.plan.site(located[0]).family if located else "?"

    for item in feed["items"]:
        urls = [item["url"]] + [a["url"] for a in item.get("_zonefeed", {}).get("also_at", [])]
        keys = []
        for url in urls:
            located = web.locate(url)
            key = truth.pages.get(located) if located else None
            if key and key not in keys:
                keys.append(key)
        stories = [k for k in keys if k in truth.stories]
        family = truth.families[stories[0]] if stories else "?"
        fig = figures[family]
        fig.entries += 1
        content = _text(item.get("content_html", ""))
        attachment = bool(keys) and not stories
        if (attachment and len(_squash(content)) > 100) or _non_text(content):
            fig.non_text += 1
            fig.by_page[(page_family(item), "non-text")] += 1
            fig.samples["non-text"].append(f"{item['url']} ({len(content)} chars)")
        if ENTITY.search(item["title"]) or ENTITY.search(content):
            fig.entity += 1
            fig.by_page[(page_family(item), "entity residue")] += 1
            fig.samples["entity"].append(item["title"])
        if len(stories) > 1:
            fig.wrong_merges += 1
            fig.samples["wrong merge"].append(" + ".join(truth.titles[s] for s in stories))
        if attachment:
            fig.samples["attachment entry"].append(f"{item['title']}: {len(content)} characters of content")
        if not keys:
            fig.samples["unknown entry"].append(f"{item['title']} {item['url']}")
        for story in stories[:1]:
            by_story[story].append(item)
    for story_id, story in truth.stories.items():
        fig = figures[truth.families[story_id]]
        fig.expected += 1
        items = by_story.get(story_id, [])
        if not items:
            fig.samples["missing"].append(truth.titles[story_id])
            continue
        fig.present += 1
        fig.duplicates += len(items) - 1
        if len(items) > 1:
            where = ", ".join(f"{web.locate(i['url'])[0]}{' (moved URL)' if web.moved(i['url']) else ''}"
                              for i in items)
            fig.samples["duplicate"].append(f"{truth.titles[story_id]} x{len(items)}: {where}")
            fig.by_page.update((page_family(i), "duplicates") for i in items[1:])
        item = items[0]
        published = datetime.fromisoformat(item["date_published"])
        if abs((published - truth.times[story_id]).total_seconds()) <= 60:
            fig.dates += 1
        else:
            fig.by_page[(page_family(item), "dates")] += 1
            fig.samples["date"].append(f"{truth.titles[story_id]}: {item['date_published']} != "
                                       f"{truth.times[story_id].isoformat()}")
        if item["title"].strip() == truth.titles[story_id]:
            fig.titles += 1
        else:
            fig.by_page[(page_family(item), "titles")] += 1
            fig.samples["title"].append(f"{item['title']!r} != {truth.titles[story_id]!r}")
        text = _squash(_text(item.get("content_html", "")))
        paragraphs = story.paragraphs
        found = sum(1 for p in paragraphs if _squash(p) in text)
        if found >= 0.9 * len(paragraphs):
            fig.full_text += 1
        else:
            fig.by_page[(page_family(item), "full text")] += 1
            fig.samples["full text"].append(f"{truth.titles[story_id]}: {found}/{len(paragraphs)} paragraphs")
    return dict(figures)


def total(figures: dict[str, Figures]) -> Figures:
    result = Figures()
    for fig in figures.values():
        result.add(fig)
    return result
