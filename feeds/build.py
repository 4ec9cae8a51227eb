"""Render the configured feeds from committed state into the static export, redoing only what
changed since the last render.

The store logs every story a collect changes; the export remembers (render_state) which
change it shows and the config it was made with. A render then reads the stories changed
since, and renders the current documents of the feeds that hold them, archive pages that
filled up, and the archive pages that hold a changed story; every other file stays as it is.
A config change (titles, base URL, filters) or a missing export renders everything, one page
at a time, so memory never grows with the archive. A file is rewritten only when its bytes
change.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from feeds.archive import archive_page, current_document, feed_key, plan_pages
from feeds.formats import FORMATS, feed_formats
from feeds.index import FeedListing, render_index
from feeds.opml import OpmlFeed, render_opml
from feeds.paths import feed_path
from feeds.publish import publish
from feeds.render import FeedMeta, newest_update, render_atom
from feeds.render_state import FeedShown, RenderState
from feeds.select import feed_query, sources_in_region
from feeds.tally import Tally, update_tally
from feeds.websub import ping_hub
from settings.model import Config, FeedConfig
from store.base import Store
from store.render_tx import TRUNCATED
from store.times import shown_time
from store.tx import FeedQuery, SourceState

log = logging.getLogger("zonefeed.feeds")
# Bump when the output format changes, so an upgrade re-renders unchanged data.
RENDER_REVISION = "5"
STYLESHEET = Path(__file__).with_name("static") / "feed.xsl"
LOGGED_EXAMPLES = 3  # changed paths named in the render log line; the rest are counted


def feed_meta(config: Config, feed: FeedConfig) -> FeedMeta:
    return FeedMeta(
        feed.id, feed.title, feed.description, config.service.base_url,
        ZoneInfo(config.service.timezone), hub=config.service.websub_hub,
        sources={s.id: (s.name, s.url, s.kind) for s in config.sources},
        author=config.service.title,
    )


@dataclass
class RenderReport:
    """What one render did: every file it rendered, and those whose bytes changed."""

    full: bool = False
    rendered: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


class _Export:
    """Publishes files into the export one at a time and notes what it did."""

    def __init__(self, public: Path, report: RenderReport):
        self.public = public
        self.report = report

    def publish(self, relative: str, data: bytes) -> None:
        self.report.rendered.append(relative)
        if publish(self.public, relative, data):
            self.report.changed.append(relative)


def build_feeds(config: Config, store: Store) -> list[str]:
    """Bring the static export up to date; return the paths whose bytes changed."""
    return render_feeds(config, store).changed


def render_feeds(config: Config, store: Store) -> RenderReport:
    """Bring the static export up to date, redoing only what changed since the last render.

    One node renders at a time, so nodes sharing a static export never interleave writes."""
    with store.exclusive("render"):
        return _build(config, store)


def _build(config: Config, store: Store) -> RenderReport:
    public = config.service.data_dir / "public"
    state_path = config.service.data_dir / ".render-state"
    stamp = _stamp(config)
    state = RenderState.load(state_path)
    with store.read() as tx:  # the mark first: whatever commits later is shown next time
        mark, newest = tx.story_change_mark(), tx.newest_story_id()
        all_failing = every_source_failing(config, tx.source_states())
        full = (state is None or state.stamp != stamp or mark < state.mark
                or not (public / "index.html").exists())
        if state is not None and not full and mark == state.mark and state.all_failing == all_failing:
            return RenderReport()
        changed = None if state is None or full else tx.stories_changed_between(state.mark, mark)
        if changed is not None and TRUNCATED in changed:  # the log no longer reaches our mark
            full, changed = True, None
    report = RenderReport(full=full)
    export = _Export(public, report)
    shown = RenderState(stamp, mark, all_failing=all_failing)
    known = state if state is not None and changed is not None else RenderState(stamp, mark)
    for feed in config.feeds:
        before = known.feeds.get(feed.id)
        shown.feeds[feed.id] = _render_feed(config, store, feed, changed if before else None, before, newest,
                                            export)
    for region in dict.fromkeys(r for s in config.sources for r in s.region):
        tally = known.regions.get(region)
        shown.regions[region] = _count_region(config, store, region, changed if tally else None, tally, newest)
    _render_front(config, shown, export, all_failing)
    shown.save(state_path)
    if report.changed:
        log.info("event=render full=%d rendered=%d changed=%d examples=%s", int(full),
                 len(report.rendered), len(report.changed), ",".join(report.changed[:LOGGED_EXAMPLES]))
    if config.service.websub_hub:
        base = config.service.base_url.rstrip("/")
        documents = {feed_path(f.id, output.extension) for f in config.feeds for output in feed_formats()}
        topics = [f"{base}/{r}" for r in report.changed if r in documents]
        if topics:
            ping_hub(config.service.websub_hub, topics)
    return report


def _render_feed(config: Config, store: Store, feed: FeedConfig, changed: set[int] | None,
                 before: FeedShown | None, newest: int, export: _Export) -> FeedShown:
    """Render what changed in one feed (everything when `before` is None); return what it shows."""
    meta = feed_meta(config, feed)
    query = feed_query(feed, config.sources)
    plan = plan_pages(store, feed_key(feed.id, query), query, changed, before.tally if before else None, newest)
    for page in plan.redo:  # one page in memory at a time
        with store.read() as tx:
            document = archive_page(tx, meta, query, plan.cuts, page)
        export.publish(document.relative, render_atom(document.meta, document.entries))
    if before is not None and not plan.members and not plan.grew and plan.tally.stories == before.tally.stories:
        return FeedShown(before.updated, plan.tally)
    with store.read() as tx:
        current = current_document(tx, meta, query, plan.cuts)
    for output in FORMATS.values():
        export.publish(feed_path(feed.id, output.extension), output.render(current.meta, current.entries))
    updated = newest_update(current.entries).isoformat() if current.entries else None
    return FeedShown(updated, plan.tally)


def _count_region(config: Config, store: Store, region: str, changed: set[int] | None,
                  before: Tally | None, newest: int) -> Tally:
    """Stories per region for the index, counted again only where a change touched them."""
    query = FeedQuery(source_ids=sources_in_region(region, config.sources))
    with store.read() as tx:
        return update_tally(tx, query, before, changed, newest)[0]


def every_source_failing(config: Config, states: list[SourceState]) -> bool:
    """True when each enabled source was polled and its last poll failed: nothing new can come."""
    failed = {state.id for state in states if state.last_poll_failed}
    enabled = [source.id for source in config.sources if source.enabled]
    return bool(enabled) and all(source_id in failed for source_id in enabled)


def _render_front(config: Config, shown: RenderState, export: _Export, all_failing: bool) -> None:
    """The index page, the OPML list and the stylesheet (small; rewritten only when changed)."""
    tz = ZoneInfo(config.service.timezone)
    listings, newest = [], []
    for feed in config.feeds:
        feed_shown = shown.feeds[feed.id]
        updated = datetime.fromisoformat(feed_shown.updated) if feed_shown.updated else None
        newest.extend([updated] if updated else [])
        listings.append(FeedListing(feed.id, feed.title, feed.description, feed_shown.tally.stories,
                                    _local(updated, tz)))
    counts = [(region, tally.stories) for region, tally in shown.regions.items()]
    export.publish("feed.xsl", STYLESHEET.read_bytes())
    export.publish("index.html", render_index(config.service.title, listings, counts,
                                              _local(max(newest, default=None), tz), config.service.timezone,
                                              all_failing))
    base = config.service.base_url.rstrip("/")
    export.publish("opml.xml", render_opml(config.service.title, [
        OpmlFeed(f.title, f.description, f"{base}/feeds/{f.id}.atom", f"{base}/") for f in config.feeds]))


def _stamp(config: Config) -> str:
    """Everything rendering depends on besides the stories; a new stamp renders everything."""
    inputs = repr((RENDER_REVISION, config.service, config.feeds, config.sources))
    return hashlib.sha256(inputs.encode()).hexdigest()


def _local(moment: datetime | None, tz: tzinfo) -> str:
    return shown_time(moment, tz) if moment else "—"

