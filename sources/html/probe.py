"""`zonefeed probe URL`: how a user adds a site. Fetch one page; when it is an RSS/Atom feed say
so and show its items, else show what list detection finds; print a [[sources]] block to paste
into config.toml either way."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from lxml import etree

from model.raw import RawItem
from sources.decode import decode_document
from sources.feed import defuse, parse_feed
from sources.fetch import Fetcher
from sources.html.detect import Detection, detect_list
from sources.html.dom import element_text, expand_datastores, parse_html
from sources.html.lists import prepare_list_tree
from sources.html.paging import next_page_url
from text.cleaning import squash

SHOWN_ITEMS = 15
# The root element of a feed, after the prolog (declaration, comments, processing instructions, doctype).
_FEED_ROOT = re.compile(r"(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<(?:\w+:)?(rss|feed|RDF)\b", re.S | re.I)
_FEED_KINDS = {"rss": "RSS", "feed": "Atom", "rdf": "RSS 1.0/RDF"}
# Path words that name no column: pages every CMS has, feed file names, numbering.
_GENERIC_SEGMENTS = frozenset({"index", "default", "list", "lists", "main", "home", "rss", "atom", "feed",
                               "feeds", "xml", "html", "cn", "col", "channel", "node", "article"})


@dataclass(frozen=True)
class ProbeReport:
    url: str
    final_url: str
    encoding: str
    page_title: str
    datastore_records: int
    next_page: str | None
    detection: Detection | None

    def render(self) -> str:
        lines = [f"page      {self.final_url}", f"encoding  {self.encoding}", f"title     {self.page_title or '-'}"]
        if self.datastore_records:
            lines.append(f"preset    Hanweb/JCMS datastore ({self.datastore_records} records in <script type=text/xml>)")
        lines.append(f"next page {self.next_page or '-'}")
        if not self.detection:
            lines += ["", "no news list detected: set [sources.list] item/link/title/date selectors by hand"]
            return "\n".join(lines)
        found = self.detection
        lines += ["", f"list      {found.selector}",
                  f"items     {len(found.entries)} ({found.dated} with a date)", ""]
        for entry in found.entries[:SHOWN_ITEMS]:
            lines.append(f"  {entry.date_text or '-':<18} {entry.title}")
            lines.append(f"  {'':<18} {entry.url}")
        if len(found.entries) > SHOWN_ITEMS:
            lines.append(f"  … {len(found.entries) - SHOWN_ITEMS} more")
        lines += ["", "# paste into config.toml:", self.snippet()]
        return "\n".join(lines)

    def snippet(self) -> str:
        name = re.split(r"\s*[_|｜\-—–]\s*", self.page_title)[-1] if self.page_title else ""
        lines = source_block(self.final_url, name, "html") + ["pages = 1"]
        if self.detection:
            lines += ["", "[sources.list]", f"item = {_toml(self.detection.selector)}"]
        return "\n".join(lines)


@dataclass(frozen=True)
class FeedReport:
    """A probed URL that turned out to be an RSS/Atom feed: no detection needed, kind = "feed"."""

    final_url: str
    feed_kind: str
    title: str
    items: tuple[RawItem, ...]

    def render(self) -> str:
        lines = [f"page      {self.final_url}",
                 f'this is an RSS/Atom feed ({self.feed_kind}): use kind = "feed"',
                 f"title     {self.title or '-'}", f"items     {len(self.items)}", ""]
        for item in self.items[:SHOWN_ITEMS]:
            lines.append(f"  {item.published or item.updated or '-':<32} {item.title}")
            lines.append(f"  {'':<32} {item.url}")
        if len(self.items) > SHOWN_ITEMS:
            lines.append(f"  … {len(self.items) - SHOWN_ITEMS} more")
        lines += ["", "# paste into config.toml:", "\n".join(source_block(self.final_url, self.title, "feed"))]
        return "\n".join(lines)


def source_block(url: str, name: str, kind: str) -> list[str]:
    """The [[sources]] lines a probe suggests; region and tags are for the user to fill."""
    source_id = suggest_id(url, name)
    return ["[[sources]]", f"id = {_toml(source_id)}", f"name = {_toml(name or source_id)}",
            f"kind = {_toml(kind)}", f"url = {_toml(url)}", "region = []", "tags = []"]


def suggest_id(url: str, name: str = "") -> str:
    """An id that says which column this is: the site's name when it is written in Latin letters,
    else the site's own label in its host (`yunyang` of www.yunyang.gov.cn) joined with the
    path's last meaningful segment (`zwdt` of /zwgk_254/zwdt/index.html). Never the bare host,
    which every column of one site shares."""
    from_name = _slug(name) if name.isascii() else ""
    if from_name:
        return from_name
    parts = urlsplit(url)
    labels = [label for label in (parts.hostname or "").split(".")
              if label not in {"www", "m", "gov", "com", "org", "net", "edu", "cn"} and not label.isdigit()]
    segments = [_slug(re.sub(r"(_\d+)+$", "", re.sub(r"\.\w+$", "", unquote(segment))))
                for segment in parts.path.split("/")]
    segments = [s for s in segments if s and not s.isdigit() and s.lower() not in _GENERIC_SEGMENTS]
    words = labels[:1] + segments[-1:]
    return "-".join(words) or "site"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.]+", "-", text).strip("-.").lower()


def probe_page(url: str, fetcher: Fetcher, encoding: str | None = None) -> ProbeReport | FeedReport:
    """Raise FetchError when the page cannot be fetched (or is a feed that cannot be read)."""
    result = fetcher.get(url, truncate=True)
    text, used = decode_document(result.body, result.content_type, encoding)
    feed_root = _FEED_ROOT.match(text[:4096].lstrip("\ufeff"))
    if feed_root:
        items = parse_feed("probe", result.body, result.content_type, result.url, encoding)
        return FeedReport(result.url, _FEED_KINDS[feed_root.group(1).lower()], _feed_title(text), tuple(items))
    tree = parse_html(text)
    title = tree.find(".//title")
    following = next_page_url(result.url, tree)
    records = expand_datastores(tree)
    prepare_list_tree(tree)
    return ProbeReport(
        url=url,
        final_url=result.url,
        encoding=used,
        page_title=element_text(title) if title is not None else "",
        datastore_records=records,
        next_page=following,
        detection=detect_list(tree, result.url),
    )


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _feed_title(text: str) -> str:
    """The channel's (RSS) or feed's (Atom) own title; entities are not expanded."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    declaration_free = re.sub(r"^\s*<\?xml[^>]*\?>", "", defuse(text.lstrip("\ufeff")))
    root = etree.fromstring(declaration_free.encode("utf-8"), parser)
    channel = _child(root, "channel") if root is not None else None
    title = _child(channel if channel is not None else root, "title") if root is not None else None
    return squash("".join(title.itertext())) if title is not None else ""


def _child(element: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in element if isinstance(c.tag, str) and etree.QName(c).localname == name), None)
