"""China's divisions (province / prefecture / county-level, with adcodes) and development zones,
and where their names occur in a text.

The tables are vendored in data/ (provenance and licences in data/README.md). Names are found
with one Aho-Corasick automaton (ahocorasick-rs, leftmost-longest: "苏州工业园区" wins over
"苏州"), so a title costs microseconds whatever the number of names.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick_rs

from items.places.names import COMMON_FULL_NAMES, short_name
from items.places.zones import KIND_FORMS, KIND_NAMES, kind_of_name, listed_kinds, short_forms, zone_kind

DATA = Path(__file__).parent / "data"
PROVINCE, CITY, COUNTY, ZONE = "province", "city", "county", "zone"
FULL, SHORT = 2, 1  # how strongly a written name points at a place


@dataclass(frozen=True)
class Place:
    """A division or a zone. `code` is the adcode of a division or the id of a zone."""

    code: str
    name: str
    level: str
    province: str
    city: str | None = None
    county: str | None = None
    hosts: tuple[str, ...] = ()  # a zone: the divisions it lies in

    @property
    def adcode(self) -> str:
        """The most specific division: a county, else a prefecture, else a province."""
        return self.county or self.city or self.province

    @property
    def zone(self) -> str | None:
        return self.code if self.level == ZONE else None

    def within(self, other: Place) -> bool:
        """True when this place lies inside `other` (and is not `other` itself)."""
        if self.code == other.code:
            return False
        if other.level == PROVINCE:
            return self.province == other.code
        if other.level == CITY:
            return self.city == other.code
        if other.level == COUNTY:
            return self.level == ZONE and self.county == other.code
        return False


@dataclass(frozen=True)
class Hit:
    """A name found in a text: where, as written, and every place it may mean."""

    start: int
    end: int
    written: str
    places: tuple[Place, ...]


class Gazetteer:
    def __init__(self, divisions: Iterable[tuple[str, str]], zones: Iterable[tuple[str, str]],
                 national: Iterable[tuple[str, str, str, str]]):
        self.places: dict[str, Place] = {}
        self._names: dict[str, dict[str, int]] = {}  # written name -> place code -> strength
        self._by_name: dict[str, list[Place]] = {}  # official names (and zone forms) for lookups
        self._forms: dict[str, tuple[str, ...]] = {}  # zone id -> the ways its name is written
        rows = sorted(divisions)
        named = {code: name for code, name in rows}
        for code, name in rows:
            self._add_division(code, name, named)
        for code, name, short, hosts in national:  # first: they name the divisions they lie in
            self._add_zone(code, name, tuple(hosts.split(",")), (short,) if short else ())
        for code, name in zones:
            if not any(p.level == ZONE for p in self._by_name.get(name, ())):  # 兰州新区 is listed twice
                self._add_listed_zone(code, name)
        self._listed_by_kind: dict[tuple[str, str], list[Place]] = {}
        for place in self.places.values():
            if place.level == ZONE and (kind := kind_of_name(place.name)):
                for host in {place.adcode, place.city or place.province}:
                    self._listed_by_kind.setdefault((host, kind), []).append(place)
        self._written = list(self._names)
        self._automaton = ahocorasick_rs.AhoCorasick(self._written,
                                                     matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)

    # building -------------------------------------------------------------------------------
    def _add_division(self, code: str, name: str, named: dict[str, str]) -> None:
        province = code[:2] + "0000"
        if code == province:
            place = Place(code, name, PROVINCE, province)
        elif code.endswith("00"):
            place = Place(code, name, CITY, province, code)
            if name == named.get(province):  # 重庆市 500100/500200: the municipality's parts
                self.places[code] = place
                return
        else:
            city = code[:4] + "00"
            place = Place(code, name, COUNTY, province, city, code)
        self.places[code] = place
        self._by_name.setdefault(name, []).append(place)
        if name not in COMMON_FULL_NAMES:
            self._name(name, place, FULL)
        if short := short_name(name):
            self._name(short, place, SHORT)

    def _add_listed_zone(self, code: str, name: str) -> None:
        city = self.places.get(code[:4] + "00")
        province = self.places.get(code[:2] + "0000")
        host = city or province
        if host is None:
            return
        stem = name
        for prefix in (province.name if province else "", _short(province), "中国"):
            rest = stem[len(prefix):] if prefix and stem.startswith(prefix) else ""
            if len(rest) > 2 and kind_of_name(rest) and rest not in KIND_FORMS:  # 吉林经济开发区 stays
                stem = rest
        county = None
        if not stem.startswith((host.name, _short(host) or host.name)):  # 连云港…: the city, not 连云区
            county = next((p for p in self.places.values() if p.level == COUNTY and p.city == host.code
                           and (stem.startswith(p.name) or (_short(p) and stem.startswith(_short(p))))), None)
        forms = tuple(f for f in {stem, *short_forms(stem), *short_forms(name)} if f != name)
        self._add_zone(code, name, ((county or host).code,), forms)

    def _add_zone(self, code: str, name: str, hosts: tuple[str, ...], forms: tuple[str, ...]) -> None:
        places = [self.places[h] for h in hosts if h in self.places]
        if not places:
            return
        province = places[0].province
        city = places[0].city if all(p.city == places[0].city for p in places) else None
        county = places[0].county if len(places) == 1 else None
        if any(p.province != province for p in places):
            return
        zone = Place(code, name, ZONE, province, city, county, hosts)
        self.places[code] = zone
        self._forms[code] = (name, *forms)
        for written in (name, *forms):
            self._by_name.setdefault(written, []).append(zone)
            self._name(written, zone, FULL)

    def _name(self, written: str, place: Place, strength: int) -> None:
        codes = self._names.setdefault(written, {})
        codes[place.code] = max(strength, codes.get(place.code, 0))

    # use ------------------------------------------------------------------------------------
    def find(self, text: str) -> list[Hit]:
        """Every place name in `text`, leftmost-longest; "<place><zone kind>" becomes the zone."""
        hits = []
        for index, start, end in self._automaton.find_matches_as_indexes(text):
            written = self._written[index]
            codes = self._names[written]
            places = tuple(self.places[c] for c in codes)
            kind = zone_kind(text, end)
            if kind and all(p.level != ZONE for p in places):
                places = tuple(self._zone_at(p, kind[0]) for p in places)
                written, end = text[start:kind[1]], kind[1]
            hits.append(Hit(start, end, written, places))
        return hits

    def _zone_at(self, host: Place, kind: str) -> Place:
        """The zone of `kind` in `host`: a listed one when exactly one fits, else a named rule."""
        listed = [z for k in listed_kinds(kind) for z in self._listed_by_kind.get((host.code, k), [])]
        if len(listed) > 1:  # 芜湖经济技术开发区 rather than 安徽芜湖长江大桥经济开发区
            names = {f"{n}{k}" for n in (host.name, _short(host)) if n for k in KIND_FORMS}
            listed = [z for z in listed if z.name in names or any(f in names for f in self._forms[z.code])]
        if len(listed) == 1:
            return listed[0]
        code = f"{host.code}-{kind}"
        found = self.places.get(code)
        if found is None:
            found = Place(code, (_short(host) or host.name) + KIND_NAMES[kind], ZONE, host.province,
                          host.city, host.county, (host.code,))
        return found

    def lookup(self, name_or_code: str) -> Place | None:
        """The place a config or a URL names: an adcode, a zone id, or an unambiguous name."""
        key = name_or_code.strip()
        if key in self.places:
            return self.places[key]
        if "-" in key:  # a zone named by rule: "<adcode>-<kind>"
            host_code, _, kind = key.partition("-")
            host = self.places.get(host_code)
            return self._zone_at(host, kind) if host and kind in KIND_NAMES else None
        found = self._by_name.get(key) or [self.places[c] for c in self._names.get(key, {})]
        outer = [p for p in found if all(q is p or q.within(p) for q in found)]  # 长沙: the city
        provinces = [p for p in found if p.level == PROVINCE]  # 海南: the province
        if len(outer) == 1 or len(provinces) == 1:
            return outer[0] if len(outer) == 1 else provinces[0]
        hits = self.find(key)
        if len(hits) == 1 and hits[0].start == 0 and hits[0].end == len(key) and len(hits[0].places) == 1:
            return hits[0].places[0]  # "万州经开区"
        return None

    def parent(self, place: Place) -> Place | None:
        """The next place up: zone -> its division, county -> prefecture, prefecture -> province."""
        for code in (place.county if place.level == ZONE else None, place.city if place.level in (ZONE, COUNTY)
                     else None, place.province if place.level != PROVINCE else None):
            if code and code in self.places and code != place.code:
                return self.places[code]
        return None


def _short(place: Place | None) -> str | None:
    return short_name(place.name) if place else None


def _read(name: str) -> list[list[str]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter="\t"))[1:]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The shipped gazetteer, built once per process (~0.1 s)."""
    return Gazetteer([(r[0], r[1]) for r in _read("divisions.tsv")],
                     [(r[0], r[1]) for r in _read("zones.tsv")],
                     [(r[0], r[1], r[2], r[3]) for r in _read("national_zones.tsv")])
