"""The output formats: one registry that the build, the filtered views, the search feeds, the
server's content types and the pages all read. Adding a format is one `register` call plus its
renderer; the built-ins register themselves here the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from feeds.atom import render_atom
from feeds.jsonfeed import render_json
from feeds.pages import render_feed_page
from feeds.render import FeedMeta, render_rss
from model.stories import StoryEntry

Renderer = Callable[[FeedMeta, list[StoryEntry]], bytes]


@dataclass(frozen=True)
class OutputFormat:
    extension: str
    render: Renderer
    content_type: str
    label: str
    # A document feed readers subscribe to (a WebSub topic, a subscribe link), not a page.
    is_feed: bool = True


FORMATS: dict[str, OutputFormat] = {}


def register(output: OutputFormat) -> None:
    FORMATS[output.extension] = output


def feed_formats() -> list[OutputFormat]:
    """The formats readers subscribe to, in registration order."""
    return [f for f in FORMATS.values() if f.is_feed]


register(OutputFormat("rss", render_rss, "application/rss+xml; charset=utf-8", "RSS"))
register(OutputFormat("atom", render_atom, "application/atom+xml; charset=utf-8", "Atom"))
register(OutputFormat("json", render_json, "application/feed+json; charset=utf-8", "JSON"))
register(OutputFormat("html", render_feed_page, "text/html; charset=utf-8", "网页", is_feed=False))
