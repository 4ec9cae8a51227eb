"""The quality web: sites, their pages per round, and the labelled ground truth.

`pages_for(plan, site, round_, bases)` is a pure function of the plan (itself a pure function of
the seed) and the sites' base URLs, so the same seed gives the same bytes. `QualityWeb` serves
them on 127.0.0.1 and switches rounds; `truth(plan, round_)` says what a perfect feed holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from .families import FAMILIES
from .families.base import Entry, Page
from .server import SiteServer, strip_tracking
from .stories import CHINA, Plan, Site, Story, build_plan

SITES = [
    Site("trs-wanzhou", "trs", "万州经开区管委会", "万州经开区"),
    Site("hanweb-fuling", "hanweb", "涪陵高新区管委会", "涪陵高新区"),
    Site("dede-yunyang", "dede", "云阳工业园区", "云阳工业园区"),
    Site("wp-bishan", "wordpress", "璧山高新区投资促进网", "璧山高新区"),
    Site("phpcms-changshou", "phpcms", "长寿经开区", "长寿经开区"),
    Site("jiyue-yongchuan", "jiyue", "永川高新区管委会", "永川高新区"),
    Site("wechat-qijiang", "wechat", "綦江工业园区发布", "綦江工业园区"),
    Site("discuz-rongchang", "discuz", "荣昌高新区资讯网", "荣昌高新区"),
    Site("sf-fengjie", "sitefactory", "奉节工业园区管委会", "奉节工业园区"),
    Site("county-wushan", "county", "巫山县人民政府", "巫山工业园区"),
]
TRACKING_SUFFIX = "utm_source=weixin&from=timeline"


@dataclass(frozen=True)
class Bases:
    """Where each site is served: primary and alias base URL per site id."""

    primary: dict[str, str]
    alias: dict[str, str]


def make_plan(seed: int, families: tuple[str, ...] | None = None) -> Plan:
    """The plan for all sites, or for the sites of the named families only."""
    sites = [s for s in SITES if families is None or s.family in families]
    return build_plan(sites, seed, [s.id for s in sites if FAMILIES[s.family].KIND == "html"])


def _raw_entries(plan: Plan, site: Site) -> list[tuple[str, int, str, datetime, tuple[str, ...], str, bytes | None]]:
    """Everything the site ever shows: (key, round, title-at-round-1, time, paragraphs, credit, attachment)."""
    rows = []
    for story in plan.stories:
        if story.site == site.id:
            rows.append((story.id, story.round, "", story.published, tuple(story.paragraphs), site.name, None))
        for copy in story.copies:
            if copy.site == site.id:
                origin = plan.site(story.site)
                paragraphs = tuple(story.paragraphs) + ((copy.extra,) if copy.extra else ()) + ((f"来源：{origin.name}",) if copy.credit else ())
                credit = {"origin": origin.name, "own": site.name, "none": ""}[copy.info]
                rows.append((story.id, story.round, copy.prefix, copy.published, paragraphs, credit, None))
    for attachment in plan.attachments:
        if attachment.site == site.id:
            when = datetime(2023, 9, 1, tzinfo=CHINA) + timedelta(days=(attachment.round - 1) * 8 + 7, hours=9)
            rows.append(("attachment:" + attachment.path, attachment.round, attachment.title, when, (),
                         site.name, attachment.data))
    rows.sort(key=lambda r: (r[3], r[0]))
    return rows


def entries_for(plan: Plan, site: Site, round_: int, bases: Bases) -> list[Entry]:
    family = FAMILIES[site.family]
    stories = {s.id: s for s in plan.stories}
    entries = []
    for number, (key, first, prefix, when, paragraphs, credit, data) in enumerate(_raw_entries(plan, site), 100):
        if first > round_:
            continue
        if data is not None:
            path = key.split(":", 1)[1]
            title = prefix
        else:
            path = family.article_path(number, when)
            story = stories[key]
            own = story.site == site.id
            title = story.title(round_) if own else prefix + story.titles[story.round]
        href = path
        move = plan.moved.get(site.id)
        if move and round_ >= 2 and first == 1:
            href = bases.alias[site.id] + path if move == "port" else \
                path + ("&" if "?" in path else "?") + TRACKING_SUFFIX
        entries.append(Entry(key, number, title, when, paragraphs, credit, path, href, data))
    return entries


def pages_for(plan: Plan, site: Site, round_: int, bases: Bases) -> dict[str, Page]:
    """The site's pages in `round_`; an attachment is served as text/html, as careless CMSs do."""
    entries = entries_for(plan, site, round_, bases)
    pages = FAMILIES[site.family].render(site.name, entries, bases.primary[site.id])
    pages.update((e.path, Page(e.attachment, "text/html")) for e in entries if e.attachment is not None)
    return pages


@dataclass
class Truth:
    """What a perfect feed holds after a round."""

    stories: dict[str, Story]  # stories a reader must find (served by a healthy site so far)
    titles: dict[str, str]  # story id -> true title this round
    times: dict[str, datetime]  # story id -> true publish time (+08:00)
    families: dict[str, str]  # story id -> family of the original publisher
    pages: dict[tuple[str, str], str]  # (site id, path without tracking) -> story id or attachment key


def true_time(plan: Plan, story: Story) -> datetime:
    """The original's time; midnight +08:00 when its site shows only a date."""
    if FAMILIES[plan.site(story.site).family].DATE_ONLY:
        return story.published.replace(hour=0, minute=0, second=0, microsecond=0)
    return story.published


def truth(plan: Plan, round_: int, bases: Bases) -> Truth:
    seen: set[str] = set()
    pages: dict[tuple[str, str], str] = {}
    for site in plan.sites:
        for r in range(1, round_ + 1):
            healthy = site.id not in plan.faults.get(r, {})
            for entry in entries_for(plan, site, r, bases):
                if healthy:
                    seen.add(entry.key)
                for path in _article_paths(site, entry):
                    pages[(site.id, path)] = entry.key
    stories = {s.id: s for s in plan.stories if s.id in seen}
    return Truth(stories, {k: s.title(round_) for k, s in stories.items()},
                 {k: true_time(plan, s) for k, s in stories.items()},
                 {k: plan.site(s.site).family for k, s in stories.items()}, pages)


def _article_paths(site: Site, entry: Entry) -> list[str]:
    """The entry's page and its continuation pages, as the family names them."""
    stem = entry.path[:-5] if entry.path.endswith(".html") else None
    return [entry.path] + ([stem + "_1.html", stem + "_2.html"] if stem else [])


class QualityWeb:
    """The sites of `plan` on 127.0.0.1, one port each (plus an alias port); a context manager."""

    def __init__(self, plan: Plan, timeout_delay: float = 4.0) -> None:
        self.plan = plan
        self.servers = {site.id: SiteServer(timeout_delay) for site in plan.sites}
        self.bases = Bases({k: s.base for k, s in self.servers.items()}, {k: s.alias for k, s in self.servers.items()})
        self.round = 0

    def __enter__(self) -> QualityWeb:
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self.servers.values():
            server.close()

    def set_round(self, round_: int) -> None:
        for site in self.plan.sites:
            server = self.servers[site.id]
            server.pages = pages_for(self.plan, site, round_, self.bases)
            server.fault = self.plan.faults.get(round_, {}).get(site.id, "")
        self.round = round_

    def source_url(self, site: Site) -> str:
        return self.bases.primary[site.id] + FAMILIES[site.family].SOURCE_PATH

    def truth(self, round_: int) -> Truth:
        return truth(self.plan, round_, self.bases)

    def moved(self, url: str) -> bool:
        """Whether `url` is a moved form of a page (alias port or tracking parameters)."""
        parts = urlsplit(url)
        return any(parts.port == s.ports()[1] for s in self.servers.values()) or TRACKING_SUFFIX in url

    def locate(self, url: str) -> tuple[str, str] | None:
        """(site id, path without tracking) of a URL served by this web, else None."""
        parts = urlsplit(url)
        for site_id, server in self.servers.items():
            if parts.port in server.ports():
                path = parts.path + ("?" + parts.query if parts.query else "")
                return site_id, strip_tracking(path)
        return None
