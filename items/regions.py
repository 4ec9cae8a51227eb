"""Which places a story is about, from what it says, not only from where it was found.

Order of evidence: the title, then the lead, then the credited publisher (来源), then the
source's configured region. A national source (region 全国, or none) adds nothing. A place
named in passing is not the story's place: where people travel to ("赴深圳考察学习"), where
visitors come from ("深圳客商", "来自深圳"), a partner ("与深圳…签约"), the next names of such a
list ("赴苏州、无锡"), an event's venue ("论坛在武汉举行"), and names of other things (中山大学).
A title of national scope (全国, 国务院, 商务部…) takes no place from its lead. A short name shared by
places in different provinces is resolved by the other places of the story or the source's
region, or left out: a story without a place is better than one in the wrong province.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from items.places.gazetteer import CITY, COUNTY, PROVINCE, ZONE, Gazetteer, Hit, Place
from model.stories import PlaceTag

LEAD_CHARS = 160  # the lead paragraph's opening; later sentences wander to partners and visitors
# Travel out, visitors and partners: the place after/before these words is not the subject.
_PASSING_BEFORE = re.compile(r"(?:赴|前往|飞赴|远赴|奔赴|走进|来自|与|同|携手|联合|对接|和|及|、)$")
_TRAVEL_BEFORE = re.compile(r"到$")
_TRAVEL_AFTER = re.compile(r"^(?:考察学习|学习|取经|招商|推介|开展招商|举办|举行推介)")
_PASSING_AFTER = re.compile(r"^(?:市|省|县|区)?(?:客商|企业家|企业代表|代表团|考察团|商会|籍|方面|等地|等城市|等省|客人)")
_EVENT_AFTER = re.compile(r"^(?:市|省)?(?:举行|召开|举办|开幕|开展|启动|闭幕)")
_NOT_A_PLACE_AFTER = re.compile(r"^(?:大学|学院|路|街|大道|银行)")
_LIST_JOINS = ("、", "和", "及", "与", "，")
_NATIONAL = re.compile(r"全国|国务院|国家级|国家高新区|商务部|发改委|工信部|科技部|财政部|各地|多地|中西部|东部地区")
_PARTNER_AFTER = re.compile(r"^[^，。；]{0,12}(?:签约|签署|合作|共建|对口|结对|协作|缔结|友好)")


@dataclass(frozen=True)
class _Found:
    place: Place
    evidence: str
    passing: bool


def infer_places(gaz: Gazetteer, title: str, lead: str = "", publisher: str | None = None,
                 source_regions: tuple[str, ...] = ()) -> tuple[PlaceTag, ...]:
    """The story's places, the primary one first, each with the evidence for it."""
    home = _home(gaz, source_regions)
    fields = [("title", title), ("lead", lead[:LEAD_CHARS]), ("publisher", publisher or "")]
    hits = {name: gaz.find(text) if text else [] for name, text in fields}
    context = [h.places[0] for found in hits.values() for h in found if len(h.places) == 1]
    if home:
        context.append(home)
    national = _NATIONAL.search(title) is not None
    for name, text in fields:
        if national and name != "title":
            break  # a national round-up names places in its lead as examples or venues
        found = [f for f in _resolve(hits[name], text, name, context) if not f.passing]
        if found:
            places = _most_specific(found)
            return tuple(_tag(f, i == 0) for i, f in enumerate(places))
    if home and not national:
        return (_tag(_Found(home, "source region: " + home.name, False), True),)
    return ()


def _home(gaz: Gazetteer, regions: tuple[str, ...]) -> Place | None:
    """The most specific known place among a source's configured regions (全国: none)."""
    known = [p for p in map(gaz.lookup, regions) if p is not None]
    inner = [p for p in known if not any(q.within(p) for q in known)]
    return inner[0] if len(inner) == 1 else None


def _resolve(hits: list[Hit], text: str, field: str, context: list[Place]) -> list[_Found]:
    found: list[_Found] = []
    previous: Place | None = None
    last: tuple[int, bool] | None = None  # where the previous kept name ended, and if in passing
    for index, hit in enumerate(hits):
        adjacent = previous is not None and index > 0 and hits[index - 1].end == hit.start
        place = _choose(hit, previous if adjacent else None, context)
        if place is None or (adjacent and previous is not None and not place.within(previous)):
            # "宜宾三江新区": a name right after another place, not inside it, is part of a longer name
            previous = place if not adjacent else previous
            continue
        listed = last is not None and last[1] and text[last[0]:hit.start] in _LIST_JOINS  # 赴苏州、无锡
        venue = text[max(0, hit.start - 1):hit.start] == "在" and (  # 论坛在武汉举行: the event's venue
            any(not f.passing for f in found) or _EVENT_AFTER.search(text[hit.end:hit.end + 4]) is not None)
        passing = not adjacent and (listed or venue or _passing(text, hit))
        found.append(_Found(place, f"{field}: {hit.written}", passing))
        previous, last = place, (hit.end, passing)
    # "重庆市云阳县": a place written right before its own part is that part, not a mention
    return [f for i, f in enumerate(found)
            if not (i + 1 < len(found) and found[i + 1].place.within(f.place))]


def _choose(hit: Hit, previous: Place | None, context: list[Place]) -> Place | None:
    """One place for a name, or None when the story does not say which."""
    places = hit.places
    if len(places) == 1:
        return places[0]
    if previous is not None:  # "南京市鼓楼区"
        inside = [p for p in places if p.within(previous)]
        if len(inside) == 1:
            return inside[0]
    for scope in (CITY, PROVINCE):
        near = [p for p in places if any(_same(p, c, scope) for c in context)]
        if len(near) == 1:
            return near[0]
    outer = [p for p in places if all(q is p or q.within(p) or _same_admin(q, p) for q in places)]
    if len(outer) == 1:  # 吉林 is the province and its city: the province
        return outer[0]
    for level in (PROVINCE, CITY, COUNTY):  # 海南: the province before 青海's 海南州; 西安 the city
        at_level = [p for p in places if _admin_level(p) == level]
        if len(at_level) == 1 and level != COUNTY:
            return at_level[0]
        if at_level:
            return None
    return None


def _admin_level(place: Place) -> str:
    """A division's level; a zone's is its host's (西安高新区 is a city's zone)."""
    if place.level != ZONE:
        return place.level
    return COUNTY if place.county else CITY if place.city else PROVINCE


def _same(place: Place, other: Place, scope: str) -> bool:
    if scope == CITY:
        return place.city is not None and place.city == other.city
    return place.province == other.province


def _same_admin(place: Place, other: Place) -> bool:
    """A zone named by its host's short name, inside that host (长沙经开区 of 长沙市 / 长沙县)."""
    return place.level == other.level and place.province == other.province and (
        other.city == place.city and other.county is None)


def _passing(text: str, hit: Hit) -> bool:
    before, after = text[max(0, hit.start - 3):hit.start], text[hit.end:hit.end + 16]
    if _NOT_A_PLACE_AFTER.search(after):  # 中山大学, 中山路: a name, not the place
        return True
    if _PASSING_BEFORE.search(before) and (not before.endswith(("和", "及", "、", "与", "同", "联合"))
                                           or _PARTNER_AFTER.search(after)):
        return True
    if _TRAVEL_BEFORE.search(before) and _TRAVEL_AFTER.search(after):
        return True
    return bool(_PASSING_AFTER.search(after))


def _most_specific(found: list[_Found]) -> list[_Found]:
    """Each place once, dropping any that another found place lies inside, in order found."""
    kept: list[_Found] = []
    for f in found:
        if any(k.place.code == f.place.code for k in kept):
            continue
        if any(o.place.within(f.place) for o in found):
            continue
        kept.append(f)
    return kept


def _tag(found: _Found, primary: bool) -> PlaceTag:
    p = found.place
    return PlaceTag(adcode=p.adcode, name=p.name, province=p.province, city=p.city, county=p.county,
                    zone=p.zone, primary=primary, evidence=found.evidence)
