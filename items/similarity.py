"""Whether two appearances are the same story: the rule, its thresholds and its reasons.

Thresholds come from measurements (tests/items/test_dedupe_fixtures.py prints them on the
labelled set): cross-posts share >= ~0.6 of their character 3-grams (0.8 typical),
same-template look-alikes ~0.2-0.45, unrelated ~0.03. Look-alikes are further kept apart by
the title's distinguishing tokens (places, numbers). The Jaccard threshold lives beside the
band scheme that must find pairs at it (items/minhash.py, `LSH`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

import numpy as np

from items.minhash import LSH, shingle_hashes
from text.credit import same_publisher
from text.titles import repost_titles_agree

MIN_CONTAINMENT = 0.85  # a shortened re-post: most of the shorter text is in the longer
MIN_TITLE_OVERLAP = 0.5  # ... and then the titles must agree as well
MIN_SHINGLES = 40  # below this (a bare title) text similarity proves nothing
WINDOW = timedelta(days=10)  # re-posts appear within days; templates recur weekly or yearly
# A re-post that credits the other's publisher, under the same title, is the same story even
# when its text is short; its text must still not be another story's (look-alikes <= ~0.3
# when long, re-posts of short items ~0.5-0.9).
CREDITED_MIN_JACCARD = 0.3

_NUMBER = re.compile(r"\d+|[零一二三四五六七八九十百千万两]+(?=[年月日号届次期批个项条家名季度])")
_PLACE = re.compile(
    r"[\u4e00-\u9fff]{2,4}?(?:特别行政区|自治州|自治县|开发区|高新区|经开区|新区|园区|街道|省|市|县|区|镇|乡|村|旗|州|盟)"
)
_PLACE_SUFFIX = re.compile(r"(?:特别行政区|自治州|自治县|开发区|高新区|经开区|新区|园区|街道|省|市|县|区|镇|乡|村|旗|州|盟)$")
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
TITLE_CONFLICTS = 1  # one unexplained place/number on each side separates two titles
BODY_CONFLICTS = 2  # bodies are longer: ask for two on each side


def chinese_number(token: str) -> str:
    """'二十' -> '20', '三百零五' -> '305'; digits pass through, so 20条 and 二十条 agree."""
    if token.isdigit():
        return str(int(token))
    total, current = 0, 0
    for char in token:
        if char in _DIGITS:
            current = _DIGITS[char]
        else:
            total += (current or 1) * _UNITS[char]
            current = 0
    return str(total + current)


@dataclass
class Tokens:
    """Places and numbers of a text: what tells one county's or month's story from another."""

    numbers: frozenset[str]
    places: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Tokens:
        return cls(frozenset(chinese_number(n) for n in _NUMBER.findall(text)),
                   frozenset(_PLACE.findall(text)))

    def unexplained_by(self, other: Tokens, other_text: str, numbers_in_text: bool = False) -> set[str]:
        """Tokens of ours the other side does not carry (a place counts if its name appears)."""
        return ({n for n in self.numbers
                 if n not in other.numbers and not (numbers_in_text and n in other_text)}
                | {p for p in self.places if _PLACE_SUFFIX.sub("", p) not in other_text})


@dataclass
class MatchDoc:
    """What the rule needs of one appearance (text already in comparison form)."""

    appearance_id: int
    source_id: str
    title_key: str
    text: str
    published_at: datetime
    title: str = ""  # as published: re-post marks (【转载】) are cut only for the credit rule
    publisher: str = ""  # whom it credits as 来源 (or states as its own ContentSource)
    site: str = ""  # the name of the source it was read on

    @cached_property
    def hashes(self) -> np.ndarray:
        return shingle_hashes(self.text)

    @cached_property
    def distinct_hashes(self) -> np.ndarray:
        """The 3-gram hashes, sorted and distinct: exact set sizes without Python sets.

        (A sort and a mask: np.unique costs ~5x more on arrays this small.)"""
        ordered = np.sort(self.hashes)
        return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if len(ordered) else ordered

    @cached_property
    def shingles(self) -> frozenset[int]:
        """The 3-grams as 64-bit hashes: exact sets for Jaccard, far cheaper than strings."""
        return frozenset(self.hashes.tolist())

    @cached_property
    def title_shingles(self) -> frozenset[str]:
        return shingle_set(self.title_key)

    @cached_property
    def title_tokens(self) -> Tokens:
        return Tokens.of(self.title_key)

    @cached_property
    def body(self) -> str:
        return self.text.partition("\n")[2]

    @cached_property
    def body_lines(self) -> frozenset[str]:
        return frozenset(self.body.split("\n"))


@dataclass(frozen=True)
class Verdict:
    same: bool
    rule: str
    jaccard: float = 0.0
    containment: float = 0.0
    title_overlap: float = 0.0

    def describe(self) -> str:
        return (f"{'MERGE' if self.same else 'SEPARATE'}: {self.rule} "
                f"(jaccard={self.jaccard:.2f} containment={self.containment:.2f} "
                f"title={self.title_overlap:.2f})")


def shingle_set(text: str) -> frozenset[str]:
    """Distinct character 3-grams (line breaks excluded: they are not text)."""
    grams: set[str] = set()
    for part in text.split("\n"):
        if part:
            grams.update({part[i:i + 3] for i in range(max(len(part) - 2, 1))})
    return frozenset(grams)


def overlap(a: frozenset, b: frozenset) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger)."""
    if not a or not b:
        return 0.0, 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common), common / min(len(a), len(b))


def hash_overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """`overlap` of two sorted distinct hash arrays (the same figures, several times faster)."""
    if not len(a) or not len(b):
        return 0.0, 0.0
    both = np.concatenate((a, b))
    both.sort()
    common = int(np.count_nonzero(both[1:] == both[:-1]))
    return common / (len(a) + len(b) - common), common / min(len(a), len(b))


def token_conflict(a: MatchDoc, b: MatchDoc) -> str | None:
    """Names places or numbers that each side has and the other lacks (look-alikes), if any.

    In bodies only the lines the two do not share can disagree, so only those are scanned.
    """
    body_a = Tokens.of("\n".join(a.body_lines - b.body_lines))
    body_b = Tokens.of("\n".join(b.body_lines - a.body_lines))
    for where, ta, tb, text_a, text_b, needed in (
        ("title", a.title_tokens, b.title_tokens, a.title_key, b.title_key, TITLE_CONFLICTS),
        ("body", body_a, body_b, a.body, b.body, BODY_CONFLICTS),
    ):
        in_text = where == "body"
        only_a, only_b = ta.unexplained_by(tb, text_b, in_text), tb.unexplained_by(ta, text_a, in_text)
        if len(only_a) >= needed and len(only_b) >= needed:
            return (f"{where} places/numbers differ: {'/'.join(sorted(only_a)[:4])} "
                    f"vs {'/'.join(sorted(only_b)[:4])}")
    return None


def credited_repost(a: MatchDoc, b: MatchDoc) -> str | None:
    """Why one appearance is a credited re-post of the other's story, if it is: it names the
    other's site or publisher as its 来源 and the titles agree once re-post marks are cut."""
    for x, y in ((a, b), (b, a)):
        if not x.publisher:
            continue
        names = tuple(n for n in (y.site, y.publisher) if n)
        credited = next((n for n in names if same_publisher(x.publisher, n)), None)
        if credited and repost_titles_agree(x.title, y.title, (*names, x.site, x.publisher)):
            return f"{x.source_id} credits {credited} ({y.source_id})"
    return None


def compare(a: MatchDoc, b: MatchDoc) -> Verdict:
    """The merge rule."""
    if a.source_id == b.source_id:
        return Verdict(False, "same source: only an identical URL or GUID merges")
    gap = abs(a.published_at - b.published_at)
    if gap > WINDOW:
        return Verdict(False, f"published {gap.days} days apart (window {WINDOW.days})")
    sa, sb = a.distinct_hashes, b.distinct_hashes
    jaccard, containment = hash_overlap(sa, sb)
    title_overlap = overlap(a.title_shingles, b.title_shingles)[1]
    scores = dict(jaccard=jaccard, containment=containment, title_overlap=title_overlap)
    short = min(len(sa), len(sb)) < MIN_SHINGLES
    if not short and jaccard >= LSH.min_jaccard:
        rule = f"near-duplicate text (jaccard >= {LSH.min_jaccard})"
    elif not short and containment >= MIN_CONTAINMENT and title_overlap >= MIN_TITLE_OVERLAP:
        rule = f"shorter text contained in the longer (containment >= {MIN_CONTAINMENT}) and titles agree"
    elif (credit := credited_repost(a, b)) and (short or jaccard >= CREDITED_MIN_JACCARD):
        rule = f"{credit}, and the titles agree after re-post marks are cut"
    elif short:
        return Verdict(False, "too little text to compare", **scores)
    else:
        return Verdict(False, "texts differ", **scores)
    conflict = token_conflict(a, b)  # only similar texts can be look-alikes
    if conflict:
        return Verdict(False, conflict, **scores)
    return Verdict(True, rule, **scores)
