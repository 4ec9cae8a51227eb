"""The human front page: which feeds exist, how fresh they are, and how to subscribe."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from feeds.formats import FORMATS
from feeds.paths import feed_path

_ALL_FAILING = ('<p role="alert" style="border:2px solid #cf222e;padding:.5em 1em"><strong>Every source '
                'is failing</strong>: the last poll of each one ended in an error, so these feeds get no '
                'new stories. See <a href="status">source status</a> for the errors.</p>\n')


@dataclass(frozen=True)
class FeedListing:
    id: str
    title: str
    description: str
    entries: int
    updated: str


def render_index(title: str, feeds: list[FeedListing], region_counts: list[tuple[str, int]],
                 last_update: str, zone: str, all_failing: bool = False) -> bytes:
    """`last_update` and each listing's `updated` are already in `zone`, which the page names."""
    rows = "\n".join(
        f"<tr><td><strong>{escape(f.title)}</strong><br><small>{escape(f.description)}</small></td>"
        f"<td>{f.entries}</td><td>{escape(f.updated)}</td>"
        f"<td>{_links(f.id)}</td></tr>"
        for f in feeds
    )
    regions = "\n".join(f"<tr><td>{escape(name)}</td><td>{count}</td></tr>"
                        for name, count in region_counts)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{''.join(f'<link rel="alternate" type="application/atom+xml" title="{escape(f.title)}" href="{escape(feed_path(f.id, "atom"))}">' for f in feeds)}
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse;width:100%;margin-bottom:2em}}td,th{{border-bottom:1px solid #ddd;padding:.5em;text-align:left}}</style>
</head><body><h1>{escape(title)}</h1>
{_ALL_FAILING if all_failing else ""}<p>Subscribe to a feed in your reader, or import them all: <a href="opml.xml">OPML</a>.
Last update: {escape(last_update)}. Times are {escape(zone)}. <a href="status">Source status</a></p>
<p><small>Any feed URL takes <code>?limit=N</code>, <code>?q=keyword</code> and
<code>?region=name</code>.</small></p>
<table><thead><tr><th>Feed</th><th>Entries</th><th>Updated ({escape(zone)})</th><th>Subscribe</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<h2>Stories per region</h2>
<table><thead><tr><th>Region</th><th>Stories</th></tr></thead>
<tbody>
{regions}
</tbody></table></body></html>
"""
    return page.encode("utf-8")


def _links(feed_id: str) -> str:
    """One link per registered format (the feed's page first, as registered), so a new format
    shows up here without touching this page."""
    return " · ".join(f'<a href="{escape(feed_path(feed_id, f.extension))}">{escape(f.label)}</a>'
                      for f in FORMATS.values())
