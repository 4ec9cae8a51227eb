"""Pages people read in a browser: the front page, one page per feed, one per story and the
search page, server-rendered from Jinja2 templates (autoescaped) in Chinese.

Each page links its feeds with `<link rel="alternate">` so browsers and readers discover them.
Story text is sanitized again here: the pages are on the service's own origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from feeds.paths import feed_path, story_path
from feeds.render import FeedMeta
from items.sanitize import sanitize_html
from items.urls import is_web_url
from model.stories import StoryAppearance, StoryEntry

ENV = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")), autoescape=True,
                  trim_blocks=True, lstrip_blocks=True)
FEED_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml", "json": "application/feed+json"}


@dataclass(frozen=True)
class Site:
    """What every page shows around its content."""

    title: str
    base_url: str
    tz: tzinfo
    tz_name: str

    @property
    def root(self) -> str:
        """Root-relative links: the pages work behind whatever host or prefix serves them."""
        return urlsplit(self.base_url).path.rstrip("/")

    @property
    def tz_label(self) -> str:
        return f"{self.tz_name} 时间"

    def local(self, moment: datetime) -> str:
        return moment.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class FeedLink:
    id: str
    title: str
    description: str
    entries: int


def render_home(site: Site, stories: list[StoryEntry], feeds: list[FeedLink], failing: list[str],
                all_failing: bool, previous: str | None, following: str | None) -> bytes:
    alternates = [_alternate(site, f.id, f.title, ext) for f in feeds for ext in ("atom",)]
    return _render("home.html", site, alternates, stories=_cards(site, stories), feeds=feeds,
                   failing=failing, all_failing=all_failing, previous=previous, following=following)


def render_feed_page(meta: FeedMeta, entries: list[StoryEntry]) -> bytes:
    """The "html" output format: the same entries as the feed's other formats, as a page."""
    site = Site(meta.author, meta.base_url, meta.tz, getattr(meta.tz, "key", str(meta.tz)))
    links = {ext: meta.self_url(ext) for ext in FEED_TYPES}
    alternates = [{"type": FEED_TYPES[ext], "title": f"{meta.title} ({ext})", "href": href}
                  for ext, href in links.items()]
    return _render("feed.html", site, alternates, feed_title=meta.title, description=meta.description,
                   links=links, stories=_cards(site, entries))


def render_story_page(site: Site, story: StoryEntry, appearances: list[StoryAppearance],
                      explanation: list[str]) -> bytes:
    corrected = site.local(story.updated_at) if story.updated_at > story.published_at else None
    rows = [{"name": a.source_name, "url": web_link(a.url), "title": a.title, "local_time": site.local(a.published_at),
             "rule": a.rule or "首次出现"} for a in appearances]
    body = Markup(sanitize_html(story.content_html or story.summary, story.url))
    return _render("story.html", site, [_alternate(site, "all", site.title, "atom")],
                   story=_cards(site, [story])[0], appearances=rows, body=body,
                   explanation="\n".join(explanation), corrected=corrected)


def render_search_page(site: Site, form: dict[str, str], stories: list[StoryEntry] | None,
                       links: dict[str, str], sources: list[dict[str, str]], regions: list[str],
                       previous: str | None, following: str | None) -> bytes:
    alternates = [{"type": FEED_TYPES[ext], "title": f"搜索 {form.get('q', '')} ({ext})", "href": href}
                  for ext, href in links.items()] if stories is not None else []
    return _render("search.html", site, alternates, form=form, searched=stories is not None,
                   stories=_cards(site, stories or []), links=links, sources=sources, regions=regions,
                   previous=previous, following=following)


def render_regions_page(site: Site, tree: list[Any], feeds: dict[str, str]) -> bytes:
    """Every place with stories, nested province -> prefecture -> county -> zone, with feeds."""
    return _render("regions.html", site, [{"type": "text/x-opml", "title": "地区订阅 OPML", "href": feeds["opml"]}],
                   tree=tree, feeds=feeds)


def web_link(url: str) -> str:
    """Only http(s) URLs become links on our origin; anything else (javascript:, data:) is dropped."""
    return url if is_web_url(url) else "#"


def _render(template: str, site: Site, alternates: list[dict[str, str]], **values: Any) -> bytes:
    page = ENV.get_template(template).render(site_title=site.title, root=site.root,
                                             tz_label=site.tz_label, alternates=alternates, **values)
    return page.encode("utf-8")


def _alternate(site: Site, feed_id: str, title: str, extension: str) -> dict[str, str]:
    return {"type": FEED_TYPES[extension], "title": title,
            "href": f"{site.root}/{feed_path(feed_id, extension)}"}


def _cards(site: Site, entries: list[StoryEntry]) -> list[dict[str, Any]]:
    """What a story list shows of each story: the places it is about (else the regions of the
    source it was found on), its topics, then its source's and feed's tags."""
    cards = []
    for e in entries:
        cards.append({
            "title": e.title, "url": web_link(e.url), "page": story_path(e.guid),
            "publisher": e.publisher or e.source_name,
            "regions": [p.name for p in e.places] or list(e.regions),
            "topics": list(dict.fromkeys((*e.topics, *(c for c in e.categories if c not in e.regions)))),
            "iso": e.published_at.isoformat(), "local_time": site.local(e.published_at),
            "also_at": [{"name": a.source_name, "url": web_link(a.url)} for a in e.also_at],
        })
    return cards
